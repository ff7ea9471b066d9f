//! Composition with `#[cors]` routes: a route's policy covers its route and nothing else.

use actix_web::get;
use cors_actix::cors;

use super::*;

#[cors(origins = ["https://partner.example"], credentials = true)]
#[get("/items/{id}")]
async fn partner_item(id: web::Path<String>) -> String {
    format!("item {id}")
}

/// A plain route (`/items/admin`) registered before a `#[cors]` route whose pattern also
/// matches it (`/items/{id}`) takes the request in actix's routing; the app-wide layer must
/// then neither answer its preflight nor decorate its response with the `#[cors]` route's
/// policy. Otherwise `https://partner.example` would read `/items/admin` with the user's
/// cookies although the app-wide policy allows only `https://app.example`.
#[actix_web::test]
async fn shadowed_route_does_not_borrow_a_route_policy() {
    let policy = build(Policy::builder().allow_origin("https://app.example").allow_credentials(true));
    let (app, calls) = TestApp::init(
        App::new()
            .wrap(Cors::new(policy))
            .service(web::resource("/items/admin").route(web::get().to(counted)))
            .service(partner_item),
    )
    .await;
    let get = |origin: &str| cross_origin(Method::GET, "/items/admin", origin);
    let seen = send(&app, &calls, get("https://partner.example")).await;
    assert_eq!(seen, Seen::refused_actual(), "the plain route got the #[cors] route's policy");
    let preflight = cors_test::preflight("/items/admin", "https://partner.example", "GET");
    assert_eq!(send(&app, &calls, preflight).await, Seen::refused_preflight());
    let seen = send(&app, &calls, get("https://app.example")).await;
    assert_eq!(seen, allowed_actual("https://app.example"));
}

/// The control for the test above: without the shadowing plain route, the `#[cors]` route's
/// own policy applies to it and nothing else.
#[actix_web::test]
async fn route_policy_applies_to_its_route_only() {
    let policy = build(Policy::builder().allow_origin("https://app.example").allow_credentials(true));
    let (app, calls) = TestApp::init(
        App::new()
            .wrap(Cors::new(policy))
            .service(partner_item)
            .service(web::resource("/other/admin").route(web::get().to(counted))),
    )
    .await;
    let get = |uri: &str, origin: &str| cross_origin(Method::GET, uri, origin);
    let seen = send(&app, &calls, get("/items/7", "https://partner.example")).await;
    assert_eq!(seen.cors["access-control-allow-origin"], "https://partner.example");
    let seen = send(&app, &calls, get("/other/admin", "https://partner.example")).await;
    assert_eq!(seen, Seen::refused_actual());
}
