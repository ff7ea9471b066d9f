//! A same-origin app, which lets no other site read its responses, still gets cross-origin
//! request protection and the WebSocket check from a policy that allows no origin at all.

use actix_web::{
    http::{header, Method, StatusCode},
    test::{self, TestRequest},
    web, App,
};
use cors_actix::{
    policy,
    test::{cross_origin, preflight},
    Cors, Policy,
};
use cors_actix_tests::{allow_origin_values as acao, counted, TestApp};

const OWN: &str = "http://bank.example";
const OTHER: &str = "https://evil.example";

fn request(method: Method, origin: &str, site: Option<&str>) -> TestRequest {
    at_bank(cross_origin(method, "/transfer", origin), site)
}

/// `request` sent to `bank.example`, with `Sec-Fetch-Site` when `site` is given.
fn at_bank(request: TestRequest, site: Option<&str>) -> TestRequest {
    let request = request.insert_header((header::HOST, "bank.example"));
    match site {
        Some(site) => request.insert_header(("sec-fetch-site", site.to_owned())),
        None => request,
    }
}

fn handshake(origin: &str) -> TestRequest {
    request(Method::GET, origin, None)
        .insert_header((header::CONNECTION, "Upgrade"))
        .insert_header((header::UPGRADE, "websocket"))
        .insert_header((header::SEC_WEBSOCKET_VERSION, "13"))
        .insert_header((header::SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ=="))
}

#[actix_web::test]
async fn a_policy_without_origins_protects_a_same_origin_app() {
    for policy in [
        Policy::builder().cross_origin_protection(true).build().unwrap(),
        policy! {
            cross_origin_protection = true
        },
    ] {
        let (app, calls) =
            TestApp::init(App::new().wrap(Cors::new(policy)).route("/transfer", web::to(counted))).await;

        // Another site's form post, with or without Fetch metadata: refused before the handler.
        for site in [Some("cross-site"), Some("same-site"), None] {
            let response = test::call_service(&app, request(Method::POST, OTHER, site).to_request()).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{site:?}");
            assert!(acao(&response).is_empty());
        }
        // The app's own pages: with Fetch metadata, and without (the origin of `Host`).
        for site in [Some("same-origin"), None] {
            let response = test::call_service(&app, request(Method::POST, OWN, site).to_request()).await;
            assert_eq!(response.status(), StatusCode::OK, "{site:?}");
            assert!(acao(&response).is_empty(), "no other site may read, the app itself needs no header");
        }
        // Another site may not read a safe request's response either, and may not preflight.
        let response =
            test::call_service(&app, request(Method::GET, OTHER, Some("cross-site")).to_request()).await;
        assert_eq!((response.status(), acao(&response)), (StatusCode::OK, vec![]));
        let asked = at_bank(preflight("/transfer", OTHER, "PUT"), Some("cross-site"));
        let response = test::call_service(&app, asked.to_request()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        // WebSocket hijacking: another site's handshake is refused, the app's own goes through.
        let response = test::call_service(&app, handshake(OTHER).to_request()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let response = test::call_service(&app, handshake(OWN).to_request()).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(calls.count(), 4, "the two own posts, the other site's GET, the own handshake");
    }
}

/// Without the protection, a policy that allows no origin is still a mistake.
#[test]
fn a_policy_without_origins_or_protection_is_refused() {
    let error = Policy::builder().build().unwrap_err();
    assert!(error.to_string().contains("no origin is allowed"), "{error}");
}
