//! Scripted misbehaviour, and how it is put on the wire.

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use super::http::Answer;

/// How the emulator should misbehave for one answer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status, headers and body instead of the real answer.
    Respond {
        /// HTTP status.
        status: u16,
        /// Extra headers (`Content-Type` among them, if wanted).
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// Wait this long, then give the real answer.
    Delay(Duration),
    /// Write exactly these bytes as the raw HTTP answer, then close the
    /// connection: for lying `Content-Length`, cut-off bodies, broken HTTP.
    Raw(Vec<u8>),
    /// Write these raw bytes one at a time with a pause between them, then close.
    Trickle {
        /// The raw HTTP answer.
        bytes: Vec<u8>,
        /// The pause between bytes.
        pause: Duration,
    },
    /// Read the request, hold the connection open this long without a
    /// single byte of answer, then close it.
    Silence(Duration),
    /// Close the connection without answering.
    Hangup,
}

impl Fault {
    /// A JSON answer with this status and body.
    pub fn json(status: u16, body: &str) -> Fault {
        Fault::Respond {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// HTTP 429 in useapi.net's error shape, with `Retry-After` when given
    /// (seconds, or an HTTP date).
    pub fn rate_limited(retry_after: Option<&str>) -> Fault {
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        if let Some(after) = retry_after {
            headers.push(("Retry-After".into(), after.into()));
        }
        Fault::Respond {
            status: 429,
            headers,
            body: br#"{"error":"Too many requests, retry later","code":429}"#.to_vec(),
        }
    }

    /// An HTML error page with this status, as a proxy in front of an API sends.
    pub fn html(status: u16) -> Fault {
        Fault::Respond {
            status,
            headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body: format!(
                "<!DOCTYPE html><html><head><title>{status} Error</title></head>\
                 <body><h1>{status}</h1><p>The upstream server misbehaved.</p></body></html>"
            )
            .into_bytes(),
        }
    }

    /// Waits `delay` before answering, to outlast a client's timeout.
    pub fn stall(delay: Duration) -> Fault {
        Fault::Delay(delay)
    }

    /// A 200 whose `Content-Length` promises more than is sent before the
    /// connection closes.
    pub fn truncated() -> Fault {
        Fault::Raw(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\
              Connection: close\r\n\r\n[{\"id\":\"video_id_#1\",\"desc\":\"cut"
                .to_vec(),
        )
    }

    /// A 200 with a valid JSON array body of about `bytes` bytes.
    pub fn oversized(bytes: usize) -> Fault {
        let items = bytes.max(4) / 3;
        let mut body = Vec::with_capacity(items * 3 + 2);
        body.push(b'[');
        for i in 0..items {
            body.extend_from_slice(if i + 1 == items { b"{}" } else { b"{}," });
        }
        body.push(b']');
        Fault::Respond {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body,
        }
    }

    /// A 302 to `location`.
    pub fn redirect(location: &str) -> Fault {
        Fault::Respond {
            status: 302,
            headers: vec![("Location".into(), location.into())],
            body: Vec::new(),
        }
    }
}

/// What happens after a fault has acted.
pub(crate) enum Outcome {
    /// It answered; the connection stays usable.
    Answered,
    /// It left the connection unusable; close it.
    Close,
    /// Give the real answer now.
    Answer,
}

/// Acts out `fault` on the connection of the request it replaces.
pub(crate) fn act(fault: Fault, stream: &mut TcpStream) -> Outcome {
    match fault {
        Fault::Respond {
            status,
            headers,
            body,
        } => {
            let answer = Answer {
                status,
                headers,
                body,
            };
            match answer.write_to(stream, false) {
                Ok(()) => Outcome::Answered,
                Err(_) => Outcome::Close,
            }
        }
        Fault::Delay(delay) => {
            std::thread::sleep(delay);
            Outcome::Answer
        }
        Fault::Raw(bytes) => {
            let _ = stream.write_all(&bytes).and_then(|_| stream.flush());
            Outcome::Close
        }
        Fault::Trickle { bytes, pause } => {
            for byte in bytes {
                if stream
                    .write_all(&[byte])
                    .and_then(|_| stream.flush())
                    .is_err()
                {
                    break;
                }
                std::thread::sleep(pause);
            }
            Outcome::Close
        }
        Fault::Silence(duration) => {
            std::thread::sleep(duration);
            Outcome::Close
        }
        Fault::Hangup => Outcome::Close,
    }
}
