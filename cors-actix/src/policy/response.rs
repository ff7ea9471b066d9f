//! What a policy writes into responses. Each header's value is rendered once, when the
//! policy is built, by the small type that owns it (`AllowMethods`, `AllowHeaders`,
//! `ExposeHeaders`, [`MaxAge`], [`VaryValues`]); answering a request only copies them.

use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};

use crate::{
    policy::{AllowOrigin, PreflightAnswer, ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK},
    vary::merge_vary,
    Policy,
};

/// What to do to the inner service's response, decided before calling it.
#[derive(Debug, Clone)]
pub(crate) enum Decoration {
    /// Leave CORS headers alone; add `Vary: Origin` if the policy depends on the origin.
    VaryOnly,
    /// Allowed: set `Access-Control-Allow-Origin` to this value and the other CORS headers.
    Allow(HeaderValue),
    /// Refused but answered: remove any CORS header a handler set, add `Vary: Origin`.
    Strip,
}

/// `Access-Control-Max-Age`, rendered once.
#[derive(Debug, Clone)]
pub(crate) struct MaxAge {
    seconds: u32,
    header: HeaderValue,
}

impl MaxAge {
    /// A max-age as configured, cut to [`MAX_AGE_LIMIT`](cors_actix_grammar::MAX_AGE_LIMIT)
    /// (one day), past which browsers cut it anyway; the grammar's `warn_policy` warns of it.
    pub(crate) fn new(seconds: u64) -> Self {
        let seconds = seconds.min(u64::from(cors_actix_grammar::MAX_AGE_LIMIT)) as u32;
        Self { seconds, header: super::shared(HeaderValue::from(seconds)) }
    }

    pub(crate) fn seconds(&self) -> u32 {
        self.seconds
    }

    pub(crate) fn header(&self) -> &HeaderValue {
        &self.header
    }
}

/// `Vary`: what the policy's answers depend on, rendered once.
#[derive(Debug, Clone)]
pub(crate) struct VaryValues {
    /// For responses other than preflights: `Origin`, when the answer depends on it.
    actual: Option<HeaderValue>,
    /// For preflight answers.
    preflight: HeaderValue,
}

impl VaryValues {
    pub(crate) fn new(varies_with_origin: bool, private_network: bool) -> Self {
        let mut preflight: Vec<&str> = Vec::with_capacity(4);
        if varies_with_origin {
            preflight.push("Origin");
        }
        preflight.extend(["Access-Control-Request-Method", "Access-Control-Request-Headers"]);
        if private_network {
            preflight.push("Access-Control-Request-Private-Network");
        }
        Self {
            actual: varies_with_origin.then(|| HeaderValue::from_static("Origin")),
            preflight: super::join_header_value(preflight),
        }
    }

    pub(crate) fn actual(&self) -> Option<&HeaderValue> {
        self.actual.as_ref()
    }

    pub(crate) fn preflight(&self) -> &HeaderValue {
        &self.preflight
    }
}

impl AllowOrigin<'_> {
    /// `Access-Control-Allow-Origin`: `*`, or the request's own `Origin`, copied.
    pub(crate) fn header_value(self) -> HeaderValue {
        match self {
            Self::Any => HeaderValue::from_static("*"),
            Self::Origin(origin) => origin.clone(),
        }
    }
}

impl Policy {
    /// Writes the answer to an allowed preflight into a new response's empty headers. Every
    /// name is new there, so each is appended: actix's `insert` does the same and more, to
    /// hand back the values it replaces.
    pub(crate) fn write_preflight(&self, headers: &mut HeaderMap, answer: &PreflightAnswer<'_>) {
        self.write_allow_origin(headers, answer.allow_origin.header_value(), Present::default());
        let allow_methods = answer.mirrored_method.unwrap_or(self.methods.header());
        headers.append(header::ACCESS_CONTROL_ALLOW_METHODS, allow_methods.clone());
        if let Some(allow_headers) = answer.mirrored_headers.or(self.allow_headers.header()) {
            headers.append(header::ACCESS_CONTROL_ALLOW_HEADERS, allow_headers.clone());
        }
        if let Some(max_age) = &self.max_age {
            headers.append(header::ACCESS_CONTROL_MAX_AGE, max_age.header().clone());
        }
        if answer.private_network {
            headers.append(ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, HeaderValue::from_static("true"));
        }
        headers.append(header::VARY, self.vary.preflight().clone());
    }

