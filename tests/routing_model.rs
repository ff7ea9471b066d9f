//! The innermost policy around the resource that actix routes a request to governs it,
//! preflights included, checked with actix itself as the model.
//!
//! Small random apps are built from a fixed menu: `#[cors]` routes (each with a policy of its
//! own, allowing one origin), plain resources and codegen handlers over the same paths, a
//! `/items` scope and `Host`-guarded `""` scopes (each possibly wrapped in a `Cors` of its
//! own), a resource wrapped in a `Cors`, an app-wide `Cors` and a default service, in random
//! combinations and registration orders. Every policy allows a distinct origin
//! (`https://LABEL.example`).
//!
//! For a random request, the actual request is sent first, without `Origin`, so that no CORS
//! decision interferes: where actix routed it tells which policy governs it (the `#[cors]`
//! route that answered, else the innermost `Cors` layer it passed through, marked by a
//! middleware beside each layer, else the app's). Then the preflight for that method, path
//! and `Host` must be allowed from that policy's origin and refused (`403`) from every other
//! policy's, and no handler may run for it. The one `#[cors]` route with a guard of its own
//! has one that every generated request passes, since a route's own guard does not judge its
//! preflights.
//!
//! A case builds one app and sends a few requests; 256 cases take about a second in a debug
//! build. Raise `PROPTEST_CASES` to look harder.

use actix_web::{
    dev::{Service, ServiceRequest},
    guard,
    http::{header, Method, StatusCode},
    test::{self, TestRequest},
    web, App, HttpMessage, HttpRequest, HttpResponse,
};
use cors_actix::{cors, test::preflight, Cors, Policy};
use cors_actix_test_origins::config;
use cors_actix_tests::{allow_origin_values as acao, Calls, TestApp};
use proptest::{prelude::*, test_runner::TestCaseError};

/// Every policy of the menu: the routes' (`r1`..`r9`), the layers' (`s1`..`s4`) and the app's.
const LABELS: &[&str] =
    &["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "s1", "s2", "s3", "s4", "app"];

/// The one origin the policy `label` allows.
fn origin(label: &str) -> String {
    format!("https://{label}.example")
}

/// A `Cors` layer whose policy allows `origin(label)` and every method of the menu.
fn layer(label: &str) -> Cors {
    let policy = Policy::builder()
        .allow_origin(origin(label))
        .allow_methods(["GET", "PUT", "DELETE", "POST"])
        .build()
        .expect("valid policy");
    Cors::new(policy)
}

/// The innermost `Cors` layer a request passed through, set by the marker beside each layer.
#[derive(Debug, Clone, Copy)]
struct Under(&'static str);

/// The marker that goes beside the layer `label`: requests passing through it are under it,
/// unless a marker nearer the handler says otherwise.
fn marker<S>(label: &'static str) -> impl Fn(ServiceRequest, &S) -> S::Future + Clone + 'static
where
    S: Service<ServiceRequest>,
{
    move |req: ServiceRequest, service: &S| {
        req.extensions_mut().insert(Under(label));
        service.call(req)
    }
}

fn under(req: &HttpRequest) -> &'static str {
    req.extensions().get::<Under>().map_or("none", |under| under.0)
}

/// A handler without a policy of its own: it names the layer it sits under.
async fn plain(req: HttpRequest, calls: web::Data<Calls>) -> String {
    calls.hit();
    format!("plain:{}", under(&req))
}

/// The app's default service, which names the layer it sits under too (a scope's, when actix
/// falls back to it from inside a scope).
async fn fallback(req: HttpRequest, calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::NotFound().body(format!("default:{}", under(&req)))
}

#[actix_web::get("/docs/all")]
async fn get_docs_codegen(req: HttpRequest, calls: web::Data<Calls>) -> String {
    plain(req, calls).await
}

#[actix_web::get("/{tail:.*}")]
async fn get_any_codegen(req: HttpRequest, calls: web::Data<Calls>) -> String {
    plain(req, calls).await
}

#[actix_web::post("/{id}")]
async fn post_id_codegen(req: HttpRequest, calls: web::Data<Calls>) -> String {
    plain(req, calls).await
}

/// The guard of `r4`: it refuses only requests carrying `x-veto`, which none here carries.
fn no_veto(ctx: &guard::GuardContext<'_>) -> bool {
    !ctx.head().headers().contains_key("x-veto")
}

#[cors(origins = ["https://r1.example"])]
#[actix_web::get("/items/{id}")]
async fn r1(calls: web::Data<Calls>) -> &'static str {
    calls.hit();
    "route:r1"
}

#[cors(origins = ["https://r2.example"])]
#[actix_web::put("/items/{id}")]
async fn r2(calls: web::Data<Calls>) -> &'static str {
    calls.hit();
    "route:r2"
}

