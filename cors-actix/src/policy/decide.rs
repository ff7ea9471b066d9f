//! What a policy decides about a classified request: pure, with no I/O. Nothing allocates
//! but a user's asynchronous origin check, which is only started here, by the caller.

use std::fmt;

use actix_web::{
    dev::RequestHead,
    http::header::{self, HeaderName, HeaderValue},
};
use cors_actix_grammar::{default_port, is_token, Origin};

use crate::{
    policy::{
        protection::{CrossOriginRefusal, Protection},
        CheckedOrigin, HeadersRefusal, OnMismatch, OriginCheck, OriginRefusal, OriginVerdict, Policy,
    },
    request::{CorsRequest, OriginHeader, RequestedHeaders},
};

/// `Access-Control-Allow-Private-Network` (Private Network Access).
pub(crate) const ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");

/// What a [`Policy`] decides about one request, borrowing from the request head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision<'r> {
    /// No `Origin` header: not a CORS request. Pass it through; only `Vary: Origin` is
    /// added, when the policy depends on the origin, so caches keep the variants apart.
    NotCors,
    /// An allowed preflight: answer `204 No Content` with these headers, without running
    /// any handler (Fetch "CORS-preflight fetch").
    Preflight(PreflightAnswer<'r>),
    /// An allowed actual request: run the handler and add `Access-Control-Allow-Origin`.
    Actual(AllowOrigin<'r>),
    /// A request from a disallowed origin that is the server's own origin (browsers send
    /// `Origin` on same-origin `POST`s too): pass it through untouched.
    SameOrigin,
    /// Refused. A refused preflight gets `403` without CORS headers; a refused actual
    /// request gets no CORS headers ([`OnMismatch::Omit`]) or `403` ([`OnMismatch::Reject`]);
    /// a refused WebSocket handshake always gets `403`.
    Refused(Refusal<'r>),
    /// Everything but the origin is allowed, and the origin, well formed, is allowed by no
    /// synchronous rule: the policy's asynchronous origin checks decide. Await
    /// `Policy::check_origin`, then ask `Policy::decide_checked` with its answer.
    Pending,
}

/// What the asynchronous origin checks said, if they were asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AsyncVerdict {
    Pending,
    Answered(CheckedOrigin),
}

/// The value for `Access-Control-Allow-Origin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowOrigin<'r> {
    /// `*`.
    Any,
    /// The request's own `Origin`, which the policy allows.
    Origin(&'r HeaderValue),
}

/// The request-dependent parts of an allowed preflight's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreflightAnswer<'r> {
    /// `Access-Control-Allow-Origin`.
    pub allow_origin: AllowOrigin<'r>,
    /// The request's `Access-Control-Request-Headers`, echoed as
    /// `Access-Control-Allow-Headers` when the policy allows any header.
    pub mirrored_headers: Option<&'r HeaderValue>,
    /// The request's `Access-Control-Request-Method`, echoed as
    /// `Access-Control-Allow-Methods` when the policy allows any method and credentials (for
    /// a request with credentials, browsers read `*` there as a method's name).
    pub mirrored_method: Option<&'r HeaderValue>,
    /// Whether to send `Access-Control-Allow-Private-Network: true`.
    pub private_network: bool,
}

/// A refused request and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal<'r> {
    /// Whether the request was a preflight.
    pub preflight: bool,
    /// Whether the response must be `403` (always for preflights and WebSocket handshakes; for
    /// other actual requests with [`OnMismatch::Reject`]).
    pub forbid: bool,
    /// Why, for the debug log. Never sent to the client.
    pub reason: Reason<'r>,
}

/// Why a request was refused. `Display` escapes and shortens what came from the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason<'r> {
    /// The origin is malformed, `null` without being listed, or not allowed.
    Origin(OriginRefusal),
    /// The request has more than one `Origin` header.
    RepeatedOrigin,
    /// `Access-Control-Request-Method` is not a method token.
    MalformedMethod(&'r [u8]),
    /// The requested method is not allowed.
    MethodNotAllowed(&'r [u8]),
    /// `Access-Control-Request-Headers` is not a list of header names.
    MalformedRequestHeaders,
    /// A requested header is not allowed.
    HeaderNotAllowed(&'r [u8]),
    /// Private Network Access was requested but the policy does not allow it.
    PrivateNetworkNotAllowed,
    /// Cross-origin request protection refused a state-changing request from another site.
    CrossOriginRequest(CrossOriginRefusal),
}

impl Reason<'_> {
    /// Which rule refused: `origin`, `method`, `headers`, `private_network` or
    /// `cross_origin_request`.
    pub fn rule(&self) -> &'static str {
        Rule::of(self).as_str()
    }
}

