//! `#[cors]` routes through real apps: every route attribute, routing of preflights to the
//! route's own policy (scopes, path parameters, two routes on one path), and composition with
//! an app-wide `Cors` and an authentication middleware. Handler calls are counted, so "no
//! handler ran" is asserted, not assumed.

use actix_web::{
    body::MessageBody,
    delete,
    dev::{Service, ServiceResponse},
    get, head,
    http::{Method, StatusCode},
    middleware::{from_fn, DefaultHeaders},
    patch, post, put, route,
    test::{self},
    web, App, HttpRequest, HttpResponse, HttpServer, Responder,
};
use cors_actix::{
    cors, policy,
    test::{self as cors_test, cross_origin as actual, preflight},
    Cors,
};
use cors_actix_tests::{counted, raw_request, require_auth, serve_while, Calls};

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

/// An app with every route above in nested scopes, optionally wrapped in an app-wide `Cors`.
macro_rules! routes_app {
    ($calls:expr) => {
        App::new()
            .app_data(web::Data::new($calls.clone()))
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
    };
}

// Fetch "CORS-preflight fetch" for each route attribute: the preflight reaches the route's own
// policy (no app-wide Cors here), in nested scopes and with path parameters; no handler runs.
#[actix_web::test]
async fn each_route_attribute_answers_its_own_preflights() {
    let calls = Calls::default();
    let app = test::init_service(routes_app!(calls)).await;
    let cases = [
        ("/items/3", "GET", "GET"),
        ("/echo", "POST", "POST"),
        ("/api/v1/things/1", "PUT", "PUT"),
        ("/api/v1/things/1", "DELETE", "DELETE"),
        ("/api/v1/things/1", "PATCH", "PATCH"),
        ("/api/v1/things/1", "HEAD", "HEAD"),
        ("/api/v1/multi", "PURGE", "GET, POST, PURGE"),
    ];
    for (uri, method, allow_methods) in cases {
        let origin = if uri == "/echo" { "https://anyone.example" } else { ROUTE_ORIGIN };
        let response = test::call_service(&app, preflight(uri, origin, method).to_request()).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{method} {uri}");
        assert_eq!(
            single(&response, "access-control-allow-methods").as_deref(),
            Some(allow_methods),
            "{uri}"
        );
        let expected_origin = if uri == "/echo" { "*" } else { ROUTE_ORIGIN };
        assert_eq!(acao(&response).as_deref(), Some(expected_origin), "{uri}");
    }
    let response = test::call_service(&app, preflight("/items/3", ROUTE_ORIGIN, "GET").to_request()).await;
    assert_eq!(single(&response, "access-control-allow-credentials").as_deref(), Some("true"));
    assert_eq!(single(&response, "access-control-allow-headers").as_deref(), Some("content-type"));
    assert_eq!(single(&response, "access-control-max-age").as_deref(), Some("600"));
    assert_eq!(calls.count(), 0, "a preflight never runs a handler");
}

#[actix_web::test]
async fn route_policies_decorate_actual_requests_of_every_method() {
    let calls = Calls::default();
    let app = test::init_service(routes_app!(calls)).await;
    for (method, uri) in [
        (Method::GET, "/items/3"),
        (Method::PUT, "/api/v1/things/1"),
        (Method::DELETE, "/api/v1/things/1"),
        (Method::PATCH, "/api/v1/things/1"),
        (Method::HEAD, "/api/v1/things/1"),
        (Method::POST, "/api/v1/multi"),
        (Method::from_bytes(b"PURGE").unwrap(), "/api/v1/multi"),
    ] {
        let response = test::call_service(&app, actual(method.clone(), uri, ROUTE_ORIGIN).to_request()).await;
        assert!(response.status().is_success(), "{method} {uri}: {}", response.status());
        assert_eq!(acao(&response).as_deref(), Some(ROUTE_ORIGIN), "{method} {uri}");
        assert_eq!(single(&response, "vary").as_deref(), Some("Origin"));
    }
    let response = test::call_service(&app, actual(Method::GET, "/items/3", ROUTE_ORIGIN).to_request()).await;
    assert_eq!(single(&response, "access-control-expose-headers").as_deref(), Some("x-request-id"));
    assert_eq!(test::read_body(response).await, "item 3");
    assert_eq!(calls.count(), 8);
}