#[cors(origins = ["https://r3.example"])]
#[actix_web::get("/items/new")]
async fn r3(calls: web::Data<Calls>) -> &'static str {
    calls.hit();
    "route:r3"
}

#[cors(origins = ["https://r4.example"])]
#[actix_web::post("/items/new", guard = "no_veto")]
async fn r4(calls: web::Data<Calls>) -> &'static str {
    calls.hit();
    "route:r4"
}

#[cors(origins = ["https://r5.example"])]
#[actix_web::delete("/docs/all")]
async fn r5(calls: web::Data<Calls>) -> &'static str {
    calls.hit();
    "route:r5"
}

#[cors(origins = ["https://r6.example"])]
#[actix_web::put("/{tail:.*}")]
async fn r6(calls: web::Data<Calls>) -> &'static str {
    calls.hit();
    "route:r6"
}

#[cors(origins = ["https://r7.example"])]
#[actix_web::get("/{id}")]
async fn r7(calls: web::Data<Calls>) -> &'static str {
    calls.hit();
    "route:r7"
}

#[cors(origins = ["https://r8.example"])]
#[actix_web::put("/new")]
async fn r8(calls: web::Data<Calls>) -> &'static str {
    calls.hit();
    "route:r8"
}

#[cors(origins = ["https://r9.example"])]
#[actix_web::delete("/{id}")]
async fn r9(calls: web::Data<Calls>) -> &'static str {
    calls.hit();
    "route:r9"
}

/// What can be mounted at the root or in a `Host`-guarded scope (paths from the root).
#[derive(Debug, Clone, Copy)]
enum Leaf {
    /// `#[cors]` `GET /items/{id}`.
    R1,
    /// `#[cors]` `PUT /items/{id}`.
    R2,
    /// `#[cors]` `GET /items/new`.
    R3,
    /// `#[cors]` `POST /items/new`, with a guard of its own.
    R4,
    /// `#[cors]` `DELETE /docs/all`.
    R5,
    /// `#[cors]` `PUT /{tail:.*}`.
    R6,
    /// `web::resource("/items/{id}").route(web::put())`: other methods get its `405`.
    PutItemResource,
    /// `web::resource("/items/new").to(..)`: every method.
    NewResource,
    /// `#[get("/docs/all")]`: other methods pass by.
    GetDocsCodegen,
    /// `#[get("/{tail:.*}")]`: a catch-all for `GET`.
    GetAnyCodegen,
    /// `web::resource("/docs/{name}")` wrapped in the `Cors` `s3`, `GET` only.
    DocsLayered,
}

/// What can be mounted in the `/items` scope (paths from the scope).
#[derive(Debug, Clone, Copy)]
enum ItemsLeaf {
    /// `#[cors]` `GET /{id}`.
    R7,
    /// `#[cors]` `PUT /new`.
    R8,
    /// `#[cors]` `DELETE /{id}`.
    R9,
    /// `web::resource("/{id}").route(web::delete())`.
    DeleteIdResource,
    /// `#[post("/{id}")]`.
    PostIdCodegen,
    /// `web::resource("").to(..)`: `/items` itself, every method.
    ScopeRootResource,
}

/// `web::scope("/items")`, wrapped in the `Cors` `s1` or not.
#[derive(Debug, Clone)]
struct ItemsScope {
    wrapped: bool,
    parts: Vec<ItemsLeaf>,
}

#[derive(Debug, Clone)]
enum Part {
    Leaf(Leaf),
    Items(ItemsScope),
}

/// The two `Host`s the `""` scopes are guarded by.
#[derive(Debug, Clone, Copy)]
enum Host {
    /// `a.example`, scope layer `s2`.
    A,
    /// `b.example`, scope layer `s4`.
    B,
}

impl Host {
    fn name(self) -> &'static str {
        match self {
            Host::A => "a.example",
            Host::B => "b.example",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Host::A => "s2",
            Host::B => "s4",
        }
    }
}

