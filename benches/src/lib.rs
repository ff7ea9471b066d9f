//! What every benchmark of cors-actix shares: one app, one policy, the variants of the app
//! and five kinds of request.
//!
//! The four compared variants ([`Variant::ALL`]) are the same app without CORS, with
//! actix-cors, with an app-wide [`Cors`] and with a `#[cors]` route; the others compose
//! layers and routes, protect, reject, or measure the floor ([`Variant`]). They all serve `GET|POST|PUT /items/{id}`,
//! whose handler answers `200` with an `x-request-id` header, under the same policy: two exact
//! origins, the subdomain pattern `https://*.example.com`, methods `GET`/`POST`/`PUT`,
//! request headers `content-type` and `x-api-key`, exposed header `x-request-id`, credentials
//! and a max-age of 600 s.
//!
//! actix-cors is a dev-dependency of this crate only, so its variant is built by the
//! [`actix_cors!`] macro, which expands in the bench, example and test targets; [`with_app!`]
//! picks a variant's app factory for code that is generic over the app's type.
//!
//! Request header values are `HeaderValue::from_static`, so that copying one (the `Origin`
//! into `Access-Control-Allow-Origin`) costs what it costs in a server, where header values
//! are slices of the shared read buffer: no allocation. A value built with
//! `HeaderValue::from_str` would allocate on its first clone, which only happens in tests.

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceFactory, ServiceRequest, ServiceResponse},
    guard,
    http::{
        header::{self, HeaderName, HeaderValue},
        Method,
    },
    test::TestRequest,
    web, App, Error, HttpResponse, Resource,
};
use cors_actix::{Cors, OnMismatch, Policy, PolicyBuilder};

/// An exact allowed origin; the origin of the allowed requests.
pub const ORIGIN_APP: &str = "https://app.example";
/// The other exact allowed origin.
pub const ORIGIN_ADMIN: &str = "https://admin.example";
/// The allowed subdomain pattern.
pub const SUBDOMAIN_PATTERN: &str = "https://*.example.com";
/// An origin the policy does not allow.
pub const ORIGIN_EVIL: &str = "https://evil.example";
/// The path every request goes to.
pub const PATH: &str = "/items/7";

/// One way of serving the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variant {
    /// The app without any CORS layer: the baseline.
    NoCors,
    /// The app wrapped in actix-cors 0.7.
    ActixCors,
    /// The app wrapped in `Cors::new(policy())`.
    AppWide,
    /// The route carries the policy with `#[cors(...)]`; no app-wide layer.
    PerRoute,
    /// Composition, a plain route: the app-wide `Cors` of an app that also has a `#[cors]`
    /// route (on another path); the request goes to the plain route.
    Mixed,
    /// Composition, a `#[cors]` route: the app-wide `Cors` of an app whose requested route
    /// carries its own policy with `#[cors]` (the per-route variant's route).
    Composed,
    /// The app-wide variant with cross-origin request protection on: what the protection
    /// adds to requests it lets through.
    Protected,
    /// The `mixed` app with its app-wide policy in `reject` mode: a refused request is routed
    /// first (a `#[cors]` route could govern it), then refused with `403`.
    Rejecting,
    /// Not a CORS layer: an outermost middleware that answers every request with an empty
    /// `204` before routing. What any layer answering preflights itself costs at least here
    /// (building the test request, entering the app, dropping the response).
    Floor,
}

impl Variant {
    /// Every variant, baseline first.
    pub const ALL: [Self; 4] = [Self::NoCors, Self::ActixCors, Self::AppWide, Self::PerRoute];

    /// The name used on command lines and in tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::NoCors => "no-cors",
            Self::ActixCors => "actix-cors",
            Self::AppWide => "app-wide",
            Self::PerRoute => "per-route",
            Self::Mixed => "mixed",
            Self::Composed => "composed",
            Self::Protected => "protected",
            Self::Rejecting => "rejecting",
            Self::Floor => "floor",
        }
    }

    /// The variant called `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .chain([Self::Mixed, Self::Composed, Self::Protected, Self::Rejecting, Self::Floor])
            .find(|variant| variant.name() == name)
    }
}

impl std::fmt::Display for Variant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One kind of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Case {
    /// `GET` from an allowed (exact) origin.
    SimpleAllowed,
    /// `GET` from an origin the policy does not allow.
    SimpleDisallowed,
    /// A preflight from an allowed origin for `PUT` with `content-type, x-api-key`.
    PreflightAllowed,
    /// A preflight from an origin the policy does not allow.
    PreflightRejected,
    /// `GET` without `Origin`: not a CORS request.
    NoOrigin,
}

impl Case {
    /// Every case.
    pub const ALL: [Self; 5] = [
        Self::SimpleAllowed,
        Self::SimpleDisallowed,
        Self::PreflightAllowed,
        Self::PreflightRejected,
        Self::NoOrigin,
    ];

