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
//!
//! It is also the crate's one place for the other redaction rules: the
//! texts a client must never show (its credential, its proxy's user name
//! and password), the `user:password@` of any URL inside a text, the field
//! names whose values a drift example never quotes, and request paths as
//! log events show them.
//!
//! ```
//! assert_eq!(
//!     vidapi::redact::url("https://u:p@cdn.example.com/v/1.mp4?X-Amz-Signature=abc&w=720"),
//!     "https://[redacted]@cdn.example.com/v/1.mp4?X-Amz-Signature=[redacted]&w=720"
//! );
//! ```

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::{ExposeSecret, SecretString};

use crate::error::Error;

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

/// A media URL as vidapi shows and stores it (a download's result, its
/// errors, its sidecar): [`url`]'s scheme, host, port and path, with the
/// whole query and the fragment replaced by `[redacted]`. A media host's
/// query is where signed URLs carry their credentials, under any name (an
/// `x`, an Akamai `hdnts=…~hmac=…`, the key itself as a name), so none of
/// it is kept; the path is what identifies the file.
///
/// ```
/// assert_eq!(
///     vidapi::redact::media_url("https://u:p@cdn.example.com/v/1.mp4?x=KEY&hdnts=exp=1~hmac=ab#t"),
///     "https://[redacted]@cdn.example.com/v/1.mp4?[redacted]#[redacted]"
/// );
/// ```
pub fn media_url(text: &str) -> String {
    let (before_fragment, fragment) = match text.split_once('#') {
        Some((before, _)) => (before, true),
        None => (text, false),
    };
    let (base, query) = match before_fragment.split_once('?') {
        Some((base, _)) => (base, true),
        None => (before_fragment, false),
    };
    let mut out = url(base);
    if query {
        out.push('?');
        out.push_str(REDACTED);
    }
    if fragment {
        out.push('#');
        out.push_str(REDACTED);
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

/// Characters left as they are in a query name or value or a path segment:
/// RFC 3986's unreserved set. Everything else, `+`, `&`, `/`, `?`, `#` and
/// `%` included, is percent-encoded, so a value can never change a URL's
/// structure. Requests are encoded with it, and their logged form too.
pub(crate) const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Texts that must never be shown (a credential, a proxy URL with its user
/// name and password, those alone), kept longest first so a URL goes whole
/// before its parts. Empty texts are ignored. Each is also looked for in
/// the forms a server or an example may echo it in: lower and upper case,
/// percent-encoded, and base64 (standard and URL-safe, at any alignment
/// inside a longer base64 text, as in `Basic dXNlcjpzZWNyZXQ=`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Secrets(Vec<SecretString>);

/// The shortest text looked for as a transformed form of a secret: shorter
/// ones would redact ordinary words.
const MIN_FORM: usize = 8;

/// `secret` and the forms it may be echoed in.
fn forms(secret: &str) -> Vec<String> {
    let mut out = vec![
        secret.to_owned(),
        secret.to_ascii_lowercase(),
        secret.to_ascii_uppercase(),
        utf8_percent_encode(secret, COMPONENT).to_string(),
    ];
    if secret.len() >= MIN_FORM {
        for alphabet in [BASE64, BASE64_URL] {
            out.push(base64(secret.as_bytes(), alphabet));
            for shift in 0..3 {
                let mut shifted = vec![0u8; shift];
                shifted.extend_from_slice(secret.as_bytes());
                let encoded = base64(&shifted, alphabet);
                // Only the characters made of the secret's bits alone.
                let first = (8 * shift).div_ceil(6);
                let last = (8 * (shift + secret.len())) / 6;
                if last > first + MIN_FORM {
                    out.push(encoded[first..last].to_owned());
                }
            }
        }
    }
    out.retain(|form| form == secret || form.len() >= MIN_FORM.min(secret.len()));
    out
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `bytes` in base64 with `alphabet`, padded.
fn base64(bytes: &[u8], alphabet: &[u8; 64]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Secrets {
    /// The secrets among `texts`, each with its echoed forms.
    pub(crate) fn new(texts: impl IntoIterator<Item = String>) -> Secrets {
        let mut texts: Vec<String> = texts
            .into_iter()
            .filter(|s| !s.is_empty())
            .flat_map(|s| forms(&s))
            .collect();
        texts.sort_by_key(|s| std::cmp::Reverse(s.len()));
        texts.dedup();
        Secrets(texts.into_iter().map(SecretString::from).collect())
    }

    /// Each secret, longest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(ExposeSecret::expose_secret)
    }

    /// `text` with every secret replaced by `[redacted]`.
    pub(crate) fn text(&self, text: &str) -> String {
        let mut clean = text.to_owned();
        for secret in self.iter() {
            if clean.contains(secret) {
                clean = clean.replace(secret, REDACTED);
            }
        }
        clean
    }

    /// `error` with every secret replaced by `[redacted]` in the texts it
    /// carries (in case a server or a proxy echoed one back).
    pub(crate) fn error(&self, error: Error) -> Error {
        self.iter().fold(error, Error::redact)
    }
}

/// The `user:password` part of a URL's authority, if it has one (a text
/// without `://` is read as an authority and what follows it).
pub(crate) fn userinfo(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    authority.rfind('@').map(|at| &authority[..at])
}

/// `text` with the `user:password@` (or `user@`) of every URL in it
/// replaced by `[redacted]@`: a proxy or media URL echoed by a server.
pub(crate) fn userinfo_in_text(text: &str) -> String {
    if !text.contains("://") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        // The authority ends where a path, query, fragment, quote or space
        // starts; a `@` inside it ends the user information.
        let end = tail
            .find(|c: char| {
                matches!(c, '/' | '?' | '#' | '"' | '\\' | '\'' | '<' | '>') || c.is_whitespace()
            })
            .unwrap_or(tail.len());
        match tail[..end].rfind('@') {
            Some(sign) => {
                out.push_str(REDACTED);
                out.push_str(&tail[sign..end]);
            }
            None => out.push_str(&tail[..end]),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Whether a JSON field called `key` holds a value never quoted in a drift
/// example. A rule of its own, not [`is_secret_param`]'s: a response body's
/// `code` or `key` fields are ordinary data, a URL's are not.
pub(crate) fn is_secret_field(key: &[u8]) -> bool {
    let key = String::from_utf8_lossy(key).to_ascii_lowercase();
    [
        "token",
        "secret",
        "password",
        "passwd",
        "apikey",
        "api_key",
        "api-key",
        "authorization",
        "credential",
        "cookie",
    ]
    .iter()
    .any(|word| key.contains(word))
}

/// A request's path as log events show it: query parameters by name, with
/// a value only when it is a plain number (`limit=40`, `offset=0`; an
/// email, account or id is `[redacted]`), and any path segment that holds
/// an `@` or a `:` replaced by `[redacted]`: useapi.net's composite video
/// ids (`user:…-minimax:<account>-video:…`, `user:…-pixverse:<email>-video:…`)
/// carry the account, which the query's `account` and `email` never show
/// either. Written only when an event is recorded.
pub(crate) struct LogPath<'a> {
    /// The path, encoded.
    pub path: &'a str,
    /// The query, not encoded.
    pub query: &'a [(String, String)],
}

impl std::fmt::Display for LogPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, segment) in self.path.split('/').enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
            f.write_str(if decoded.contains(['@', ':']) {
                REDACTED
            } else {
                segment
            })?;
        }
        for (i, (name, value)) in self.query.iter().enumerate() {
            f.write_str(if i == 0 { "?" } else { "&" })?;
            write!(f, "{}=", utf8_percent_encode(name, COMPONENT))?;
            if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                f.write_str(value)?;
            } else {
                f.write_str(REDACTED)?;
            }
        }
        Ok(())
    }
}

