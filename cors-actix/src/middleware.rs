//! The actix-web middleware: classify, decide, then answer or decorate.
//!
//! Which policy decides: the innermost one around the resource actix routes the request to.
//! A request this layer allows is passed on, and the layer nearest the handler decides and
//! decorates (`routing::Claim`). A preflight, a request this layer would forbid and one only
//! its asynchronous check could allow are first routed as a copy, to find the layer that
//! governs them (`routing.rs`).

use std::{
    cell::Cell,
    future::{ready, Ready},
    rc::Rc,
    sync::Arc,
};

use actix_web::{
    body::{EitherBody, MessageBody},
    dev::{Service, ServiceRequest, ServiceResponse, Transform},
    http::Method,
    HttpRequest, HttpResponse,
};

pub use self::future::CorsFuture;
use self::{
    future::{carry_out, Forwarded, Layer},
    outcome::{Next, Outcome},
    refusals::{OnRefusal, Refusals},
    routing::{route_copy, Governor, Probe},
};
#[cfg(feature = "reload")]
use crate::PolicyHandle;
use crate::{
    policy::{Decision, Decoration, Refusal},
    reload::PolicySource,
    request::CorsRequest,
    route::RouteCors,
    Explanation, Policy,
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

    /// Calls `hook` with the [`Explanation`] of every refusal this layer decides: to count
    /// refusals by [`rule`](Explanation::rule) in the application's metrics, say. The `#[cors]`
    /// routes and `Cors` layers inside this one call it for their own refusals too, unless they
    /// have their own hook.
    ///
    /// A refusal is what the debug log reports: every request the layer refuses (answered
    /// `403`, or passed to the handler without CORS headers), and an allowed actual request
    /// that carries credentials a page cannot read the answer with (the
    /// [`credentials`](crate::Rule::Credentials) rule of [`Policy::explain`]). The hook runs
    /// on the worker, once per refusal: at once for a refusal the layer answers itself, when
    /// the app's response is known for one whose handler runs. The explanation is made only
    /// for refusals, and for an allowed request only when it carries credentials; keep the
    /// hook as quick as a counter.
    ///
    /// ```
    /// use std::sync::{atomic::{AtomicU64, Ordering}, Arc};
    /// use cors_actix::{Cors, Policy, Rule};
    ///
    /// let origin_refusals = Arc::new(AtomicU64::new(0));
    /// let counted = Arc::clone(&origin_refusals);
    /// let policy = Policy::builder().allow_origin("https://app.example").build()?;
    /// let cors = Cors::new(policy).on_refusal(move |explanation| {
    ///     if explanation.rule == Some(Rule::Origin) {
    ///         counted.fetch_add(1, Ordering::Relaxed);
    ///     }
    /// });
    /// # Ok::<_, cors_actix::PolicyError>(())
    /// ```
    pub fn on_refusal(mut self, hook: impl Fn(&Explanation) + Send + Sync + 'static) -> Self {
        self.refusals.on_refusal = Some(OnRefusal(Arc::new(hook)));
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
        self.refusals.note_built();
        ready(Ok(CorsMiddleware {
            service: Rc::new(service),
            policy: self.policy.clone(),
            role: self.role,
            refusals: self.refusals.clone(),
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
            probe.claim(Arc::clone(policy), &self.refusals);
            return match self.role {
                // Nothing inside a route can govern: the copy goes no further.
                Role::Route => CorsFuture::copy(req),
                Role::Layer => {
                    let forwarded = Forwarded {
                        policy: Arc::clone(policy),
                        decoration: Decoration::VaryOnly,
                        report: None,
                        claim: false,
                    };
                    CorsFuture::forward(self.service.call(req), forwarded)
                }
            };
        }
        let request = CorsRequest::of(req.head());
        // A preflight is answered by the policy that governs the actual request it asks about.
        if self.inner_layers && request.preflight.is_some() {
            let governor = self.route_first(&req, &request);
            let inherited;
            let (policy, refusals) = match &governor {
                Some(governor) => {
                    inherited = governor.refusals.inherit(&self.refusals);
                    (&governor.policy, &inherited)
                }
                None => (policy, &self.refusals),
            };
            let next = Next::of(&req, &request, policy, refusals, policy.decide(&request));
            return carry_out(self.layer(), req, policy, refusals, next);
        }
        let decision = policy.decide(&request);
        // So is a request this layer would forbid, or only its asynchronous check could allow:
        // the layer that governs it decides, when the request reaches it.
        if self.inner_layers
            && matches!(decision, Decision::Refused(Refusal { forbid: true, .. }) | Decision::Pending)
            && self.route_first(&req, &request).is_some()
        {
            if self.refusals.has_options() {
                self.refusals.pass_on(&req);
            }
            let outcome = Outcome::Forward { decoration: Decoration::Strip, report: None };
            let next = Next::Carry { outcome, cross_origin: true };
            return carry_out(self.layer(), req, policy, &self.refusals, next);
        }
        // Every other request is decided after routing, by the layer nearest the handler, which
        // answers its refusals as this layer would when this one has options.
        if self.inner_layers && self.refusals.has_options() && !matches!(decision, Decision::NotCors) {
            self.refusals.pass_on(&req);
        }
        let next = Next::of(&req, &request, policy, &self.refusals, decision);
        carry_out(self.layer(), req, policy, &self.refusals, next)
    }
}

impl<S> CorsMiddleware<S> {
    fn layer(&self) -> Layer<'_, S> {
        Layer { service: &self.service, inner_layers: self.inner_layers }
    }

    /// Routes a copy of `req` through the inner service and returns the layer inside this one
    /// that governs it, if the copy reached one.
    #[cold]
    fn route_first(&self, req: &ServiceRequest, request: &CorsRequest<'_>) -> Option<Governor>
    where
        S: Service<ServiceRequest>,
    {
        let preflight_method = match request.preflight {
            // A method that is no token cannot be routed; this layer's policy refuses it.
            Some(asked) => Some(Method::from_bytes(asked.method.as_bytes()).ok()?),
            None => None,
        };
        let governor = route_copy(&*self.service, req, preflight_method);
        if governor.is_none() && !self.ungoverned_noted.replace(true) {
            refusals::note_ungoverned_pass(req);
        }
        governor
    }
}

mod future;
#[cfg(all(test, not(feature = "tracing")))]
mod log_tests;
mod outcome;
mod refusals;
mod routing;
#[cfg(all(test, feature = "tracing"))]
mod tracing_tests;
