//! Where and how the transport connects: the one ureq agent builder (for
//! API calls and for media downloads), the proxy, the checks on base URLs,
//! the texts a client must never show, and how a failed connection names
//! its destination.

use secrecy::{ExposeSecret, SecretString};
use ureq::Agent;
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{Connector, DefaultConnector, Transport};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::redact::Secrets;

/// What an agent is for: its timeouts differ.
#[derive(Clone, Copy, Debug)]
pub(super) enum Purpose {
    /// API calls: each phase of an attempt bounded by the config's timeout.
    Api,
    /// Media downloads: the answer's head and each read of the body bounded
    /// (a stall, not the whole file: a large file may take far longer than
    /// one API call).
    Media,
}

/// The agent for `purpose`, with `config`'s proxy, user agent and timeouts.
/// Redirects are never followed by the agent: an API redirect would take
/// the credential (or drop it) somewhere the caller did not choose, and the
/// media client checks every hop itself. Non-2xx answers are answers, not
/// errors: they carry the provider's message and `Retry-After`.
pub(super) fn agent(config: &Config, purpose: Purpose) -> Result<Agent> {
    let builder = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(proxy(config)?)
        .user_agent(config.user_agent.as_str())
        .timeout_connect(Some(config.connect_timeout))
        .timeout_recv_response(Some(config.timeout));
    let builder = match purpose {
        // Each phase is bounded, not the attempt as a whole: ureq's global
        // timeout changes the socket's timeouts before every read and
        // write, which made a call on a kept-alive connection 1.4–1.6×
        // slower (benches/overhead.rs measures both).
        Purpose::Api => builder
            .timeout_send_request(Some(config.timeout))
            .timeout_recv_body(Some(config.timeout)),
        // One answer per connection: the encoding guard reads each
        // connection's first answer head, which a kept-alive connection
        // could hand to ureq without a fresh read.
        Purpose::Media => builder
            .timeout_per_read(Some(config.timeout))
            .max_idle_connections(0)
            .max_idle_connections_per_host(0),
    };
    let built = builder.build();
    Ok(match purpose {
        Purpose::Api => built.into(),
        Purpose::Media => Agent::with_parts(
            built,
            DefaultConnector::new().chain(EncodingGuard),
            DefaultResolver::default(),
        ),
    })
}

/// Why a media answer was refused before its body: it came encoded
/// (`Content-Encoding` other than `identity`) although `identity` was
/// asked for. Carried inside the transport's I/O error to the media client.
#[derive(Debug)]
pub(super) struct Encoded {
    /// The answer's status.
    pub status: u16,
    /// The `Content-Encoding` it carried, as sent (at most 40 characters).
    pub encoding: String,
}

impl std::fmt::Display for Encoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "answer encoded as {:?}", self.encoding)
    }
}

impl std::error::Error for Encoded {}

/// Wraps each media connection so an encoded answer is refused at its head.
///
/// Media is saved exactly as the host sends it, so `Range` offsets, lengths
/// and `If-Range` all speak of the same bytes. ureq (built with `gzip` for
/// the API) decodes a gzip body on its own and then hides both
/// `Content-Encoding` and `Content-Length`, so the media client could not
/// tell afterwards; the guard reads the head before ureq does.
#[derive(Debug)]
struct EncodingGuard;

impl ureq::unversioned::transport::Connector<Box<dyn Transport>> for EncodingGuard {
    type Out = Guarded;

    fn connect(
        &self,
        _details: &ureq::unversioned::transport::ConnectionDetails,
        chained: Option<Box<dyn Transport>>,
    ) -> std::result::Result<Option<Guarded>, ureq::Error> {
        Ok(chained.map(|inner| Guarded {
            inner,
            head_pending: false,
        }))
    }
}

/// A media connection whose answer heads are read for `Content-Encoding`.
#[derive(Debug)]
struct Guarded {
    inner: Box<dyn Transport>,
    /// A request went out and its answer's head has not been read yet.
    head_pending: bool,
}

impl Transport for Guarded {
    fn buffers(&mut self) -> &mut dyn ureq::unversioned::transport::Buffers {
        self.inner.buffers()
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        self.head_pending = true;
        self.inner.transmit_output(amount, timeout)
    }

