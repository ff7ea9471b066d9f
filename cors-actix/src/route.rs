//! Per-route policies (`#[cors]`): the route's policy, its guard, and how it is mounted.
//!
//! actix-web puts a route's method guard on its resource, so a preflight (`OPTIONS`) never
//! reaches a `#[get]` resource. A `#[cors]` route is therefore mounted with the guard
//! `Preflight(methods) OR (methods AND the route's own guards)` and wrapped, outermost, in a
//! route-level CORS layer: on its own, the route answers its own preflights and decorates
//! its own responses. A `Cors` around the route finds it by routing a copy of the request,
//! which the route's layer records itself in; the copy of a preflight carries the requested
//! method and passes the route's guard whatever the route's own guards say.

use std::sync::{Arc, LazyLock, OnceLock, RwLock};

use actix_service::ServiceFactoryExt as _;
use actix_web::{
    body::MessageBody,
    dev::{AppService, ResourceDef, ServiceFactory, ServiceRequest, ServiceResponse},
    guard::{Guard, GuardContext},
    http::Method,
    Error,
};

use crate::{request::CorsRequest, Policy};

/// The policy of one `#[cors]` route, with where it is mounted. Created by the macro as a
/// `static`; registered into the process-wide table the first time its route is mounted.
pub struct RouteCors {
    handler: &'static str,
    /// The resource's name (the route attribute's `name`, or the handler's).
    resource_name: &'static str,
    path: &'static str,
    methods: &'static [&'static str],
    policy: LazyLock<Arc<Policy>>,
    listed: OnceLock<()>,
}

impl RouteCors {
    /// Describes a route. `build` is only called once, when the route is first mounted;
    /// the macro checked every value at compile time, so it cannot fail.
    #[doc(hidden)]
    pub const fn new(
        handler: &'static str,
        resource_name: &'static str,
        path: &'static str,
        methods: &'static [&'static str],
        build: fn() -> Arc<Policy>,
    ) -> Self {
        Self { handler, resource_name, path, methods, policy: LazyLock::new(build), listed: OnceLock::new() }
    }

    /// The handler's path, e.g. `my_app::api::item`.
    pub fn handler(&self) -> &'static str {
        self.handler
    }

    /// The route's path pattern as written in its route attribute (relative to its scope).
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// The methods the route handles (its route attribute's).
    pub fn methods(&self) -> &'static [&'static str] {
        self.methods
    }

    /// The route's policy.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.policy
    }

    /// Enters the route into the table of [`routes`], once.
    fn list(&'static self) {
        self.listed.get_or_init(|| {
            ROUTES.write().unwrap_or_else(|poisoned| poisoned.into_inner()).push(self);
        });
    }
}

impl std::fmt::Debug for RouteCors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouteCors")
            .field("handler", &self.handler)
            .field("resource_name", &self.resource_name)
            .field("path", &self.path)
            .field("methods", &self.methods)
            .field("policy", &**self.policy)
            .finish()
    }
}

