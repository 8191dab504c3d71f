//! Just enough HTTP/1.1 server for the emulator: requests are parsed with
//! httparse; answers are written by hand so that faults can put any bytes on
//! the wire and close the connection at any point.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// The most header bytes a request may have.
const MAX_HEAD: usize = 64 * 1024;
/// The largest request body accepted.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// A parsed request.
pub(crate) struct Incoming {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header names in lowercase.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Reads the next request; `Ok(None)` when the client closed the connection
/// between requests.
pub(crate) fn read_request(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Incoming>> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let n = reader.read_until(b'\n', &mut head)?;
        if n == 0 {
            return if head.is_empty() {
                Ok(None)
            } else {
                Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "request head cut off",
                ))
            };
        }
        if head.len() > MAX_HEAD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request head too large",
            ));
        }
        let line = &head[before..];
        if line == b"\r\n" || line == b"\n" {
            if before == 0 {
                // A stray blank line between requests is allowed; skip it.
                head.clear();
                continue;
            }
            break;
        }
    }

    let mut slots = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut slots);
    let status = parsed
        .parse(&head)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    if status.is_partial() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "incomplete request head",
        ));
    }
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map(|(_, v)| v.trim().parse::<usize>())
        .transpose()
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad Content-Length"))?
        .unwrap_or(0);
    if length > MAX_BODY {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "request body too large",
        ));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Some(Incoming {
        method: parsed.method.unwrap_or("").to_owned(),
        target: parsed.path.unwrap_or("").to_owned(),
        headers,
        body,
    }))
}

/// The status of [`Answer::hangup`]: no HTTP status is 0.
const HANGUP: u16 = 0;

/// A path segment, percent-decoded.
pub(crate) fn decoded(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

/// Left as they are in a media URL's path segment: RFC 3986's unreserved set.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A name as one path segment of a media URL.
pub(crate) fn media_segment(name: &str) -> String {
    utf8_percent_encode(name, UNRESERVED).to_string()
}

/// A complete answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(status: u16, value: &serde_json::Value) -> Answer {
        Answer::json_bytes(status, serde_json::to_vec(value).unwrap_or_default())
    }

    /// A JSON answer already serialised.
    pub fn json_bytes(status: u16, body: Vec<u8>) -> Answer {
        Answer {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body,
        }
    }

    /// No answer at all: writing it closes the connection without a byte,
    /// as a server that died after doing the work would.
    pub fn hangup() -> Answer {
        Answer {
            status: HANGUP,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Writes the answer with a correct `Content-Length`; a
    /// [`hangup`](Self::hangup) writes nothing and fails, so the connection
    /// is closed.
    pub fn write_to(&self, stream: &mut impl Write, close: bool) -> io::Result<()> {
        if self.status == HANGUP {
            return Err(io::Error::new(io::ErrorKind::ConnectionAborted, "hung up"));
        }
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        if close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        stream.write_all(&self.body)?;
        stream.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        206 => "Partial Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        416 => "Range Not Satisfiable",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
