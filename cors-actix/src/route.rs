//! Per-route policies (`#[cors]`), and how an app-wide [`Cors`](crate::Cors) finds them.
//!
//! # The mechanism
//!
//! actix-web puts a route's method guard on its resource, so a preflight (`OPTIONS`) never
//! reaches a `#[get]` resource. A `#[cors]` route therefore registers its resource with the
//! guard `Preflight(method) OR (method AND the route's own guards)` and wraps it, outermost,
//! in a route-level CORS layer: on its own, the route answers its own preflights and
//! decorates its own responses.
//!
//! An app-wide `Cors` must answer every *other* preflight itself, and may not forward one
//! inward to find out whether a route would take it: a resource without a method guard
//! (`web::resource("/x").to(h)`) or a default service would run its handler. So it has to
//! know, before forwarding anything, which routes of *this* app carry a policy. The one
//! per-app structure it can read at request time is actix's `ResourceMap`, built from what
//! the services register. Each `#[cors]` route therefore also registers a *marker*: a
//! resource that is never routed to (its guard is always false) whose patterns are the
//! route's own patterns followed by `//\x01cors:METHOD`, one per method, and whose name
//! identifies the route in a process-wide table of `#[cors]` routes ([`routes`]).
//!
//! For a preflight to `P` asking for method `M`, the app-wide layer asks the `ResourceMap`
//! for the resource matching `P//\x01cors:M`. A request path never contains the control
//! byte, and the empty segment before it cannot be matched by `{param}` segments, so only a
//! marker can match (or a catch-all tail pattern registered before it, which would shadow
//! the route in real routing too). The lookup walks scopes exactly like routing does, so
//! nested scopes, path parameters and several apps per thread (each has its own map) need
//! nothing special, and two routes on one path with different methods find their own
//! policies. Routing also takes the *first* resource whose pattern matches, so the lookup
//! then checks, by comparing patterns (names are not unique: actix names a resource after its
//! handler), that no resource with another pattern comes before the route: a plain
//! `/items/admin` registered before a `#[cors]` `/items/{id}` keeps the app policy. (A plain
//! resource with the *same* pattern and method registered first would shadow the route in
//! routing while the lookup still finds the route; such a route can never run, so don't.)
//! A lookup walks the map once or twice, only for requests that carry `Origin`, and only in
//! processes that mount `#[cors]` routes at all.

use std::{
    cell::RefCell,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, LazyLock, OnceLock, RwLock,
    },
};

use actix_web::{
    dev::{fn_service, AppService, HttpServiceFactory, ResourceDef, ServiceRequest},
    guard::{self, Guard, GuardContext},
    http::{header, Method},
    HttpRequest, HttpResponse,
};

use crate::Policy;

/// The policy of one `#[cors]` route, with where it is mounted. Created by the macro as a
/// `static`; registered into the process-wide table the first time its route is mounted.
pub struct RouteCors {
    handler: &'static str,
    path: &'static str,
    methods: &'static [&'static str],
    policy: LazyLock<Arc<Policy>>,
    id: OnceLock<usize>,
}

impl RouteCors {
    /// Describes a route. `build` is only called once, when the route is first mounted;
    /// the macro checked every value at compile time, so it cannot fail.
    #[doc(hidden)]
    pub const fn new(
        handler: &'static str,
        path: &'static str,
        methods: &'static [&'static str],
        build: fn() -> Arc<Policy>,
    ) -> Self {
        Self { handler, path, methods, policy: LazyLock::new(build), id: OnceLock::new() }
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

    fn id(&'static self) -> usize {
        *self.id.get_or_init(|| {
            let mut routes = ROUTES.write().unwrap_or_else(|poisoned| poisoned.into_inner());
            routes.push(self);
            ANY_ROUTE.store(true, Ordering::Release);
            routes.len() - 1
        })
    }
}

impl std::fmt::Debug for RouteCors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouteCors")
            .field("handler", &self.handler)
            .field("path", &self.path)
            .field("methods", &self.methods)
            .field("policy", &**self.policy)
            .finish()
    }
}