/// A policy defined once with `policy! { static NAME = { ... } }` and named by routes with
/// `#[cors(policy = NAME)]`: checked at compile time where it is defined.
///
/// ```
/// use actix_web::{get, put, App, HttpResponse};
/// use cors_actix::{cors, policy, Cors};
///
/// policy! {
///     /// What partners' pages may do.
///     pub static PARTNERS = { origins = ["https://partner.example"], credentials = true };
/// }
///
/// #[cors(policy = PARTNERS)]
/// #[get("/reports")]
/// async fn reports() -> HttpResponse {
///     HttpResponse::Ok().finish()
/// }
///
/// #[cors(policy = PARTNERS)]
/// #[put("/reports/{id}")]
/// async fn update_report() -> HttpResponse {
///     HttpResponse::Ok().finish()
/// }
///
/// // The same policy for a scope or an app: its methods, or `GET`, `HEAD`, `POST`.
/// let app = App::new().wrap(Cors::new(PARTNERS.policy())).service(reports).service(update_report);
/// ```
///
/// A shared policy that names no `methods` takes, for each route, the route's own (as a
/// `#[cors]` policy does): above, `update_report`'s preflights for `PUT` are allowed.
#[derive(Debug, Clone, Copy)]
pub struct SharedPolicy {
    build: fn(&[&'static str]) -> Policy,
}

impl SharedPolicy {
    /// Made by the `policy!` macro's `static` form.
    #[doc(hidden)]
    pub const fn new(build: fn(&[&'static str]) -> Policy) -> Self {
        Self { build }
    }

    /// The policy, for an app-wide or scope-wide [`Cors`](crate::Cors).
    pub fn policy(&self) -> Policy {
        (self.build)(&[])
    }

    /// The policy for a route with these methods (used by `#[cors(policy = ..)]`).
    #[doc(hidden)]
    pub fn for_route(&self, methods: &[&'static str]) -> Policy {
        (self.build)(methods)
    }
}

/// Every `#[cors]` route mounted in the process: for audits, never read to answer a request.
static ROUTES: RwLock<Vec<&'static RouteCors>> = RwLock::new(Vec::new());

/// Every `#[cors]` route mounted so far in this process, in mounting order: which handler,
/// at which path and methods, has which policy. For audits and tests.
pub fn routes() -> Vec<&'static RouteCors> {
    ROUTES.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
}

/// The resource guard of a `#[cors]` route: a preflight asking for one of its methods, or a
/// request with one of its methods that passes the route's own guards (`guard = ..` in the
/// route attribute). A preflight carries none of the actual request's headers, so the
/// route's own guards cannot judge it; guards on the route's scope still do.
pub fn route_guard(route: &'static RouteCors, guards: Vec<Box<dyn Guard>>) -> impl Guard {
    let methods = route.methods.iter().filter_map(|m| Method::from_bytes(m.as_bytes()).ok()).collect();
    RouteGuard { methods, guards }
}

/// Marks the copy of a preflight that an outer `Cors` routes to find the policy that governs
/// it (the copy carries the requested method). A route's own guards cannot judge it: a
/// preflight carries none of the actual request's headers or body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PreflightCopy;

struct RouteGuard {
    methods: Vec<Method>,
    guards: Vec<Box<dyn Guard>>,
}

impl Guard for RouteGuard {
    fn check(&self, ctx: &GuardContext<'_>) -> bool {
        let head = ctx.head();
        if self.methods.contains(&head.method) {
            return self.guards.is_empty()
                || ctx.req_data().contains::<PreflightCopy>()
                || self.guards.iter().all(|guard| guard.check(ctx));
        }
        // A preflight routed by actix itself, with no `Cors` around the route to answer it.
        head.method == Method::OPTIONS
            && CorsRequest::of(head).preflight.is_some_and(|asked| {
                self.methods.iter().any(|m| m.as_str().as_bytes() == asked.method.as_bytes())
            })
    }
}

/// Mounts a `#[cors]` route: `service` (the handler, inside the route's `wrap`s, inside
/// [`Cors::for_route`](crate::Cors::for_route)) under the route's path and name, guarded
/// with [`route_guard`], as actix mounts any resource (so `match_pattern`, `match_name` and
/// `url_for` are actix's own). Builds the policy now, at app start, so that nothing about it is left for request time.
pub fn mount<F, B>(
    route: &'static RouteCors,
    guards: Vec<Box<dyn Guard>>,
    service: F,
    config: &mut AppService,
) where
    F: ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<B>,
            Error = Error,
            InitError = (),
        > + 'static,
    B: MessageBody + 'static,
{
    LazyLock::force(&route.policy);
    route.list();
    // As actix's `Resource` makes its definition: a leading slash unless the path is empty
    // inside a scope.
    let path = if config.is_root() || !route.path.is_empty() {
        if route.path.starts_with('/') {
            route.path.to_owned()
        } else {
            format!("/{}", route.path)
        }
    } else {
        String::new()
    };
    let mut rdef = ResourceDef::new(path);
    rdef.set_name(route.resource_name);
    let guard: Box<dyn Guard> = Box::new(route_guard(route, guards));
    let service = service.map(ServiceResponse::map_into_boxed_body);
    config.register_service(rdef, Some(vec![guard]), service, None);
}
