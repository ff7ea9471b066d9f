//! The `tenant_origins` example's app on a real SQLite database, one file per test: tenants
//! in the table are allowed and other origins refused; a tenant registered with
//! `POST /tenants` is allowed at its next request although its refusal was cached; the store
//! is asked once per origin while the answer is cached, and at every request without the
//! cache; and a store slower than the check's deadline gets a refusal, not a request left
//! waiting, from a real server.

use std::{
    path::PathBuf,
    sync::atomic::{AtomicUsize, Ordering},
    time::Duration,
};

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    http::{Method, StatusCode},
    test::{self, TestRequest},
    HttpServer,
};
use cors_actix::test::{
    assert_allowed_with_credentials, assert_preflight_allowed, assert_preflight_refused, assert_refused,
    cross_origin as actual, preflight,
};
use cors_actix_tests::raw_request;

/// The example's app, built here on a database of each test's own.
#[path = "../examples/tenant_origins/app.rs"]
mod tenant_origins;

use tenant_origins::{app, tenant_policy, TenantStore, SEEDED_TENANT};

const UNKNOWN_ORIGIN: &str = "https://books.example";
const ORDERS: &str = "/api/orders";

/// A directory of its own for one test's database, removed when the test ends.
struct TempDatabase {
    directory: PathBuf,
}

impl TempDatabase {
    fn new() -> Self {
        static CREATED: AtomicUsize = AtomicUsize::new(0);
        let name =
            format!("cors-actix-tenants-{}-{}", std::process::id(), CREATED.fetch_add(1, Ordering::Relaxed));
        let directory = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&directory).expect("create the database's directory");
        Self { directory }
    }

    fn url(&self) -> String {
        format!("sqlite://{}?mode=rwc", self.directory.join("tenants.sqlite").display())
    }

    async fn store(&self) -> TenantStore {
        TenantStore::open(&self.url()).await.expect("open the SQLite store")
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.directory);
    }
}

async fn send<S, B>(app: &S, request: TestRequest) -> ServiceResponse<B>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    test::call_service(app, request.to_request()).await
}