static ROUTES: RwLock<Vec<&'static RouteCors>> = RwLock::new(Vec::new());
static ANY_ROUTE: AtomicBool = AtomicBool::new(false);

/// Every `#[cors]` route mounted so far in this process, in mounting order: which handler,
/// at which path and methods, has which policy. For audits and tests.
pub fn routes() -> Vec<&'static RouteCors> {
    ROUTES.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
}

/// Whether any `#[cors]` route was mounted; when none was, the app-wide layer skips every
/// lookup.
pub(crate) fn any_route() -> bool {
    ANY_ROUTE.load(Ordering::Acquire)
}

const MARKER_NAME_PREFIX: &str = "\u{1}cors-actix-route#";
const MARKER_SEPARATOR: &str = "//\u{1}cors:";

/// The `#[cors]` route of this app, if any, that routing would give a request to `path` with
/// `method` (for a preflight: the requested method).
pub(crate) fn route_for(req: &HttpRequest, method: &[u8]) -> Option<&'static RouteCors> {
    thread_local! {
        // Reused, so that a lookup allocates nothing once the buffer has grown.
        static PROBE: RefCell<String> = const { RefCell::new(String::new()) };
    }
    let method = std::str::from_utf8(method).ok()?;
    let rmap = req.resource_map();
    let path = req.match_info().as_str();
    PROBE.with_borrow_mut(|probe| {
        probe.clear();
        probe.push_str(path);
        probe.push_str(MARKER_SEPARATOR);
        probe.push_str(method);
        let id: usize = rmap.match_name(probe)?.strip_prefix(MARKER_NAME_PREFIX)?.parse().ok()?;
        let route = *ROUTES.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(id)?;

        // Routing gives the request to the first resource whose pattern matches (and whose
        // guards pass). The route keeps the request unless a resource with another pattern
        // comes first; one with the very same pattern is taken to be told apart from the
        // route by method guards. Patterns are compared, not names: handlers of the same name
        // in different modules give their resources the same name.
        let first = replace_tail_segment(&rmap.match_pattern(path)?);
        // A marker's first pattern is the route's own followed by its first method.
        let marker = rmap.match_pattern(probe)?;
        let route_pattern = marker.strip_suffix(route.methods.first()?)?.strip_suffix(MARKER_SEPARATOR)?;
        (route_pattern == first).then_some(route)
    })
}

/// The resource guard of a `#[cors]` route: a preflight asking for one of its methods, or a
/// request with one of its methods that passes the route's own guards (`guard = ..` in the
/// route attribute). A preflight carries none of the actual request's headers, so the
/// route's own guards cannot judge it; guards on the route's scope still do.
pub fn route_guard(route: &'static RouteCors, guards: Vec<Box<dyn Guard>>) -> impl Guard {
    let methods = route.methods.iter().filter_map(|m| Method::from_bytes(m.as_bytes()).ok()).collect();
    RouteGuard { methods, guards }
}

struct RouteGuard {
    methods: Vec<Method>,
    guards: Vec<Box<dyn Guard>>,
}

impl Guard for RouteGuard {
    fn check(&self, ctx: &GuardContext<'_>) -> bool {
        let head = ctx.head();
        let headers = head.headers();
        let preflight = head.method == Method::OPTIONS
            && headers.contains_key(header::ORIGIN)
            && headers
                .get(header::ACCESS_CONTROL_REQUEST_METHOD)
                .is_some_and(|asked| self.methods.iter().any(|m| m.as_str().as_bytes() == asked.as_bytes()));
        preflight || (self.methods.contains(&head.method) && self.guards.iter().all(|guard| guard.check(ctx)))
    }
}

