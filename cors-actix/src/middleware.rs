//! The actix-web middleware: classify, decide, then answer or decorate. Nothing else.

use std::{
    cell::OnceCell,
    fmt,
    future::{ready, Future, Ready},
    pin::Pin,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    task::{Context, Poll},
};

use actix_web::{
    body::{BoxBody, EitherBody, MessageBody},
    dev::{Service, ServiceRequest, ServiceResponse, Transform},
    http::{
        header::{self, HeaderMap, HeaderName, HeaderValue},
        Method, StatusCode,
    },
    HttpMessage, HttpResponse, ResponseError,
};
use pin_project_lite::pin_project;

use crate::{
    decision::{AllowOrigin, Decision, PreflightAnswer, Rejection, ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK},
    route::{self, RouteCors},
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
/// # With `#[cors]` routes
///
/// A `#[cors]` route's own policy wins for that route: the app-wide `Cors` answers the
/// route's preflights from the route's policy (so they are answered before any
/// authentication middleware too), leaves the route's responses to the route, and answers
/// every other preflight from its own policy without running a handler. See
/// [`routes`](crate::routes) for how routes are found.
#[derive(Debug, Clone)]
#[must_use]
pub struct Cors {
    policy: Arc<Policy>,
    role: Role,
}

/// Where a `Cors` sits: around an app or scope, or around one `#[cors]` route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    App,
    Route,
}

impl Cors {
    /// A middleware enforcing `policy`.
    pub fn new(policy: Policy) -> Self {
        Self::from_shared(Arc::new(policy))
    }

    /// A middleware sharing an already shared policy.
    pub fn from_shared(policy: Arc<Policy>) -> Self {
        Self { policy, role: Role::App }
    }

    /// The layer a `#[cors]` route wraps itself in (used by the macro's expansion).
    #[doc(hidden)]
    pub fn for_route(route: &'static RouteCors) -> Self {
        Self { policy: Arc::clone(route.policy()), role: Role::Route }
    }

    /// The policy this middleware enforces.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.policy
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
        if self.role == Role::App {
            APP_LAYERS.store(true, Ordering::Release);
        }
        ready(Ok(CorsMiddleware {
            service,
            policy: Arc::clone(&self.policy),
            role: self.role,
            app_has_routes: OnceCell::new(),
        }))
    }
}

/// The service [`Cors`] wraps around the inner service.
#[derive(Debug)]
pub struct CorsMiddleware<S> {
    service: S,
    policy: Arc<Policy>,
    role: Role,
    /// For an app-wide layer: whether its app mounts `#[cors]` routes, learned at the first
    /// request (the app's routes are all registered by then, and never change).
    app_has_routes: OnceCell<bool>,
}

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

/// How a layer's response future relates to `#[cors]` route layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nesting {
    /// No route layer can be inside: decorate.
    Alone,
    /// Route layers may be inside: leave what one of them decorated alone.
    Outer,
    /// This is a route layer: decorate, and say so.
    Route,
}

/// Set on the request by a `#[cors]` route's layer once it has decorated the response, so
/// that an app-wide layer around it leaves the response alone.
#[derive(Debug, Clone, Copy)]
struct DecoratedByRoute;

/// Whether an app-wide layer was ever set up in this process. Only app-wide layers read
/// [`DecoratedByRoute`], and one is set up before its app serves a request, so until then a
/// route layer need not write it (an insert into the request's extensions, on every request).
static APP_LAYERS: AtomicBool = AtomicBool::new(false);

impl<S, B> Service<ServiceRequest> for CorsMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = CorsFuture<S::Future>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        match self.role {
            Role::Route => self.respond(req, &self.policy, Nesting::Route),
            Role::App if *self.app_has_routes.get_or_init(|| route::app_has_routes(&req)) => {
                match route_of(&req) {
                    // A `#[cors]` route's policy wins: answer its preflights here, before any
                    // authentication layer, and decorate as the route would when something
                    // between here and the route answers first.
                    Some(route) => self.respond(req, route.policy(), Nesting::Outer),
                    None => self.respond(req, &self.policy, Nesting::Outer),
                }
            }
            Role::App => self.respond(req, &self.policy, Nesting::Alone),
        }
    }
}

