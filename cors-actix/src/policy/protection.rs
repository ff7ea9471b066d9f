//! Cross-origin request protection: refusing state-changing requests that a page on another
//! site made the browser send (a form `POST`, a `fetch` in `no-cors` mode), which CORS lets
//! through because it only decides what a page may read. The browser's own account of where a
//! request comes from (Fetch metadata's `Sec-Fetch-Site`, else `Origin`) is checked against
//! the policy's allowed origins, so one declaration of trusted origins drives both.

use actix_web::{
    dev::RequestHead,
    http::{
        header::{self, HeaderValue},
        Method,
    },
};

use crate::{policy::OriginVerdict, Policy};

/// What cross-origin request protection says about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protection {
    /// Not a state-changing cross-origin request, or one from a trusted origin.
    Pass,
    /// From an origin only the policy's asynchronous check can trust: decide as the policy
    /// says, forbidding (`403`) if it refuses.
    Pending,
    /// Refused: a state-changing request from another site.
    Refuse(CrossOriginRefusal),
}

/// Why cross-origin request protection refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrossOriginRefusal {
    /// The browser says the request comes from another site (`Sec-Fetch-Site: cross-site` or
    /// `same-site`, or another value), and its `Origin` is not one the policy allows.
    Site,
    /// Without `Sec-Fetch-Site`: an `Origin` that is neither the server's own nor allowed
    /// (`null` included, unless listed).
    Origin,
}

/// Fetch: `GET`, `HEAD` and `OPTIONS` are the methods a browser sends without any
/// cross-origin restriction; a server must not change state for them.
fn is_safe(method: &Method) -> bool {
    *method == Method::GET || *method == Method::HEAD || *method == Method::OPTIONS
}

impl Policy {
    /// Cross-origin request protection, as Go's `net/http.CrossOriginProtection` defines it:
    /// safe methods pass; `Sec-Fetch-Site: same-origin` or `none` passes; any other
    /// `Sec-Fetch-Site` is refused unless the `Origin` is one the policy allows; without
    /// `Sec-Fetch-Site`, no `Origin` passes (not a browser, or one too old to say), the
    /// server's own origin passes, an allowed origin passes, and anything else is refused.
    #[inline]
    pub(crate) fn protection(&self, head: &RequestHead) -> Protection {
        if !self.cross_origin_protection || is_safe(&head.method) {
            return Protection::Pass;
        }
        self.protection_of_unsafe(head)
    }

    fn protection_of_unsafe(&self, head: &RequestHead) -> Protection {
        let headers = head.headers();
        let mut origins = headers.get_all(header::ORIGIN);
        let (origin, repeated) = (origins.next(), origins.next().is_some());
        let refusal = match headers.get("sec-fetch-site").map(HeaderValue::as_bytes) {
            Some(b"same-origin" | b"none") => return Protection::Pass,
            Some(_) => CrossOriginRefusal::Site,
            None => match origin {
                None => return Protection::Pass,
                Some(origin) if !repeated && self.is_own_origin(origin, head) => return Protection::Pass,
                Some(_) => CrossOriginRefusal::Origin,
            },
        };
        match origin {
            Some(origin) if !repeated => match self.origins.verdict(origin, head) {
                OriginVerdict::Any | OriginVerdict::Allowed => Protection::Pass,
                OriginVerdict::Pending => Protection::Pending,
                OriginVerdict::Refused(_) => Protection::Refuse(refusal),
            },
            _ => Protection::Refuse(refusal),
        }
    }
}

impl std::fmt::Display for CrossOriginRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Site => "the browser says it comes from another site (Sec-Fetch-Site), from an origin the policy does not allow",
            Self::Origin => "its Origin is neither the server's own nor one the policy allows",
        })
    }
}
