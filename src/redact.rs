//! URLs as vidapi prints and logs them: media URLs are often signed, and a
//! signature or token in a terminal, a log or a `--json` report is a
//! credential handed on.
//!
//! [`url`] keeps what identifies the file (scheme, host, port, path, and
//! query parameters that are not secret-like) and replaces the rest with
//! `[redacted]`: the userinfo (`user:pass@`), the value of every query
//! parameter whose name looks like a secret, and the fragment. Redaction
//! happens on the whole URL, before any text is shortened, so a cut can
//! never leave part of a secret showing.
//!
//! ```
//! assert_eq!(
//!     vidapi::redact::url("https://u:p@cdn.example.com/v/1.mp4?X-Amz-Signature=abc&w=720"),
//!     "https://[redacted]@cdn.example.com/v/1.mp4?X-Amz-Signature=[redacted]&w=720"
//! );
//! ```

/// What replaces a secret.
pub const REDACTED: &str = "[redacted]";

/// Query parameter names (compared without regard to case) whose values are
/// always redacted, beyond those matched by [`SECRET_PARTS`]: short names
/// used by CDNs and storage services for signatures and tokens.
const SECRET_NAMES: &[&str] = &["sig", "hmac", "jwt", "code", "policy"];

/// A query parameter whose name (compared without regard to case) contains
/// one of these has its value redacted: `signature`, `X-Amz-Signature`,
/// `token`, `access_token`, `key`, `Key-Pair-Id`, `auth`, `X-Goog-Credential`,
/// `X-Amz-Security-Token`, `secret`, `password`, `session`...
pub const SECRET_PARTS: &[&str] = &[
    "sign", "token", "key", "auth", "cred", "secret", "pass", "session",
];

/// Whether a query parameter called `name` carries a secret-like value.
pub fn is_secret_param(name: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
    let lower = decoded.trim().to_ascii_lowercase();
    SECRET_NAMES.contains(&lower.as_str()) || SECRET_PARTS.iter().any(|part| lower.contains(part))
}

/// `url` with its userinfo, the values of secret-like query parameters
/// ([`is_secret_param`]) and its fragment replaced by `[redacted]`; the
/// scheme, host, port and path stay. Text that is not a URL is returned
/// with the same treatment applied as far as it goes (a `?` starts the
/// query, a `#` the fragment).
pub fn url(url: &str) -> String {
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((before, _)) => (before, Some(REDACTED)),
        None => (url, None),
    };
    let (base, query) = match before_fragment.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (before_fragment, None),
    };
    let mut out = String::with_capacity(url.len());
    match base.split_once("://") {
        Some((scheme, rest)) => {
            out.push_str(scheme);
            out.push_str("://");
            let end = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at(end);
            match authority.rsplit_once('@') {
                Some((_, host)) => {
                    out.push_str(REDACTED);
                    out.push('@');
                    out.push_str(host);
                }
                None => out.push_str(authority),
            }
            out.push_str(path);
        }
        None => out.push_str(base),
    }
    if let Some(query) = query {
        out.push('?');
        for (i, pair) in query.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match pair.split_once('=') {
                Some((name, value)) if !value.is_empty() && is_secret_param(name) => {
                    out.push_str(name);
                    out.push('=');
                    out.push_str(REDACTED);
                }
                _ => out.push_str(pair),
            }
        }
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// `host[:port]` of a URL, without its userinfo; `None` when it has none.
pub fn host(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_go_and_the_path_stays() {
        for (given, expect) in [
            (
                "https://cdn.example.com/a/b.mp4",
                "https://cdn.example.com/a/b.mp4",
            ),
            (
                "https://user:pa%40ss@cdn.example.com:8443/a.mp4",
                "https://[redacted]@cdn.example.com:8443/a.mp4",
            ),
            (
                "https://x.s3.amazonaws.com/v.mp4?X-Amz-Algorithm=AWS4&X-Amz-Credential=AK%2F1&X-Amz-Signature=ff&X-Amz-Security-Token=tt&X-Amz-Expires=60",
                "https://x.s3.amazonaws.com/v.mp4?X-Amz-Algorithm=AWS4&X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted]&X-Amz-Security-Token=[redacted]&X-Amz-Expires=60",
            ),
            (
                "https://d.cloudfront.net/v.mp4?Expires=1&Signature=a~b&Key-Pair-Id=K",
                "https://d.cloudfront.net/v.mp4?Expires=1&Signature=[redacted]&Key-Pair-Id=[redacted]",
            ),
            (
                "https://h/v.mp4?SIG=1&Token=2&apikey=3&auth=4&w=5&flag",
                "https://h/v.mp4?SIG=[redacted]&Token=[redacted]&apikey=[redacted]&auth=[redacted]&w=5&flag",
            ),
            (
                "https://h/v.mp4#access_token=x",
                "https://h/v.mp4#[redacted]",
            ),
        ] {
            assert_eq!(url(given), expect, "{given}");
        }
    }

    #[test]
    fn hosts_lose_their_userinfo() {
        assert_eq!(host("https://u:p@h.example:81/x?y"), Some("h.example:81"));
        assert_eq!(host("http://127.0.0.1:9/"), Some("127.0.0.1:9"));
        assert_eq!(host("nonsense"), None);
    }
}
