//! The actix-web middleware: classify, decide, then answer or decorate.
//!
//! Which policy decides: the innermost one around the resource actix routes the request to.
//! A request this layer allows is passed on, and the layer nearest the handler decides and
//! decorates (`routing::Claim`). A preflight, a request this layer would forbid and one only
//! its asynchronous check could allow are first routed as a copy, to find the layer that
//! governs them (`routing.rs`).

use std::{
    cell::Cell,
    fmt,
    future::{ready, Future, Ready},
    pin::Pin,
    rc::Rc,
    sync::Arc,
    task::{Context, Poll},
};

use actix_web::{
    body::{BoxBody, EitherBody, MessageBody},
    dev::{Service, ServiceRequest, ServiceResponse, Transform},
    http::{
        header::{self, HeaderMap, HeaderValue},
        Method, StatusCode,
    },
    HttpMessage, HttpRequest, HttpResponse,
};
use pin_project_lite::pin_project;

use self::{
    refusals::{report_refusal, Refusals},
    routing::{route_copy, Claim, DecoratedError, Governor, Probe},
};
#[cfg(feature = "reload")]
use crate::PolicyHandle;
use crate::{
    explain::Explanation,
    policy::{requested_method, Decision, Decoration, OriginCheck, Reason, Refusal},
    reload::PolicySource,
    route::RouteCors,
    Policy,
};

/// The CORS middleware: wrap an `App`, a `Scope` or a `Resource` with it.
///
/// ```
/// use actix_web::{web, App, HttpResponse};
/// use cors_actix::{Cors, Policy};
///
/// let policy = Policy::builder().allow_origin("https://app.example").build()?;
/// let app = App::new()
///     .wrap(Cors::new(policy))
///     .route("/", web::get().to(HttpResponse::Ok));
/// # Ok::<_, cors_actix::PolicyError>(())
/// ```
///
/// Preflights are answered here and never reach a handler. Responses of actual requests,
/// error responses included, get the CORS headers. Put `Cors` outside (that is, `wrap` it
/// after) any authentication middleware: a preflight carries no credentials, so an
/// authentication layer in front of it would refuse every preflight.
///
/// # Which policy governs
///
/// The innermost policy around the resource that actix routes the request to: a `#[cors]`
/// route's own, else that of the innermost `Cors` around the resource (resource, scope, app).
/// A preflight is governed by the policy that governs the actual request it asks about, and
/// never reaches a handler. Responses made before routing (an authentication middleware's
/// `401`) are decorated by the innermost `Cors` they pass through.
///
/// Only actix's routing knows which resource serves a request, since only it evaluates
/// guards. So a layer with `#[cors]` routes or `Cors` layers inside it lets actix route a
/// copy of the request first, when its answer depends on the resource: for a preflight (the
/// copy carries the method it asks for, so that method guards choose as for the actual
/// request), for a request this layer would refuse ([`OnMismatch::Reject`](crate::OnMismatch),
/// cross-origin request protection, the WebSocket check), and for one only this layer's
/// asynchronous origin check could allow. Each `#[cors]` route and `Cors` layer the copy
/// reaches records itself, the innermost governs, and the copy is dropped before any handler
/// runs. Then the layer answers the preflight, refuses, or passes the request on to the layer
/// that governs it. Requests this layer allows, and requests without `Origin`, are passed on
/// without a copy, and a layer with nothing inside it to ask never makes one.
///
/// The copy carries the request's method, URI, version, headers and peer address, and what
/// the scopes around this layer matched; it lacks the app data, the connection data and the
/// request's extensions, so a guard that reads them sees none. A `#[cors]` route's own
/// `guard = ..` is not asked about a preflight (which carries none of the actual request's
/// headers); every other guard is. A guard must give the same answer for the same request.
///
/// Two notes:
/// - A middleware between this layer and the routes that awaits before it calls its inner
///   service keeps the copy from reaching them. This layer then decides alone, with its own
///   policy, so a request it would refuse stays refused (said once in the debug log). Put
///   such a middleware on the routes it serves (`#[get("/x", wrap = "..")]`, a resource's
///   `wrap`) or outside the `Cors`; an authentication middleware belongs on the routes, since
///   a preflight carries no credentials.
/// - A service or middleware that acts in its `call`, rather than in the future it returns,
///   acts on the copy too. actix's handlers, the bodies of `fn_service` futures, default
///   services, `Logger`, `Compress`, `NormalizePath`, `Condition` and `actix-files` act only in
///   their futures, or change only the copy.
#[derive(Debug, Clone)]
#[must_use]
pub struct Cors {
    policy: PolicySource,
    role: Role,
    /// How this layer reports its refusals.
    refusals: Refusals,
}

