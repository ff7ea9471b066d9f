//! Carrying a decision out: answering at once, waiting for the policy's asynchronous origin
//! check, or calling the inner service and decorating what it answers, errors included.

use std::{
    cell::{Cell, RefCell},
    fmt,
    future::Future,
    pin::Pin,
    rc::Rc,
    sync::Arc,
    task::{Context, Poll},
};

use actix_web::{
    body::{BoxBody, EitherBody, MessageBody},
    dev::{Service, ServiceRequest, ServiceResponse},
    http::{header::HeaderValue, StatusCode},
    HttpMessage, HttpResponse,
};
use pin_project_lite::pin_project;

use super::{
    outcome::{explain_in, Next, Outcome},
    refusals::{AnsweredBy, Refusals, Report},
    routing::{Claim, DecoratedError},
};
use crate::{
    policy::{Decoration, OriginCheck},
    request::CorsRequest,
    Policy,
};

/// What carrying out a decision takes from the layer.
pub(super) struct Layer<'a, S> {
    pub(super) service: &'a Rc<S>,
    /// Whether CORS layers may sit inside this one.
    pub(super) inner_layers: bool,
}

/// Carries out what `policy` decided about `req`: the one way from a decision to a future.
#[inline]
pub(super) fn carry_out<S, B>(
    layer: Layer<'_, S>,
    req: ServiceRequest,
    policy: &Arc<Policy>,
    refusals: &Refusals,
    next: Next,
) -> CorsFuture<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let (outcome, cross_origin) = match next {
        Next::Carry { outcome, cross_origin } => (outcome, cross_origin),
        Next::Pending(check) => {
            let pending = PendingCheck {
                check,
                req,
                policy: Arc::clone(policy),
                refusals: refusals.clone(),
                service: Rc::clone(layer.service),
                inner_layers: layer.inner_layers,
            };
            // Boxed: the future of every other request stays as small as without checks.
            return CorsFuture { state: State::Pending { pending: Some(Box::new(pending)) } };
        }
    };
    // Requests without `Origin` only get `Vary`, which every layer may merge: no claim.
    // Of a cross-origin request, this layer is nearer the handler than any that put a
    // claim on it: it takes the claim, whether it answers or passes the request on.
    let claim = cross_origin && layer.inner_layers && matches!(outcome, Outcome::Forward { .. });
    if cross_origin {
        let mut extensions = req.extensions_mut();
        extensions.remove::<Claim>();
        if claim {
            extensions.insert(Claim);
        }
    }
    match outcome {
        // The request moves into the response: no reference count to raise and drop.
        Outcome::Answered(response) => CorsFuture::ready(req.into_response(response)),
        Outcome::Forward { decoration, report } => {
            let forwarded = Forwarded { policy: Arc::clone(policy), decoration, report, claim };
            CorsFuture::forward(layer.service.call(req), forwarded)
        }
    }
}

/// What a layer keeps while the inner service runs.
pub(super) struct Forwarded {
    pub(super) policy: Arc<Policy>,
    pub(super) decoration: Decoration,
    /// The refusal to report once the app answered, if someone asked to hear of it. Boxed:
    /// kept out of the size of every request's future.
    pub(super) report: Option<Box<Report>>,
    /// Whether this layer put a claim on the request for layers inside.
    pub(super) claim: bool,
}

/// The refusal an error's response reports: when the response is first made, by the innermost
/// layer the error passed through (actix may make it more than once; each carries the
/// explanation, the refusal is reported once).
struct ErrorReport {
    report: Cell<Option<Box<Report>>>,
    explanation: RefCell<Option<HeaderValue>>,
}

impl ErrorReport {
    fn explanation(&self, status: StatusCode) -> Option<HeaderValue> {
        if let Some(report) = self.report.take() {
            *self.explanation.borrow_mut() = report.finish(status, AnsweredBy::App);
        }
        self.explanation.borrow().clone()
    }
}

/// A request waiting for its policy's asynchronous origin check, with what carrying out the
/// decision then takes.
struct PendingCheck<S> {
    check: OriginCheck,
    req: ServiceRequest,
    policy: Arc<Policy>,
    refusals: Refusals,
    service: Rc<S>,
    inner_layers: bool,
}