impl<S> CorsMiddleware<S> {
    fn respond<B>(&self, req: ServiceRequest, policy: &Arc<Policy>, nesting: Nesting) -> CorsFuture<S::Future>
    where
        S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    {
        match outcome(&req, policy, policy.decide(req.head())) {
            // The request moves into the response: no reference count to raise and drop.
            Outcome::Answered(response) => CorsFuture::ready(req.into_response(response)),
            Outcome::Forward(decoration) => {
                CorsFuture::inner(self.service.call(req), Arc::clone(policy), decoration, nesting)
            }
        }
    }
}

/// The `#[cors]` route a CORS request is for: for a preflight, the route of the method it
/// asks for; otherwise the route of its own method. Requests without `Origin` only get
/// `Vary`, so they are not looked up.
fn route_of(req: &ServiceRequest) -> Option<&'static RouteCors> {
    if !req.headers().contains_key(header::ORIGIN) {
        return None;
    }
    let asked = match req.method() {
        &Method::OPTIONS => {
            req.headers().get(header::ACCESS_CONTROL_REQUEST_METHOD).map(HeaderValue::as_bytes)
        }
        _ => None,
    };
    route::route_for(req, asked.unwrap_or(req.method().as_str().as_bytes()))
}

/// What becomes of a request once its decision is known.
enum Outcome {
    /// Answered here, without the inner service: an allowed preflight (`204`) or a
    /// forbidden request (`403`).
    Answered(HttpResponse),
    /// Passed inward; this is what to do to the response.
    Forward(Decoration),
}

fn outcome(req: &ServiceRequest, policy: &Policy, decision: Decision<'_>) -> Outcome {
    match decision {
        Decision::NotCors | Decision::SameOrigin => Outcome::Forward(Decoration::VaryOnly),
        Decision::Actual(allow_origin) => {
            Outcome::Forward(Decoration::Allow(allow_origin_value(allow_origin)))
        }
        Decision::Preflight(answer) => {
            let mut response = HttpResponse::new(StatusCode::NO_CONTENT);
            policy.write_preflight(response.headers_mut(), &answer);
            Outcome::Answered(response)
        }
        Decision::Rejected(rejection) => {
            log_rejection(req, &rejection);
            if !rejection.forbid {
                return Outcome::Forward(Decoration::Strip);
            }
            let mut response = HttpResponse::new(StatusCode::FORBIDDEN);
            let vary =
                if rejection.preflight { Some(&policy.vary_preflight) } else { policy.vary_origin.as_ref() };
            if let Some(vary) = vary {
                response.headers_mut().insert(header::VARY, vary.clone());
            }
            Outcome::Answered(response)
        }
    }
}

fn allow_origin_value(allow_origin: AllowOrigin<'_>) -> HeaderValue {
    match allow_origin {
        AllowOrigin::Any => HeaderValue::from_static("*"),
        AllowOrigin::Origin(origin) => origin.clone(),
    }
}

fn log_rejection(req: &ServiceRequest, rejection: &Rejection<'_>) {
    log::debug!(
        target: "cors_actix",
        "{} {} {} refused: {}; origin `{}`",
        if rejection.preflight { "preflight for" } else { "request" },
        req.method(),
        req.path(),
        rejection.reason,
        crate::decision::Escaped(req.headers().get(header::ORIGIN).map_or(&b""[..], HeaderValue::as_bytes)),
    );
}

