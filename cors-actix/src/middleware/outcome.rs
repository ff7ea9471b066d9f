//! From a decision to what the layer does: answer the request itself, or pass it on with what
//! to write into the response. Every response header a layer writes is written from here, by
//! the policy (`policy/response.rs`), and the development explanation in one place,
//! [`explain_in`].

use actix_web::{
    dev::ServiceRequest,
    http::{
        header::{HeaderMap, HeaderValue},
        StatusCode,
    },
    HttpResponse,
};

use super::refusals::{AnsweredBy, Refusals, Report};
use crate::{
    explain::{self, Explanation},
    policy::{Decision, Decoration, OriginCheck, Reason},
    request::CorsRequest,
    Policy,
};

/// What follows a decision, holding nothing borrowed from the request it was made for.
pub(super) enum Next {
    /// Wait for the policy's asynchronous origin check, then decide again.
    Pending(OriginCheck),
    /// Carry out the outcome; `cross_origin`: whether the request has an `Origin`.
    Carry { outcome: Outcome, cross_origin: bool },
}

/// What becomes of a request once its decision is known.
pub(super) enum Outcome {
    /// Answered here, without the inner service: an allowed preflight (`204`) or a
    /// forbidden request (`403`, or the app's own refusal page).
    Answered(HttpResponse),
    /// Passed inward; this is what to do to the response, and the refusal to report once the
    /// app answered, if someone asked to hear of it.
    Forward { decoration: Decoration, report: Option<Box<Report>> },
}

impl Next {
    /// What follows `policy`'s `decision` about `request` (the classified head of `req`):
    /// the one place a decision becomes a response or the headers to apply.
    #[inline]
    pub(super) fn of(
        req: &ServiceRequest,
        request: &CorsRequest<'_>,
        policy: &Policy,
        refusals: &Refusals,
        decision: Decision<'_>,
    ) -> Self {
        let cross_origin = !matches!(decision, Decision::NotCors);
        let forward = |decoration| Outcome::Forward { decoration, report: None };
        let outcome = match decision {
            Decision::Pending => return Self::Pending(policy.check_origin(request)),
            Decision::NotCors | Decision::SameOrigin => forward(Decoration::VaryOnly),
            Decision::Actual(allow_origin) => {
                // Allowed, yet a page that sent it with credentials cannot read the answer: said
                // only to whoever listens, and looked at only when someone may.
                let report = if !explain::readable_with_credentials(policy, allow_origin)
                    && Refusals::may_be_wanted()
                {
                    Report::of_credentials(req.request(), request, policy, refusals, allow_origin)
                } else {
                    None
                };
                Outcome::Forward { decoration: Decoration::Allow(allow_origin.header_value()), report }
            }
            Decision::Preflight(answer) => {
                let mut response = HttpResponse::new(StatusCode::NO_CONTENT);
                policy.write_preflight(response.headers_mut(), &answer);
                Outcome::Answered(response)
            }
            Decision::Refused(refusal) => {
                let req = req.request();
                let refusals = refusals.with_outer(req);
                let report = Report::of_refusal(request, policy, &refusals, refusal);
                if refusal.forbid {
                    let mut response = match (refusal.reason, refusals.cross_origin_refusal) {
                        (Reason::CrossOriginRequest(_), Some(respond)) => respond(req),
                        _ => HttpResponse::new(StatusCode::FORBIDDEN),
                    };
                    let explanation =
                        report.and_then(|report| report.finish(response.status(), AnsweredBy::Cors));
                    explain_in(response.headers_mut(), explanation);
                    policy.write_refusal(response.headers_mut(), refusal.preflight);
                    Outcome::Answered(response)
                } else {
                    // The handler runs: reported once its response is known.
                    Outcome::Forward { decoration: Decoration::Strip, report: report.map(Box::new) }
                }
            }
        };
        Self::Carry { outcome, cross_origin }
    }
}

/// Puts a refusal's explanation, when the layer gives them, into the response.
pub(super) fn explain_in(headers: &mut HeaderMap, explanation: Option<HeaderValue>) {
    if let Some(explanation) = explanation {
        headers.insert(Explanation::HEADER, explanation);
    }
}