pin_project! {
    /// The response future of [`CorsMiddleware`](crate::CorsMiddleware). Allocation-free
    /// unless the policy has an asynchronous origin check to wait for: it holds the inner
    /// future and what to add to its response.
    pub struct CorsFuture<S>
    where
        S: Service<ServiceRequest>,
    {
        #[pin]
        state: State<S>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S>
    where
        S: Service<ServiceRequest>,
    {
        // Answered without calling the inner service.
        Ready { response: Option<ServiceResponse<BoxBody>> },
        // A routing pass's copy that reached a `#[cors]` route: dropped unpolled by the layer
        // that made it. Were it polled, it would be answered `204`, never handled.
        Copy { copy: Option<ServiceRequest> },
        // Waiting for the policy's asynchronous origin check; then answered or passed on.
        Pending { pending: Option<Box<PendingCheck<S>>> },
        // Waiting for the inner service.
        Inner {
            #[pin]
            future: S::Future,
            forwarded: Option<Forwarded>,
        },
    }
}

impl<S: Service<ServiceRequest>> CorsFuture<S> {
    /// A response made without the inner service.
    fn ready(response: ServiceResponse) -> Self {
        Self { state: State::Ready { response: Some(response) } }
    }

    /// Waits for the inner service, then does to its response what `forwarded` says.
    pub(super) fn forward(future: S::Future, forwarded: Forwarded) -> Self {
        Self { state: State::Inner { future, forwarded: Some(forwarded) } }
    }

    /// A routing pass's copy, which goes no further.
    pub(super) fn copy(copy: ServiceRequest) -> Self {
        Self { state: State::Copy { copy: Some(copy) } }
    }
}

impl<S: Service<ServiceRequest>> fmt::Debug for CorsFuture<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsFuture").finish_non_exhaustive()
    }
}

impl<S, B> Future for CorsFuture<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.as_mut().project().state.project() {
            StateProj::Ready { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response.map_into_right_body())),
                None => panic!("CorsFuture polled after completion"),
            },
            StateProj::Copy { copy } => match copy.take() {
                Some(copy) => Poll::Ready(Ok(copy
                    .into_response(HttpResponse::new(StatusCode::NO_CONTENT))
                    .map_into_boxed_body()
                    .map_into_right_body())),
                None => panic!("CorsFuture polled after completion"),
            },
            StateProj::Pending { pending } => {
                let Some(state) = pending else {
                    panic!("CorsFuture polled after completion");
                };
                let checked = std::task::ready!(Pin::new(&mut state.check).poll(cx));
                let Some(state) = pending.take() else {
                    panic!("CorsFuture polled after completion");
                };
                let PendingCheck { req, policy, refusals, service, inner_layers, .. } = *state;
                let request = CorsRequest::of(req.head());
                let decision = policy.decide_checked(&request, checked);
                let next = Next::of(&req, &request, &policy, &refusals, decision);
                let layer = Layer { service: &service, inner_layers };
                let next = carry_out(layer, req, &policy, &refusals, next);
                self.as_mut().project().state.set(next.state);
                self.poll(cx)
            }
            StateProj::Inner { future, forwarded } => {
                let result = std::task::ready!(future.poll(cx));
                let Some(forwarded) = forwarded.take() else {
                    panic!("CorsFuture polled after completion");
                };
                Poll::Ready(match result {
                    Ok(mut response) => {
                        // A claim taken away means a layer inside decorated the response.
                        let ours = !forwarded.claim
                            || response.request().extensions_mut().remove::<Claim>().is_some();
                        if ours {
                            forwarded.policy.decorate(response.headers_mut(), &forwarded.decoration);
                            if let Some(report) = forwarded.report {
                                let explanation = report.finish(response.status(), AnsweredBy::App);
                                explain_in(response.headers_mut(), explanation);
                            }
                        }
                        Ok(response.map_into_left_body())
                    }
                    Err(mut error) => {
                        // The error keeps its type; its response is decorated when rendered,
                        // by the innermost layer it passed through.
                        let Forwarded { policy, decoration, report, .. } = forwarded;
                        let report =
                            ErrorReport { report: Cell::new(report), explanation: RefCell::new(None) };
                        error.add_response_mapper(move |mut response| {
                            if !response.extensions().contains::<DecoratedError>() {
                                policy.decorate(response.headers_mut(), &decoration);
                                let explanation = report.explanation(response.status());
                                explain_in(response.headers_mut(), explanation);
                                response.extensions_mut().insert(DecoratedError);
                            }
                            response
                        });
                        Err(error)
                    }
                })
            }
        }
    }
}