#[derive(Debug, Clone)]
enum Top {
    Part(Part),
    /// `web::scope("").guard(guard::Host(..))`, wrapped in its `Cors` or not.
    HostScope {
        host: Host,
        wrapped: bool,
        parts: Vec<Part>,
    },
}

fn mount_leaf(config: &mut web::ServiceConfig, leaf: Leaf) {
    match leaf {
        Leaf::R1 => config.service(r1),
        Leaf::R2 => config.service(r2),
        Leaf::R3 => config.service(r3),
        Leaf::R4 => config.service(r4),
        Leaf::R5 => config.service(r5),
        Leaf::R6 => config.service(r6),
        Leaf::PutItemResource => config.service(web::resource("/items/{id}").route(web::put().to(plain))),
        Leaf::NewResource => config.service(web::resource("/items/new").to(plain)),
        Leaf::GetDocsCodegen => config.service(get_docs_codegen),
        Leaf::GetAnyCodegen => config.service(get_any_codegen),
        Leaf::DocsLayered => config.service(
            web::resource("/docs/{name}").wrap_fn(marker("s3")).wrap(layer("s3")).route(web::get().to(plain)),
        ),
    };
}

fn mount_items_leaf(config: &mut web::ServiceConfig, leaf: ItemsLeaf) {
    match leaf {
        ItemsLeaf::R7 => config.service(r7),
        ItemsLeaf::R8 => config.service(r8),
        ItemsLeaf::R9 => config.service(r9),
        ItemsLeaf::DeleteIdResource => config.service(web::resource("/{id}").route(web::delete().to(plain))),
        ItemsLeaf::PostIdCodegen => config.service(post_id_codegen),
        ItemsLeaf::ScopeRootResource => config.service(web::resource("").to(plain)),
    };
}

fn mount_part(config: &mut web::ServiceConfig, part: &Part) {
    match part {
        Part::Leaf(leaf) => mount_leaf(config, *leaf),
        Part::Items(items) => {
            let scope = web::scope("/items").configure(|scope| {
                for &leaf in &items.parts {
                    mount_items_leaf(scope, leaf);
                }
            });
            if items.wrapped {
                config.service(scope.wrap_fn(marker("s1")).wrap(layer("s1")));
            } else {
                config.service(scope);
            }
        }
    }
}

fn mount_top(config: &mut web::ServiceConfig, top: &Top) {
    match top {
        Top::Part(part) => mount_part(config, part),
        Top::HostScope { host, wrapped, parts } => {
            let scope = web::scope("").guard(guard::Host(host.name())).configure(|scope| {
                for part in parts {
                    mount_part(scope, part);
                }
            });
            if *wrapped {
                config.service(scope.wrap_fn(marker(host.label())).wrap(layer(host.label())));
            } else {
                config.service(scope);
            }
        }
    }
}

/// One request of a case: the method of the actual request (and the one its preflight asks
/// for), the path and the `Host`.
#[derive(Debug, Clone, Copy)]
struct Req {
    method: &'static str,
    path: &'static str,
    host: Option<&'static str>,
}

impl Req {
    /// `request` with this request's `Host`, if it has one.
    fn with_host(&self, request: TestRequest) -> TestRequest {
        match self.host {
            Some(host) => request.insert_header((header::HOST, host)),
            None => request,
        }
    }
}

fn leaf() -> impl Strategy<Value = Leaf> {
    use Leaf::*;
    const LEAVES: &[Leaf] =
        &[R1, R2, R3, R4, R5, R6, PutItemResource, NewResource, GetDocsCodegen, GetAnyCodegen, DocsLayered];
    prop::sample::select(LEAVES)
}

fn items_scope() -> impl Strategy<Value = ItemsScope> {
    use ItemsLeaf::*;
    let leaf = prop::sample::select(&[R7, R8, R9, DeleteIdResource, PostIdCodegen, ScopeRootResource][..]);
    (prop::bool::ANY, prop::collection::vec(leaf, 0..5))
        .prop_map(|(wrapped, parts)| ItemsScope { wrapped, parts })
}

fn part() -> impl Strategy<Value = Part> {
    prop_oneof![5 => leaf().prop_map(Part::Leaf), 1 => items_scope().prop_map(Part::Items)]
}

