//! `#[cors]` routes through real apps: every route attribute, routing of preflights to the
//! route's own policy (scopes, path parameters, two routes on one path), and composition with
//! an app-wide `Cors` and an authentication middleware. Handler calls are counted, so "no
//! handler ran" is asserted, not assumed.

// `test::{self}`, the module only: a plain `test` would also import actix's `#[test]`
// attribute macro, shadowing the standard one.
use actix_web::{
    body::MessageBody,
    delete,
    dev::{Service, ServiceFactory, ServiceRequest, ServiceResponse},
    get, head,
    http::{Method, StatusCode},
    middleware::{from_fn, DefaultHeaders},
    patch, post, put, route,
    test::{self},
    web, App, Error, HttpRequest, HttpResponse, Responder,
};
use cors_actix::{
    cors, policy,
    test::{self as cors_test, cross_origin as actual, preflight, preflight_with_headers},
    Cors,
};
use cors_actix_tests::{counted, require_auth, Calls, TestApp};

const ROUTE_ORIGIN: &str = "https://route.example";
const APP_ORIGIN: &str = "https://app.example";

#[cors(origins = ["https://route.example"], headers = ["content-type"], expose = ["x-request-id"], credentials = true, max_age = 600)]
#[get("/items/{id}")]
async fn item(id: web::Path<u32>, calls: web::Data<Calls>) -> impl Responder {
    calls.hit();
    HttpResponse::Ok().insert_header(("x-request-id", "7")).body(format!("item {id}"))
}

#[cors(origins = "*")]
#[post("/echo")]
async fn echo(body: String, calls: web::Data<Calls>) -> String {
    calls.hit();
    body
}

#[cors(origins = ["https://route.example"])]
#[put("/things/{id}")]
async fn put_thing(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://route.example"])]
#[delete("/things/{id}")]
async fn delete_thing(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::NoContent().finish()
}

#[cors(origins = ["https://route.example"], methods = ["PATCH"])]
#[patch("/things/{id}")]
async fn patch_thing(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://route.example"])]
#[head("/things/{id}")]
async fn head_thing(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://route.example"], on_mismatch = "reject")]
#[route("/multi", method = "GET", method = "POST", method = "PURGE")]
async fn multi(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().finish()
}

/// Two routes on one path, with different methods and different policies.
#[cors(origins = ["https://reader.example"])]
#[get("/doc")]
async fn read_doc(calls: web::Data<Calls>) -> &'static str {
    calls.hit();
    "doc"
}

#[cors(origins = ["https://writer.example"], headers = ["content-type"])]
#[put("/doc")]
async fn write_doc(calls: web::Data<Calls>) -> &'static str {
    calls.hit();
    "written"
}

fn has_api_key(ctx: &actix_web::guard::GuardContext<'_>) -> bool {
    ctx.head().headers().contains_key("x-api-key") || ctx.head().method == Method::OPTIONS
}

/// Keeps `name`, `guard` and `wrap` of the route attribute.
#[cors(origins = ["https://route.example"])]
#[get(
    "/named/{id}",
    name = "named_route",
    guard = "has_api_key",
    wrap = "DefaultHeaders::new().add((\"x-wrapped\", \"yes\"))"
)]
async fn named(req: HttpRequest, calls: web::Data<Calls>) -> String {
    calls.hit();
    req.url_for("named_route", ["42"]).map(|url| url.path().to_owned()).unwrap_or_default()
}

/// A route whose own `wrap` refuses everything without credentials.
#[cors(origins = ["https://route.example"], headers = ["authorization"])]
#[get("/guarded", wrap = "from_fn(require_auth)")]
async fn guarded(calls: web::Data<Calls>) -> &'static str {
    calls.hit();
    "secret"
}

#[get("/plain")]
async fn plain(calls: web::Data<Calls>) -> &'static str {
    calls.hit();
    "plain"
}

fn single(response: &ServiceResponse<impl MessageBody>, name: &str) -> Option<String> {
    let mut values = response.headers().get_all(name);
    let first = values.next().map(|v| v.to_str().unwrap().to_owned());
    assert!(values.next().is_none(), "{name} sent twice");
    first
}

fn acao(response: &ServiceResponse<impl MessageBody>) -> Option<String> {
    single(response, "access-control-allow-origin")
}

/// An app with every route above in nested scopes, for [`TestApp`]; a test may wrap it in an
/// app-wide `Cors`.
fn routes_app() -> App<
    impl ServiceFactory<ServiceRequest, Config = (), Response = ServiceResponse, Error = Error, InitError = ()>,
> {
    App::new()
        .service(item)
        .service(echo)
        .service(
            web::scope("/api").service(
                web::scope("/v1")
                    .service(put_thing)
                    .service(delete_thing)
                    .service(patch_thing)
                    .service(head_thing)
                    .service(multi),
            ),
        )
        .service(read_doc)
        .service(write_doc)
        .service(named)
        .service(guarded)
        .service(plain)
        .service(web::resource("/open").to(counted))
        .default_service(web::to(counted))
}

// The handlers stay here, at the binary's root, because `cors_actix::routes()` names them by
// module path (`routes::item`).
mod app_wide_layers;
mod apps_and_servers;
mod route_policies;
