//! The page and its cases: one `fetch` per case, what the page saw of each, and the asserts
//! on it.

use std::fmt;

use crate::console::Console;

/// What `String(error)` says for a fetch the browser refused (CORS or network).
const FAILED_TO_FETCH: &str = "TypeError: Failed to fetch";

/// One `fetch` the page makes.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub(crate) name: String,
    pub(crate) url: String,
    method: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    body: Option<&'static str>,
    credentials: bool,
    read_header: Option<&'static str>,
}

impl Case {
    pub(crate) fn new(name: impl Into<String>, method: &'static str, url: String) -> Self {
        Self {
            name: name.into(),
            url,
            method,
            headers: Vec::new(),
            body: None,
            credentials: false,
            read_header: None,
        }
    }

    pub(crate) fn header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    pub(crate) fn body(mut self, body: &'static str) -> Self {
        self.body = Some(body);
        self
    }

    /// `credentials: 'include'`.
    pub(crate) fn credentials(mut self) -> Self {
        self.credentials = true;
        self
    }

    /// Read this response header through `response.headers.get(...)`.
    pub(crate) fn read_header(mut self, name: &'static str) -> Self {
        self.read_header = Some(name);
        self
    }

    /// The case as a JSON object for the page's script. `<` is escaped so that nothing in
    /// a case can close the `<script>` it is inlined into.
    pub(crate) fn to_json(&self) -> String {
        let headers: serde_json::Map<String, serde_json::Value> =
            self.headers.iter().map(|(name, value)| ((*name).to_owned(), (*value).into())).collect();
        serde_json::json!({
            "name": self.name,
            "url": self.url,
            "method": self.method,
            "headers": headers,
            "body": self.body,
            "credentials": self.credentials,
            "read_header": self.read_header,
        })
        .to_string()
        .replace('<', "\\u003c")
    }
}

/// What the page saw of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// `fetch` resolved: the page could read the status, the body and, if asked for, one
    /// header (`None` when `headers.get` returned `null`).
    Resolved { status: u16, body: String, header: Option<String> },
    /// `fetch` rejected, with `String(error)`.
    Rejected(String),
}

/// The outcomes of one page run, in case order, with what Chromium logged to the page's console.
pub(crate) struct Results {
    /// `(case, its URL, what the page saw)`.
    pub(crate) outcomes: Vec<(String, String, Outcome)>,
    /// The origin the page ran on.
    pub(crate) page_origin: String,
    pub(crate) console: Console,
}

impl Results {
    fn get(&self, name: &str) -> (&str, &Outcome) {
        match self.outcomes.iter().find(|(case, _, _)| case == name) {
            Some((_, url, outcome)) => (url, outcome),
            None => panic!("no result for case {name}: {self:?}"),
        }
    }

    /// Asserts that the page read the case's answer: status 200, `body`, and `header` if the
    /// case reads one; and that Chromium logged no CORS error for its URL.
    pub(crate) fn assert_readable(&self, name: &str, body: &str, header: Option<&str>) {
        let expected =
            Outcome::Resolved { status: 200, body: body.to_owned(), header: header.map(str::to_owned) };
        let (url, outcome) = self.get(name);
        assert_eq!(outcome, &expected, "case {name}; all results: {self:?}");
        self.console.assert_no_cors_error(url);
    }

    /// Asserts that the browser refused the page the case's answer, and that Chromium logged
    /// the CORS error for its URL with a reason that begins with `reason`. No other case of the
    /// page may share the URL: the console names URLs, not cases.
    pub(crate) fn assert_refused(&self, name: &str, reason: &str) {
        let expected = Outcome::Rejected(FAILED_TO_FETCH.to_owned());
        let (url, outcome) = self.get(name);
        assert_eq!(outcome, &expected, "case {name}; all results: {self:?}");
        let sharing: Vec<_> = self.outcomes.iter().filter(|(_, other, _)| other == url).collect();
        assert_eq!(sharing.len(), 1, "case {name}: give each refused case a URL of its own: {sharing:?}");
        self.console.assert_blocked(url, &self.page_origin, reason);
    }
}

impl fmt::Debug for Results {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Results")
            .field("outcomes", &self.outcomes)
            .field("page_origin", &self.page_origin)
            .field("console", &self.console)
            .finish()
    }
}

/// Reads the page's `results` JSON: `[{name, outcome: "resolved", status, body, header} |
/// {name, outcome: "rejected", error}]`, as `(name, outcome)` in the page's order.
pub(crate) fn parse_outcomes(json: &str) -> Result<Vec<(String, Outcome)>, String> {
    let items: Vec<serde_json::Value> = serde_json::from_str(json).map_err(|error| error.to_string())?;
    let mut results = Vec::new();
    for item in &items {
        let string = |key: &str| item.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
        let name = string("name").ok_or("a result without a name")?;
        let outcome = match string("outcome").as_deref() {
            Some("resolved") => Outcome::Resolved {
                status: item
                    .get("status")
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|status| u16::try_from(status).ok())
                    .ok_or_else(|| format!("{name}: no status"))?,
                body: string("body").ok_or_else(|| format!("{name}: no body"))?,
                header: string("header"),
            },
            Some("rejected") => {
                Outcome::Rejected(string("error").ok_or_else(|| format!("{name}: no error"))?)
            }
            other => return Err(format!("{name}: unknown outcome {other:?}")),
        };
        results.push((name, outcome));
    }
    Ok(results)
}