    fn await_input(
        &mut self,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> std::result::Result<bool, ureq::Error> {
        let more = self.inner.await_input(timeout)?;
        if self.head_pending {
            match answer_head(self.inner.buffers().input()) {
                Head::Incomplete => {}
                Head::Interim => {
                    // A 1xx answer: the real head follows it.
                }
                Head::Final { status, encoding } => {
                    self.head_pending = false;
                    if let Some(encoding) = encoding {
                        return Err(ureq::Error::Io(std::io::Error::other(Encoded {
                            status,
                            encoding,
                        })));
                    }
                }
            }
        }
        Ok(more)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

/// What the start of a connection's input says of the answer's head.
#[derive(Debug, PartialEq, Eq)]
enum Head {
    /// Not all of it has arrived.
    Incomplete,
    /// A whole 1xx head (its real answer follows).
    Interim,
    /// A whole final head, with its `Content-Encoding` when that is not
    /// `identity`.
    Final {
        status: u16,
        encoding: Option<String>,
    },
}

fn answer_head(input: &[u8]) -> Head {
    let Some(end) = input.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Head::Incomplete;
    };
    let text = String::from_utf8_lossy(&input[..end]);
    let mut lines = text.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse::<u16>().ok())
        .unwrap_or(0);
    if (100..200).contains(&status) {
        return Head::Interim;
    }
    let encoding = lines
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("content-encoding"))
        .map(|(_, value)| value.trim())
        .find(|value| !value.is_empty() && !value.eq_ignore_ascii_case("identity"))
        .map(|value| value.chars().take(40).collect());
    Head::Final { status, encoding }
}

/// The agent's proxy, from the config; an unusable proxy URL is an error
/// that does not quote it.
fn proxy(config: &Config) -> Result<Option<ureq::Proxy>> {
    match &config.proxy {
        Some(url) => check_proxy(url.expose())
            .and_then(|()| ureq::Proxy::new(url.expose()).map_err(|e| e.to_string()))
            .map(Some)
            .map_err(|e| {
                let why = format!(
                    "{e} (expected http://, https://, socks4://, socks4a://, socks5:// or socks5h://, then host:port)"
                );
                hidden(None, config).error(Error::invalid("proxy", why))
            }),
        None => Ok(None),
    }
}

/// What ureq accepts but no connection can use: an empty host, a port of
/// 0, above 65535, negative or not a number. Refused before any request,
/// so a mistyped proxy is a usage error, not a network failure after
/// retries. The reason never quotes the URL (it may hold a password).
fn check_proxy(url: &str) -> std::result::Result<(), String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
        match bracketed.split_once(']') {
            Some((host, rest)) => (host, rest.strip_prefix(':')),
            None => return Err("an IPv6 host without its closing ]".to_owned()),
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return Err("the proxy URL has no host".to_owned());
    }
    match port {
        None => Ok(()),
        Some(port) => match port.parse::<u16>() {
            Ok(0) => Err("port 0 is not a port a proxy listens on".to_owned()),
            Ok(_) => Ok(()),
            Err(_) => Err(format!(
                "the port must be a number from 1 to 65535 (got {:?})",
                port.chars().take(12).collect::<String>()
            )),
        },
    }
}

/// Texts that must never appear in an error: the proxy's URL with a user
/// name and password, those credentials alone, and `credential` when given.
/// A proxy URL without credentials may appear (errors say where they went).
pub(super) fn hidden(credential: Option<&SecretString>, config: &Config) -> Secrets {
    let credential = credential.map(|c| c.expose_secret().to_owned());
    let proxy = config.proxy.iter().flat_map(|proxy| proxy.secrets());
    Secrets::new(credential.into_iter().chain(proxy))
}

/// Texts a drift example must never show: the credential, the proxy URL
/// (with or without user information: a server echoing it tells where the
/// client sits) and the proxy's credentials.
pub(super) fn drift_secrets(credential: &SecretString, config: &Config) -> Vec<String> {
    let mut texts = vec![credential.expose_secret().to_owned()];
    if let Some(proxy) = &config.proxy {
        texts.push(proxy.expose().to_owned());
        texts.extend(proxy.secrets());
    }
    texts
}

/// Where a connection to `base_url` goes, as a transport failure says it:
/// `connecting to host:port`, and `through the proxy <url>` (its user name
/// and password redacted) when one is set.
pub(super) fn place(base_url: &str, config: &Config) -> String {
    let host = host_and_port(base_url).unwrap_or_else(|| base_url.to_owned());
    match &config.proxy {
        Some(proxy) => format!(
            "connecting to {host} through the proxy {}",
            proxy.redacted()
        ),
        None => format!("connecting to {host}"),
    }
}