impl Policy {
    /// Writes the answer to an allowed preflight into a new response's empty headers. Every
    /// name is new there, so each is appended: actix's `insert` does the same and more, to
    /// hand back the values it replaces.
    pub(crate) fn write_preflight(&self, headers: &mut HeaderMap, answer: &PreflightAnswer<'_>) {
        headers.append(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin_value(answer.allow_origin));
        if self.credentials {
            headers.append(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
        }
        headers.append(header::ACCESS_CONTROL_ALLOW_METHODS, self.methods.header().clone());
        if let Some(allow_headers) = answer.mirrored_headers.or(self.allow_headers.header()) {
            headers.append(header::ACCESS_CONTROL_ALLOW_HEADERS, allow_headers.clone());
        }
        if let Some((_, max_age)) = &self.max_age {
            headers.append(header::ACCESS_CONTROL_MAX_AGE, max_age.clone());
        }
        if answer.private_network {
            headers.append(ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, HeaderValue::from_static("true"));
        }
        headers.append(header::VARY, self.vary_preflight.clone());
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
                put(headers, present.allow_origin, header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin.clone());
                if self.credentials {
                    let value = HeaderValue::from_static("true");
                    put(headers, present.credentials, header::ACCESS_CONTROL_ALLOW_CREDENTIALS, value);
                } else if present.credentials {
                    headers.remove(header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
                }
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
        if let Some(vary) = &self.vary_origin {
            if present.vary {
                crate::vary::merge_vary(headers, vary);
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

pin_project! {
    /// The response future of [`CorsMiddleware`]. Allocation-free: it holds the inner
    /// future and what to add to its response.
    pub struct CorsFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F> {
        // Answered without calling the inner service.
        Ready { response: Option<ServiceResponse<BoxBody>> },
        // Waiting for the inner service.
        Inner {
            #[pin]
            future: F,
            policy: Arc<Policy>,
            decoration: Option<Decoration>,
            nesting: Nesting,
        },
    }
}

impl<F> CorsFuture<F> {
    fn ready(response: ServiceResponse<BoxBody>) -> Self {
        Self { state: State::Ready { response: Some(response) } }
    }

    fn inner(future: F, policy: Arc<Policy>, decoration: Decoration, nesting: Nesting) -> Self {
        Self { state: State::Inner { future, policy, decoration: Some(decoration), nesting } }
    }
}

impl<F> fmt::Debug for CorsFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsFuture").finish_non_exhaustive()
    }
}

impl<F, B> Future for CorsFuture<F>
where
    F: Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
    B: MessageBody,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Ready { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response.map_into_right_body())),
                None => panic!("CorsFuture polled after completion"),
            },
            StateProj::Inner { future, policy, decoration, nesting } => {
                let result = std::task::ready!(future.poll(cx));
                let Some(decoration) = decoration.take() else {
                    panic!("CorsFuture polled after completion");
                };
                Poll::Ready(match result {
                    Ok(mut response) => {
                        let by_route = *nesting == Nesting::Outer
                            && response.request().extensions().contains::<DecoratedByRoute>();
                        if !by_route {
                            policy.decorate(response.headers_mut(), &decoration);
                        }
                        if *nesting == Nesting::Route && APP_LAYERS.load(Ordering::Acquire) {
                            response.request().extensions_mut().insert(DecoratedByRoute);
                        }
                        Ok(response.map_into_left_body())
                    }
                    Err(error) => {
                        let by_route =
                            *nesting == Nesting::Outer && error.as_error::<DecoratedError>().is_some();
                        if by_route {
                            Err(error)
                        } else {
                            Err(DecoratedError { error, policy: Arc::clone(policy), decoration }.into())
                        }
                    }
                })
            }
        }
    }
}

/// The error an inner service returned, for code outside `Cors` that downcasts errors
/// (`error.as_error::<MyError>()`): `Cors` wraps the errors of the services inside it, so that
/// their responses carry CORS headers too.
///
/// ```
/// # fn handle(error: &actix_web::Error) {
/// let original = cors_actix::inner_error(error);
/// if let Some(internal) = original.as_error::<actix_web::error::InternalError<&str>>() {
///     // ...
/// }
/// # }
/// ```
pub fn inner_error(error: &actix_web::Error) -> &actix_web::Error {
    match error.as_error::<DecoratedError>() {
        Some(decorated) => inner_error(&decorated.error),
        None => error,
    }
}

/// An error from the inner service (a middleware's `Err`, typically), whose response gets
/// the CORS headers too, so that the browser shows the page the real `401` or `500`
/// instead of a CORS failure. Status, message and `Debug` are the original error's.
struct DecoratedError {
    error: actix_web::Error,
    policy: Arc<Policy>,
    decoration: Decoration,
}

impl ResponseError for DecoratedError {
    fn status_code(&self) -> StatusCode {
        self.error.as_response_error().status_code()
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        let mut response = self.error.error_response();
        self.policy.decorate(response.headers_mut(), &self.decoration);
        response
    }
}

impl fmt::Display for DecoratedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl fmt::Debug for DecoratedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.error, f)
    }
}
