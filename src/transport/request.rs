//! The request description: what an endpoint method says about its call
//! (method, path, query, headers, body, whether it is retried), and the
//! checks on the caller's values that go into it.

use percent_encoding::utf8_percent_encode;
use serde::Serialize;

use crate::error::{Endpoint, Error, Result};
use crate::redact::COMPONENT;

/// An HTTP method a request is sent with. Every provider endpoint so far
/// is a GET or a POST; the others are here so that an endpoint documented
/// with one is a declaration, not a transport change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)]
pub(crate) enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// The method as sent and logged (`GET`).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether a request of this method carries a body (`{}` when the
    /// endpoint gives none).
    pub(crate) fn has_body(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }
}

/// One call, as an endpoint method describes it.
pub(crate) struct Request {
    pub(super) endpoint: Endpoint,
    pub(super) method: Method,
    pub(super) path: String,
    pub(super) query: Vec<(String, String)>,
    pub(super) headers: Vec<(&'static str, String)>,
    pub(super) body: Option<Vec<u8>>,
    /// The body's type when it is not JSON (a raw file upload).
    pub(super) content_type: Option<&'static str>,
    pub(super) retried: bool,
}

impl Request {
    /// A request of `path` (already encoded; see [`segment`]) with
    /// `method`. Only a GET is retried by default ([`Request::retried`]).
    pub fn new(method: Method, endpoint: Endpoint, path: impl Into<String>) -> Self {
        Request {
            endpoint,
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            content_type: None,
            retried: method == Method::Get,
        }
    }

    /// A GET of `path`. Retried by default.
    pub fn get(endpoint: Endpoint, path: impl Into<String>) -> Self {
        Request::new(Method::Get, endpoint, path)
    }

    /// A POST of `path`. Not retried unless [`Request::retried`] says so.
    pub fn post(endpoint: Endpoint, path: impl Into<String>) -> Self {
        Request::new(Method::Post, endpoint, path)
    }

    /// Adds the members of a generated query type as query parameters, in
    /// name order, leaving out absent ones.
    pub fn query(mut self, query: &impl Serialize) -> Result<Self> {
        let value = serde_json::to_value(query)
            .map_err(|e| Error::invalid("query", format!("cannot serialize: {e}")))?;
        let serde_json::Value::Object(members) = value else {
            return Err(Error::invalid("query", "not an object"));
        };
        // Sorted here, not by the map: with serde_json's `preserve_order`
        // (the schema tools turn it on) a map keeps field order instead, and
        // a request must not depend on which features are enabled.
        let mut members: Vec<_> = members.into_iter().collect();
        members.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, value) in members {
            let text = match value {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            self.query.push((name, text));
        }
        Ok(self)
    }

    /// Sends `body` as the JSON request body.
    pub fn json(mut self, body: &impl Serialize) -> Result<Self> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::invalid("request body", format!("cannot serialize: {e}")))?;
        self.body = Some(bytes);
        Ok(self)
    }

    /// Sends `body` as is, as `content_type` (a file's raw bytes).
    pub fn bytes(mut self, body: Vec<u8>, content_type: &'static str) -> Self {
        self.body = Some(body);
        self.content_type = Some(content_type);
        self
    }

    /// Adds a header when `value` is given; a value that could split the
    /// request (CR, LF, NUL or other control characters) is refused.
    pub fn header(mut self, name: &'static str, value: Option<&str>) -> Result<Self> {
        if let Some(value) = value {
            check_header_value(name, value)?;
            self.headers.push((name, value.to_owned()));
        }
        Ok(self)
    }

    /// Whether failures worth retrying are retried: a POST that is really a
    /// read (memories.ai's list) opts in; a POST that creates never does.
    pub fn retried(mut self, retried: bool) -> Self {
        self.retried = retried;
        self
    }

    pub(super) fn url(&self, base: &str) -> String {
        let mut url = format!("{base}{}", self.path);
        for (i, (name, value)) in self.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.extend(utf8_percent_encode(name, COMPONENT));
            url.push('=');
            url.extend(utf8_percent_encode(value, COMPONENT));
        }
        url
    }
}

/// Encodes a caller's value (a video id) as one path segment. Empty or blank
/// values, `.` and `..`, and control characters are refused: no encoding
/// makes those mean what the caller meant.
pub(crate) fn segment(name: &'static str, value: &str) -> Result<String> {
    if value.trim().is_empty() {
        return Err(Error::invalid(name, "must not be empty"));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid(name, format!("{value:?} is not an id")));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(name, "contains a control character"));
    }
    Ok(utf8_percent_encode(value, COMPONENT).to_string())
}

/// Checks an optional text argument that goes into a query or body: it may
/// be absent, but not present and blank.
pub(crate) fn optional_text<'a>(
    name: &'static str,
    value: Option<&'a str>,
) -> Result<Option<&'a str>> {
    match value {
        Some(v) if v.trim().is_empty() => Err(Error::invalid(name, "must not be empty when given")),
        Some(v) if v.contains('\0') => Err(Error::invalid(name, "contains a NUL character")),
        other => Ok(other),
    }
}

/// Refuses a header value that could split the request (CR, LF, NUL or
/// other control characters; a tab is allowed). The message never quotes it.
pub(super) fn check_header_value(name: &'static str, value: &str) -> Result<()> {
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(Error::invalid(
            name,
            "contains a line break or control character and cannot be sent as a header",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_cannot_change_the_url() {
        let endpoint = Endpoint::new(crate::Provider::PixVerse, "list videos");
        let query = serde_json::json!({"email": "me+tag@example.com", "account": "a&b=c#d e/é"});
        let request = Request::get(endpoint, "/videos/").query(&query).unwrap();
        assert_eq!(
            request.url("https://h"),
            "https://h/videos/?account=a%26b%3Dc%23d%20e%2F%C3%A9&email=me%2Btag%40example.com"
        );
    }

    #[test]
    fn segments_are_encoded_or_refused() {
        assert_eq!(segment("id", "a/b?c#d%").unwrap(), "a%2Fb%3Fc%23d%25");
        assert_eq!(segment("id", "..x").unwrap(), "..x");
        for bad in ["", "  ", ".", "..", "a\nb", "a\0b"] {
            assert!(
                matches!(segment("id", bad), Err(Error::InvalidArgument { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn only_gets_are_retried_by_default_and_methods_say_if_they_carry_a_body() {
        let endpoint = Endpoint::new(crate::Provider::HourOne, "x");
        assert!(Request::get(endpoint, "/").retried);
        assert!(!Request::post(endpoint, "/").retried);
        assert!(!Request::new(Method::Delete, endpoint, "/").retried);
        assert!(Request::post(endpoint, "/").retried(true).retried);
        assert!(Method::Put.has_body() && !Method::Delete.has_body());
        assert_eq!(Method::Patch.as_str(), "PATCH");
    }
}
