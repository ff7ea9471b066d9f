//! Routes per app: several apps in one thread, the inspectable table of `#[cors]` routes, a
//! server on two addresses.

use actix_web::HttpServer;
use cors_actix_tests::{raw_request, serve_while};

use super::*;

// Several apps in one thread (as in tests): each finds only its own routes.
#[actix_web::test]
async fn apps_in_one_thread_do_not_share_routes() {
    let calls = Calls::default();
    let with_route = TestApp::init_counting(
        App::new().wrap(Cors::new(policy! { origins = "https://app.example" })).service(item),
        &calls,
    )
    .await;
    let without_route = TestApp::init_counting(
        App::new()
            .wrap(Cors::new(policy! { origins = "https://app.example" }))
            .route("/items/{id}", web::get().to(counted)),
        &calls,
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
    let _app = TestApp::init(routes_app()).await;
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