impl fmt::Display for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Origin(refusal) => refusal.fmt(f),
            Self::RepeatedOrigin => f.write_str("more than one Origin header"),
            Self::MalformedMethod(method) => {
                write!(f, "Access-Control-Request-Method `{}` is not a method token", Escaped(method))
            }
            Self::MethodNotAllowed(method) => write!(f, "method `{}` not allowed", Escaped(method)),
            Self::MalformedRequestHeaders => {
                f.write_str("Access-Control-Request-Headers is not a list of header names")
            }
            Self::HeaderNotAllowed(name) => write!(f, "request header `{}` not allowed", Escaped(name)),
            Self::PrivateNetworkNotAllowed => f.write_str("Private Network Access requested but not allowed"),
            Self::CrossOriginRequest(refusal) => refusal.fmt(f),
        }
    }
}

/// The rules a policy refuses by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// The origin is malformed, `null` without being listed, repeated or not allowed.
    Origin,
    /// The requested method.
    Method,
    /// The requested headers.
    Headers,
    /// The request carries credentials the policy does not allow.
    Credentials,
    /// Private Network Access.
    PrivateNetwork,
    /// Cross-origin request protection: a state-changing request from another site.
    CrossOriginRequest,
}

impl Rule {
    /// The rule's name: `origin`, `method`, `headers`, `credentials`, `private_network` or
    /// `cross_origin_request`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Origin => "origin",
            Self::Method => "method",
            Self::Headers => "headers",
            Self::Credentials => "credentials",
            Self::PrivateNetwork => "private_network",
            Self::CrossOriginRequest => "cross_origin_request",
        }
    }

    pub(crate) fn of(reason: &Reason<'_>) -> Self {
        match reason {
            Reason::Origin(_) | Reason::RepeatedOrigin => Self::Origin,
            Reason::MalformedMethod(_) | Reason::MethodNotAllowed(_) => Self::Method,
            Reason::MalformedRequestHeaders | Reason::HeaderNotAllowed(_) => Self::Headers,
            Reason::PrivateNetworkNotAllowed => Self::PrivateNetwork,
            Reason::CrossOriginRequest(_) => Self::CrossOriginRequest,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Client bytes made safe for a log line: escaped, and cut after 64 bytes.
#[derive(Clone, Copy)]
pub(crate) struct Escaped<'a>(pub(crate) &'a [u8]);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 64;
        let shown = &self.0[..self.0.len().min(SHOWN)];
        write!(f, "{}", shown.escape_ascii())?;
        if self.0.len() > SHOWN {
            write!(f, "...({} bytes)", self.0.len())?;
        }
        Ok(())
    }
}