fn app_spec() -> impl Strategy<Value = Vec<Top>> {
    let host_scope =
        (prop::sample::select(&[Host::A, Host::B][..]), prop::bool::ANY, prop::collection::vec(part(), 0..5))
            .prop_map(|(host, wrapped, parts)| Top::HostScope { host, wrapped, parts });
    prop::collection::vec(prop_oneof![4 => part().prop_map(Top::Part), 1 => host_scope], 0..8)
}

fn requests() -> impl Strategy<Value = Vec<Req>> {
    let req = (
        prop::sample::select(&["GET", "PUT", "DELETE", "POST"][..]),
        prop::sample::select(
            &["/items/7", "/items/new", "/items", "/docs/all", "/docs/readme", "/other/x"][..],
        ),
        prop::sample::select(&[None, Some("a.example"), Some("b.example")][..]),
    )
        .prop_map(|(method, path, host)| Req { method, path, host });
    prop::collection::vec(req, 1..10)
}

/// Where actix routed an actual request: the policy that governs it, and what answered.
#[derive(Debug)]
struct Routed {
    policy: &'static str,
    /// The status and body of the answer, for the failure messages.
    answer: String,
}

/// Sends `req` without `Origin` and says which policy governs it, from where actix routed it.
async fn route<S, B>(app: &S, calls: &Calls, req: &Req) -> Result<Routed, TestCaseError>
where
    S: Service<actix_http::Request, Response = actix_web::dev::ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let before = calls.count();
    let method = Method::from_bytes(req.method.as_bytes()).expect("a method of the menu");
    let request = req.with_host(TestRequest::default().method(method).uri(req.path));
    let response = test::call_service(app, request.to_request()).await;
    let layer = under(response.request());
    let status = response.status();
    let body = test::read_body(response).await;
    let body = String::from_utf8_lossy(&body).into_owned();
    let answer = format!("{} {:?}", status.as_u16(), body);
    let ran = calls.count() - before;
    if let Some(route) = body.strip_prefix("route:") {
        prop_assert_eq!(ran, 1);
        let policy = LABELS.iter().copied().find(|label| *label == route).expect("a route of the menu");
        return Ok(Routed { policy, answer });
    }
    if ran == 1 {
        // A plain handler or the default service: it saw the marker the response shows.
        prop_assert!(body.ends_with(&format!(":{layer}")), "{} under {}", answer, layer);
    } else {
        prop_assert_eq!(ran, 0, "{}", answer);
    }
    prop_assert!(layer != "none", "the request passed no marker ({})", answer);
    Ok(Routed { policy: layer, answer })
}

proptest! {
    #![proptest_config(config(256))]

    /// The policy that answers a preflight is the one that governs the actual request actix
    /// routes: allowed from its origin, refused from every other policy's, no handler run.
    #[test]
    fn the_policy_of_the_routed_resource_answers_its_preflights(spec in app_spec(), reqs in requests()) {
        actix_web::rt::System::new().block_on(async move {
            let (app, calls) = TestApp::init(
                App::new()
                    .wrap_fn(marker("app"))
                    .wrap(layer("app"))
                    .default_service(web::to(fallback))
                    .configure(|config| {
                        for top in &spec {
                            mount_top(config, top);
                        }
                    }),
            )
            .await;
            for req in &reqs {
                let Routed { policy: governing, answer } = route(&app, &calls, req).await?;
                let ran = calls.count();

                let allowed = origin(governing);
                let response = test::call_service(&app, req.with_host(preflight(req.path, &allowed, req.method)).to_request()).await;
                prop_assert_eq!(
                    (response.status(), acao(&response)),
                    (StatusCode::NO_CONTENT, vec![allowed.clone()]),
                    "{:?} (answered {}) is governed by {}: its preflight from {} is allowed",
                    req,
                    answer,
                    governing,
                    allowed
                );
                for other in LABELS.iter().filter(|label| **label != governing) {
                    let refused = origin(other);
                    let response = test::call_service(&app, req.with_host(preflight(req.path, &refused, req.method)).to_request()).await;
                    prop_assert_eq!(
                        (response.status(), acao(&response)),
                        (StatusCode::FORBIDDEN, Vec::<String>::new()),
                        "{:?} (answered {}) is governed by {}: its preflight from {} (policy {}) is refused",
                        req,
                        answer,
                        governing,
                        refused,
                        other
                    );
                }
                prop_assert_eq!(calls.count(), ran, "a handler ran for a preflight of {:?}", req);
            }
            Ok::<(), TestCaseError>(())
        })?;
    }
}