/// Where a `Cors` sits: around an app, scope or resource, or around one `#[cors]` route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Layer,
    Route,
}

impl Cors {
    /// A middleware enforcing `policy`.
    pub fn new(policy: Policy) -> Self {
        Self::from_shared(Arc::new(policy))
    }

    /// A middleware sharing an already shared policy.
    pub fn from_shared(policy: Arc<Policy>) -> Self {
        Self { policy: PolicySource::Fixed(policy), role: Role::Layer, refusals: Refusals::default() }
    }

    /// A middleware whose policy can be replaced while the server runs, for every worker at
    /// once, through the returned handle.
    #[cfg(feature = "reload")]
    #[cfg_attr(docsrs, doc(cfg(feature = "reload")))]
    pub fn reloadable(policy: Policy) -> (Self, PolicyHandle) {
        let (handle, policy) = PolicyHandle::new(policy);
        (Self { policy, role: Role::Layer, refusals: Refusals::default() }, handle)
    }

    /// The layer a `#[cors]` route wraps itself in (used by the macro's expansion).
    #[doc(hidden)]
    pub fn for_route(route: &'static RouteCors) -> Self {
        Self {
            policy: PolicySource::Fixed(Arc::clone(route.policy())),
            role: Role::Route,
            refusals: Refusals { route: Some(route), ..Refusals::default() },
        }
    }

    /// A development aid: every refusal this layer decides carries its
    /// [`Explanation`](crate::Explanation) in the response header
    /// [`Explanation::HEADER`](crate::Explanation::HEADER), which the
    /// [`test`](mod@crate::test) assertions quote when they fail. Off by default, and keep it
    /// off in production: it tells any client which rule refused it. The `#[cors]` routes
    /// and `Cors` layers inside this one answer their own refusals the same way.
    pub fn explain_refusals(mut self) -> Self {
        self.refusals.explain = true;
        self
    }

    /// The response to a request that cross-origin request protection
    /// ([`PolicyBuilder::cross_origin_protection`](crate::PolicyBuilder::cross_origin_protection))
    /// refuses, instead of an empty `403`: a page that explains, a redirect. It gets the
    /// request (and through it the app's data); the handler still never runs. The `#[cors]`
    /// routes and `Cors` layers inside this one answer their own such refusals with it too,
    /// unless they have their own.
    ///
    /// ```
    /// use actix_web::{HttpRequest, HttpResponse};
    /// use cors_actix::{Cors, Policy};
    ///
    /// fn refused(_: &HttpRequest) -> HttpResponse {
    ///     HttpResponse::Forbidden().body("This form can only be sent from our own pages.")
    /// }
    ///
    /// let policy = Policy::builder().allow_origin("https://app.example").cross_origin_protection(true).build()?;
    /// let cors = Cors::new(policy).on_cross_origin_refusal(refused);
    /// # Ok::<_, cors_actix::PolicyError>(())
    /// ```
    pub fn on_cross_origin_refusal(mut self, respond: fn(&HttpRequest) -> HttpResponse) -> Self {
        self.refusals.cross_origin_refusal = Some(respond);
        self
    }

    /// The policy this middleware enforces now.
    pub fn policy(&self) -> Arc<Policy> {
        Arc::clone(&self.policy.current())
    }
}