// on_mismatch = "reject": a disallowed origin gets 403 and the handler never runs.
#[actix_web::test]
async fn route_reject_mode_forbids_disallowed_origins() {
    let calls = Calls::default();
    let app = test::init_service(routes_app!(calls)).await;
    let response =
        test::call_service(&app, actual(Method::POST, "/api/v1/multi", "https://evil.example").to_request())
            .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(acao(&response), None);
    assert_eq!(calls.count(), 0);
}

// A preflight for a method the route does not handle is not the route's.
#[actix_web::test]
async fn preflight_for_another_method_is_not_routed_to_the_route() {
    let calls = Calls::default();
    let app = test::init_service(routes_app!(calls)).await;
    let response = test::call_service(&app, preflight("/items/3", ROUTE_ORIGIN, "DELETE").to_request()).await;
    assert_eq!(response.status(), StatusCode::OK, "the default service answered it");
    assert_eq!(acao(&response), None);
    assert_eq!(calls.count(), 1, "without an app-wide Cors, the default service is what routing finds");
}

#[actix_web::test]
async fn two_routes_on_one_path_keep_their_own_policies() {
    let calls = Calls::default();
    for app_wide in [false, true] {
        let app = test::init_service(routes_app!(calls).wrap(Cors::new(if app_wide {
            policy! { origins = "https://app.example" }
        } else {
            policy! { origins = "https://unused.example" }
        })))
        .await;
        let response =
            test::call_service(&app, preflight("/doc", "https://reader.example", "GET").to_request()).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "app-wide: {app_wide}");
        assert_eq!(acao(&response).as_deref(), Some("https://reader.example"));
        let response = test::call_service(
            &app,
            preflight("/doc", "https://writer.example", "PUT")
                .insert_header(("access-control-request-headers", "content-type"))
                .to_request(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "app-wide: {app_wide}");
        assert_eq!(acao(&response).as_deref(), Some("https://writer.example"));
        assert_eq!(single(&response, "access-control-allow-methods").as_deref(), Some("PUT"));
        let response =
            test::call_service(&app, preflight("/doc", "https://reader.example", "PUT").to_request()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "the reader may not PUT");
        let response =
            test::call_service(&app, actual(Method::PUT, "/doc", "https://writer.example").to_request())
                .await;
        assert_eq!(acao(&response).as_deref(), Some("https://writer.example"));
    }
    assert_eq!(calls.count(), 2, "only the two actual PUTs ran");
}