    /// `Access-Control-Allow-Origin` and, with credentials, `Access-Control-Allow-Credentials`:
    /// what every allowed answer carries, preflight or not. `present`: which of them the
    /// response has already (a handler's own are replaced, never duplicated; a stale
    /// `Access-Control-Allow-Credentials` is removed from a policy without credentials).
    fn write_allow_origin(&self, headers: &mut HeaderMap, allow_origin: HeaderValue, present: Present) {
        put(headers, present.allow_origin, header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
        if self.credentials {
            let value = HeaderValue::from_static("true");
            put(headers, present.credentials, header::ACCESS_CONTROL_ALLOW_CREDENTIALS, value);
        } else if present.credentials {
            headers.remove(header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
        }
    }

    /// Writes what a refusal answered `403` (or with the app's own response) carries: the
    /// `Vary` of what the refusal depended on, merged with any the response has.
    pub(crate) fn write_refusal(&self, headers: &mut HeaderMap, preflight: bool) {
        let vary = if preflight { Some(self.vary.preflight()) } else { self.vary.actual() };
        if let Some(vary) = vary {
            merge_vary(headers, vary);
        }
    }

    /// Applies a decoration to a response of the inner service.
    ///
    /// One pass over the response's header names (a handler sets a few) says which CORS
    /// headers and whether a `Vary` are there already; it costs less than the one lookup per
    /// name it replaces. A name the response does not have is then appended, which costs a
    /// quarter less than actix's `insert` (that hands back the values it replaces); a name the
    /// handler set is replaced, never duplicated.
    pub(crate) fn decorate(&self, headers: &mut HeaderMap, decoration: &Decoration) {
        let present = Present::scan(headers);
        match decoration {
            Decoration::VaryOnly => {}
            Decoration::Allow(allow_origin) => {
                self.write_allow_origin(headers, allow_origin.clone(), present);
                if let Some(expose) = self.expose_headers.header() {
                    put(headers, present.expose, header::ACCESS_CONTROL_EXPOSE_HEADERS, expose.clone());
                } else if present.expose {
                    headers.remove(header::ACCESS_CONTROL_EXPOSE_HEADERS);
                }
            }
            Decoration::Strip => {
                if present.allow_origin {
                    headers.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
                }
                if present.credentials {
                    headers.remove(header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
                }
                if present.expose {
                    headers.remove(header::ACCESS_CONTROL_EXPOSE_HEADERS);
                }
            }
        }
        if let Some(vary) = self.vary.actual() {
            if present.vary {
                merge_vary(headers, vary);
            } else {
                headers.append(header::VARY, vary.clone());
            }
        }
    }
}

/// Which of the headers a decoration writes a response already has.
#[derive(Debug, Clone, Copy, Default)]
struct Present {
    allow_origin: bool,
    credentials: bool,
    expose: bool,
    vary: bool,
}

impl Present {
    fn scan(headers: &HeaderMap) -> Self {
        let mut present = Self::default();
        for name in headers.keys() {
            present.allow_origin |= *name == header::ACCESS_CONTROL_ALLOW_ORIGIN;
            present.credentials |= *name == header::ACCESS_CONTROL_ALLOW_CREDENTIALS;
            present.expose |= *name == header::ACCESS_CONTROL_EXPOSE_HEADERS;
            present.vary |= *name == header::VARY;
        }
        present
    }
}

/// Sets `name` to `value`: replaces what the handler set, or appends to a response without it.
fn put(headers: &mut HeaderMap, present: bool, name: HeaderName, value: HeaderValue) {
    if present {
        headers.insert(name, value);
    } else {
        headers.append(name, value);
    }
}