impl<S, B> Transform<S, ServiceRequest> for Cors
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = CorsMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        // actix builds every service inside a layer before the layer itself, on the same
        // thread: a layer built when no other was built before it on this thread has no
        // CORS layer inside, and can skip the claim between nested layers. A layer of
        // another app built earlier on this thread only costs the claim, never a wrong answer.
        let inner_layers = LAYERS_BUILT.with(|built| built.replace(built.get() + 1)) > 0;
        ready(Ok(CorsMiddleware {
            service: Rc::new(service),
            policy: self.policy.clone(),
            role: self.role,
            refusals: self.refusals,
            inner_layers: self.role == Role::Layer && inner_layers,
            ungoverned_noted: Cell::new(false),
        }))
    }
}

thread_local! {
    /// How many `Cors` layers were built on this thread so far.
    static LAYERS_BUILT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The service [`Cors`] wraps around the inner service.
#[derive(Debug)]
pub struct CorsMiddleware<S> {
    /// Shared with a response future that waits for an asynchronous origin check before it
    /// calls the service.
    service: Rc<S>,
    policy: PolicySource,
    role: Role,
    refusals: Refusals,
    /// Whether a CORS layer may sit inside this one (a `#[cors]` route, a `Cors` on a scope).
    inner_layers: bool,
    /// Whether the debug log already said that a routing pass reached no layer inside.
    ungoverned_noted: Cell<bool>,
}

impl<S, B> Service<ServiceRequest> for CorsMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = CorsFuture<S>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let current = self.policy.current();
        let policy: &Arc<Policy> = &current;
        // A copy an outer layer routes to find the layer that governs: this one is inside it.
        if let Some(probe) = Probe::of(&req) {
            probe.claim(Arc::clone(policy), self.refusals);
            return match self.role {
                // Nothing inside a route can govern: the copy goes no further.
                Role::Route => CorsFuture { state: State::Copy { copy: Some(req) } },
                Role::Layer => {
                    let forwarded = Forwarded {
                        policy: Arc::clone(policy),
                        decoration: Decoration::VaryOnly,
                        explanation: None,
                        claim: false,
                    };
                    CorsFuture {
                        state: State::Inner { future: self.service.call(req), forwarded: Some(forwarded) },
                    }
                }
            };
        }
        // A preflight is answered by the policy that governs the actual request it asks about.
        if self.inner_layers && is_preflight(&req) {
            return match self.route_first(&req, true) {
                Some(governor) => {
                    let refusals = governor.refusals.inherit(self.refusals);
                    let next =
                        next_step(&req, &governor.policy, refusals, governor.policy.decide(req.head()));
                    self.carry_out(req, &governor.policy, refusals, next)
                }
                None => {
                    let next = next_step(&req, policy, self.refusals, policy.decide(req.head()));
                    self.carry_out(req, policy, self.refusals, next)
                }
            };
        }
        let decision = policy.decide(req.head());
        // So is a request this layer would forbid, or only its asynchronous check could allow:
        // the layer that governs it decides, when the request reaches it.
        if self.inner_layers
            && matches!(decision, Decision::Refused(Refusal { forbid: true, .. }) | Decision::Pending)
            && self.route_first(&req, false).is_some()
        {
            if self.refusals.has_options() {
                self.refusals.pass_on(&req);
            }
            let outcome = Outcome::Forward { decoration: Decoration::Strip, explanation: None };
            return dispatch(&self.service, self.inner_layers, req, policy, outcome, true);
        }
        // Every other request is decided after routing, by the layer nearest the handler, which
        // answers its refusals as this layer would when this one has options.
        if self.inner_layers && self.refusals.has_options() && !matches!(decision, Decision::NotCors) {
            self.refusals.pass_on(&req);
        }
        let next = next_step(&req, policy, self.refusals, decision);
        self.carry_out(req, policy, self.refusals, next)
    }
}

