//! What Chromium itself says of a request it refused a page: the console errors it logs, in its
//! own words, and the asserts on them.

use std::fmt;

/// Chromium's reason when a response (or a preflight's) has no `Access-Control-Allow-Origin`.
pub(crate) const NO_ALLOW_ORIGIN: &str =
    "No 'Access-Control-Allow-Origin' header is present on the requested resource.";

/// Chromium's start of every reason that is about the preflight, not the request.
pub(crate) const PREFLIGHT: &str = "Response to preflight request doesn't pass access control check: ";

/// Chromium's reason when the answer to a preflight has no `Access-Control-Allow-Origin`: how
/// it sees every preflight that `Cors` refuses (a `403` without CORS headers), whether for the
/// origin, the method or a header.
pub(crate) const REFUSED_PREFLIGHT: &str =
    "Response to preflight request doesn't pass access control check: \
     No 'Access-Control-Allow-Origin' header is present on the requested resource.";

/// Chromium's reason for a credentialed request whose answer lacks
/// `Access-Control-Allow-Credentials: true`.
pub(crate) const CREDENTIALS_NOT_ALLOWED: &str =
    "The value of the 'Access-Control-Allow-Credentials' header \
     in the response is '' which must be 'true' when the request's credentials mode is 'include'.";

/// Chromium's reason for a credentialed request answered with `Access-Control-Allow-Origin: *`.
pub(crate) const WILDCARD_WITH_CREDENTIALS: &str = "The value of the 'Access-Control-Allow-Origin' header \
     in the response must not be the wildcard '*' when the request's credentials mode is 'include'.";

/// One console message: its level (`SEVERE`, `WARNING`, `INFO`, …) and text, which Chromium
/// starts with the address of what logged it.
#[derive(Clone)]
pub(crate) struct LogEntry {
    pub(crate) level: String,
    pub(crate) message: String,
}

impl fmt::Debug for LogEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.level, self.message)
    }
}

/// A CORS error as Chromium logs it: `Access to fetch at 'URL' from origin 'ORIGIN' has been
/// blocked by CORS policy: REASON`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CorsError {
    pub(crate) url: String,
    pub(crate) origin: String,
    pub(crate) reason: String,
    pub(crate) level: String,
}

impl CorsError {
    fn parse(entry: &LogEntry) -> Option<Self> {
        let rest =
            &entry.message[entry.message.find("Access to fetch at '")? + "Access to fetch at '".len()..];
        let (url, rest) = rest.split_once("' from origin '")?;
        let (origin, reason) = rest.split_once("' has been blocked by CORS policy: ")?;
        Some(Self {
            url: url.to_owned(),
            origin: origin.to_owned(),
            reason: reason.to_owned(),
            level: entry.level.clone(),
        })
    }
}

/// What Chromium logged to a page's console, in order.
#[derive(Clone, Default)]
pub(crate) struct Console(pub(crate) Vec<LogEntry>);

impl Console {
    /// Every CORS error Chromium logged for a `fetch` of exactly `url`.
    pub(crate) fn cors_errors(&self, url: &str) -> Vec<CorsError> {
        self.0.iter().filter_map(CorsError::parse).filter(|error| error.url == url).collect()
    }

    /// Asserts that Chromium logged exactly one CORS error for `url`, an error, for a fetch
    /// from `origin`, whose reason begins with `reason` (so that a reason about the request is
    /// not mistaken for the same words about its preflight).
    pub(crate) fn assert_blocked(&self, url: &str, origin: &str, reason: &str) {
        let errors = self.cors_errors(url);
        assert!(
            matches!(errors.as_slice(), [error] if error.origin == origin
                && error.reason.starts_with(reason)
                && error.level == "SEVERE"),
            "expected one CORS error for {url} from {origin} saying {reason:?}, got {errors:#?}; console: {self:#?}"
        );
    }

    /// Asserts that Chromium logged no CORS error for `url`.
    pub(crate) fn assert_no_cors_error(&self, url: &str) {
        let errors = self.cors_errors(url);
        assert!(errors.is_empty(), "no CORS error expected for {url}, got {errors:#?}");
    }

    /// Asserts that Chromium logged no CORS error at all.
    pub(crate) fn assert_no_cors_errors(&self) {
        let errors: Vec<_> = self.0.iter().filter_map(CorsError::parse).collect();
        assert!(errors.is_empty(), "no CORS error expected, got {errors:#?}");
    }

    /// Asserts that Chromium logged, as an error, that the WebSocket to `url` failed, with a
    /// reason containing `reason`.
    pub(crate) fn assert_socket_failed(&self, url: &str, reason: &str) {
        let prefix = format!("WebSocket connection to '{url}' failed: ");
        let failures: Vec<_> = self
            .0
            .iter()
            .filter_map(|entry| {
                let at = entry.message.find(&prefix)?;
                Some((entry.level.as_str(), &entry.message[at + prefix.len()..]))
            })
            .collect();
        assert!(
            matches!(failures.as_slice(), [(level, said)] if *level == "SEVERE" && said.contains(reason)),
            "expected one failure of the WebSocket to {url} saying {reason:?}; console: {self:#?}"
        );
    }

    /// Asserts that Chromium logged nothing about the WebSocket to `url`.
    pub(crate) fn assert_socket_quiet(&self, url: &str) {
        let quoted = format!("'{url}'");
        let said: Vec<_> = self.0.iter().filter(|entry| entry.message.contains(&quoted)).collect();
        assert!(said.is_empty(), "nothing expected about the WebSocket to {url}, got {said:#?}");
    }
}

impl fmt::Debug for Console {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.0).finish()
    }
}