impl Policy {
    /// Decides what to do with a request.
    ///
    /// A policy with asynchronous origin checks
    /// ([`PolicyBuilder::allow_origin_async`](crate::PolicyBuilder::allow_origin_async))
    /// answers [`Decision::Pending`] when only they can decide; a policy without them never
    /// does.
    #[inline]
    pub(crate) fn decide<'r>(&self, request: &CorsRequest<'r>) -> Decision<'r> {
        self.decide_with(request, AsyncVerdict::Pending)
    }

    /// Decides a request for which [`decide`](Self::decide) answered
    /// [`Decision::Pending`], given what [`check_origin`](Self::check_origin) resolved to.
    /// Never answers [`Decision::Pending`].
    pub(crate) fn decide_checked<'r>(
        &self,
        request: &CorsRequest<'r>,
        checked: impl Into<CheckedOrigin>,
    ) -> Decision<'r> {
        self.decide_with(request, AsyncVerdict::Answered(checked.into()))
    }

    /// Runs the policy's asynchronous origin checks on the request's `Origin`, in the order
    /// they were added, until one allows it, within the policy's deadline and limit (or takes
    /// the cached answer). Resolves to a refusal for a request without one `Origin` and for a
    /// policy without such checks.
    pub(crate) fn check_origin(&self, request: &CorsRequest<'_>) -> OriginCheck {
        match request.origin {
            OriginHeader::One(origin) => self.origins.check_async(origin, request.head),
            OriginHeader::Absent | OriginHeader::Repeated(_) => OriginCheck::none(),
        }
    }

    #[inline(always)]
    fn decide_with<'r>(&self, request: &CorsRequest<'r>, asked: AsyncVerdict) -> Decision<'r> {
        // One verdict on the origin serves the protection and the origin rule alike, so that a
        // user's predicate runs once per request.
        let verdict = match request.origin {
            OriginHeader::One(origin) => Some(self.origins.verdict(origin, request.head)),
            OriginHeader::Absent | OriginHeader::Repeated(_) => None,
        };
        // Before anything else: a cross-site request the protection refuses may carry no
        // `Origin` at all (only `Sec-Fetch-Site`).
        let protection = self.protection(request, verdict);
        if let Protection::Refuse(refusal) = protection {
            let reason = Reason::CrossOriginRequest(refusal);
            return Decision::Refused(Refusal { preflight: false, forbid: true, reason });
        }
        let Some(origin) = request.origin_value() else {
            return Decision::NotCors;
        };
        match self.check(request, verdict, asked) {
            Ok(decision) => decision,
            Err(reason) => self.refuse(request, origin, reason, protection),
        }
    }

    /// The rules in the order of Fetch's "CORS-preflight fetch": the origin, then for a
    /// preflight the method, the headers and Private Network Access. Only a request that
    /// passes every other rule waits for the asynchronous origin checks.
    #[inline(always)]
    fn check<'r>(
        &self,
        request: &CorsRequest<'r>,
        verdict: Option<OriginVerdict>,
        asked: AsyncVerdict,
    ) -> Result<Decision<'r>, Reason<'r>> {
        let (OriginHeader::One(origin), Some(verdict)) = (request.origin, verdict) else {
            return Err(Reason::RepeatedOrigin);
        };
        let (allow_origin, pending) = origin_rule(origin, verdict, asked)?;
        let Some(preflight) = request.preflight else {
            return Ok(if pending { Decision::Pending } else { Decision::Actual(allow_origin) });
        };
        self.method_rule(preflight.method)?;
        let mirrored_headers = self.headers_rule(preflight.headers())?;
        let private_network = preflight.private_network();
        if private_network && !self.private_network {
            return Err(Reason::PrivateNetworkNotAllowed);
        }
        if pending {
            return Ok(Decision::Pending);
        }
        let mirrored_method = (self.methods.is_any() && self.credentials).then_some(preflight.method);
        Ok(Decision::Preflight(PreflightAnswer {
            allow_origin,
            mirrored_headers,
            mirrored_method,
            private_network,
        }))
    }

    /// `Access-Control-Request-Method`: a method token the policy allows.
    fn method_rule<'r>(&self, method: &'r HeaderValue) -> Result<(), Reason<'r>> {
        let method = method.as_bytes();
        if !is_token(method) {
            return Err(Reason::MalformedMethod(method));
        }
        if !self.methods.allows(method) {
            return Err(Reason::MethodNotAllowed(method));
        }
        Ok(())
    }

    /// `Access-Control-Request-Headers`: one list of names the policy allows. Returns the list
    /// to mirror when the policy allows any header.
    fn headers_rule<'r>(
        &self,
        requested: RequestedHeaders<'r>,
    ) -> Result<Option<&'r HeaderValue>, Reason<'r>> {
        let list = match requested {
            RequestedHeaders::None => return Ok(None),
            RequestedHeaders::Repeated => return Err(Reason::MalformedRequestHeaders),
            RequestedHeaders::One(list) => list,
        };
        match self.allow_headers.check(list.as_bytes()) {
            Ok(()) => Ok(self.allow_headers.is_any().then_some(list)),
            Err(HeadersRefusal::Malformed) => Err(Reason::MalformedRequestHeaders),
            Err(HeadersRefusal::NotAllowed(name)) => Err(Reason::HeaderNotAllowed(name)),
        }
    }

    /// A refusal for `reason`. A preflight's is always answered `403`. An actual request's is
    /// too when the policy rejects, when cross-origin request protection left the request to
    /// the asynchronous check, and for a WebSocket handshake, which no browser keeps from the
    /// page once the server upgrades; otherwise the handler runs and the browser keeps the
    /// response from the page. An origin refused that strictly is no refusal when it is the
    /// server's own (browsers send `Origin` on same-origin `POST`s too), and neither is any
    /// refusal of the server's own origin by a policy that allows no origin at all, whose every
    /// same-origin `POST` would otherwise be logged as refused.
    fn refuse<'r>(
        &self,
        request: &CorsRequest<'r>,
        origin: &HeaderValue,
        reason: Reason<'r>,
        protection: Protection,
    ) -> Decision<'r> {
        let preflight = request.preflight.is_some();
        let strict = !preflight
            && (self.on_mismatch == OnMismatch::Reject
                || protection == Protection::Pending
                || request.is_websocket_handshake());
        if (strict || self.origins.allows_none())
            && matches!(reason, Reason::Origin(_))
            && self.is_own_origin(origin, request)
        {
            return Decision::SameOrigin;
        }
        Decision::Refused(Refusal { preflight, forbid: preflight || strict, reason })
    }
}