impl<S> CorsMiddleware<S> {
    /// Routes a copy of `req` through the inner service and returns the layer inside this one
    /// that governs it, if the copy reached one.
    #[cold]
    fn route_first(&self, req: &ServiceRequest, preflight: bool) -> Option<Governor>
    where
        S: Service<ServiceRequest>,
    {
        let preflight_method = match requested_method(req.head()) {
            // A method that is no token cannot be routed; this layer's policy refuses it.
            Some(method) if preflight => Some(Method::from_bytes(method.as_bytes()).ok()?),
            _ => None,
        };
        let governor = route_copy(&*self.service, req, preflight_method);
        if governor.is_none() && !self.ungoverned_noted.replace(true) {
            refusals::note_ungoverned_pass(req);
        }
        governor
    }

    /// Carries out what `policy` decided about `req`.
    fn carry_out<B>(
        &self,
        req: ServiceRequest,
        policy: &Arc<Policy>,
        refusals: Refusals,
        next: Next,
    ) -> CorsFuture<S>
    where
        S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    {
        match next {
            Next::Pending => self.wait_for_origin_check(req, policy, refusals),
            Next::Carry { outcome, cross_origin } => {
                dispatch(&self.service, self.inner_layers, req, policy, outcome, cross_origin)
            }
        }
    }

    /// A request whose answer depends on `policy`'s asynchronous origin check: waits for it,
    /// then decides again and carries that out.
    #[cold]
    fn wait_for_origin_check(
        &self,
        req: ServiceRequest,
        policy: &Arc<Policy>,
        refusals: Refusals,
    ) -> CorsFuture<S>
    where
        S: Service<ServiceRequest>,
    {
        let pending = PendingCheck {
            check: policy.check_origin(req.head()),
            req,
            policy: Arc::clone(policy),
            refusals,
            service: Rc::clone(&self.service),
            inner_layers: self.inner_layers,
        };
        // Boxed: the future of every other request stays as small as it was without checks.
        CorsFuture { state: State::Pending { pending: Some(Box::new(pending)) } }
    }
}

/// Answers the request, or passes it to `service` with what to do to the response.
/// `inner_layers`: whether CORS layers may sit inside the one dispatching.
fn dispatch<S, B>(
    service: &Rc<S>,
    inner_layers: bool,
    req: ServiceRequest,
    policy: &Arc<Policy>,
    outcome: Outcome,
    cross_origin: bool,
) -> CorsFuture<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    // Requests without `Origin` only get `Vary`, which every layer may merge: no claim.
    // Of a cross-origin request, this layer is nearer the handler than any that put a
    // claim on it: it takes the claim, whether it answers or passes the request on.
    let claim = cross_origin && inner_layers && matches!(outcome, Outcome::Forward { .. });
    if cross_origin {
        let mut extensions = req.extensions_mut();
        extensions.remove::<Claim>();
        if claim {
            extensions.insert(Claim);
        }
    }
    let state = match outcome {
        // The request moves into the response: no reference count to raise and drop.
        Outcome::Answered(response) => return CorsFuture::ready(req.into_response(response)),
        Outcome::Forward { decoration, explanation } => {
            let forwarded = Forwarded { policy: Arc::clone(policy), decoration, explanation, claim };
            State::Inner { future: service.call(req), forwarded: Some(forwarded) }
        }
    };
    CorsFuture { state }
}

/// Whether the request is a CORS preflight: `OPTIONS` with `Origin` and
/// `Access-Control-Request-Method` (Fetch, "CORS-preflight request").
fn is_preflight(req: &ServiceRequest) -> bool {
    requested_method(req.head()).is_some() && req.headers().contains_key(header::ORIGIN)
}

/// What a layer keeps while the inner service runs.
struct Forwarded {
    policy: Arc<Policy>,
    decoration: Decoration,
    /// The explanation of a refusal that the handler's response carries in development.
    explanation: Option<HeaderValue>,
    /// Whether this layer put a claim on the request for layers inside.
    claim: bool,
}

/// What becomes of a request once its decision is known.
enum Outcome {
    /// Answered here, without the inner service: an allowed preflight (`204`) or a
    /// forbidden request (`403`).
    Answered(HttpResponse),
    /// Passed inward; this is what to do to the response.
    Forward { decoration: Decoration, explanation: Option<HeaderValue> },
}