#[actix_web::test]
async fn route_attribute_arguments_are_kept() {
    let calls = Calls::default();
    let app = test::init_service(routes_app!(calls)).await;
    let response = test::call_service(
        &app,
        actual(Method::GET, "/named/1", ROUTE_ORIGIN).insert_header(("x-api-key", "k")).to_request(),
    )
    .await;
    assert_eq!(single(&response, "x-wrapped").as_deref(), Some("yes"), "wrap kept");
    assert_eq!(acao(&response).as_deref(), Some(ROUTE_ORIGIN));
    assert_eq!(test::read_body(response).await, "/named/42", "name kept: url_for works");

    let response = test::call_service(&app, actual(Method::GET, "/named/1", ROUTE_ORIGIN).to_request()).await;
    assert_eq!(
        test::read_body(response).await,
        "counted",
        "guard kept: without x-api-key the default service answers"
    );

    let response = test::call_service(&app, preflight("/named/1", ROUTE_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(single(&response, "x-wrapped"), None, "the route's CORS layer is outside its wraps");
}

// A preflight carries no credentials, so authentication must not see it: a route's own auth
// wrap never sees its preflights,
// and the auth error still reaches the page with the route's CORS headers.
#[actix_web::test]
async fn route_level_auth_does_not_block_preflights() {
    let calls = Calls::default();
    let app = test::init_service(routes_app!(calls)).await;
    let response = test::call_service(
        &app,
        preflight("/guarded", ROUTE_ORIGIN, "GET")
            .insert_header(("access-control-request-headers", "authorization"))
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let error =
        app.call(actual(Method::GET, "/guarded", ROUTE_ORIGIN).to_request()).await.expect_err("auth refuses");
    let response = error.error_response();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), ROUTE_ORIGIN);
    assert_eq!(calls.count(), 0);
}

// Composition: the route's policy wins for its route, headers are never doubled, and every other
// preflight is answered by the app policy without running any handler, including handlers
// registered without a method guard and the default service.
#[actix_web::test]
async fn app_wide_cors_composes_with_route_policies() {
    let calls = Calls::default();
    let app = test::init_service(routes_app!(calls).wrap(Cors::new(
        policy! { origins = ["https://app.example"], methods = ["GET", "PUT", "DELETE"], max_age = 60 },
    )))
    .await;

    let response = test::call_service(&app, actual(Method::GET, "/items/3", ROUTE_ORIGIN).to_request()).await;
    assert_eq!(acao(&response).as_deref(), Some(ROUTE_ORIGIN), "the route's origin");
    cors_test::assert_allowed_with_credentials(&response, ROUTE_ORIGIN);
    assert!(cors_test::header_exposed(response.headers(), "x-request-id", true));
    assert_eq!(single(&response, "access-control-allow-credentials").as_deref(), Some("true"));
    assert_eq!(single(&response, "vary").as_deref(), Some("Origin"));
    let response = test::call_service(&app, actual(Method::GET, "/items/3", APP_ORIGIN).to_request()).await;
    assert_eq!(acao(&response), None, "the app's origin is not the route's");
    cors_test::assert_blocked(&response, APP_ORIGIN);

    let response = test::call_service(&app, preflight("/items/3", ROUTE_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(single(&response, "access-control-max-age").as_deref(), Some("600"), "the route's max-age");
    let response = test::call_service(&app, preflight("/items/3", APP_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let calls_before = calls.count();
    for uri in ["/plain", "/open", "/nowhere", "/items/3"] {
        for method in ["GET", "PUT", "DELETE"] {
            if uri == "/items/3" && method == "GET" {
                continue;
            }
            let response = test::call_service(&app, preflight(uri, APP_ORIGIN, method).to_request()).await;
            assert_eq!(response.status(), StatusCode::NO_CONTENT, "{method} {uri}");
            assert_eq!(acao(&response).as_deref(), Some(APP_ORIGIN), "{method} {uri}");
            assert_eq!(
                single(&response, "access-control-max-age").as_deref(),
                Some("60"),
                "the app's max-age"
            );
            cors_test::assert_preflight_allowed(&response, APP_ORIGIN, method, &[]);
        }
    }
    assert_eq!(calls.count(), calls_before, "no preflight ran a handler");

    let response = test::call_service(&app, actual(Method::GET, "/open", APP_ORIGIN).to_request()).await;
    assert_eq!(acao(&response).as_deref(), Some(APP_ORIGIN));
    let response = test::call_service(&app, actual(Method::GET, "/nowhere", APP_ORIGIN).to_request()).await;
    assert_eq!(acao(&response).as_deref(), Some(APP_ORIGIN), "the default service's response is decorated");
}

// An app-wide `reject` policy must not forbid what a route's policy allows.
#[actix_web::test]
async fn app_wide_reject_does_not_override_a_route() {
    let calls = Calls::default();
    let app = test::init_service(
        routes_app!(calls)
            .wrap(Cors::new(policy! { origins = "https://app.example", on_mismatch = "reject" })),
    )
    .await;
    let response = test::call_service(&app, actual(Method::GET, "/items/3", ROUTE_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(acao(&response).as_deref(), Some(ROUTE_ORIGIN));
    let response = test::call_service(&app, actual(Method::GET, "/plain", ROUTE_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(calls.count(), 1);
}

// A preflight carries no credentials, so authentication must not see it. With an auth
// middleware on the whole App, the app-wide Cors answers the route's preflight before auth;
// auth's 401, made before routing, is decorated by the app-wide layer.
#[actix_web::test]
async fn app_wide_cors_outside_app_auth() {
    let calls = Calls::default();
    let app = test::init_service(
        routes_app!(calls)
            .wrap(from_fn(require_auth))
            .wrap(Cors::new(policy! { origins = ["https://app.example"], headers = ["authorization"] })),
    )
    .await;
    let response = test::call_service(
        &app,
        preflight("/items/3", ROUTE_ORIGIN, "GET")
            .insert_header(("access-control-request-headers", "content-type"))
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "route preflight answered before auth");
    let response = test::call_service(
        &app,
        preflight("/plain", APP_ORIGIN, "GET")
            .insert_header(("access-control-request-headers", "authorization"))
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "app preflight answered before auth");

    // The authentication layer answers before routing, so no route layer saw the request: the
    // app-wide layer, the innermost one the answer passes through, decorates it with its own
    // policy, which does not list the route's origin.
    let error =
        app.call(actual(Method::GET, "/items/3", ROUTE_ORIGIN).to_request()).await.expect_err("auth refuses");
    let response = error.error_response();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().get("access-control-allow-origin").is_none());
    assert_eq!(response.headers().get("vary").unwrap(), "Origin");

    let error =
        app.call(actual(Method::GET, "/plain", APP_ORIGIN).to_request()).await.expect_err("auth refuses");
    assert_eq!(error.error_response().headers().get("access-control-allow-origin").unwrap(), APP_ORIGIN);

    let response = test::call_service(
        &app,
        actual(Method::GET, "/items/3", ROUTE_ORIGIN)
            .insert_header(("authorization", "Bearer t"))
            .to_request(),
    )
    .await;
    assert_eq!(acao(&response).as_deref(), Some(ROUTE_ORIGIN));
    assert_eq!(calls.count(), 1);
}

// Several apps in one thread (as in tests): each finds only its own routes.
#[actix_web::test]
async fn apps_in_one_thread_do_not_share_routes() {
    let calls = Calls::default();
    let with_route = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(Cors::new(policy! { origins = "https://app.example" }))
            .service(item),
    )
    .await;
    let without_route = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(Cors::new(policy! { origins = "https://app.example" }))
            .route("/items/{id}", web::get().to(counted)),
    )
    .await;
    let response =
        test::call_service(&with_route, preflight("/items/3", ROUTE_ORIGIN, "GET").to_request()).await;
    assert_eq!(acao(&response).as_deref(), Some(ROUTE_ORIGIN));
    let response =
        test::call_service(&without_route, preflight("/items/3", ROUTE_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "the other app has no route policy there");
    let response =
        test::call_service(&without_route, preflight("/items/3", APP_ORIGIN, "GET").to_request()).await;
    assert_eq!(acao(&response).as_deref(), Some(APP_ORIGIN));
    assert_eq!(calls.count(), 0);
}

#[actix_web::test]
async fn the_route_table_is_inspectable() {
    let calls = Calls::default();
    let _app = test::init_service(routes_app!(calls)).await;
    let routes = cors_actix::routes();
    let item_route = routes.iter().find(|route| route.handler() == "routes::item").expect("item is listed");
    assert_eq!(item_route.path(), "/items/{id}");
    assert_eq!(item_route.methods(), ["GET"]);
    assert!(item_route.policy().allows_credentials());
    assert_eq!(item_route.policy().max_age(), Some(600));
    let multi_route =
        routes.iter().find(|route| route.handler() == "routes::multi").expect("multi is listed");
    assert_eq!(multi_route.methods(), ["GET", "POST", "PURGE"]);
    assert_eq!(multi_route.policy().on_mismatch(), cors_actix::OnMismatch::Reject);
}

// A server bound to two addresses builds an app per address and worker; each finds its routes.
#[test]
fn server_bound_to_two_addresses() {
    let start = || {
        let server = HttpServer::new(|| {
            App::new()
                .app_data(web::Data::new(Calls::default()))
                .wrap(Cors::new(policy! { origins = "https://app.example" }))
                .service(item)
                .route("/plain", web::get().to(counted))
        })
        .workers(2)
        .bind(("127.0.0.1", 0))
        .expect("bind 127.0.0.1")
        .bind(("127.0.0.1", 0))
        .expect("bind 127.0.0.1 again");
        (server.addrs(), server.disable_signals().shutdown_timeout(1).run())
    };
    serve_while(start, |addresses| {
        assert_eq!(addresses.len(), 2);
        for address in addresses {
            for _ in 0..4 {
                let head = raw_request(
                    address,
                    b"OPTIONS /items/3 HTTP/1.1\r\nHost: api\r\nOrigin: https://route.example\r\nAccess-Control-Request-Method: GET\r\nConnection: close\r\n\r\n",
                );
                assert!(head.starts_with("http/1.1 204"), "{head}");
                assert!(head.contains("access-control-allow-origin: https://route.example"), "{head}");
                let head = raw_request(
                    address,
                    b"OPTIONS /plain HTTP/1.1\r\nHost: api\r\nOrigin: https://app.example\r\nAccess-Control-Request-Method: GET\r\nConnection: close\r\n\r\n",
                );
                assert!(head.contains("access-control-allow-origin: https://app.example"), "{head}");
            }
        }
    });
}
