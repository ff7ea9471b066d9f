//! Why a request was answered as it was, in terms of what the browser will do: for the debug
//! log, for test failures, and for an opt-in development header.

use std::fmt;

use actix_web::{
    dev::RequestHead,
    http::header::{self, HeaderName, HeaderValue},
};

use crate::{
    policy::{AllowOrigin, Decision, Escaped, Reason, Refusal, Rule},
    request::{CorsRequest, RequestKind},
    Policy,
};

/// What a browser will do with a policy's answer to one request, and which rule decided it.
/// Made by [`Policy::explain`]; `Display` says it in one line.
///
/// ```
/// use actix_web::test::TestRequest;
/// use cors_actix::{Policy, Rule, Verdict};
///
/// let policy = Policy::builder().allow_origin("https://app.example").allow_method("PUT").build()?;
/// let preflight = TestRequest::default()
///     .method(actix_web::http::Method::OPTIONS)
///     .uri("/items")
///     .insert_header(("origin", "https://app.example"))
///     .insert_header(("access-control-request-method", "DELETE"))
///     .to_http_request();
/// let explanation = policy.explain(preflight.head());
/// assert_eq!((explanation.verdict, explanation.rule), (Verdict::Forbidden, Some(Rule::Method)));
/// assert_eq!(
///     explanation.to_string(),
///     "preflight for DELETE /items from `https://app.example`: refused by the method rule \
///      (method `DELETE` not allowed); the browser will not send the DELETE, and fetch() rejects",
/// );
/// # Ok::<_, cors_actix::PolicyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Explanation {
    /// What kind of request the policy saw.
    pub kind: RequestKind,
    /// The method the request is for: a preflight's requested method, else its own. Escaped.
    pub method: String,
    /// The request's path.
    pub path: String,
    /// The request's `Origin`, escaped and cut after 64 bytes; `None` without one.
    pub origin: Option<String>,
    /// What happens.
    pub verdict: Verdict,
    /// The rule that refused, when one did.
    pub rule: Option<Rule>,
    /// Why that rule refused, in words (client bytes escaped).
    pub reason: Option<String>,
}

/// What the browser (and the server) will do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Not a CORS request: a browser checks nothing.
    NotChecked,
    /// From the server's own origin: a browser applies no CORS check.
    SameOrigin,
    /// A preflight the browser follows with the actual request; an actual request whose
    /// response the page can read; a WebSocket that opens.
    Allowed {
        /// Whether that holds for requests with credentials (cookies, HTTP authentication).
        credentials: bool,
    },
    /// The handler runs, but the browser keeps the response from the page.
    Unreadable,
    /// Answered `403` without running the handler: a refused preflight, a refused request
    /// with `OnMismatch::Reject`, a refused WebSocket handshake.
    Forbidden,
    /// The policy's asynchronous origin check decides: the origin is allowed if it answers
    /// yes, and refused if it answers no, misses its deadline, or the policy already has its
    /// limit of checks in flight.
    Pending,
}

impl Explanation {
    /// The response header in which [`Cors::explain_refusals`](crate::Cors::explain_refusals)
    /// puts the explanation of a refusal, in development.
    pub const HEADER: HeaderName = HeaderName::from_static("cors-actix-explanation");
}

impl Policy {
    /// Explains what a browser will do with this policy's answer to a request, and which rule
    /// decided it. Allocates: meant for logs, tests and tools, not for answering requests.
    ///
    /// An actual request from an allowed origin that carries credentials, under a policy
    /// without credentials (or answered `*`), is explained as refused by the credentials rule:
    /// a page that sent it with credentials cannot read the response. Credentials are cookies,
    /// and `Authorization` where the policy does not allow that request header: where it does,
    /// a script may have set the header itself (a bearer token), which makes no request
    /// credentialed. A WebSocket handshake is never refused by this rule: a browser applies no
    /// CORS check to a socket.
    pub fn explain(&self, head: &RequestHead) -> Explanation {
        let request = CorsRequest::of(head);
        Explanation::of(self, &request, self.decide(&request))
    }
}