/// `host:port` of a URL, with the scheme's default port when none is written.
fn host_and_port(url: &str) -> Option<String> {
    let host = crate::redact::host(url)?;
    let has_port = host
        .rsplit_once(':')
        .is_some_and(|(_, port)| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()));
    if has_port {
        return Some(host.to_owned());
    }
    let scheme = url.split_once("://").map_or("", |(scheme, _)| scheme);
    let port = if scheme.eq_ignore_ascii_case("http") {
        80
    } else {
        443
    };
    Some(format!("{host}:{port}"))
}

pub(super) fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Validates a base URL: `https://`, or `http://` on loopback (or when the
/// caller opted in). Returns it without a trailing slash.
pub(super) fn check_base_url(url: &str, allow_http: bool) -> Result<String> {
    let invalid = |reason: &str| Error::invalid("base URL", format!("{url:?}: {reason}"));
    let uri: ureq::http::Uri = url.parse().map_err(|_| invalid("not a URL"))?;
    let host = uri.host().ok_or_else(|| invalid("has no host"))?;
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if allow_http || is_loopback_host(host) => {}
        Some("http") => {
            return Err(invalid(
                "plain http would send the credential unencrypted; use https, a loopback host, or Config::allow_http",
            ));
        }
        _ => return Err(invalid("scheme must be https or http")),
    }
    if uri.query().is_some() {
        return Err(invalid("must not have a query"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Endpoint, Provider};

    #[test]
    fn answer_heads_are_read_for_their_encoding() {
        assert_eq!(
            answer_head(b"HTTP/1.1 200 OK\r\nContent-Le"),
            Head::Incomplete
        );
        assert_eq!(
            answer_head(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"),
            Head::Interim
        );
        let plain = b"HTTP/1.1 206 Partial\r\nContent-Encoding: identity\r\n\r\nbody";
        assert_eq!(
            answer_head(plain),
            Head::Final {
                status: 206,
                encoding: None
            }
        );
        let zipped = b"HTTP/1.1 200 OK\r\ncontent-encoding:  GZIP \r\n\r\n\x1f\x8b";
        assert_eq!(
            answer_head(zipped),
            Head::Final {
                status: 200,
                encoding: Some("GZIP".into())
            }
        );
    }

    #[test]
    fn proxies_need_a_host_and_a_real_port() {
        for good in [
            "http://proxy:3128",
            "socks5://u:p@proxy:1080",
            "socks5h://proxy",
            "http://[::1]:8080",
            "proxy.lan:3128",
        ] {
            assert_eq!(check_proxy(good), Ok(()), "{good}");
        }
        for bad in [
            "socks5://:0",
            "socks5://u:p@:1080",
            "http://proxy:65536",
            "http://proxy:-1",
            "http://proxy:0",
            "http://proxy:",
            "http://[::1",
            "http://u:secret@proxy:99999",
        ] {
            let why = check_proxy(bad).unwrap_err();
            assert!(!why.contains("secret"), "{why}");
        }
    }

    #[test]
    fn base_urls_must_be_https_or_loopback() {
        assert!(check_base_url("https://api.example.com/", false).is_ok());
        assert!(check_base_url("http://127.0.0.1:9/api", false).is_ok());
        assert!(check_base_url("http://localhost:9", false).is_ok());
        assert!(check_base_url("http://[::1]:9", false).is_ok());
        assert!(check_base_url("http://api.example.com", false).is_err());
        assert!(check_base_url("http://api.example.com", true).is_ok());
        assert!(check_base_url("ftp://x", true).is_err());
        assert!(check_base_url("not a url", true).is_err());
    }

    #[test]
    fn transport_failures_name_host_and_proxy() {
        let endpoint = Endpoint::new(Provider::HourOne, "list videos");
        let refused = || Error::Transport {
            endpoint,
            message: "Connection refused".into(),
            connect: true,
        };
        let plain = Config::new();
        let shown = refused()
            .located(&place("https://api.makereals.com/api/v1", &plain))
            .to_string();
        assert!(
            shown.ends_with("Connection refused (connecting to api.makereals.com:443)"),
            "{shown}"
        );
        let proxied = Config::new().proxy("http://u:secret@proxy.lan:3128");
        let shown = refused()
            .located(&place("http://127.0.0.1:9", &proxied))
            .to_string();
        assert!(
            shown.contains(
                "connecting to 127.0.0.1:9 through the proxy http://[redacted]@proxy.lan:3128"
            ),
            "{shown}"
        );
        assert!(!shown.contains("secret"), "{shown}");
        let other = Error::invalid("x", "y");
        assert_eq!(other.clone().located(&place("https://h", &plain)), other);
        assert_eq!(host_and_port("http://u@h"), Some("h:80".into()));
    }
}
