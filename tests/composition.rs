//! How an app-wide `Cors` finds the `#[cors]` route whose policy answers a preflight (and a
//! request it would `reject`): as actix routes the actual request. Each test builds the app
//! as a user would, counts handler runs, and asserts exact statuses and headers.

use actix_web::{
    http::{header, Method, StatusCode},
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use cors_actix::{
    cors, policy,
    test::{cross_origin as actual, preflight},
    Cors,
};
use cors_actix_tests::{allow_origin_values as acao, header_values as all, Calls, TestApp};

const APP_ORIGIN: &str = "https://app.example";
const PARTNER_ORIGIN: &str = "https://partner.example";

fn app_policy() -> Cors {
    Cors::new(policy! { origins = ["https://app.example"], credentials = true })
}

/// Same-named handlers in different modules: actix names a resource after its handler, so
/// the two resources share a name. The plain one keeps the app policy, for its preflights
/// and its actual requests; the `#[cors]` one has its own.
mod plain {
    use super::*;

    #[actix_web::get("/things/admin")]
    pub(super) async fn thing(calls: web::Data<Calls>) -> HttpResponse {
        calls.hit();
        HttpResponse::Ok().body("plain")
    }
}

mod with_cors {
    use super::*;

    #[cors(origins = ["https://partner.example"], credentials = true)]
    #[actix_web::get("/things/{id}")]
    pub(super) async fn thing(calls: web::Data<Calls>) -> HttpResponse {
        calls.hit();
        HttpResponse::Ok().body("cors")
    }
}

#[actix_web::test]
async fn same_named_handlers_keep_their_own_policies() {
    let (app, calls) =
        TestApp::init(App::new().wrap(app_policy()).service(plain::thing).service(with_cors::thing)).await;

    let response =
        test::call_service(&app, preflight("/things/admin", PARTNER_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "the plain route's preflight is the app's");
    assert!(acao(&response).is_empty());
    let response =
        test::call_service(&app, actual(Method::GET, "/things/admin", PARTNER_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(acao(&response).is_empty(), "no credentialed read of the plain route for the partner");
    assert!(all(&response, "access-control-allow-credentials").is_empty());
    let response =
        test::call_service(&app, actual(Method::GET, "/things/admin", APP_ORIGIN).to_request()).await;
    assert_eq!(acao(&response), [APP_ORIGIN]);

    let response = test::call_service(&app, preflight("/things/7", PARTNER_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&response), [PARTNER_ORIGIN]);
    let response =
        test::call_service(&app, actual(Method::GET, "/things/7", PARTNER_ORIGIN).to_request()).await;
    assert_eq!(acao(&response), [PARTNER_ORIGIN]);
    assert_eq!(all(&response, "access-control-allow-credentials"), ["true"]);
    assert_eq!(calls.count(), 3, "preflights ran no handler");
}

#[cors(origins = ["https://partner.example"])]
#[actix_web::get("/doc")]
async fn read_doc(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("read")
}

#[cors(origins = ["https://editor.example"], methods = ["PUT", "DELETE"])]
#[actix_web::route("/doc", method = "PUT", method = "DELETE")]
async fn write_doc(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("written")
}

/// One route with several methods beside another route on the same path: each method's
/// preflight is answered from the policy of the route that handles the method.
#[actix_web::test]
async fn every_method_of_a_multi_method_route_finds_its_policy() {
    let (app, calls) =
        TestApp::init(App::new().wrap(app_policy()).service(read_doc).service(write_doc)).await;
    for method in ["PUT", "DELETE"] {
        let response =
            test::call_service(&app, preflight("/doc", "https://editor.example", method).to_request()).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{method}");
        assert_eq!(acao(&response), ["https://editor.example"], "{method}");
        assert_eq!(all(&response, "access-control-allow-methods"), ["PUT, DELETE"], "{method}");
        let response = test::call_service(&app, preflight("/doc", APP_ORIGIN, method).to_request()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{method}: not the app policy");
    }
    let response = test::call_service(&app, preflight("/doc", PARTNER_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&response), [PARTNER_ORIGIN]);
    let response =
        test::call_service(&app, actual(Method::DELETE, "/doc", "https://editor.example").to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(acao(&response), ["https://editor.example"]);
    assert_eq!(calls.count(), 1);
}

#[cors(origins = ["https://partner.example"])]
#[actix_web::get("/assets/{tail}*")]
async fn asset(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("asset")
}

#[cors(origins = ["https://partner.example"], methods = ["PUT"])]
#[actix_web::put("/blobs/{path:.*}")]
async fn put_blob(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("stored")
}

/// Tail patterns (`{tail}*`, `{p:.*}`) are found like any other, also by an app-wide layer in
/// `reject` mode, which passes the route's requests on to the route.
#[actix_web::test]
async fn tail_pattern_routes_keep_their_policy() {
    let (app, calls) = TestApp::init(
        App::new()
            .wrap(Cors::new(policy! { origins = ["https://app.example"], on_mismatch = "reject" }))
            .service(asset)
            .service(put_blob),
    )
    .await;
    for (uri, method) in [("/assets/css/site.css", "GET"), ("/blobs/a/b/c", "PUT")] {
        let response = test::call_service(&app, preflight(uri, PARTNER_ORIGIN, method).to_request()).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{uri}");
        assert_eq!(acao(&response), [PARTNER_ORIGIN], "{uri}");
        let response = test::call_service(&app, preflight(uri, APP_ORIGIN, method).to_request()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{uri}: the route's policy, not the app's");
    }
    let response =
        test::call_service(&app, actual(Method::GET, "/assets/css/site.css", PARTNER_ORIGIN).to_request())
            .await;
    assert_eq!(response.status(), StatusCode::OK, "the app's reject does not hold for the route");
    assert_eq!(acao(&response), [PARTNER_ORIGIN]);
    let response =
        test::call_service(&app, actual(Method::PUT, "/blobs/x", PARTNER_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = test::call_service(&app, actual(Method::GET, "/plain", PARTNER_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "elsewhere the app's reject holds");
    assert_eq!(calls.count(), 2);
}

#[cors(origins = ["https://partner.example"], credentials = true)]
#[actix_web::get("/items/{id}")]
async fn item(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("item")
}

/// `NormalizePath` inside the app-wide layer rewrites the path after the layer saw it; outside,
/// before. Either way a preflight to `/items/7/` finds the route its actual request reaches.
#[actix_web::test]
async fn normalize_path_in_either_order() {
    use actix_web::middleware::{NormalizePath, TrailingSlash};
    let calls = Calls::default();
    let inside = TestApp::init_counting(
        App::new().wrap(NormalizePath::new(TrailingSlash::Trim)).wrap(app_policy()).service(item),
        &calls,
    )
    .await;
    let outside = TestApp::init_counting(
        App::new().wrap(app_policy()).wrap(NormalizePath::new(TrailingSlash::Trim)).service(item),
        &calls,
    )
    .await;
    for uri in ["/items/7/", "//items//7"] {
        for response in [
            test::call_service(&inside, preflight(uri, PARTNER_ORIGIN, "GET").to_request()).await,
            test::call_service(&outside, preflight(uri, PARTNER_ORIGIN, "GET").to_request()).await,
        ] {
            assert_eq!(response.status(), StatusCode::NO_CONTENT, "{uri}");
            assert_eq!(acao(&response), [PARTNER_ORIGIN], "{uri}");
            assert_eq!(all(&response, "access-control-allow-credentials"), ["true"]);
        }
        for response in [
            test::call_service(&inside, actual(Method::GET, uri, PARTNER_ORIGIN).to_request()).await,
            test::call_service(&outside, actual(Method::GET, uri, PARTNER_ORIGIN).to_request()).await,
        ] {
            assert_eq!(response.status(), StatusCode::OK, "{uri}");
            assert_eq!(acao(&response), [PARTNER_ORIGIN], "{uri}");
        }
    }
    assert_eq!(calls.count(), 4);
}

/// Routes mounted through `App::configure` and in nested scopes are found as well.
#[actix_web::test]
async fn routes_mounted_through_configure_and_nested_scopes() {
    let (app, calls) = TestApp::init(App::new().wrap(app_policy()).configure(|config| {
        config.service(web::scope("/v1").service(web::scope("/{tenant}").service(item)));
    }))
    .await;
    let response =
        test::call_service(&app, preflight("/v1/acme/items/3", PARTNER_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&response), [PARTNER_ORIGIN]);
    let response = test::call_service(&app, preflight("/items/3", PARTNER_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "outside its scopes the path is not the route's");
    assert_eq!(calls.count(), 0);
}

#[actix_web::get("/spa/{tail:.*}")]
async fn spa(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("index.html")
}

#[cors(origins = ["https://partner.example"], methods = ["PUT"])]
#[actix_web::put("/spa/api/save")]
async fn save(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("saved")
}

/// A method-guarded catch-all without `#[cors]` registered before a `#[cors]` route. Routing
/// gives a `PUT` to the route (the catch-all's `GET` guard fails), so the route's policy
/// governs the actual request and its preflight, in either registration order; the catch-all's
/// own `GET`s stay the app's.
#[actix_web::test]
async fn a_method_guarded_catch_all_registered_first_leaves_the_route_its_preflights() {
    let calls = Calls::default();
    let app = TestApp::init_counting(App::new().wrap(app_policy()).service(spa).service(save), &calls).await;
    let response =
        test::call_service(&app, actual(Method::PUT, "/spa/api/save", PARTNER_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(acao(&response), [PARTNER_ORIGIN], "the actual request follows routing");
    let response =
        test::call_service(&app, preflight("/spa/api/save", PARTNER_ORIGIN, "PUT").to_request()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "the PUT is routed to the route");
    assert_eq!(acao(&response), [PARTNER_ORIGIN]);
    let response =
        test::call_service(&app, preflight("/spa/api/save", PARTNER_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "a GET is the catch-all's, under the app's policy");

    let reordered =
        TestApp::init_counting(App::new().wrap(app_policy()).service(save).service(spa), &calls).await;
    let response =
        test::call_service(&reordered, preflight("/spa/api/save", PARTNER_ORIGIN, "PUT").to_request()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&response), [PARTNER_ORIGIN]);
    assert_eq!(calls.count(), 1, "only the actual PUT ran a handler");
}

mod tenant_a {
    use super::*;

    #[cors(origins = ["https://a-client.example"], methods = ["PUT"])]
    #[actix_web::put("/items")]
    pub(super) async fn items(calls: web::Data<Calls>) -> HttpResponse {
        calls.hit();
        HttpResponse::Ok().body("a")
    }
}

mod tenant_b {
    use super::*;

    #[cors(origins = ["https://b-client.example"], methods = ["PUT"])]
    #[actix_web::put("/items")]
    pub(super) async fn items(calls: web::Data<Calls>) -> HttpResponse {
        calls.hit();
        HttpResponse::Ok().body("b")
    }
}

/// Two scopes with one prefix, told apart by `Host` guards, each with its own `#[cors]` route.
/// Actual requests and preflights alike follow routing, `Host` guards included, with an
/// app-wide layer or without one.
#[actix_web::test]
async fn host_guarded_scopes() {
    use actix_web::guard;
    let calls = Calls::default();
    let scopes = |config: &mut web::ServiceConfig| {
        config
            .service(web::scope("/v1").guard(guard::Host("a.example")).service(tenant_a::items))
            .service(web::scope("/v1").guard(guard::Host("b.example")).service(tenant_b::items));
    };
    let with_app_layer =
        TestApp::init_counting(App::new().wrap(app_policy()).configure(scopes), &calls).await;
    let routes_alone = TestApp::init_counting(App::new().configure(scopes), &calls).await;
    let to_b = |request: TestRequest| request.insert_header((header::HOST, "b.example")).to_request();

    let put = || to_b(actual(Method::PUT, "/v1/items", "https://b-client.example"));
    let response = test::call_service(&with_app_layer, put()).await;
    assert_eq!(
        (response.status(), acao(&response)),
        (StatusCode::OK, vec!["https://b-client.example".to_owned()])
    );
    let response = test::call_service(&routes_alone, put()).await;
    assert_eq!(
        (response.status(), acao(&response)),
        (StatusCode::OK, vec!["https://b-client.example".to_owned()])
    );
    let response =
        test::call_service(&routes_alone, to_b(preflight("/v1/items", "https://b-client.example", "PUT")))
            .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response =
        test::call_service(&with_app_layer, to_b(preflight("/v1/items", "https://b-client.example", "PUT")))
            .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "b.example's route answers");
    assert_eq!(acao(&response), ["https://b-client.example"]);
    let response =
        test::call_service(&with_app_layer, to_b(preflight("/v1/items", "https://a-client.example", "PUT")))
            .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "a.example's route does not serve b.example");
    let to_a = |request: TestRequest| request.insert_header((header::HOST, "a.example")).to_request();
    let response =
        test::call_service(&with_app_layer, to_a(preflight("/v1/items", "https://a-client.example", "PUT")))
            .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "a.example's route answers");
    assert_eq!(acao(&response), ["https://a-client.example"]);
    assert_eq!(calls.count(), 2);
}

#[cors(origins = ["https://partner.example"])]
#[actix_web::get("/named/{id}", name = "named_route")]
async fn introspected(req: actix_web::HttpRequest) -> String {
    let url = req.url_for("named_route", ["9"]).map(|url| url.path().to_owned());
    format!("{:?} {:?} {:?}", req.match_pattern(), req.match_name(), url.ok())
}

/// What logging and metrics middlewares read from a request a `#[cors]` route serves, and
/// `url_for` with the route's name, are as for any resource, inside scopes too.
#[actix_web::test]
async fn a_routes_pattern_name_and_url_are_actixs_own() {
    let app =
        test::init_service(App::new().wrap(app_policy()).service(web::scope("/v2").service(introspected)))
            .await;
    let response =
        test::call_service(&app, actual(Method::GET, "/v2/named/3", PARTNER_ORIGIN).to_request()).await;
    assert_eq!(acao(&response), [PARTNER_ORIGIN]);
    let body = test::read_body(response).await;
    assert_eq!(body, r#"Some("/v2/named/{id}") Some("named_route") Some("/v2/named/9")"#);
}

#[cors(origins = ["https://partner.example"])]
#[actix_web::get("/documents/{id:[0-9a-f]{24}}")]
async fn document(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().body("document")
}

/// A segment with a regex of its own (a 24-digit hexadecimal id) is found too, inside a scope.
#[actix_web::test]
async fn routes_with_regex_segments_are_found() {
    let (app, calls) =
        TestApp::init(App::new().wrap(app_policy()).service(web::scope("/v1").service(document))).await;
    let id = "0123456789abcdef01234567";
    let response = test::call_service(
        &app,
        preflight(&format!("/v1/documents/{id}"), PARTNER_ORIGIN, "GET").to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&response), [PARTNER_ORIGIN]);
    let response =
        test::call_service(&app, preflight("/v1/documents/not-hex", PARTNER_ORIGIN, "GET").to_request())
            .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "not the route's path: the app's policy");
    assert_eq!(calls.count(), 0);
}

/// The opt-out: a public API allows every origin, and its admin route says `origins = []`.
mod opt_out {
    use super::*;

    #[actix_web::get("/public/items")]
    pub(super) async fn items(calls: web::Data<Calls>) -> HttpResponse {
        calls.hit();
        HttpResponse::Ok().body("items")
    }

    #[cors(origins = [])]
    #[actix_web::get("/public/admin")]
    pub(super) async fn admin(calls: web::Data<Calls>) -> HttpResponse {
        calls.hit();
        HttpResponse::Ok().body("admin")
    }

    #[cors(origins = [], on_mismatch = "reject")]
    #[actix_web::post("/public/admin/reset")]
    pub(super) async fn reset(calls: web::Data<Calls>) -> HttpResponse {
        calls.hit();
        HttpResponse::Ok().body("reset")
    }
}

#[actix_web::test]
async fn a_route_opts_out_of_an_app_policy_that_allows_any_origin() {
    let app_wide = Cors::new(policy! { origins = ["*"], headers = ["*"], methods = ["*"] });
    let (app, calls) = TestApp::init(
        App::new().wrap(app_wide).service(opt_out::items).service(opt_out::admin).service(opt_out::reset),
    )
    .await;

    // The public route: anyone reads it.
    let response =
        test::call_service(&app, preflight("/public/items", PARTNER_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response =
        test::call_service(&app, actual(Method::GET, "/public/items", PARTNER_ORIGIN).to_request()).await;
    assert_eq!(acao(&response), ["*"]);

    // The admin route: no preflight passes, no response is readable cross-origin.
    let response =
        test::call_service(&app, preflight("/public/admin", PARTNER_ORIGIN, "GET").to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(acao(&response).is_empty());
    let response =
        test::call_service(&app, actual(Method::GET, "/public/admin", PARTNER_ORIGIN).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK, "the handler runs; the browser keeps the response");
    assert!(acao(&response).is_empty(), "not the app's `*`");
    // With `reject`, a cross-origin form post never reaches the handler.
    let response = test::call_service(
        &app,
        actual(Method::POST, "/public/admin/reset", PARTNER_ORIGIN)
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Same-origin requests (no `Origin`) are untouched.
    let response = test::call_service(&app, TestRequest::get().uri("/public/admin").to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(acao(&response).is_empty());
    let response =
        test::call_service(&app, TestRequest::post().uri("/public/admin/reset").to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(calls.count(), 4, "the public read, the admin read, and the two same-origin requests");
}

mod opt_out_protected {
    use super::*;

    #[cors(origins = [], cross_origin_protection = true)]
    #[actix_web::post("/account/delete")]
    pub(super) async fn delete(calls: web::Data<Calls>) -> HttpResponse {
        calls.hit();
        HttpResponse::Ok().body("deleted")
    }

    #[cors(origins = [])]
    #[actix_web::post("/account/callback")]
    pub(super) async fn callback(calls: web::Data<Calls>) -> HttpResponse {
        calls.hit();
        HttpResponse::Ok().body("called back")
    }
}

/// A route's policy replaces the app's entirely: an opted-out route keeps the app's
/// cross-origin request protection only when it says so, and one that does not is exempt.
#[actix_web::test]
async fn an_opted_out_route_keeps_the_protection_only_when_it_says_so() {
    let app_wide = Cors::new(policy! { origins = ["https://app.example"], cross_origin_protection = true });
    let (app, calls) = TestApp::init(
        App::new().wrap(app_wide).service(opt_out_protected::delete).service(opt_out_protected::callback),
    )
    .await;
    let cross_site_form = |path: &str| {
        actual(Method::POST, path, "https://evil.example")
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .insert_header(("sec-fetch-site", "cross-site"))
            .to_request()
    };
    let response = test::call_service(&app, cross_site_form("/account/delete")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(calls.count(), 0);
    let response = test::call_service(&app, cross_site_form("/account/callback")).await;
    assert_eq!(response.status(), StatusCode::OK, "exempt: its own policy has no protection");
    assert!(acao(&response).is_empty());
    assert_eq!(calls.count(), 1);
}