impl Explanation {
    pub(crate) fn of(policy: &Policy, request: &CorsRequest<'_>, decision: Decision<'_>) -> Self {
        let origin = request.origin_value();
        let mut explanation = Self {
            kind: request.kind(),
            method: Escaped(request.method_bytes()).to_string(),
            path: request.head.uri.path().to_owned(),
            origin: origin.map(|origin| Escaped(origin.as_bytes()).to_string()),
            verdict: Verdict::NotChecked,
            rule: None,
            reason: None,
        };
        explanation.verdict = match decision {
            Decision::NotCors => Verdict::NotChecked,
            Decision::SameOrigin => Verdict::SameOrigin,
            Decision::Pending => Verdict::Pending,
            Decision::Preflight(_) => Verdict::Allowed { credentials: policy.credentials },
            Decision::Actual(allow_origin) => {
                if unreadable_with_credentials(policy, request, allow_origin) {
                    explanation.rule = Some(Rule::Credentials);
                    explanation.reason = Some(match allow_origin {
                        AllowOrigin::Any => "the request carries cookies or HTTP authentication, and `Access-Control-Allow-Origin: *` never covers them".to_owned(),
                        AllowOrigin::Origin(_) => "the request carries cookies or HTTP authentication, and the policy does not allow credentials".to_owned(),
                    });
                    Verdict::Unreadable
                } else {
                    Verdict::Allowed { credentials: readable_with_credentials(policy, allow_origin) }
                }
            }
            Decision::Refused(Refusal { forbid, reason, .. }) => {
                let origin = origin.map_or(&b""[..], HeaderValue::as_bytes);
                let reason = match reason {
                    Reason::Origin(refusal) => Reason::Origin(refusal.explained(origin)),
                    reason => reason,
                };
                explanation.rule = Some(Rule::of(&reason));
                explanation.reason = Some(reason.to_string());
                if forbid {
                    Verdict::Forbidden
                } else {
                    Verdict::Unreadable
                }
            }
        };
        explanation
    }
}

/// Whether a page can read the answer `allow_origin` to a request it sent with credentials:
/// only with `Access-Control-Allow-Credentials: true` and its own origin, never `*`.
#[inline]
pub(crate) fn readable_with_credentials(policy: &Policy, allow_origin: AllowOrigin<'_>) -> bool {
    policy.credentials && matches!(allow_origin, AllowOrigin::Origin(_))
}

/// Whether an actual request the policy allows, answered `allow_origin`, carries credentials
/// that keep its response from the page (the credentials rule of [`Policy::explain`]).
pub(crate) fn unreadable_with_credentials(
    policy: &Policy,
    request: &CorsRequest<'_>,
    allow_origin: AllowOrigin<'_>,
) -> bool {
    if readable_with_credentials(policy, allow_origin) || request.is_websocket_handshake() {
        return false;
    }
    let headers = request.head.headers();
    headers.contains_key(header::COOKIE)
        || (headers.contains_key(header::AUTHORIZATION)
            && !policy.allowed_headers().iter().any(|name| name == "authorization"))
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { kind, method, path, .. } = self;
        match kind {
            RequestKind::NotCors => {
                return write!(f, "{method} {path}: no Origin, not a CORS request; a browser checks nothing")
            }
            RequestKind::Preflight => write!(f, "preflight for {method} {path}")?,
            RequestKind::Actual => write!(f, "{method} {path}")?,
            RequestKind::WebSocketHandshake => write!(f, "WebSocket handshake {method} {path}")?,
        }
        if let Some(origin) = &self.origin {
            write!(f, " from `{origin}`")?;
        }
        f.write_str(": ")?;
        if let (Some(rule), Some(reason)) = (self.rule, &self.reason) {
            write!(f, "refused by the {rule} rule ({reason}); ")?;
        }
        match (self.verdict, kind) {
            (Verdict::NotChecked, _) => f.write_str("a browser checks nothing"),
            (Verdict::SameOrigin, _) => {
                f.write_str("the server's own origin; a browser applies no CORS check")
            }
            (Verdict::Pending, _) => f.write_str(
                "the policy's asynchronous origin check decides (the origin is refused if the check misses its deadline or the policy has its limit of checks in flight)",
            ),
            (Verdict::Allowed { credentials }, RequestKind::Preflight) => {
                let with =
                    if credentials { ", with credentials or without" } else { ", without credentials" };
                write!(f, "allowed; the browser will send the {method}{with}")
            }
            (Verdict::Allowed { .. }, RequestKind::WebSocketHandshake) => {
                f.write_str("allowed; the socket opens")
            }
            (Verdict::Allowed { credentials: true }, _) => {
                f.write_str("allowed; the page can read the response, with credentials or without")
            }
            (Verdict::Allowed { credentials: false }, _) => {
                f.write_str("allowed; the page can read the response if it was sent without credentials")
            }
            (Verdict::Unreadable, _) => {
                f.write_str("the handler runs, but the browser keeps the response from the page")
            }
            (Verdict::Forbidden, RequestKind::Preflight) => {
                write!(f, "the browser will not send the {method}, and fetch() rejects")
            }
            (Verdict::Forbidden, RequestKind::WebSocketHandshake) => {
                f.write_str("answered 403 before the handler; the socket never opens")
            }
            (Verdict::Forbidden, _) => f.write_str("answered 403 without running the handler"),
        }
    }
}

#[cfg(test)]
mod tests;
