//! Cross-origin request protection (`cross_origin_protection`), through real apps: the full
//! case table (method × `Sec-Fetch-Site` × `Origin` × protection × `on_mismatch`) against a
//! model written from the rule's own words, then the server's public origins behind a proxy,
//! route exemptions, a custom refusal, the asynchronous origin check and the explanation.
//!
//! The rule, as Go's `net/http.CrossOriginProtection` states it: `GET`, `HEAD` and `OPTIONS`
//! pass; `Sec-Fetch-Site: same-origin` or `none` passes; any other `Sec-Fetch-Site` is refused
//! unless the `Origin` is trusted (here: allowed by the policy); without `Sec-Fetch-Site`, no
//! `Origin` passes, the request's own origin passes, a trusted origin passes, and anything
//! else (`null` included) is refused. Fetch metadata: `Sec-Fetch-Site` is a forbidden request
//! header, set only by the browser.

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    http::{Method, StatusCode},
    test::{self, TestRequest},
    web, App, HttpRequest, HttpResponse,
};
use cors_actix::{cors, test::cross_origin, Cors, OnMismatch, Policy, PolicyBuilder, Rule, Verdict};
use cors_actix_tests::{counted, Calls, TestApp};

const HOST: &str = "api.example";
const OWN: &str = "https://api.example";
const APP: &str = "https://app.example";
const SUBDOMAIN: &str = "https://eu.app.example";
const EVIL: &str = "https://evil.example";

fn policy(protect: bool, on_mismatch: OnMismatch) -> PolicyBuilder {
    Policy::builder()
        .allow_origins([APP, "https://*.app.example"])
        .allow_methods(["GET", "POST", "PUT", "DELETE", "PATCH"])
        .cross_origin_protection(protect)
        .on_mismatch(on_mismatch)
}

/// Every path (the default service: the counted handler, every method) behind `cors`.
async fn app_with(
    cors: Cors,
) -> (
    impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
    Calls,
) {
    TestApp::init(App::new().wrap(cors).default_service(web::to(counted))).await
}

/// What the rule says, written from its statement above and from what `on_mismatch` means,
/// not from the code: whether the request is refused with `403` before the handler.
fn forbidden(
    protect: bool,
    on_mismatch: OnMismatch,
    method: &str,
    site: Option<&str>,
    origin: Option<&str>,
) -> bool {
    let trusted = origin.is_some_and(|origin| origin == APP || origin == SUBDOMAIN);
    let own = origin == Some(OWN);
    let safe = matches!(method, "GET" | "HEAD" | "OPTIONS");
    let protection_refuses = protect
        && !safe
        && match site {
            Some("same-origin" | "none") => false,
            Some(_) => !trusted,
            None => origin.is_some() && !own && !trusted,
        };
    // `reject`: an origin the policy does not allow is refused, unless the request comes
    // from the server's own origin (by `Sec-Fetch-Site`, or `Origin` naming `Host`).
    let reject_refuses = on_mismatch == OnMismatch::Reject
        && origin.is_some()
        && !trusted
        && !own
        && site != Some("same-origin");
    protection_refuses || reject_refuses
}

#[actix_web::test]
async fn the_case_table() {
    let methods = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"];
    let sites =
        [None, Some("same-origin"), Some("none"), Some("same-site"), Some("cross-site"), Some("CROSS-SITE")];
    let origins =
        [None, Some(OWN), Some(APP), Some(SUBDOMAIN), Some(EVIL), Some("null"), Some("https://app.example/")];
    let (mut cases, mut refused) = (0, 0);
    for protect in [false, true] {
        for on_mismatch in [OnMismatch::Omit, OnMismatch::Reject] {
            let (app, calls) = app_with(Cors::new(policy(protect, on_mismatch).build().unwrap())).await;
            for method in methods {
                for site in sites {
                    for origin in origins {
                        let mut request = TestRequest::default()
                            .method(Method::from_bytes(method.as_bytes()).unwrap())
                            .uri("/orders")
                            .insert_header(("host", HOST));
                        if let Some(site) = site {
                            request = request.insert_header(("sec-fetch-site", site));
                        }
                        if let Some(origin) = origin {
                            request = request.insert_header(("origin", origin));
                        }
                        let before = calls.count();
                        let response = test::call_service(&app, request.to_request()).await;
                        let expected = forbidden(protect, on_mismatch, method, site, origin);
                        let case = format!(
                            "protect {protect}, {on_mismatch:?}, {method}, Sec-Fetch-Site {site:?}, Origin {origin:?}"
                        );
                        assert_eq!(response.status() == StatusCode::FORBIDDEN, expected, "{case}");
                        assert_eq!(calls.count() - before, usize::from(!expected), "the handler ran? {case}");
                        if expected {
                            assert!(
                                response.headers().get("access-control-allow-origin").is_none(),
                                "{case}"
                            );
                        }
                        cases += 1;
                        refused += usize::from(expected);
                    }
                }
            }
        }
    }
    eprintln!("cross-origin protection case table: {cases} cases, {refused} refused with 403, 0 mismatches");
    assert_eq!(cases, 2 * 2 * 7 * 6 * 7);
}

