//! The pools a generated policy draws its settings from, each with what the model knows about
//! it, and the model's reading of a generated policy.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use cors_actix::{OnMismatch, Policy};
use cors_actix_test_origins::{oracle, Parts};

#[derive(Debug, Clone, Copy)]
pub(crate) enum HostP {
    Exact(&'static str),
    Sub(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum PortP {
    Default,
    Exact(u16),
    Any,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Any,
    Null,
    Exact,
    Pattern(&'static str, HostP, PortP),
}

/// Configured origin strings; `None` marks one that `build()` must refuse.
pub(crate) const ORIGIN_ENTRIES: &[(&str, Option<Kind>)] = &[
    ("*", Some(Kind::Any)), // index 0: star-only policies use it
    ("null", Some(Kind::Null)),
    ("https://app.example", Some(Kind::Exact)),
    ("http://app.example", Some(Kind::Exact)),
    ("https://app.example:8443", Some(Kind::Exact)),
    ("https://a.app.example", Some(Kind::Exact)),
    ("http://localhost:3000", Some(Kind::Exact)),
    ("http://127.0.0.1:8080", Some(Kind::Exact)),
    ("http://[::1]:8080", Some(Kind::Exact)),
    ("https://xn--bcher-kva.example", Some(Kind::Exact)),
    ("https://*.app.example", Some(Kind::Pattern("https", HostP::Sub("app.example"), PortP::Default))),
    ("https://*.app.example:*", Some(Kind::Pattern("https", HostP::Sub("app.example"), PortP::Any))),
    (
        "https://*.app.example:8443",
        Some(Kind::Pattern("https", HostP::Sub("app.example"), PortP::Exact(8443))),
    ),
    ("ws://*.app.example", Some(Kind::Pattern("ws", HostP::Sub("app.example"), PortP::Default))),
    ("http://localhost:*", Some(Kind::Pattern("http", HostP::Exact("localhost"), PortP::Any))),
    ("http://[::1]:*", Some(Kind::Pattern("http", HostP::Exact("[::1]"), PortP::Any))),
    ("http://[::ffff:7f00:1]", Some(Kind::Exact)),
    ("http://[::ffff:127.0.0.1]", None),
    ("http://*.lan.example:*", Some(Kind::Pattern("http", HostP::Sub("lan.example"), PortP::Any))),
    ("https://app.example/", None),
    ("https://App.example", None),
    ("HTTPS://app.example", None),
    ("https://app.example:443", None),
    ("app.example", None),
    ("https://app.example.", None),
    ("https://app.example@evil.example", None),
    (" https://app.example", None),
    ("https://b\u{fc}cher.example", None),
    ("", None),
    ("NULL", None),
    ("https://*.example", None),
    ("https://*app.example", None),
    ("https://app.*.example", None),
    ("*://app.example", None),
    ("https://*.app.example/", None),
    ("https://*.App.example", None),
    ("https://*.app.example:443", None),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RegexValidity {
    Valid,
    /// Matches any origin: refused together with credentials.
    AnyOrigin,
    Invalid,
}

/// Origin regexes, their validity, and a hand-written equivalent (applied to well-formed
/// origins only, as the crate promises).
/// A hand-written equivalent of one regex.
pub(crate) type RegexModel = fn(&str, &Parts) -> bool;

pub(crate) const REGEXES: &[(&str, RegexValidity, RegexModel)] = &[
    (r"^https://tenant-[0-9]+\.example$", RegexValidity::Valid, |text, _| {
        text.strip_prefix("https://tenant-")
            .and_then(|rest| rest.strip_suffix(".example"))
            .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
    }),
    (r"^https://[a-z]+\.regex\.example(:[0-9]+)?$", RegexValidity::Valid, |text, _| {
        let Some(rest) = text.strip_prefix("https://") else { return false };
        let Some((name, tail)) = rest.split_once(".regex.example") else { return false };
        !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_lowercase())
            && (tail.is_empty()
                || tail
                    .strip_prefix(':')
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())))
    }),
    (r"^https://.*$", RegexValidity::AnyOrigin, |_, parts| parts.scheme == "https"),
    (r"(?i)^https://mixed\.example$", RegexValidity::Valid, |text, _| {
        text.eq_ignore_ascii_case("https://mixed.example")
    }),
    (r"https://unanchored\.example", RegexValidity::Invalid, |_, _| false),
    (r"^https://unanchored\.example", RegexValidity::Invalid, |_, _| false),
    (r"^https://(unclosed$", RegexValidity::Invalid, |_, _| false),
    (r"^https://a\.example|https://b\.example$", RegexValidity::Invalid, |_, _| false),
];

/// The `allow_origin_fn` predicate of generated policies: `https://dyn-[a-z]+.example`.
fn dyn_predicate(origin: &[u8]) -> bool {
    origin
        .strip_prefix(b"https://dyn-")
        .and_then(|rest| rest.strip_suffix(b".example"))
        .is_some_and(|name| !name.is_empty() && name.iter().all(u8::is_ascii_lowercase))
}

pub(crate) const METHODS: &[(&str, bool)] = &[
    ("GET", true),
    ("PUT", true),
    ("DELETE", true),
    ("PATCH", true),
    ("PURGE", true),
    ("OPTIONS", true),
    ("*", true),
    ("patch", false),
    ("Get", false),
    // Browsers never send it: listing it is a warning, not an error.
    ("CONNECT", true),
    ("GE T", false),
    ("", false),
];

pub(crate) const ALLOW_HEADERS: &[(&str, bool)] = &[
    ("content-type", true),
    ("x-api-key", true),
    ("X-Custom", true),
    ("authorization", true),
    ("*", true),
    // Browsers never let a page send them: listing them is a warning, not an error.
    ("cookie", true),
    ("Sec-Fetch-Mode", true),
    ("bad header", false),
];

pub(crate) const EXPOSE_HEADERS: &[(&str, bool)] =
    &[("x-request-id", true), ("X-Trace", true), ("*", true), ("set-cookie", true), ("a:b", false)];

pub(crate) const MAX_AGES: &[(Option<u64>, bool)] = &[
    (None, true),
    (Some(0), true),
    (Some(600), true),
    (Some(86_400), true),
    // Browsers cut these: sent as a day, with a warning.
    (Some(86_401), true),
    (Some(u64::MAX), true),
];

/// A generated policy: indices into the pools.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub(crate) origins: Vec<usize>,
    pub(crate) regexes: Vec<usize>,
    pub(crate) predicate: bool,
    pub(crate) methods: Vec<usize>,
    pub(crate) allow_headers: Vec<usize>,
    pub(crate) expose: Vec<usize>,
    pub(crate) credentials: bool,
    pub(crate) max_age: usize,
    pub(crate) private_network: bool,
    pub(crate) reject: bool,
}

impl Spec {
    fn origin_kinds(&self) -> impl Iterator<Item = (&'static str, Option<Kind>)> + '_ {
        self.origins.iter().map(|&i| ORIGIN_ENTRIES[i])
    }

    pub(crate) fn any_origin(&self) -> bool {
        self.origin_kinds().any(|(_, kind)| matches!(kind, Some(Kind::Any)))
    }

    pub(crate) fn any_header(&self) -> bool {
        self.allow_headers.iter().any(|&i| ALLOW_HEADERS[i].0 == "*")
    }

    fn expose_any(&self) -> bool {
        self.expose.iter().any(|&i| EXPOSE_HEADERS[i].0 == "*")
    }

    /// Whether `build()` must accept this configuration.
    pub(crate) fn valid(&self) -> bool {
        let any = self.any_origin();
        let others =
            self.origin_kinds().any(|(text, _)| text != "*") || !self.regexes.is_empty() || self.predicate;
        let regexes_ok = self.regexes.iter().all(|&i| match REGEXES[i].1 {
            RegexValidity::Valid => true,
            RegexValidity::AnyOrigin => !self.credentials,
            RegexValidity::Invalid => false,
        });
        // A repeated origin is a warning, not an error.
        self.origin_kinds().all(|(_, kind)| kind.is_some())
            && regexes_ok
            && self.methods.iter().all(|&i| METHODS[i].1)
            && self.allow_headers.iter().all(|&i| ALLOW_HEADERS[i].1)
            && self.expose.iter().all(|&i| EXPOSE_HEADERS[i].1)
            && MAX_AGES[self.max_age].1
            && (any || others)
            && !(any && others)
            && !(self.credentials && (any || self.expose_any()))
    }

    /// Builds the policy with the crate's builder. The predicate counts calls it should never
    /// get (with `null` or a malformed origin) into `bad_predicate_calls`.
    pub(crate) fn build(
        &self,
        bad_predicate_calls: &Arc<AtomicUsize>,
    ) -> Result<Policy, cors_actix::PolicyError> {
        let mut builder = Policy::builder()
            .allow_origins(self.origins.iter().map(|&i| ORIGIN_ENTRIES[i].0))
            .allow_headers(self.allow_headers.iter().map(|&i| ALLOW_HEADERS[i].0))
            .expose_headers(self.expose.iter().map(|&i| EXPOSE_HEADERS[i].0))
            .allow_credentials(self.credentials)
            .allow_private_network(self.private_network)
            .on_mismatch(if self.reject { OnMismatch::Reject } else { OnMismatch::Omit });
        for &i in &self.regexes {
            builder = builder.allow_origin_regex(REGEXES[i].0);
        }
        // One at a time: no method drawn leaves the defaults (an empty list would be refused).
        for &i in &self.methods {
            builder = builder.allow_method(METHODS[i].0);
        }
        if let Some(seconds) = MAX_AGES[self.max_age].0 {
            builder = builder.max_age(seconds);
        }
        if self.predicate {
            let bad = Arc::clone(bad_predicate_calls);
            builder = builder.allow_origin_fn(move |origin, _| {
                if origin.as_bytes() == b"null" || oracle(origin.as_bytes()).is_none() {
                    bad.fetch_add(1, Ordering::SeqCst);
                }
                dyn_predicate(origin.as_bytes())
            });
        }
        builder.build()
    }

    /// The model's verdict on one `Origin` value (assuming the policy is not `*`).
    pub(crate) fn allows(&self, origin: &[u8]) -> bool {
        let listed_exactly = self
            .origin_kinds()
            .any(|(text, kind)| matches!(kind, Some(Kind::Exact | Kind::Null)) && text.as_bytes() == origin);
        if listed_exactly {
            return true;
        }
        let Some(parts) = oracle(origin) else { return false };
        let text = std::str::from_utf8(origin).unwrap_or_default();
        let pattern = self.origin_kinds().any(|(_, kind)| match kind {
            Some(Kind::Pattern(scheme, host, port)) => {
                let port_ok = match port {
                    PortP::Default => parts.port.is_none(),
                    PortP::Exact(p) => parts.port == Some(p),
                    PortP::Any => true,
                };
                let host_ok = match host {
                    HostP::Exact(h) => parts.host == h,
                    HostP::Sub(suffix) => {
                        parts.host.len() > suffix.len() + 1 && parts.host.ends_with(&format!(".{suffix}"))
                    }
                };
                parts.scheme == scheme && port_ok && host_ok
            }
            _ => false,
        });
        pattern
            || self.regexes.iter().any(|&i| (REGEXES[i].2)(text, &parts))
            || (self.predicate && dyn_predicate(origin))
    }

    /// `*` listed among the methods: every method is allowed.
    pub(crate) fn any_method(&self) -> bool {
        self.methods.iter().any(|&i| METHODS[i].0 == "*")
    }

    pub(crate) fn methods_header(&self) -> String {
        if self.any_method() {
            return "*".to_owned();
        }
        let mut names: Vec<&str> = Vec::new();
        for &i in &self.methods {
            if !names.contains(&METHODS[i].0) {
                names.push(METHODS[i].0);
            }
        }
        if self.methods.is_empty() {
            names = vec!["GET", "HEAD", "POST"];
        }
        names.join(", ")
    }

    pub(crate) fn listed_headers(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for &i in &self.allow_headers {
            let name = ALLOW_HEADERS[i].0.to_ascii_lowercase();
            if name != "*" && !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    pub(crate) fn expose_header(&self) -> Option<String> {
        if self.expose_any() {
            return Some("*".to_owned());
        }
        let mut names: Vec<String> = Vec::new();
        for &i in &self.expose {
            let name = EXPOSE_HEADERS[i].0.to_ascii_lowercase();
            if !names.contains(&name) {
                names.push(name);
            }
        }
        (!names.is_empty()).then(|| names.join(", "))
    }

    pub(crate) fn vary_preflight(&self) -> String {
        let mut parts = Vec::new();
        if !self.any_origin() {
            parts.push("Origin");
        }
        parts.extend(["Access-Control-Request-Method", "Access-Control-Request-Headers"]);
        if self.private_network {
            parts.push("Access-Control-Request-Private-Network");
        }
        parts.join(", ")
    }
}