/// What follows a decision, without the borrow of the request head it was made from.
enum Next {
    /// Wait for the policy's asynchronous origin check, then decide again.
    Pending,
    /// Carry out the outcome; `cross_origin`: whether the request has an `Origin`.
    Carry { outcome: Outcome, cross_origin: bool },
}

/// What follows `policy`'s `decision` about `req`.
fn next_step(req: &ServiceRequest, policy: &Policy, refusals: Refusals, decision: Decision<'_>) -> Next {
    if matches!(decision, Decision::Pending) {
        return Next::Pending;
    }
    let cross_origin = !matches!(decision, Decision::NotCors);
    Next::Carry { outcome: outcome(req.request(), policy, refusals, decision), cross_origin }
}

/// Puts a refusal's explanation, when the layer gives them, into the response.
fn explain_in(headers: &mut HeaderMap, explanation: Option<HeaderValue>) {
    if let Some(explanation) = explanation {
        headers.insert(Explanation::HEADER, explanation);
    }
}

/// What becomes of a request as `policy`'s `decision` says.
fn outcome(req: &HttpRequest, policy: &Policy, refusals: Refusals, decision: Decision<'_>) -> Outcome {
    match decision {
        // Callers wait for the check before they come here; were one not to, the response
        // would carry no CORS header, which a browser reads as a refusal.
        Decision::Pending => Outcome::Forward { decoration: Decoration::Strip, explanation: None },
        Decision::NotCors | Decision::SameOrigin => {
            Outcome::Forward { decoration: Decoration::VaryOnly, explanation: None }
        }
        Decision::Actual(allow_origin) => {
            Outcome::Forward { decoration: Decoration::Allow(allow_origin.header_value()), explanation: None }
        }
        Decision::Preflight(answer) => {
            let mut response = HttpResponse::new(StatusCode::NO_CONTENT);
            policy.write_preflight(response.headers_mut(), &answer);
            Outcome::Answered(response)
        }
        Decision::Refused(refusal) => {
            let refusals = refusals.with_outer(req);
            let explanation = report_refusal(req, policy, refusals, refusal);
            if !refusal.forbid {
                return Outcome::Forward { decoration: Decoration::Strip, explanation };
            }
            let mut response = match (refusal.reason, refusals.cross_origin_refusal) {
                (Reason::CrossOriginRequest(_), Some(respond)) => respond(req),
                _ => HttpResponse::new(StatusCode::FORBIDDEN),
            };
            explain_in(response.headers_mut(), explanation);
            policy.write_refusal(response.headers_mut(), refusal.preflight);
            Outcome::Answered(response)
        }
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
    /// The response future of [`CorsMiddleware`]. Allocation-free unless the policy has an
    /// asynchronous origin check to wait for: it holds the inner future and what to add to its
    /// response.
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
                let origin_allowed = std::task::ready!(Pin::new(&mut state.check).poll(cx));
                let Some(state) = pending.take() else {
                    panic!("CorsFuture polled after completion");
                };
                let PendingCheck { req, policy, refusals, service, inner_layers, .. } = *state;
                let decision = policy.decide_checked(req.head(), origin_allowed);
                let cross_origin = !matches!(decision, Decision::NotCors);
                let outcome = outcome(req.request(), &policy, refusals, decision);
                let next = dispatch(&service, inner_layers, req, &policy, outcome, cross_origin);
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
                            explain_in(response.headers_mut(), forwarded.explanation);
                        }
                        Ok(response.map_into_left_body())
                    }
                    Err(mut error) => {
                        // The error keeps its type; its response is decorated when rendered,
                        // by the innermost layer it passed through.
                        let Forwarded { policy, decoration, explanation, .. } = forwarded;
                        error.add_response_mapper(move |mut response| {
                            if !response.extensions().contains::<DecoratedError>() {
                                policy.decorate(response.headers_mut(), &decoration);
                                explain_in(response.headers_mut(), explanation.clone());
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

mod refusals;
mod routing;
#[cfg(all(test, feature = "tracing"))]
mod tracing_tests;