/// Behind a proxy that rewrites `Host`, the server's own origin is what the policy names as
/// its public origins; `Host` no longer counts.
#[actix_web::test]
async fn public_origins_say_what_the_servers_own_origin_is() {
    let post =
        |origin: &str| cross_origin(Method::POST, "/orders", origin).insert_header(("host", "backend:8080"));
    let (by_host, _) = app_with(Cors::new(policy(true, OnMismatch::Omit).build().unwrap())).await;
    let response = test::call_service(&by_host, post(OWN).to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "the proxy's Host is not the page's origin");
    let response = test::call_service(&by_host, post("http://backend:8080").to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);

    let named = policy(true, OnMismatch::Omit).public_origin(OWN).build().unwrap();
    let (named, _) = app_with(Cors::new(named)).await;
    let response = test::call_service(&named, post(OWN).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = test::call_service(&named, post("http://backend:8080").to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "with public origins, Host does not count");
}

#[cors(origins = ["https://idp.example"], methods = ["POST"])]
#[actix_web::post("/login/callback")]
async fn login_callback(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("signed in")
}

#[cors(origins = ["https://app.example"], methods = ["POST"], cross_origin_protection = true)]
#[actix_web::post("/payments")]
async fn payments(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("paid")
}

/// A route exempts itself with a `#[cors]` policy of its own without the protection (an
/// identity provider's `form_post` callback); a protected route beside an unprotected app
/// policy is protected. Paths that only look like the exempt route are not exempt.
#[actix_web::test]
async fn routes_exempt_or_protect_themselves() {
    let calls = Calls::default();
    let app = TestApp::init_counting(
        App::new()
            .wrap(Cors::new(policy(true, OnMismatch::Omit).build().unwrap()))
            .service(login_callback)
            .service(payments)
            .default_service(web::to(counted)),
        &calls,
    )
    .await;
    let cross_site = |path: &str, origin: &str| {
        cross_origin(Method::POST, path, origin)
            .insert_header(("host", HOST))
            .insert_header(("sec-fetch-site", "cross-site"))
            .to_request()
    };
    let response = test::call_service(&app, cross_site("/login/callback", "https://idp.example")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), "https://idp.example");
    let response = test::call_service(&app, cross_site("/login/callback", EVIL)).await;
    assert_eq!(response.status(), StatusCode::OK, "exempt: the route's policy has no protection");
    for path in ["/login/callback/", "/login/../login/callback", "/orders"] {
        let response = test::call_service(&app, cross_site(path, "https://idp.example")).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}: the app's protection");
    }
    assert_eq!(calls.count(), 2);

    let unprotected_app = TestApp::init_counting(
        App::new().wrap(Cors::new(policy(false, OnMismatch::Omit).build().unwrap())).service(payments),
        &calls,
    )
    .await;
    let response = test::call_service(&unprotected_app, cross_site("/payments", EVIL)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "the route protects itself");
    let response = test::call_service(&unprotected_app, cross_site("/payments", APP)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(calls.count(), 3);
}

fn refused_page(request: &HttpRequest) -> HttpResponse {
    HttpResponse::Forbidden().body(format!("{} cannot be sent from another site", request.path()))
}

/// The refusal's response can be the app's own; every other refusal stays a plain `403`.
#[actix_web::test]
async fn a_refusal_can_have_the_apps_own_response() {
    let cors =
        Cors::new(policy(true, OnMismatch::Reject).build().unwrap()).on_cross_origin_refusal(refused_page);
    let (app, calls) = app_with(cors).await;
    let request = cross_origin(Method::POST, "/orders", EVIL).to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(test::read_body(response).await, "/orders cannot be sent from another site");
    let request = cross_origin(Method::GET, "/orders", EVIL).to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "refused by on_mismatch, not by the protection");
    assert!(test::read_body(response).await.is_empty());
    assert_eq!(calls.count(), 0);
}

/// An origin only the asynchronous check can trust waits for it: trusted, the request
/// passes; refused, it gets `403` and the handler never runs.
#[actix_web::test]
async fn the_asynchronous_origin_check_decides_what_it_alone_can_trust() {
    let policy = policy(true, OnMismatch::Omit)
        .allow_origin_async(|origin, _| {
            let trusted = origin == "https://tenant.example";
            async move { trusted }
        })
        .build()
        .unwrap();
    let (app, calls) = app_with(Cors::new(policy)).await;
    let cross_site = |origin: &str| {
        cross_origin(Method::POST, "/orders", origin).insert_header(("sec-fetch-site", "cross-site"))
    };
    let response = test::call_service(&app, cross_site("https://tenant.example").to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), "https://tenant.example");
    let response = test::call_service(&app, cross_site("https://stranger.example").to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(calls.count(), 1);
}

#[test]
fn the_explanation_names_the_rule() {
    let policy = policy(true, OnMismatch::Omit).build().unwrap();
    let request = cross_origin(Method::POST, "/orders", EVIL)
        .insert_header(("sec-fetch-site", "cross-site"))
        .to_http_request();
    let explanation = policy.explain(request.head());
    assert_eq!((explanation.verdict, explanation.rule), (Verdict::Forbidden, Some(Rule::CrossOriginRequest)));
    assert_eq!(
        explanation.to_string(),
        "POST /orders from `https://evil.example`: refused by the cross_origin_request rule (the browser says \
         it comes from another site (Sec-Fetch-Site), from an origin the policy does not allow); answered 403 \
         without running the handler"
    );
}