    /// The name used on command lines and in tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::SimpleAllowed => "simple-allowed",
            Self::SimpleDisallowed => "simple-disallowed",
            Self::PreflightAllowed => "preflight-allowed",
            Self::PreflightRejected => "preflight-rejected",
            Self::NoOrigin => "no-origin",
        }
    }

    /// The case called `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|case| case.name() == name)
    }

    /// The request, to be finished with `to_request()` or `to_srv_request()`.
    pub fn test_request(self) -> TestRequest {
        let origin = |value| (header::ORIGIN, HeaderValue::from_static(value));
        match self {
            Self::SimpleAllowed => TestRequest::get().uri(PATH).insert_header(origin(ORIGIN_APP)),
            Self::SimpleDisallowed => TestRequest::get().uri(PATH).insert_header(origin(ORIGIN_EVIL)),
            Self::PreflightAllowed => TestRequest::default()
                .method(Method::OPTIONS)
                .uri(PATH)
                .insert_header(origin(ORIGIN_APP))
                .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, HeaderValue::from_static("PUT")))
                .insert_header((
                    header::ACCESS_CONTROL_REQUEST_HEADERS,
                    HeaderValue::from_static("content-type,x-api-key"),
                )),
            Self::PreflightRejected => TestRequest::default()
                .method(Method::OPTIONS)
                .uri(PATH)
                .insert_header(origin(ORIGIN_EVIL))
                .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, HeaderValue::from_static("PUT"))),
            Self::NoOrigin => TestRequest::get().uri(PATH),
        }
    }

    /// The status a CORS layer that follows the Fetch standard answers with.
    pub fn expected_status(self) -> u16 {
        match self {
            Self::SimpleAllowed | Self::SimpleDisallowed | Self::NoOrigin => 200,
            Self::PreflightAllowed => 204,
            Self::PreflightRejected => 403,
        }
    }
}

impl std::fmt::Display for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The policy, as an app-wide `Cors` gets it (the `#[cors]` route spells the same keys).
pub fn policy() -> Policy {
    policy_builder().build().expect("the benchmarks' policy is valid")
}

/// [`policy`] refusing, with `403`, actual requests from origins it does not allow.
pub fn rejecting_policy() -> Policy {
    policy_builder().on_mismatch(OnMismatch::Reject).build().expect("the benchmarks' policy is valid")
}

/// [`policy`] with cross-origin request protection.
pub fn protected_policy() -> Policy {
    policy_builder().cross_origin_protection(true).build().expect("the benchmarks' policy is valid")
}

fn policy_builder() -> PolicyBuilder {
    Policy::builder()
        .allow_origins(["https://app.example", "https://admin.example", "https://*.example.com"])
        .allow_methods(["GET", "POST", "PUT"])
        .allow_headers(["content-type", "x-api-key"])
        .expose_header("x-request-id")
        .allow_credentials(true)
        .max_age(600)
}

/// actix-cors's spelling of the subdomain pattern: `https://` + one or more labels +
/// `.example.com`, as its `allowed_origin_fn` sees the `Origin` bytes.
pub fn is_example_com_subdomain(origin: &[u8]) -> bool {
    origin
        .strip_prefix(b"https://")
        .and_then(|rest| rest.strip_suffix(b".example.com"))
        .is_some_and(|labels| !labels.is_empty() && !labels.starts_with(b".") && !labels.contains(&b'/'))
}

/// What the handler answers, in every variant.
fn item_response() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((HeaderName::from_static("x-request-id"), HeaderValue::from_static("1")))
        .body("item")
}

async fn item() -> HttpResponse {
    item_response()
}

/// The route, as the `#[cors]` route registers it: `GET`, `POST` and `PUT` guards tried in that
/// order. (actix's own `#[route]` keeps its methods in a hash set, so the order its guards are
/// tried in, and with it the cost of routing a `GET`, would change from build to build.)
fn item_resource() -> Resource<
    impl ServiceFactory<ServiceRequest, Config = (), Response = ServiceResponse, Error = Error, InitError = ()>,
> {
    web::resource("/items/{id}")
        .name("item")
        .guard(guard::Any(guard::Get()).or(guard::Post()).or(guard::Put()))
        .to(item)
}

mod per_route {
    use actix_web::{route, HttpResponse};
    use cors_actix::cors;

    #[cors(
        origins = ["https://app.example", "https://admin.example", "https://*.example.com"],
        methods = ["GET", "POST", "PUT"],
        headers = ["content-type", "x-api-key"],
        expose = ["x-request-id"],
        credentials = true,
        max_age = 600,
    )]
    #[route("/items/{id}", method = "GET", method = "POST", method = "PUT")]
    pub(crate) async fn item() -> HttpResponse {
        super::item_response()
    }

    /// Another `#[cors]` route, for the mixed app.
    #[cors(origins = ["https://app.example"])]
    #[route("/other", method = "GET")]
    pub(crate) async fn other() -> HttpResponse {
        HttpResponse::Ok().finish()
    }
}

/// The app without CORS.
pub fn no_cors_app() -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new().service(item_resource())
}

/// The app with an app-wide `Cors`.
pub fn app_wide_app() -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    app_with(policy())
}

/// The app with an app-wide `Cors` enforcing `policy`.
pub fn app_with(
    policy: Policy,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new().wrap(Cors::new(policy)).service(item_resource())
}

