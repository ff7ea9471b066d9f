//! Asynchronous origin checks (`PolicyBuilder::allow_origin_async`): an allow-list kept in a
//! store that must be awaited (a database, a tenant service) decides preflights and actual
//! requests like any other origin rule, is asked only when it can change the answer, and is
//! asked once per request even when layers nest. Each check here really waits (a timer), so
//! the response future's waiting state is what is tested. On a real server: its answers
//! cached for every worker, a store that hangs cut at the deadline, and the limit of checks in
//! flight.

use std::{
    collections::HashSet,
    future::poll_fn,
    net::SocketAddr,
    sync::{Arc, Mutex},
    task::{Poll, Waker},
    thread,
    time::Duration,
};

use actix_web::{
    body::MessageBody,
    dev::{RequestHead, Service, ServiceResponse},
    http::{header, Method, StatusCode},
    test, web, App, HttpResponse, HttpServer,
};
use cors_actix::{
    cors,
    test::{self as cors_test, cross_origin as actual, preflight, preflight_with_headers},
    Cors, OnMismatch, Policy, PolicyBuilder,
};
use cors_actix_tests::{
    allow_origin_values as acao, counted, header_values, raw_request, serve_while, Calls, TestApp,
};

const STATIC_ORIGIN: &str = "https://app.example";
const TENANT_ORIGIN: &str = "https://shop.example";
const OTHER_ORIGIN: &str = "https://evil.example";