/// Mounts a `#[cors]` route: its resource (already guarded with [`route_guard`] and wrapped
/// in [`Cors::for_route`](crate::Cors::for_route)), then its marker. Builds the policy now,
/// at app start, so that nothing about it is left for request time.
pub fn mount<F: HttpServiceFactory>(route: &'static RouteCors, resource: F, config: &mut AppService) {
    LazyLock::force(&route.policy);
    let id = route.id();
    let base = if config.is_root() || !route.path.is_empty() {
        if route.path.starts_with('/') {
            route.path.to_owned()
        } else {
            format!("/{}", route.path)
        }
    } else {
        String::new()
    };
    let base = replace_tail_segment(&base);
    let patterns: Vec<String> =
        route.methods.iter().map(|method| format!("{base}{MARKER_SEPARATOR}{method}")).collect();

    resource.register(config);

    let mut marker = ResourceDef::new(patterns);
    marker.set_name(format!("{MARKER_NAME_PREFIX}{id}"));
    config.register_service(marker, Some(vec![Box::new(guard::fn_guard(|_| false))]), never_routed(), None);

    // The app's flag: an external resource (a pattern without a leading `/`, so never part of
    // any path) that only the app's named-resource table holds. Registered once per route;
    // the name is the same, so the table keeps one.
    let mut flag = ResourceDef::new(APP_FLAG_PATTERN);
    flag.set_name(APP_FLAG_NAME);
    config.register_service(flag, Some(vec![Box::new(guard::fn_guard(|_| false))]), never_routed(), None);
}

const APP_FLAG_NAME: &str = "\u{1}cors-actix-app-has-routes";
const APP_FLAG_PATTERN: &str = "cors-actix:app-has-routes";

/// Whether the app serving `req` mounts any `#[cors]` route. An app-wide layer asks once and
/// keeps the answer, so that apps without such routes never pay for route lookups, even in
/// a process where other apps have them.
pub(crate) fn app_has_routes(req: &ServiceRequest) -> bool {
    any_route() && req.resource_map().url_for(req.request(), APP_FLAG_NAME, [""; 0]).is_ok()
}

/// The service behind a marker: never called, since its guard is always false.
fn never_routed() -> impl actix_web::dev::ServiceFactory<
    ServiceRequest,
    Config = (),
    Response = actix_web::dev::ServiceResponse,
    Error = actix_web::Error,
    InitError = (),
> {
    fn_service(|req: ServiceRequest| async { Ok(req.into_response(HttpResponse::NotFound())) })
}

/// actix only allows a `{name}*` tail at the very end of a pattern; the marker appends to
/// it, so it is rewritten to the equivalent regex segment `{name:.*}`.
fn replace_tail_segment(pattern: &str) -> String {
    match pattern.strip_suffix("}*") {
        Some(head) => match head.rfind('{') {
            Some(open) if !head[open..].contains(':') => format!("{}:.*}}", head),
            _ => pattern.to_owned(),
        },
        None => pattern.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_segments_become_regex_segments() {
        assert_eq!(replace_tail_segment("/files/{tail}*"), "/files/{tail:.*}");
        assert_eq!(replace_tail_segment("/files/{id}"), "/files/{id}");
        assert_eq!(replace_tail_segment("/files/{p:.*}"), "/files/{p:.*}");
    }

    #[test]
    fn marker_patterns_match_only_probes() {
        let marker = ResourceDef::new(format!("/items/{{id}}{MARKER_SEPARATOR}GET"));
        assert!(marker.is_match(&format!("/items/7{MARKER_SEPARATOR}GET")));
        assert!(!marker.is_match(&format!("/items/7{MARKER_SEPARATOR}PUT")));
        assert!(!marker.is_match("/items/7"));
        let user_route = ResourceDef::new("/items/{id}/{sub}");
        assert!(!user_route.is_match(&format!("/items/7{MARKER_SEPARATOR}GET")));
        let tail =
            ResourceDef::new(format!("{}{MARKER_SEPARATOR}GET", replace_tail_segment("/files/{tail}*")));
        assert!(tail.is_match(&format!("/files/a/b{MARKER_SEPARATOR}GET")));
    }
}