#[actix_web::test]
async fn a_seeded_tenant_is_allowed_and_an_unknown_origin_refused() {
    let database = TempDatabase::new();
    let store = database.store().await;
    let app = test::init_service(app(store.clone(), tenant_policy(store, true).unwrap())).await;

    let response = send(&app, preflight(ORDERS, SEEDED_TENANT, "GET")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_preflight_allowed(&response, SEEDED_TENANT, "GET", &[]);
    let response = send(&app, actual(Method::GET, ORDERS, SEEDED_TENANT)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_allowed_with_credentials(&response, SEEDED_TENANT);

    let response = send(&app, preflight(ORDERS, UNKNOWN_ORIGIN, "GET")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_preflight_refused(&response, UNKNOWN_ORIGIN, "GET", &[]);
    let response = send(&app, actual(Method::GET, ORDERS, UNKNOWN_ORIGIN)).await;
    assert_refused(&response, UNKNOWN_ORIGIN);
}

#[actix_web::test]
async fn the_table_outlives_the_server_and_the_seed_is_not_repeated() {
    let database = TempDatabase::new();
    database.store().await.add(UNKNOWN_ORIGIN).await.unwrap();
    // Opened again as a restarted server would: the table is there, the seed changes nothing.
    let store = database.store().await;
    let app = test::init_service(app(store.clone(), tenant_policy(store, true).unwrap())).await;

    for origin in [SEEDED_TENANT, UNKNOWN_ORIGIN] {
        let response = send(&app, preflight(ORDERS, origin, "GET")).await;
        assert_preflight_allowed(&response, origin, "GET", &[]);
    }
}

#[actix_web::test]
async fn a_registered_tenant_is_allowed_at_once_although_its_refusal_was_cached() {
    let database = TempDatabase::new();
    let store = database.store().await;
    let app = test::init_service(app(store.clone(), tenant_policy(store.clone(), true).unwrap())).await;

    for _ in 0..2 {
        let response = send(&app, preflight(ORDERS, UNKNOWN_ORIGIN, "GET")).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(store.queries(), 1, "the second refusal came from the cache");

    let register = TestRequest::post().uri("/tenants").set_payload(UNKNOWN_ORIGIN);
    let response = send(&app, register).await;
    assert_eq!(response.status(), StatusCode::CREATED);

    let response = send(&app, preflight(ORDERS, UNKNOWN_ORIGIN, "GET")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_preflight_allowed(&response, UNKNOWN_ORIGIN, "GET", &[]);
    assert_eq!(store.queries(), 2, "the store was asked again after the tenant was registered");
}

#[actix_web::test]
async fn a_malformed_tenant_is_not_registered() {
    let database = TempDatabase::new();
    let store = database.store().await;
    let app = test::init_service(app(store.clone(), tenant_policy(store, true).unwrap())).await;

    let register = TestRequest::post().uri("/tenants").set_payload("https://books.example/");
    let response = send(&app, register).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = send(&app, preflight(ORDERS, UNKNOWN_ORIGIN, "GET")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn with_the_cache_each_origin_queries_the_store_once() {
    let database = TempDatabase::new();
    let store = database.store().await;
    let app = test::init_service(app(store.clone(), tenant_policy(store.clone(), true).unwrap())).await;

    for _ in 0..5 {
        let response = send(&app, preflight(ORDERS, SEEDED_TENANT, "GET")).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let response = send(&app, actual(Method::GET, ORDERS, SEEDED_TENANT)).await;
        assert_allowed_with_credentials(&response, SEEDED_TENANT);
        let response = send(&app, preflight(ORDERS, UNKNOWN_ORIGIN, "GET")).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(store.queries(), 2, "one query for the tenant, one for the unknown origin");

    let response = send(&app, TestRequest::get().uri("/stats")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = test::read_body(response).await;
    let stats: serde_json::Value = serde_json::from_slice(&body).expect("/stats answers JSON");
    assert_eq!(stats["store_queries"], 2);
}

#[actix_web::test]
async fn without_the_cache_every_request_queries_the_store() {
    let database = TempDatabase::new();
    let store = database.store().await;
    let app = test::init_service(app(store.clone(), tenant_policy(store.clone(), false).unwrap())).await;

    for _ in 0..5 {
        let response = send(&app, preflight(ORDERS, SEEDED_TENANT, "GET")).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let response = send(&app, preflight(ORDERS, UNKNOWN_ORIGIN, "GET")).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(store.queries(), 10);
}

/// On a real server: the store answers the first query (the seeded tenant's, which is then
/// cached) and then takes an hour. A check that waited for it would leave the request
/// hanging; the deadline turns it into a refusal, while the cached tenant is still served.
#[actix_web::test]
async fn a_store_slower_than_the_deadline_is_a_refusal_and_cached_tenants_are_still_served() {
    let database = TempDatabase::new();
    let store = database.store().await.slowed(Duration::from_secs(3600), 1);
    let policy = tenant_policy(store.clone(), true).unwrap();
    let served = store.clone();
    let server = HttpServer::new(move || app(served.clone(), policy.clone()))
        .workers(1)
        .bind(("127.0.0.1", 0))
        .expect("bind 127.0.0.1:0");
    let address = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);

    let preflight_from = |origin: &str| {
        format!(
            "OPTIONS {ORDERS} HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: {origin}\r\n\
             Access-Control-Request-Method: GET\r\nConnection: close\r\n\r\n"
        )
    };
    let (tenant, unknown) = (preflight_from(SEEDED_TENANT), preflight_from(UNKNOWN_ORIGIN));
    let answers = actix_web::rt::task::spawn_blocking(move || {
        // Raw requests time out after 10 s and return what arrived: a hung request shows as
        // an empty answer.
        let first = raw_request(address, tenant.as_bytes());
        let refused = raw_request(address, unknown.as_bytes());
        let cached = raw_request(address, tenant.as_bytes());
        [first, refused, cached]
    })
    .await
    .expect("the client ran");
    handle.stop(true).await;

    let [first, refused, cached] = answers;
    let allow_origin = format!("access-control-allow-origin: {SEEDED_TENANT}");
    assert!(first.starts_with("http/1.1 204"), "{first}");
    assert!(first.contains(&allow_origin), "{first}");
    assert!(refused.starts_with("http/1.1 403"), "the slow check was answered: {refused:?}");
    assert!(!refused.contains("access-control-allow-origin"), "{refused}");
    assert!(cached.starts_with("http/1.1 204"), "{cached}");
    assert!(cached.contains(&allow_origin), "{cached}");
    assert_eq!(store.queries(), 2, "the tenant's second preflight came from the cache");
}