/// An in-memory tenant store standing in for a database: it answers after a delay and
/// counts the origins it was asked about.
#[derive(Clone, Default)]
struct Tenants {
    origins: Arc<Mutex<HashSet<String>>>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Tenants {
    fn with(origins: &[&str]) -> Self {
        let tenants = Self::default();
        tenants.origins.lock().unwrap().extend(origins.iter().map(|origin| (*origin).to_owned()));
        tenants
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }

    /// The check a policy is given: waits, records, then looks the origin up.
    fn check(
        &self,
    ) -> impl Fn(
        &header::HeaderValue,
        &RequestHead,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool>>>
           + Send
           + Sync
           + 'static {
        let tenants = self.clone();
        move |origin, _head| {
            let (tenants, origin) = (tenants.clone(), origin.to_str().unwrap_or("").to_owned());
            Box::pin(async move {
                actix_web::rt::time::sleep(Duration::from_millis(2)).await;
                tenants.asked.lock().unwrap().push(origin.clone());
                tenants.origins.lock().unwrap().contains(&origin)
            })
        }
    }
}

fn tenant_policy(tenants: &Tenants) -> PolicyBuilder {
    Policy::builder()
        .allow_origin(STATIC_ORIGIN)
        .allow_origin_async(tenants.check())
        .allow_methods(["GET", "PUT"])
        .allow_header("content-type")
        .allow_credentials(true)
}

/// `/items` (the counted handler, every method) and `/fails` (a `409` error) behind `policy`.
async fn app_with(
    policy: Policy,
) -> (
    impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
    Calls,
) {
    TestApp::init(App::new().wrap(Cors::new(policy)).route("/items", web::to(counted)).route(
        "/fails",
        web::get().to(|| async { Err::<HttpResponse, _>(actix_web::error::ErrorConflict("taken")) }),
    ))
    .await
}

/// Fetch, "CORS-preflight fetch": a preflight from an origin the store allows is answered
/// like one from a listed origin; from one it does not know, `403` without CORS headers.
#[actix_web::test]
async fn preflights_are_decided_by_the_store() {
    let tenants = Tenants::with(&[TENANT_ORIGIN]);
    let (app, calls) = app_with(tenant_policy(&tenants).build().unwrap()).await;

    let response = test::call_service(&app, preflight("/items", TENANT_ORIGIN, "PUT").to_request()).await;
    cors_test::assert_preflight_allowed(&response, TENANT_ORIGIN, "PUT", &[]);
    assert_eq!(header_values(&response, "access-control-allow-credentials"), ["true"]);

    let response = test::call_service(&app, preflight("/items", OTHER_ORIGIN, "PUT").to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(acao(&response).is_empty());
    assert_eq!(tenants.asked(), [TENANT_ORIGIN, OTHER_ORIGIN]);
    assert_eq!(calls.count(), 0, "a preflight never reaches a handler");
}

/// Fetch, "CORS check": an actual request's response is readable by an origin the store
/// allows; for another one the handler runs (`OnMismatch::Omit`) and the response carries
/// no CORS header, so the browser keeps it from the page. Errors are decorated the same way.
#[actix_web::test]
async fn actual_requests_are_decided_by_the_store() {
    let tenants = Tenants::with(&[TENANT_ORIGIN]);
    let (app, calls) = app_with(tenant_policy(&tenants).build().unwrap()).await;

    let response = test::call_service(&app, actual(Method::GET, "/items", TENANT_ORIGIN).to_request()).await;
    cors_test::assert_allowed_with_credentials(&response, TENANT_ORIGIN);
    assert_eq!(test::read_body(response).await, "counted");

    let response = test::call_service(&app, actual(Method::GET, "/items", OTHER_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    cors_test::assert_refused(&response, OTHER_ORIGIN);
    cors_test::assert_varies_on_origin(&response);
    assert_eq!(calls.count(), 2);

    let response = test::call_service(&app, actual(Method::GET, "/fails", TENANT_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    cors_test::assert_allowed_with_credentials(&response, TENANT_ORIGIN);
}

/// With `OnMismatch::Reject`, an origin the store refuses gets `403` and the handler never
/// runs; one it allows reaches the handler once.
#[actix_web::test]
async fn a_refusal_in_reject_mode_keeps_the_handler_from_running() {
    let tenants = Tenants::with(&[TENANT_ORIGIN]);
    let policy = tenant_policy(&tenants).on_mismatch(OnMismatch::Reject).build().unwrap();
    let (app, calls) = app_with(policy).await;

    let response = test::call_service(&app, actual(Method::PUT, "/items", OTHER_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(calls.count(), 0);

    let response = test::call_service(&app, actual(Method::PUT, "/items", TENANT_ORIGIN).to_request()).await;
    cors_test::assert_allowed_with_credentials(&response, TENANT_ORIGIN);
    assert_eq!(calls.count(), 1);
}

/// The store is asked last and only when its answer can matter: not for a listed origin,
/// not for `null` or a malformed `Origin` (Fetch: an origin is serialized or `null`), not for
/// a request without `Origin`, and not for a preflight another rule already refuses.
#[actix_web::test]
async fn the_store_is_asked_only_when_it_can_change_the_answer() {
    let tenants = Tenants::with(&[TENANT_ORIGIN]);
    let (app, _) = app_with(tenant_policy(&tenants).build().unwrap()).await;

    let listed = test::call_service(&app, actual(Method::GET, "/items", STATIC_ORIGIN).to_request()).await;
    cors_test::assert_allowed_with_credentials(&listed, STATIC_ORIGIN);
    for origin in ["null", "https://shop.example/", "https://SHOP.example", "shop.example"] {
        let response = test::call_service(&app, actual(Method::GET, "/items", origin).to_request()).await;
        assert!(acao(&response).is_empty(), "{origin}");
    }
    let no_origin = test::call_service(&app, test::TestRequest::get().uri("/items").to_request()).await;
    assert_eq!(no_origin.status(), StatusCode::OK);
    let response = test::call_service(&app, preflight("/items", TENANT_ORIGIN, "DELETE").to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "DELETE is not allowed, whatever the origin");
    let response = test::call_service(
        &app,
        preflight_with_headers("/items", TENANT_ORIGIN, "PUT", &["x-secret"]).to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "x-secret is not allowed");

    assert_eq!(tenants.asked(), Vec::<String>::new());
}

/// Several checks are asked in the order they were added, and the first `true` settles it:
/// the ones after it are never run.
#[actix_web::test]
async fn checks_run_in_order_until_one_allows() {
    let (first, second, third) =
        (Tenants::with(&[]), Tenants::with(&[TENANT_ORIGIN]), Tenants::with(&[TENANT_ORIGIN]));
    let policy = Policy::builder()
        .allow_origin(STATIC_ORIGIN)
        .allow_origin_async(first.check())
        .allow_origin_async(second.check())
        .allow_origin_async(third.check())
        .build()
        .unwrap();
    let (app, _) = app_with(policy).await;

    let response = test::call_service(&app, actual(Method::GET, "/items", TENANT_ORIGIN).to_request()).await;
    cors_test::assert_allowed(&response, TENANT_ORIGIN);
    assert_eq!((first.asked().len(), second.asked().len(), third.asked().len()), (1, 1, 0));
}

/// The store's answer can change between requests without a restart: that is what it is for.
#[actix_web::test]
async fn a_tenant_added_to_the_store_is_allowed_at_its_next_request() {
    let tenants = Tenants::with(&[]);
    let (app, _) = app_with(tenant_policy(&tenants).build().unwrap()).await;

    let response = test::call_service(&app, actual(Method::GET, "/items", TENANT_ORIGIN).to_request()).await;
    cors_test::assert_refused(&response, TENANT_ORIGIN);
    tenants.origins.lock().unwrap().insert(TENANT_ORIGIN.to_owned());
    let response = test::call_service(&app, actual(Method::GET, "/items", TENANT_ORIGIN).to_request()).await;
    cors_test::assert_allowed_with_credentials(&response, TENANT_ORIGIN);
}

#[cors(origins = ["https://partner.example"], methods = ["GET", "PUT"])]
#[actix_web::put("/partner/items")]
async fn partner_items(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("partner")
}

/// Beside a `#[cors]` route, an app-wide policy with a store governs only the rest: the
/// route's preflights and requests are decided by the route's own policy, and the app's
/// store is never asked about them, even in reject mode.
#[actix_web::test]
async fn a_cors_route_is_decided_by_its_own_policy_without_asking_the_store() {
    for on_mismatch in [OnMismatch::Omit, OnMismatch::Reject] {
        let tenants = Tenants::with(&[TENANT_ORIGIN]);
        let policy = tenant_policy(&tenants).on_mismatch(on_mismatch).build().unwrap();
        let (app, _) = TestApp::init(
            App::new().wrap(Cors::new(policy)).service(partner_items).route("/items", web::to(counted)),
        )
        .await;

        let response = test::call_service(
            &app,
            preflight("/partner/items", "https://partner.example", "PUT").to_request(),
        )
        .await;
        cors_test::assert_preflight_allowed(&response, "https://partner.example", "PUT", &[]);
        let response = test::call_service(
            &app,
            actual(Method::PUT, "/partner/items", "https://partner.example").to_request(),
        )
        .await;
        cors_test::assert_allowed(&response, "https://partner.example");
        assert_eq!(acao(&response), ["https://partner.example"], "decorated once, by the route");
        // The store would allow this origin, but the route's policy governs the route.
        let response =
            test::call_service(&app, actual(Method::PUT, "/partner/items", TENANT_ORIGIN).to_request()).await;
        cors_test::assert_refused(&response, TENANT_ORIGIN);
        let response =
            test::call_service(&app, preflight("/partner/items", TENANT_ORIGIN, "PUT").to_request()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(tenants.asked(), Vec::<String>::new(), "{on_mismatch:?}");

        // Elsewhere the app's policy, store included, governs.
        let response =
            test::call_service(&app, actual(Method::PUT, "/items", TENANT_ORIGIN).to_request()).await;
        cors_test::assert_allowed_with_credentials(&response, TENANT_ORIGIN);
        assert_eq!(tenants.asked(), [TENANT_ORIGIN]);
    }
}

/// A `Cors` with a store around a scope, inside an app-wide one with another store: the
/// scope's layer governs its requests and asks its store; the app's layer, which could only
/// allow the origin through its store, routes the request first, finds the scope's layer, and
/// leaves the decision (and the question) to it.
#[actix_web::test]
async fn nested_layers_ask_the_store_of_the_layer_that_governs() {
    let (outer, inner) = (Tenants::with(&[TENANT_ORIGIN]), Tenants::with(&[TENANT_ORIGIN]));
    let (app, _) = TestApp::init(
        App::new().wrap(Cors::new(tenant_policy(&outer).build().unwrap())).service(
            web::scope("/api")
                .wrap(Cors::new(tenant_policy(&inner).build().unwrap()))
                .route("/items", web::to(counted)),
        ),
    )
    .await;

    let response =
        test::call_service(&app, actual(Method::GET, "/api/items", TENANT_ORIGIN).to_request()).await;
    cors_test::assert_allowed_with_credentials(&response, TENANT_ORIGIN);
    assert_eq!(acao(&response), [TENANT_ORIGIN], "one Access-Control-Allow-Origin");
    assert_eq!(inner.asked(), [TENANT_ORIGIN]);
    assert_eq!(outer.asked(), Vec::<String>::new());
}

/// The tenants of the `#[cors]` route below: a store asked per request, as a database would be.
static ROUTE_TENANTS: std::sync::LazyLock<Tenants> =
    std::sync::LazyLock::new(|| Tenants::with(&[TENANT_ORIGIN]));

fn route_tenant(
    origin: &header::HeaderValue,
    head: &RequestHead,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool>>> {
    (ROUTE_TENANTS.check())(origin, head)
}

#[cors(origins = ["https://app.example"], origin_async = route_tenant, methods = ["GET", "PUT"])]
#[actix_web::put("/tenant/items")]
async fn tenant_items(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("tenant")
}

/// `#[cors(origin_async = ...)]`: a route's own policy awaits its own store, for its
/// preflights (answered by the app-wide layer on its behalf) and its requests.
#[actix_web::test]
async fn a_cors_route_awaits_its_own_store() {
    let (app, calls) = TestApp::init(
        App::new()
            .wrap(Cors::new(Policy::builder().allow_origin(STATIC_ORIGIN).build().unwrap()))
            .service(tenant_items),
    )
    .await;
    let response =
        test::call_service(&app, preflight("/tenant/items", TENANT_ORIGIN, "PUT").to_request()).await;
    cors_test::assert_preflight_allowed(&response, TENANT_ORIGIN, "PUT", &[]);
    let response =
        test::call_service(&app, actual(Method::PUT, "/tenant/items", TENANT_ORIGIN).to_request()).await;
    cors_test::assert_allowed(&response, TENANT_ORIGIN);
    let response =
        test::call_service(&app, actual(Method::PUT, "/tenant/items", OTHER_ORIGIN).to_request()).await;
    cors_test::assert_refused(&response, OTHER_ORIGIN);
    assert_eq!(ROUTE_TENANTS.asked(), [TENANT_ORIGIN, TENANT_ORIGIN, OTHER_ORIGIN]);
    assert_eq!(calls.count(), 2);
}

/// A door a store's answers wait behind until the test opens it, from any thread; one never
/// opened is a store that hangs.
#[derive(Clone, Default)]
struct Gate(Arc<Mutex<(bool, Vec<Waker>)>>);

impl Gate {
    fn open(&self) {
        let mut state = self.0.lock().unwrap();
        state.0 = true;
        state.1.drain(..).for_each(Waker::wake);
    }

    async fn wait(self) {
        poll_fn(move |cx| {
            let mut state = self.0.lock().unwrap();
            if state.0 {
                Poll::Ready(())
            } else {
                state.1.push(cx.waker().clone());
                Poll::Pending
            }
        })
        .await
    }
}

/// A policy whose store records each origin it is asked about, then answers from `tenants`
/// once `gate` is open.
fn gated_policy(tenants: &Tenants, gate: &Gate) -> PolicyBuilder {
    let (tenants, gate) = (tenants.clone(), gate.clone());
    Policy::builder().allow_origin(STATIC_ORIGIN).allow_method("PUT").allow_origin_async(
        move |origin, _head| {
            let (tenants, gate, origin) =
                (tenants.clone(), gate.clone(), origin.to_str().unwrap_or("").to_owned());
            async move {
                tenants.asked.lock().unwrap().push(origin.clone());
                gate.wait().await;
                tenants.origins.lock().unwrap().contains(&origin)
            }
        },
    )
}

/// A server of two workers on a loopback port, `/items` behind `cors`.
fn server(cors: Cors) -> (Vec<SocketAddr>, actix_web::dev::Server) {
    let server = HttpServer::new(move || {
        App::new().wrap(cors.clone()).route("/items", web::to(|| async { HttpResponse::Ok().body("items") }))
    })
    .workers(2)
    .bind(("127.0.0.1", 0))
    .expect("bind a loopback port");
    let addresses = server.addrs();
    (addresses, server.run())
}

/// The response head to a request from `origin`, on its own connection (so that the acceptor
/// hands successive ones to the workers in turn): a `GET`, or a preflight for `PUT`.
fn send(address: SocketAddr, origin: &str, preflight: bool) -> String {
    let method = if preflight { "OPTIONS" } else { "GET" };
    let ask = if preflight { "Access-Control-Request-Method: PUT\r\n" } else { "" };
    let request = format!(
        "{method} /items HTTP/1.1\r\nHost: {address}\r\nOrigin: {origin}\r\n{ask}Connection: close\r\n\r\n"
    );
    raw_request(address, request.as_bytes())
}

fn status(head: &str) -> u16 {
    head.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0)
}

fn allow_origin(head: &str) -> Option<&str> {
    head.lines().find_map(|line| line.strip_prefix("access-control-allow-origin: "))
}

fn explanation(head: &str) -> &str {
    head.lines().find_map(|line| line.strip_prefix("cors-actix-explanation: ")).unwrap_or("")
}

/// With the cache, the store is asked once per origin, for every worker and for preflights
/// and requests alike, whether it allowed the origin or not.
// `test` names actix-web's module here: the server makes its own runtime.
#[std::prelude::v1::test]
fn a_cached_answer_serves_every_worker() {
    let tenants = Tenants::with(&[TENANT_ORIGIN]);
    let gate = Gate::default();
    gate.open();
    let policy = gated_policy(&tenants, &gate).cache_origin_checks(1_000).build().unwrap();
    let asked = tenants.clone();
    serve_while(
        move || server(Cors::new(policy)),
        move |addresses| {
            let address = addresses[0];
            for preflight in [true, false, true, false] {
                let head = send(address, TENANT_ORIGIN, preflight);
                assert_eq!(allow_origin(&head), Some(TENANT_ORIGIN), "{head}");
                let head = send(address, OTHER_ORIGIN, preflight);
                assert_eq!(status(&head), if preflight { 403 } else { 200 }, "{head}");
                assert_eq!(allow_origin(&head), None, "{head}");
            }
            assert_eq!(asked.asked(), [TENANT_ORIGIN, OTHER_ORIGIN], "asked once per origin");
        },
    );
}

/// A store that never answers holds no request: at the deadline the origin is refused, by the
/// origin rule, and the explanation says why. The miss is not cached: the next request asks
/// again.
// `test` names actix-web's module here: the server makes its own runtime.
#[std::prelude::v1::test]
fn a_hung_store_is_cut_at_the_deadline() {
    let tenants = Tenants::with(&[TENANT_ORIGIN]);
    let policy = gated_policy(&tenants, &Gate::default())
        .origin_check_deadline(Duration::from_millis(100))
        .cache_origin_checks(1_000)
        .build()
        .unwrap();
    let asked = tenants.clone();
    serve_while(
        move || server(Cors::new(policy).explain_refusals()),
        move |addresses| {
            let head = send(addresses[0], TENANT_ORIGIN, true);
            assert_eq!(status(&head), 403, "{head}");
            assert!(explanation(&head).contains("refused by the origin rule"), "{head}");
            assert!(explanation(&head).contains("missed its deadline"), "{head}");

            let head = send(addresses[0], TENANT_ORIGIN, false);
            assert_eq!(status(&head), 200, "the handler runs; the browser keeps the response: {head}");
            assert_eq!(allow_origin(&head), None, "{head}");
            assert!(explanation(&head).contains("missed its deadline"), "{head}");
            assert_eq!(asked.asked(), [TENANT_ORIGIN, TENANT_ORIGIN], "the miss was not cached");
        },
    );
}

/// With one check allowed in flight and the store holding it, a request from another origin
/// is refused at once with its reason; once the store answers, the next one is asked.
// `test` names actix-web's module here: the server makes its own runtime.
#[std::prelude::v1::test]
fn past_the_limit_a_request_is_refused_without_waiting() {
    let tenants = Tenants::with(&[TENANT_ORIGIN, "https://second.example"]);
    let gate = Gate::default();
    let policy = gated_policy(&tenants, &gate).origin_check_limit(1).build().unwrap();
    let asked = tenants.clone();
    serve_while(
        move || server(Cors::new(policy).explain_refusals()),
        move |addresses| {
            let address = addresses[0];
            let held = thread::spawn(move || send(address, TENANT_ORIGIN, true));
            while asked.asked().is_empty() {
                thread::yield_now();
            }
            let head = send(address, "https://second.example", true);
            assert_eq!(status(&head), 403, "{head}");
            assert!(explanation(&head).contains("in flight"), "{head}");
            assert_eq!(asked.asked(), [TENANT_ORIGIN], "the store was not asked past the limit");

            gate.open();
            let head = held.join().unwrap();
            assert_eq!(allow_origin(&head), Some(TENANT_ORIGIN), "{head}");
            let head = send(address, "https://second.example", true);
            assert_eq!(allow_origin(&head), Some("https://second.example"), "{head}");
            assert_eq!(asked.asked(), [TENANT_ORIGIN, "https://second.example"]);
        },
    );
}
