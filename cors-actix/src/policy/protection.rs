//! Cross-origin request protection: refusing state-changing requests that a page on another
//! site made the browser send (a form `POST`, a `fetch` in `no-cors` mode), which CORS lets
//! through because it only decides what a page may read. The browser's own account of where a
//! request comes from (Fetch metadata's `Sec-Fetch-Site`, else `Origin`) is checked against
//! the policy's allowed origins, so one declaration of trusted origins drives both.

use actix_web::http::Method;

use crate::{
    policy::OriginVerdict,
    request::{CorsRequest, OriginHeader},
    Policy,
};

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
    /// `verdict`: the policy's verdict on the request's one `Origin`, if it has one.
    #[inline]
    pub(crate) fn protection(&self, request: &CorsRequest<'_>, verdict: Option<OriginVerdict>) -> Protection {
        if !self.cross_origin_protection || is_safe(&request.head.method) {
            return Protection::Pass;
        }
        self.protection_of_unsafe(request, verdict)
    }

    fn protection_of_unsafe(&self, request: &CorsRequest<'_>, verdict: Option<OriginVerdict>) -> Protection {
        let refusal = match request.sec_fetch_site() {
            Some(b"same-origin" | b"none") => return Protection::Pass,
            Some(_) => CrossOriginRefusal::Site,
            None => match request.origin {
                OriginHeader::Absent => return Protection::Pass,
                OriginHeader::One(origin) if self.is_own_origin(origin, request) => return Protection::Pass,
                OriginHeader::One(_) | OriginHeader::Repeated(_) => CrossOriginRefusal::Origin,
            },
        };
        match verdict {
            Some(OriginVerdict::Any | OriginVerdict::Allowed) => Protection::Pass,
            Some(OriginVerdict::Pending) => Protection::Pending,
            Some(OriginVerdict::Refused(_)) | None => Protection::Refuse(refusal),
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