/// The origin rule: the verdict on the origin, and what the asynchronous checks said if they
/// were asked. Returns the `Access-Control-Allow-Origin` to answer with, and whether the
/// checks must be asked first.
#[inline(always)]
fn origin_rule<'r>(
    origin: &'r HeaderValue,
    verdict: OriginVerdict,
    asked: AsyncVerdict,
) -> Result<(AllowOrigin<'r>, bool), Reason<'r>> {
    match (verdict, asked) {
        (OriginVerdict::Any, _) => Ok((AllowOrigin::Any, false)),
        (OriginVerdict::Allowed, _)
        | (OriginVerdict::Pending, AsyncVerdict::Answered(CheckedOrigin::Allowed)) => {
            Ok((AllowOrigin::Origin(origin), false))
        }
        (OriginVerdict::Pending, AsyncVerdict::Pending) => Ok((AllowOrigin::Origin(origin), true)),
        (OriginVerdict::Pending, AsyncVerdict::Answered(CheckedOrigin::Refused(refusal))) => {
            Err(Reason::Origin(refusal))
        }
        (OriginVerdict::Refused(refusal), _) => Err(Reason::Origin(refusal)),
    }
}

impl Policy {
    /// Whether `origin` is the server's own: `Sec-Fetch-Site: same-origin` says so; else it is
    /// one of the policy's public origins, or, when it lists none, the origin of the `Host`
    /// the request was sent to. Only a browser's word matters here: a client that forges
    /// these headers could as well leave out `Origin`.
    pub(crate) fn is_own_origin(&self, origin: &HeaderValue, request: &CorsRequest<'_>) -> bool {
        if request.sec_fetch_site() == Some(b"same-origin") {
            return true;
        }
        if self.public_origins.is_empty() {
            return is_host_origin(origin, request.head);
        }
        self.public_origins.iter().any(|public| public.as_bytes() == origin.as_bytes())
    }
}

/// Whether `origin` names the authority of the `Host` the request was sent to (any scheme:
/// a server does not know whether a proxy in front of it terminated TLS).
fn is_host_origin(origin: &HeaderValue, head: &RequestHead) -> bool {
    let headers = head.headers();
    let Ok(parsed) = Origin::parse_bytes(origin.as_bytes()) else {
        return false;
    };
    let host = match headers.get(header::HOST) {
        Some(host) => host.as_bytes(),
        None => match head.uri.authority() {
            Some(authority) => authority.as_str().as_bytes(),
            None => return false,
        },
    };
    let authority = &origin.as_bytes()[parsed.scheme().len() + "://".len()..];
    if host.eq_ignore_ascii_case(authority) {
        return true;
    }
    // `Host: app.example:443` is the same authority as the origin `https://app.example`.
    match (default_port(parsed.scheme()), parsed.port()) {
        (Some(port), None) => {
            let suffix_len = host.iter().rev().position(|&b| b == b':').map_or(0, |p| p + 1);
            let (host_only, port_text) = host.split_at(host.len() - suffix_len);
            let explicit_port = port_text
                .get(1..)
                .and_then(|p| std::str::from_utf8(p).ok())
                .and_then(|p| p.parse::<u16>().ok());
            explicit_port == Some(port) && host_only.eq_ignore_ascii_case(authority)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