/// A media URL as log events show it: host and path, `@`-holding segments
/// redacted as [`LogPath`] does, and the query (where signed URLs carry
/// their tokens, under any name) as `?[redacted]` whole.
pub(crate) fn log_url(url: &str) -> String {
    let Ok(uri) = url.parse::<ureq::http::Uri>() else {
        return "[unparsable URL]".to_owned();
    };
    let path = LogPath {
        path: uri.path(),
        query: &[],
    };
    let query = if uri.query().is_some() {
        "?[redacted]"
    } else {
        ""
    };
    format!("{}{path}{query}", uri.host().unwrap_or_default())
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
    #[test]
    fn logged_paths_hide_personal_values() {
        let query = vec![
            ("email".to_owned(), "me+tag@example.com".to_owned()),
            ("limit".to_owned(), "40".to_owned()),
            ("lastVideoId".to_owned(), "video_id_#2".to_owned()),
            ("offset".to_owned(), String::new()),
        ];
        let shown = LogPath {
            path: "/v2/pixverse/videos/user%3A1-pixverse%3Ame%40example.com-video%3A7",
            query: &query,
        }
        .to_string();
        assert_eq!(
            shown,
            "/v2/pixverse/videos/[redacted]?email=[redacted]&limit=40\
             &lastVideoId=[redacted]&offset=[redacted]"
        );
        assert_eq!(
            log_url("https://cdn.example.com/a/b.mp4?sig=abc&exp=170&KEYASNAME"),
            "cdn.example.com/a/b.mp4?[redacted]"
        );
        assert_eq!(log_url("not a url"), "[unparsable URL]");
    }

    #[test]
    fn logged_paths_hide_composite_ids_whole() {
        let query = vec![("account".to_owned(), "acc".to_owned())];
        for path in [
            "/v1/minimax/videos/user%3A1234-minimax%3Aacc-video%3A7",
            "/v1/minimax/videos/user:1234-minimax:acc-video:7",
        ] {
            let shown = LogPath {
                path,
                query: &query,
            }
            .to_string();
            assert_eq!(shown, "/v1/minimax/videos/[redacted]?account=[redacted]");
        }
        // Ids without an account stay: Hour One's, memories.ai's.
        let plain = LogPath {
            path: "/videos/5f1c-22/metadata",
            query: &[],
        };
        assert_eq!(plain.to_string(), "/videos/5f1c-22/metadata");
        assert_eq!(
            log_url("https://cdn.example.com/v/user:1-minimax:acc-video:7.mp4"),
            "cdn.example.com/v/[redacted]"
        );
    }

    #[test]
    fn secrets_go_in_every_echoed_form() {
        let key = "Sk-AbCdEf0123456789";
        let secrets = Secrets::new([key.to_owned()]);
        assert_eq!(base64(b"user:secret", BASE64), "dXNlcjpzZWNyZXQ=");
        for shown in [
            key.to_owned(),
            key.to_ascii_lowercase(),
            key.to_ascii_uppercase(),
            format!("Basic {}", base64(format!("u:{key}").as_bytes(), BASE64)),
            format!(
                "Bearer {}",
                base64(format!("xy{key}z").as_bytes(), BASE64_URL)
            ),
            base64(format!("{key}!").as_bytes(), BASE64),
        ] {
            let clean = secrets.text(&shown);
            assert!(clean.contains(REDACTED), "{shown} -> {clean}");
            for form in forms(key) {
                assert!(!clean.contains(&form), "{shown} -> {clean}");
            }
        }
        assert_eq!(secrets.text("an ordinary sentence"), "an ordinary sentence");
    }

    #[test]
    fn secrets_go_longest_first() {
        let secrets = Secrets::new(["pw".into(), "http://u:pw@p:1".into(), String::new()]);
        assert_eq!(
            secrets.text("via http://u:pw@p:1 and pw"),
            "via [redacted] and [redacted]"
        );
        assert!(!format!("{secrets:?}").contains("pw"));
        assert_eq!(userinfo("socks5://u:p@h:1/x@y"), Some("u:p"));
        assert_eq!(userinfo("https://h/x@y"), None);
        assert_eq!(
            userinfo_in_text(r#"{"p":"http://u:p@h:1/x","m":"https://cdn/x@y"}"#),
            r#"{"p":"http://[redacted]@h:1/x","m":"https://cdn/x@y"}"#
        );
    }
}
