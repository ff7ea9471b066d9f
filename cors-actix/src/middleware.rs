//! The actix-web middleware: classify, decide, then answer or decorate. Nothing else.

use std::{
    fmt,
    future::{ready, Future, Ready},
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use actix_web::{
    body::{BoxBody, EitherBody, MessageBody},
    dev::{Service, ServiceRequest, ServiceResponse, Transform},
    http::{
        header::{self, HeaderMap, HeaderValue},
        StatusCode,
    },
    HttpResponse, ResponseError,
};
use pin_project_lite::pin_project;

use crate::{
    decision::{AllowOrigin, Decision, PreflightAnswer, Rejection, ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK},
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
#[derive(Debug, Clone)]
#[must_use]
pub struct Cors {
    policy: Arc<Policy>,
}

impl Cors {
    /// A middleware enforcing `policy`.
    pub fn new(policy: Policy) -> Self {
        Self {
            policy: Arc::new(policy),
        }
    }

    /// A middleware sharing an already shared policy.
    pub fn from_shared(policy: Arc<Policy>) -> Self {
        Self { policy }
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
        ready(Ok(CorsMiddleware {
            service,
            policy: Arc::clone(&self.policy),
        }))
    }
}

/// The service [`Cors`] wraps around the inner service.
#[derive(Debug)]
pub struct CorsMiddleware<S> {
    service: S,
    policy: Arc<Policy>,
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
        let decoration = match self.policy.decide(req.head()) {
            Decision::NotCors | Decision::SameOrigin => Decoration::VaryOnly,
            Decision::Actual(allow_origin) => Decoration::Allow(allow_origin_value(allow_origin)),
            Decision::Preflight(answer) => {
                let mut response = HttpResponse::new(StatusCode::NO_CONTENT);
                self.policy.write_preflight(response.headers_mut(), &answer);
                return CorsFuture::ready(req.into_response(response));
            }
            Decision::Rejected(rejection) => {
                log_rejection(&req, &rejection);
                if rejection.forbid {
                    let mut response = HttpResponse::new(StatusCode::FORBIDDEN);
                    let vary = if rejection.preflight {
                        Some(&self.policy.vary_preflight)
                    } else {
                        self.policy.vary_origin.as_ref()
                    };
                    if let Some(vary) = vary {
                        response.headers_mut().insert(header::VARY, vary.clone());
                    }
                    return CorsFuture::ready(req.into_response(response));
                }
                Decoration::Strip
            }
        };
        CorsFuture::inner(self.service.call(req), Arc::clone(&self.policy), decoration)
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
    /// Writes the answer to an allowed preflight.
    pub(crate) fn write_preflight(&self, headers: &mut HeaderMap, answer: &PreflightAnswer<'_>) {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            allow_origin_value(answer.allow_origin),
        );
        if self.credentials {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            self.methods.header().clone(),
        );
        if let Some(allow_headers) = answer.mirrored_headers.or(self.allow_headers.header()) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, allow_headers.clone());
        }
        if let Some((_, max_age)) = &self.max_age {
            headers.insert(header::ACCESS_CONTROL_MAX_AGE, max_age.clone());
        }
        if answer.private_network {
            headers.insert(
                ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
                HeaderValue::from_static("true"),
            );
        }
        headers.insert(header::VARY, self.vary_preflight.clone());
    }

    /// Applies a decoration to a response of the inner service.
    pub(crate) fn decorate(&self, headers: &mut HeaderMap, decoration: &Decoration) {
        match decoration {
            Decoration::VaryOnly => {}
            Decoration::Allow(allow_origin) => {
                headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin.clone());
                if self.credentials {
                    headers.insert(
                        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                        HeaderValue::from_static("true"),
                    );
                } else {
                    headers.remove(header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
                }
                if let Some(expose) = self.expose_headers.header() {
                    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, expose.clone());
                } else {
                    headers.remove(header::ACCESS_CONTROL_EXPOSE_HEADERS);
                }
            }
            Decoration::Strip => {
                headers.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
                headers.remove(header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
                headers.remove(header::ACCESS_CONTROL_EXPOSE_HEADERS);
            }
        }
        if let Some(vary) = &self.vary_origin {
            crate::vary::merge_vary(headers, vary);
        }
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
        },
    }
}

impl<F> CorsFuture<F> {
    fn ready(response: ServiceResponse<BoxBody>) -> Self {
        Self {
            state: State::Ready {
                response: Some(response),
            },
        }
    }

    fn inner(future: F, policy: Arc<Policy>, decoration: Decoration) -> Self {
        Self {
            state: State::Inner {
                future,
                policy,
                decoration: Some(decoration),
            },
        }
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
            StateProj::Inner {
                future,
                policy,
                decoration,
            } => {
                let result = std::task::ready!(future.poll(cx));
                let Some(decoration) = decoration.take() else {
                    panic!("CorsFuture polled after completion");
                };
                Poll::Ready(match result {
                    Ok(mut response) => {
                        policy.decorate(response.headers_mut(), &decoration);
                        Ok(response.map_into_left_body())
                    }
                    Err(error) => Err(DecoratedError {
                        error,
                        policy: Arc::clone(policy),
                        decoration,
                    }
                    .into()),
                })
            }
        }
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