/// The app whose route carries the policy with `#[cors]`.
///
/// Building it builds a CORS layer on this thread, after which app-wide layers built later on
/// the same thread take it that a layer may sit inside them and route a copy of their
/// preflights: measure the other variants in processes (or before) it is built.
pub fn per_route_app() -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new().service(per_route::item)
}

/// The app with an app-wide `Cors` enforcing `policy` and, on another path, a `#[cors]` route:
/// the requests go to the plain route (the `mixed` variant with [`policy`], `rejecting` with
/// [`rejecting_policy`]).
pub fn mixed_app(
    policy: Policy,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new().wrap(Cors::new(policy)).service(item_resource()).service(per_route::other)
}

/// The app with an app-wide `Cors` whose requested route has its own policy with `#[cors]`:
/// the route's layer decorates, the app-wide layer leaves its response alone, and answers the
/// route's preflights from the route's policy.
pub fn composed_app() -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new().wrap(Cors::new(policy())).service(per_route::item).service(per_route::other)
}

/// The app behind a middleware that answers every request with an empty `204` itself.
pub fn floor_app() -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    no_cors_app().wrap_fn(|req, _| {
        std::future::ready(Ok(req.into_response(HttpResponse::new(actix_web::http::StatusCode::NO_CONTENT))))
    })
}

/// actix-cors 0.7 configured with the policy. Expands where `actix_cors` is a dependency.
#[macro_export]
macro_rules! actix_cors {
    () => {
        ::actix_cors::Cors::default()
            .allowed_origin($crate::ORIGIN_APP)
            .allowed_origin($crate::ORIGIN_ADMIN)
            .allowed_origin_fn(|origin, _| $crate::is_example_com_subdomain(origin.as_bytes()))
            .allowed_methods(["GET", "POST", "PUT"])
            .allowed_headers(["content-type", "x-api-key"])
            .expose_headers(["x-request-id"])
            .supports_credentials()
            .max_age(600)
    };
}

/// Binds `$make` to a non-capturing closure that builds `$variant`'s app, then evaluates
/// `$body`; each variant's app has its own type, so the body is expanded once per variant.
///
/// ```
/// use cors_actix_benches::{call, with_app, Case, Variant};
///
/// # actix_web::rt::System::new().block_on(async {
/// for variant in Variant::ALL {
///     let status = with_app!(variant, |make| {
///         let app = actix_web::test::init_service(make()).await;
///         call(&app, Case::SimpleAllowed).await
///     });
///     assert_eq!(status, 200, "{variant}");
/// }
/// # });
/// ```
#[macro_export]
macro_rules! with_app {
    ($variant:expr, |$make:ident| $body:expr) => {
        match $variant {
            $crate::Variant::NoCors => {
                let $make = $crate::no_cors_app;
                $body
            }
            $crate::Variant::ActixCors => {
                let $make = || $crate::no_cors_app().wrap($crate::actix_cors!());
                $body
            }
            $crate::Variant::AppWide => {
                let $make = $crate::app_wide_app;
                $body
            }
            $crate::Variant::PerRoute => {
                let $make = $crate::per_route_app;
                $body
            }
            $crate::Variant::Mixed => {
                let $make = || $crate::mixed_app($crate::policy());
                $body
            }
            $crate::Variant::Composed => {
                let $make = $crate::composed_app;
                $body
            }
            $crate::Variant::Protected => {
                let $make = || $crate::app_with($crate::protected_policy());
                $body
            }
            $crate::Variant::Rejecting => {
                let $make = || $crate::mixed_app($crate::rejecting_policy());
                $body
            }
            $crate::Variant::Floor => {
                let $make = $crate::floor_app;
                $body
            }
        }
    };
}

/// Sends `case`'s request `n` times through an initialised app, dropping each response as a
/// server would after writing it; returns the sum of the status codes (so nothing is
/// optimised away). An `Err` from the app is turned into its response, as the server does.
pub async fn run<S, B>(app: &S, case: Case, n: u64) -> u64
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = Error>,
{
    let mut statuses = 0;
    for _ in 0..n {
        statuses += u64::from(call(app, case).await);
    }
    statuses
}

/// Sends `case`'s request once; returns the status.
pub async fn call<S, B>(app: &S, case: Case) -> u16
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = Error>,
{
    let request = case.test_request().to_request();
    match app.call(request).await {
        Ok(response) => response.status().as_u16(),
        Err(error) => error.error_response().status().as_u16(),
    }
}

/// Sends `request` to `app` and returns what a client receives: the status and headers of the
/// response, or of the error's response when the app answers with an error (the migration
/// tests judge both stacks' answers alike, whichever way each produces them).
pub async fn status_and_headers<S, B>(
    app: &S,
    request: actix_web::test::TestRequest,
) -> (u16, actix_web::http::header::HeaderMap)
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
{
    match app.call(request.to_request()).await {
        Ok(response) => (response.status().as_u16(), response.headers().clone()),
        Err(error) => {
            let response = error.error_response();
            (response.status().as_u16(), response.headers().clone())
        }
    }
}
