//! Guards decide where actix routes a request, so they decide which policy governs it: the
//! innermost policy around the resource that actix routes the request to, preflights
//! included. An app-wide `Cors` that would refuse a request (`reject`, cross-origin request
//! protection, a WebSocket handshake from a refused origin), or that could only settle it
//! with its asynchronous origin check, lets a `#[cors]` route's policy decide only when the
//! request would really reach that route; a request that reaches a plain resource (or the
//! default service) is refused as the app's policy says. A preflight is routed with the
//! method it asks for, where every guard counts except the `#[cors]` route's own
//! `guard = ..` (a preflight carries none of the actual request's headers).
//!
//! Each test builds the app as a user would, counts every handler's runs separately, and
//! asserts exact statuses, exact `Access-Control-Allow-Origin` and
//! `Access-Control-Allow-Credentials` values, and exact counts.

use actix_web::{
    body::MessageBody,
    dev::{RequestHead, Service, ServiceResponse},
    guard::{self, GuardContext},
    http::{
        header::{self, HeaderValue},
        Method, StatusCode,
    },
    test::{self, TestRequest},
    web, App, HttpRequest, HttpResponse,
};
use cors_actix::{
    cors, policy,
    test::{cross_origin as actual, preflight, preflight_with_headers},
    Cors, OnMismatch, Policy,
};
use cors_actix_tests::{allow_origin_values as acao, header_values as all, Calls, TestApp};

const APP: &str = "https://app.example";
const PARTNER: &str = "https://partner.example";
const EVIL: &str = "https://evil.example";

/// No header value at all.
const NONE: [&str; 0] = [];

/// The app-wide layer most cases use: only the app's own pages, anything else refused with
/// `403` before a handler runs.
fn app_rejecting() -> Cors {
    Cors::new(policy! { origins = ["https://app.example"], on_mismatch = "reject" })
}

/// What a response shows a browser: its status, its `Access-Control-Allow-Origin` values and
/// its `Access-Control-Allow-Credentials` values.
fn seen(response: &ServiceResponse<impl MessageBody>) -> (StatusCode, Vec<String>, Vec<String>) {
    (response.status(), acao(response), all(response, "access-control-allow-credentials"))
}

/// The expected [`seen`].
fn expect(
    status: StatusCode,
    allow_origin: &[&str],
    credentials: &[&str],
) -> (StatusCode, Vec<String>, Vec<String>) {
    let owned = |values: &[&str]| values.iter().map(|value| (*value).to_owned()).collect();
    (status, owned(allow_origin), owned(credentials))
}

/// A form on a page of `origin` that posts itself to `uri`: what the browser sends for a
/// cross-site form submission (no preflight, cookies included).
fn form_post(uri: &str, origin: &str) -> TestRequest {
    actual(Method::POST, uri, origin)
        .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
        .insert_header(("sec-fetch-site", "cross-site"))
        .insert_header(("sec-fetch-mode", "navigate"))
        .set_payload("amount=100&to=mallory")
}

/// A cross-site `fetch` from a page of `origin` posting JSON to `uri` (sent after its
/// preflight, `POST` with `content-type` requested).
fn json_post(uri: &str, origin: &str) -> TestRequest {
    actual(Method::POST, uri, origin)
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .insert_header(("sec-fetch-site", "cross-site"))
        .insert_header(("sec-fetch-mode", "cors"))
        .set_payload(r#"{"amount":100}"#)
}

fn content_type_is(ctx: &GuardContext<'_>, mime: &str) -> bool {
    ctx.head()
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(';').next().is_some_and(|essence| essence.trim() == mime))
}

fn is_json(ctx: &GuardContext<'_>) -> bool {
    content_type_is(ctx, "application/json")
}

fn is_form(ctx: &GuardContext<'_>) -> bool {
    content_type_is(ctx, "application/x-www-form-urlencoded")
}

fn has_api_key(ctx: &GuardContext<'_>) -> bool {
    ctx.head().headers().get("x-api-key").is_some_and(|key| key == "k")
}

fn has_ticket(ctx: &GuardContext<'_>) -> bool {
    ctx.head().uri.query().is_some_and(|query| query.split('&').any(|pair| pair.starts_with("ticket=")))
}

/// A partner API and the app's own form handler share `POST /orders`; the partner route,
/// registered first, takes only JSON.
mod case01_orders {
    use actix_web::middleware::from_fn;
    use cors_actix_tests::require_auth;

    use super::*;

    /// The request, with credentials.
    fn authorized(request: TestRequest) -> TestRequest {
        request.insert_header((header::AUTHORIZATION, "Bearer t"))
    }

    #[derive(Default)]
    pub(super) struct Hits {
        api: Calls,
        form: Calls,
    }

    #[cors(origins = ["https://partner.example"], headers = ["content-type"], credentials = true)]
    #[actix_web::post("/orders", guard = "is_json")]
    async fn api_orders(hits: web::Data<Hits>) -> HttpResponse {
        hits.api.hit();
        HttpResponse::Ok().body("api order")
    }

    #[actix_web::post("/orders")]
    async fn form_orders(hits: web::Data<Hits>) -> HttpResponse {
        hits.form.hit();
        HttpResponse::Ok().body("form order")
    }

    /// The app's `reject` holds for every request actix routes to the form handler, whatever
    /// the partner route's policy allows.
    #[actix_web::test]
    async fn a_guarded_partner_route_does_not_lift_the_app_reject() {
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new().app_data(hits.clone()).wrap(app_rejecting()).service(api_orders).service(form_orders),
        )
        .await;

        let response = test::call_service(&app, form_post("/orders", EVIL).to_request()).await;
        assert_eq!(
            seen(&response),
            expect(StatusCode::FORBIDDEN, &NONE, &NONE),
            "evil's cross-site form post"
        );
        assert_eq!(
            (hits.api.count(), hits.form.count()),
            (0, 0),
            "evil's cross-site form post ran a handler"
        );

        let response = test::call_service(&app, form_post("/orders", PARTNER).to_request()).await;
        assert_eq!(
            seen(&response),
            expect(StatusCode::FORBIDDEN, &NONE, &NONE),
            "the partner's form post reaches the form handler, governed by the app policy"
        );
        assert_eq!((hits.api.count(), hits.form.count()), (0, 0), "the partner's form post ran a handler");

        let response = test::call_service(&app, json_post("/orders", PARTNER).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &[PARTNER], &["true"]), "the partner's JSON post");
        assert_eq!((hits.api.count(), hits.form.count()), (1, 0), "the partner's JSON post");

        let response = test::call_service(
            &app,
            preflight_with_headers("/orders", PARTNER, "POST", &["content-type"]).to_request(),
        )
        .await;
        assert_eq!(
            seen(&response),
            expect(StatusCode::NO_CONTENT, &[PARTNER], &["true"]),
            "the route's own guard does not block its preflight"
        );
        assert_eq!((hits.api.count(), hits.form.count()), (1, 0), "a preflight ran a handler");
    }

    /// The control: without the partner route, the same form post is refused.
    #[actix_web::test]
    async fn without_the_partner_route_the_form_post_is_refused() {
        let hits = web::Data::new(Hits::default());
        let app =
            test::init_service(App::new().app_data(hits.clone()).wrap(app_rejecting()).service(form_orders))
                .await;
        let response = test::call_service(&app, form_post("/orders", EVIL).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE));
        assert_eq!(hits.form.count(), 0);
    }

    /// With an authentication middleware between the app-wide layer and the routes (a
    /// `from_fn` middleware, whose body runs only once its future is polled), the copy the
    /// layer routes never reaches the routes: the layer decides alone, with the app's policy.
    /// Its refusals hold (fail closed), and the partner route is refused too, preflights
    /// included. The fix is to put authentication on the routes (the next test).
    #[actix_web::test]
    async fn an_authentication_middleware_inside_the_layer_fails_closed() {
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new()
                .app_data(hits.clone())
                .wrap(from_fn(require_auth))
                .wrap(app_rejecting())
                .service(api_orders)
                .service(form_orders),
        )
        .await;

        let response = test::call_service(&app, authorized(form_post("/orders", EVIL)).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "evil's form post");
        let response = test::call_service(
            &app,
            preflight_with_headers("/orders", PARTNER, "POST", &["content-type"]).to_request(),
        )
        .await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "the partner's preflight");
        let response = test::call_service(&app, authorized(json_post("/orders", PARTNER)).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "the partner's JSON post");
        assert_eq!((hits.api.count(), hits.form.count()), (0, 0));
    }

    #[cors(origins = ["https://partner.example"], headers = ["content-type"], credentials = true)]
    #[actix_web::post("/orders", guard = "is_json", wrap = "from_fn(require_auth)")]
    async fn authenticated_api_orders(hits: web::Data<Hits>) -> HttpResponse {
        hits.api.hit();
        HttpResponse::Ok().body("api order")
    }

    #[actix_web::post("/orders", wrap = "from_fn(require_auth)")]
    async fn authenticated_form_orders(hits: web::Data<Hits>) -> HttpResponse {
        hits.form.hit();
        HttpResponse::Ok().body("form order")
    }

    /// Authentication on the routes themselves: the partner route answers its preflights
    /// (which carry no credentials) and its requests, and the form handler's requests still
    /// get the app's refusal.
    #[actix_web::test]
    async fn authentication_on_the_routes_keeps_both_policies() {
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new()
                .app_data(hits.clone())
                .wrap(app_rejecting())
                .service(authenticated_api_orders)
                .service(authenticated_form_orders),
        )
        .await;

        let response = test::call_service(&app, authorized(form_post("/orders", EVIL)).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "evil's form post");
        let response = test::call_service(
            &app,
            preflight_with_headers("/orders", PARTNER, "POST", &["content-type"]).to_request(),
        )
        .await;
        assert_eq!(seen(&response), expect(StatusCode::NO_CONTENT, &[PARTNER], &["true"]), "the preflight");
        let response = test::call_service(&app, authorized(json_post("/orders", PARTNER)).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &[PARTNER], &["true"]), "the partner's JSON post");
        // The authentication layer refuses with `Err(401)`, which the route's layer decorates.
        let error = app.call(json_post("/orders", PARTNER).to_request()).await.expect_err("auth refuses");
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "the partner's post without credentials");
        let allow_origin = response.headers().get_all(header::ACCESS_CONTROL_ALLOW_ORIGIN);
        assert_eq!(allow_origin.collect::<Vec<_>>(), [PARTNER], "the page sees the real status");
        assert_eq!((hits.api.count(), hits.form.count()), (1, 0));
    }
}

/// A partner API exempt from cross-origin request protection (its own policy has none)
/// shares `POST /transfer` with the cookie-authenticated form handler the protection guards.
mod case02_transfer {
    use super::*;

    #[derive(Default)]
    pub(super) struct Hits {
        api: Calls,
        form: Calls,
    }

    #[cors(origins = ["https://partner.example"], headers = ["content-type", "x-api-key"])]
    #[actix_web::post("/transfer", guard = "has_api_key")]
    async fn api_transfer(hits: web::Data<Hits>) -> HttpResponse {
        hits.api.hit();
        HttpResponse::Ok().body("api transfer")
    }

    #[actix_web::post("/transfer")]
    async fn form_transfer(hits: web::Data<Hits>) -> HttpResponse {
        hits.form.hit();
        HttpResponse::Ok().body("form transfer")
    }

    #[actix_web::test]
    async fn an_exempt_guarded_route_does_not_lift_the_protection_of_its_neighbour() {
        let policy = Policy::builder().allow_origin(APP).cross_origin_protection(true).build().unwrap();
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new()
                .app_data(hits.clone())
                .wrap(Cors::new(policy))
                .service(api_transfer)
                .service(form_transfer),
        )
        .await;

        let response = test::call_service(&app, form_post("/transfer", EVIL).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "evil's form post");
        assert_eq!((hits.api.count(), hits.form.count()), (0, 0), "evil's form post ran a handler");

        let request = json_post("/transfer", PARTNER).insert_header(("x-api-key", "k")).to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &[PARTNER], &NONE), "the partner's keyed post");
        assert_eq!((hits.api.count(), hits.form.count()), (1, 0), "the partner's keyed post");

        let request = actual(Method::POST, "/transfer", "https://bank.example")
            .insert_header((header::HOST, "bank.example"))
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .insert_header(("sec-fetch-site", "same-origin"))
            .insert_header(("sec-fetch-mode", "navigate"))
            .set_payload("amount=100&to=alice")
            .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &NONE, &NONE), "the bank's own form");
        assert_eq!((hits.api.count(), hits.form.count()), (1, 1), "the bank's own form");
    }
}

/// A guarded `#[cors]` route and the app's default service.
mod case03_default_service {
    use super::*;

    #[derive(Default)]
    pub(super) struct Hits {
        thing: Calls,
        fallback: Calls,
    }

    #[cors(origins = ["https://partner.example"], headers = ["content-type"])]
    #[actix_web::post("/things/{id}", guard = "is_json")]
    async fn thing(hits: web::Data<Hits>) -> HttpResponse {
        hits.thing.hit();
        HttpResponse::Ok().body("thing")
    }

    async fn fallback(hits: web::Data<Hits>) -> HttpResponse {
        hits.fallback.hit();
        HttpResponse::Ok().body("fallback")
    }

    #[actix_web::test]
    async fn a_request_the_route_guard_sends_to_the_default_service_is_the_apps() {
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new()
                .app_data(hits.clone())
                .wrap(app_rejecting())
                .service(thing)
                .default_service(web::to(fallback)),
        )
        .await;

        let response = test::call_service(&app, form_post("/things/1", EVIL).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "evil's form post");
        assert_eq!((hits.thing.count(), hits.fallback.count()), (0, 0), "evil's form post ran a handler");

        let response = test::call_service(&app, json_post("/things/1", PARTNER).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &[PARTNER], &NONE), "the partner's JSON post");
        assert_eq!((hits.thing.count(), hits.fallback.count()), (1, 0), "the partner's JSON post");
    }
}

/// An app policy with an asynchronous origin check, beside a guarded `#[cors]` route that
/// shares its path with a plain handler.
mod case04_async_check {
    use super::*;

    const TENANT: &str = "https://tenant.example";

    #[derive(Default)]
    pub(super) struct Hits {
        api: Calls,
        plain: Calls,
    }

    #[cors(origins = ["https://partner.example"], headers = ["content-type"])]
    #[actix_web::post("/items", guard = "is_json")]
    async fn api_items(hits: web::Data<Hits>) -> HttpResponse {
        hits.api.hit();
        HttpResponse::Ok().body("api item")
    }

    #[actix_web::post("/items")]
    async fn plain_items(hits: web::Data<Hits>) -> HttpResponse {
        hits.plain.hit();
        HttpResponse::Ok().body("plain item")
    }

    #[actix_web::test]
    async fn the_apps_check_decides_what_reaches_the_plain_handler_once() {
        let asked = Calls::default();
        let check = {
            let asked = asked.clone();
            move |origin: &HeaderValue, _: &RequestHead| {
                asked.hit();
                let allowed = origin == TENANT;
                async move { allowed }
            }
        };
        let policy = Policy::builder()
            .allow_origin(APP)
            .allow_origin_async(check)
            .on_mismatch(OnMismatch::Reject)
            .build()
            .unwrap();
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new().app_data(hits.clone()).wrap(Cors::new(policy)).service(api_items).service(plain_items),
        )
        .await;

        let response =
            test::call_service(&app, form_post("/items", "https://other.example").to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "other's form post");
        assert_eq!(asked.count(), 1, "other's form post: times the app's check was asked");
        assert_eq!((hits.api.count(), hits.plain.count()), (0, 0), "other's form post ran a handler");

        let response = test::call_service(&app, form_post("/items", TENANT).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &[TENANT], &NONE), "the tenant's form post");
        assert_eq!(asked.count(), 2, "the tenant's form post: times the app's check was asked");
        assert_eq!((hits.api.count(), hits.plain.count()), (0, 1), "the tenant's form post");

        let response = test::call_service(&app, json_post("/items", PARTNER).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &[PARTNER], &NONE), "the partner's JSON post");
        assert_eq!(asked.count(), 2, "the route's request was the route's policy's to decide");
        assert_eq!((hits.api.count(), hits.plain.count()), (1, 1), "the partner's JSON post");
    }
}

/// A public, ticketed socket and the app's cookie-session socket on one path.
mod case05_websocket {
    use super::*;

    #[derive(Default)]
    pub(super) struct Hits {
        public: Calls,
        session: Calls,
    }

    /// A handshake as a browser's `new WebSocket(..)` sends it from a page of `origin`.
    fn handshake(uri: &str, origin: &str) -> TestRequest {
        actual(Method::GET, uri, origin)
            .insert_header((header::CONNECTION, "Upgrade"))
            .insert_header((header::UPGRADE, "websocket"))
            .insert_header((header::SEC_WEBSOCKET_VERSION, "13"))
            .insert_header((header::SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ=="))
    }

    /// A handshake whose `Upgrade` is `websocket/13`: a protocol with a version, which
    /// actix-http still takes for a WebSocket handshake (it looks for `websocket` anywhere in
    /// the value).
    fn versioned_handshake(uri: &str, origin: &str) -> TestRequest {
        handshake(uri, origin).insert_header((header::UPGRADE, "websocket/13"))
    }

    #[cors(origins = "*")]
    #[actix_web::get("/ws", guard = "has_ticket")]
    async fn public_socket(hits: web::Data<Hits>) -> HttpResponse {
        hits.public.hit();
        HttpResponse::Ok().body("public socket")
    }

    #[actix_web::get("/ws")]
    async fn session_socket(hits: web::Data<Hits>) -> HttpResponse {
        hits.session.hit();
        HttpResponse::Ok().body("session socket")
    }

    fn app_policy() -> Cors {
        Cors::new(policy! { origins = ["https://app.example"] })
    }

    #[actix_web::test]
    async fn a_public_socket_does_not_open_the_session_socket_to_other_sites() {
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new()
                .app_data(hits.clone())
                .wrap(app_policy())
                .service(public_socket)
                .service(session_socket),
        )
        .await;

        let response = test::call_service(&app, handshake("/ws", EVIL).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "evil's handshake");
        assert_eq!((hits.public.count(), hits.session.count()), (0, 0), "evil's handshake ran a handler");

        let response = test::call_service(&app, versioned_handshake("/ws", EVIL).to_request()).await;
        assert_eq!(
            seen(&response),
            expect(StatusCode::FORBIDDEN, &NONE, &NONE),
            "evil's handshake with `Upgrade: websocket/13`"
        );
        assert_eq!(
            (hits.public.count(), hits.session.count()),
            (0, 0),
            "evil's handshake with `Upgrade: websocket/13` ran a handler"
        );

        let response = test::call_service(&app, handshake("/ws?ticket=t1", EVIL).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &["*"], &NONE), "a ticketed handshake");
        assert_eq!((hits.public.count(), hits.session.count()), (1, 0), "a ticketed handshake");

        let response = test::call_service(&app, handshake("/ws", APP).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &[APP], &NONE), "the app's own handshake");
        assert_eq!((hits.public.count(), hits.session.count()), (1, 1), "the app's own handshake");
    }

    /// Counts its run, then upgrades with `actix-ws`; the socket closes at once.
    async fn real_session_socket(
        request: HttpRequest,
        body: web::Payload,
        hits: web::Data<Hits>,
    ) -> actix_web::Result<HttpResponse> {
        hits.session.hit();
        let (response, session, _messages) = actix_ws::handle(&request, body)?;
        actix_web::rt::spawn(session.close(None));
        Ok(response)
    }

    /// With a real `actix-ws` session socket: only the app's page gets `101`.
    #[actix_web::test]
    async fn only_the_app_opens_the_real_session_socket() {
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new()
                .app_data(hits.clone())
                .wrap(app_policy())
                .service(public_socket)
                .route("/ws", web::get().to(real_session_socket)),
        )
        .await;

        for (request, what) in [
            (handshake("/ws", EVIL), "evil's handshake"),
            (versioned_handshake("/ws", EVIL), "evil's handshake with `Upgrade: websocket/13`"),
        ] {
            let response = test::call_service(&app, request.to_request()).await;
            assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "{what}");
            assert_eq!(hits.session.count(), 0, "{what} ran the session handler");
        }
        let response = test::call_service(&app, handshake("/ws", APP).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::SWITCHING_PROTOCOLS, &[APP], &NONE), "the app's own");
        assert_eq!((hits.public.count(), hits.session.count()), (0, 1));
    }
}

/// A plain, guarded webhook registered before a public `*` route on the same path.
mod case06_hooks {
    use super::*;

    #[derive(Default)]
    pub(super) struct Hits {
        plain: Calls,
        public: Calls,
    }

    #[actix_web::post("/hooks", guard = "is_form")]
    async fn plain_hook(hits: web::Data<Hits>) -> HttpResponse {
        hits.plain.hit();
        HttpResponse::Ok().body("plain hook")
    }

    #[cors(origins = "*", headers = ["content-type"])]
    #[actix_web::post("/hooks")]
    async fn public_hook(hits: web::Data<Hits>) -> HttpResponse {
        hits.public.hit();
        HttpResponse::Ok().body("public hook")
    }

    #[actix_web::test]
    async fn a_public_route_after_a_plain_one_does_not_open_the_plain_one() {
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new().app_data(hits.clone()).wrap(app_rejecting()).service(plain_hook).service(public_hook),
        )
        .await;

        let response = test::call_service(&app, form_post("/hooks", EVIL).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "evil's form post");
        assert_eq!((hits.plain.count(), hits.public.count()), (0, 0), "evil's form post ran a handler");

        let response = test::call_service(&app, json_post("/hooks", EVIL).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &["*"], &NONE), "evil's JSON post");
        assert_eq!((hits.plain.count(), hits.public.count()), (0, 1), "evil's JSON post");
    }
}

/// Two scopes with one prefix: the first, for partners, guarded by a header.
mod case07_scopes {
    use super::*;

    #[derive(Default)]
    pub(super) struct Hits {
        partner: Calls,
        plain: Calls,
    }

    #[cors(origins = ["https://partner.example"], headers = ["content-type", "x-partner"])]
    #[actix_web::post("/orders")]
    async fn partner_orders(hits: web::Data<Hits>) -> HttpResponse {
        hits.partner.hit();
        HttpResponse::Ok().body("partner order")
    }

    #[actix_web::post("/orders")]
    async fn plain_orders(hits: web::Data<Hits>) -> HttpResponse {
        hits.plain.hit();
        HttpResponse::Ok().body("plain order")
    }

    #[actix_web::test]
    async fn a_guarded_scope_does_not_lend_its_policy_to_the_next_scope() {
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new()
                .app_data(hits.clone())
                .wrap(app_rejecting())
                .service(web::scope("/v1").guard(guard::Header("x-partner", "1")).service(partner_orders))
                .service(web::scope("/v1").service(plain_orders)),
        )
        .await;

        let response = test::call_service(&app, form_post("/v1/orders", EVIL).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "evil's form post");
        assert_eq!((hits.partner.count(), hits.plain.count()), (0, 0), "evil's form post ran a handler");

        let request = json_post("/v1/orders", PARTNER).insert_header(("x-partner", "1")).to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &[PARTNER], &NONE), "the partner's post");
        assert_eq!((hits.partner.count(), hits.plain.count()), (1, 0), "the partner's post");

        // Routed to the partner route, the request is its policy's (`omit`): the handler runs
        // and the browser gets no CORS header.
        let request = form_post("/v1/orders", EVIL).insert_header(("x-partner", "1")).to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &NONE, &NONE), "evil's post to the partner scope");
        assert_eq!((hits.partner.count(), hits.plain.count()), (2, 0), "evil's post to the partner scope");
    }
}

/// Two `#[cors]` routes whose patterns both match `/docs/all`, told apart by method.
mod case08_docs {
    use super::*;

    const EDITOR: &str = "https://editor.example";

    #[derive(Default)]
    pub(super) struct Hits {
        read: Calls,
        delete: Calls,
    }

    #[cors(origins = ["https://partner.example"])]
    #[actix_web::get("/docs/{id}")]
    async fn read_doc(hits: web::Data<Hits>) -> HttpResponse {
        hits.read.hit();
        HttpResponse::Ok().body("doc")
    }

    #[cors(origins = ["https://editor.example"])]
    #[actix_web::delete("/docs/all")]
    async fn delete_all(hits: web::Data<Hits>) -> HttpResponse {
        hits.delete.hit();
        HttpResponse::Ok().body("deleted")
    }

    #[actix_web::test]
    async fn the_route_the_method_reaches_answers_the_preflight() {
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new().app_data(hits.clone()).wrap(app_rejecting()).service(read_doc).service(delete_all),
        )
        .await;

        let response = test::call_service(&app, preflight("/docs/all", EDITOR, "DELETE").to_request()).await;
        assert_eq!(
            seen(&response),
            expect(StatusCode::NO_CONTENT, &[EDITOR], &NONE),
            "the editor's preflight"
        );
        let response = test::call_service(&app, preflight("/docs/all", PARTNER, "DELETE").to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "the partner's preflight");
        assert_eq!((hits.read.count(), hits.delete.count()), (0, 0), "a preflight ran a handler");

        let response =
            test::call_service(&app, actual(Method::DELETE, "/docs/all", EDITOR).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &[EDITOR], &NONE), "the editor's DELETE");
        assert_eq!((hits.read.count(), hits.delete.count()), (0, 1), "the editor's DELETE");
    }
}

/// A guardless plain resource registered before a `#[cors]` route with the same pattern
/// takes every request, so the route's policy never answers.
mod case09_unreachable {
    use super::*;

    #[derive(Default)]
    pub(super) struct Hits {
        plain: Calls,
        route: Calls,
    }

    async fn plain(hits: web::Data<Hits>) -> HttpResponse {
        hits.plain.hit();
        HttpResponse::Ok().body("plain")
    }

    #[cors(origins = ["https://partner.example"], credentials = true)]
    #[actix_web::put("/items/{id}")]
    async fn put_item(hits: web::Data<Hits>) -> HttpResponse {
        hits.route.hit();
        HttpResponse::Ok().body("put")
    }

    async fn check(
        app: &impl Service<
            actix_http::Request,
            Response = ServiceResponse<impl MessageBody>,
            Error = actix_web::Error,
        >,
        hits: &Hits,
        uri: &str,
    ) {
        let response = test::call_service(app, preflight(uri, PARTNER, "PUT").to_request()).await;
        assert_eq!(
            seen(&response),
            expect(StatusCode::FORBIDDEN, &NONE, &NONE),
            "{uri}: the partner's preflight"
        );
        let response = test::call_service(app, actual(Method::PUT, uri, PARTNER).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "{uri}: the partner's PUT");
        assert_eq!((hits.plain.count(), hits.route.count()), (0, 0), "{uri}: a handler ran");
        let response = test::call_service(app, actual(Method::PUT, uri, APP).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &[APP], &NONE), "{uri}: the app's PUT");
        assert_eq!((hits.plain.count(), hits.route.count()), (1, 0), "{uri}: the app's PUT");
    }

    #[actix_web::test]
    async fn a_guardless_resource_first_takes_the_routes_requests() {
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new()
                .app_data(hits.clone())
                .wrap(app_rejecting())
                .service(web::resource("/items/{id}").to(plain))
                .service(put_item),
        )
        .await;
        check(&app, &hits, "/items/1").await;
    }

    #[actix_web::test]
    async fn a_scope_behind_an_unguarded_scope_with_its_prefix_is_unreachable() {
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new()
                .app_data(hits.clone())
                .wrap(app_rejecting())
                .service(web::scope("/api").service(web::resource("/items/{id}").to(plain)))
                .service(web::scope("/api").service(put_item)),
        )
        .await;
        check(&app, &hits, "/api/items/1").await;
    }
}

/// A `Cors` on a scope, or on a resource, inside the app-wide `Cors`.
mod case10_inner_layers {
    use super::*;

    const ADMIN: &str = "https://admin.example";

    fn app_policy() -> Cors {
        Cors::new(policy! { origins = ["https://app.example"], methods = ["GET"] })
    }

    fn admin_policy() -> Cors {
        Cors::new(policy! { origins = ["https://admin.example"], methods = ["DELETE"] })
    }

    async fn check(
        app: &impl Service<
            actix_http::Request,
            Response = ServiceResponse<impl MessageBody>,
            Error = actix_web::Error,
        >,
        calls: &Calls,
        uri: &str,
    ) {
        let response = test::call_service(app, preflight(uri, ADMIN, "DELETE").to_request()).await;
        assert_eq!(
            seen(&response),
            expect(StatusCode::NO_CONTENT, &[ADMIN], &NONE),
            "{uri}: admin's preflight"
        );
        let methods = all(&response, "access-control-allow-methods");
        assert!(
            methods.iter().any(|value| value.split(',').any(|method| method.trim() == "DELETE")),
            "{uri}: allowed methods {methods:?}"
        );
        let response = test::call_service(app, preflight(uri, APP, "DELETE").to_request()).await;
        assert_eq!(
            seen(&response),
            expect(StatusCode::FORBIDDEN, &NONE, &NONE),
            "{uri}: the app's preflight"
        );
        assert_eq!(calls.count(), 0, "{uri}: a preflight ran the handler");

        let response = test::call_service(app, actual(Method::DELETE, uri, ADMIN).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &[ADMIN], &NONE), "{uri}: admin's DELETE");
        assert_eq!(calls.count(), 1, "{uri}: admin's DELETE");
    }

    #[actix_web::test]
    async fn a_scope_layer_answers_its_scopes_preflights() {
        let (app, calls) = TestApp::init(
            App::new().wrap(app_policy()).service(
                web::scope("/admin")
                    .wrap(admin_policy())
                    .route("/users/{id}", web::delete().to(cors_actix_tests::counted)),
            ),
        )
        .await;
        check(&app, &calls, "/admin/users/1").await;
    }

    #[actix_web::test]
    async fn a_resource_layer_answers_its_resources_preflights() {
        let (app, calls) = TestApp::init(
            App::new().wrap(app_policy()).service(
                web::resource("/teams/{id}")
                    .wrap(admin_policy())
                    .route(web::delete().to(cors_actix_tests::counted)),
            ),
        )
        .await;
        check(&app, &calls, "/teams/1").await;
    }
}

/// Two scopes with the empty prefix, told apart by `Host`.
mod case11_hosts {
    use super::*;

    #[derive(Default)]
    pub(super) struct Hits {
        api: Calls,
        www: Calls,
    }

    #[cors(origins = ["https://partner.example"])]
    #[actix_web::get("/data")]
    async fn api_data(hits: web::Data<Hits>) -> HttpResponse {
        hits.api.hit();
        HttpResponse::Ok().body("api data")
    }

    async fn www_data(hits: web::Data<Hits>) -> HttpResponse {
        hits.www.hit();
        HttpResponse::Ok().body("www data")
    }

    #[actix_web::test]
    async fn each_hosts_preflights_get_that_hosts_policy() {
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new()
                .app_data(hits.clone())
                .wrap(Cors::new(policy! { origins = ["https://app.example"] }))
                .service(web::scope("").guard(guard::Host("api.example")).service(api_data))
                .service(
                    web::scope("").guard(guard::Host("www.example")).route("/data", web::get().to(www_data)),
                ),
        )
        .await;
        let to = |host: &'static str, request: TestRequest| {
            request.insert_header((header::HOST, host)).to_request()
        };

        let response = test::call_service(&app, to("api.example", preflight("/data", PARTNER, "GET"))).await;
        assert_eq!(seen(&response), expect(StatusCode::NO_CONTENT, &[PARTNER], &NONE), "api: the partner");
        let response = test::call_service(&app, to("api.example", preflight("/data", APP, "GET"))).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "api: the app");
        let response = test::call_service(&app, to("www.example", preflight("/data", PARTNER, "GET"))).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "www: the partner");
        let response = test::call_service(&app, to("www.example", preflight("/data", APP, "GET"))).await;
        assert_eq!(seen(&response), expect(StatusCode::NO_CONTENT, &[APP], &NONE), "www: the app");
        assert_eq!((hits.api.count(), hits.www.count()), (0, 0), "a preflight ran a handler");
    }
}

/// A catch-all for `GET` registered before a `#[cors]` `PUT` route it matches.
mod case12_catch_all {
    use super::*;

    #[derive(Default)]
    pub(super) struct Hits {
        spa: Calls,
        put: Calls,
    }

    async fn spa(hits: web::Data<Hits>) -> HttpResponse {
        hits.spa.hit();
        HttpResponse::Ok().body("index.html")
    }

    #[cors(origins = ["https://partner.example"])]
    #[actix_web::put("/items/{id}")]
    async fn put_item(hits: web::Data<Hits>) -> HttpResponse {
        hits.put.hit();
        HttpResponse::Ok().body("put")
    }

    #[actix_web::test]
    async fn a_get_catch_all_first_does_not_take_a_puts_preflight() {
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new()
                .app_data(hits.clone())
                .wrap(app_rejecting())
                .service(web::resource("/{tail:.*}").guard(guard::Get()).to(spa))
                .service(put_item),
        )
        .await;

        let response = test::call_service(&app, preflight("/items/1", PARTNER, "PUT").to_request()).await;
        assert_eq!(
            seen(&response),
            expect(StatusCode::NO_CONTENT, &[PARTNER], &NONE),
            "the partner's preflight"
        );
        let response = test::call_service(&app, preflight("/items/1", APP, "PUT").to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "the app's preflight");
        assert_eq!((hits.spa.count(), hits.put.count()), (0, 0), "a preflight ran a handler");

        let response = test::call_service(&app, actual(Method::PUT, "/items/1", PARTNER).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &[PARTNER], &NONE), "the partner's PUT");
        assert_eq!((hits.spa.count(), hits.put.count()), (0, 1), "the partner's PUT");
    }
}

/// A plain literal route registered before a `#[cors]` route whose pattern also matches it.
mod case13_literal_sibling {
    use super::*;

    #[derive(Default)]
    pub(super) struct Hits {
        new_form: Calls,
        item: Calls,
    }

    #[actix_web::get("/items/new")]
    async fn new_item_form(hits: web::Data<Hits>) -> HttpResponse {
        hits.new_form.hit();
        HttpResponse::Ok().body("new item form")
    }

    #[cors(origins = ["https://partner.example"], headers = ["x-custom"])]
    #[actix_web::get("/items/{id}")]
    async fn item(hits: web::Data<Hits>) -> HttpResponse {
        hits.item.hit();
        HttpResponse::Ok().body("item")
    }

    #[actix_web::test]
    async fn the_literal_sibling_keeps_the_app_policy() {
        let hits = web::Data::new(Hits::default());
        let app = test::init_service(
            App::new()
                .app_data(hits.clone())
                .wrap(Cors::new(policy! { origins = ["https://app.example"] }))
                .service(new_item_form)
                .service(item),
        )
        .await;
        let custom = |uri: &str| preflight_with_headers(uri, PARTNER, "GET", &["x-custom"]).to_request();

        let response = test::call_service(&app, custom("/items/new")).await;
        assert_eq!(seen(&response), expect(StatusCode::FORBIDDEN, &NONE, &NONE), "/items/new");
        let response = test::call_service(&app, custom("/items/7")).await;
        assert_eq!(seen(&response), expect(StatusCode::NO_CONTENT, &[PARTNER], &NONE), "/items/7");
        assert_eq!((hits.new_form.count(), hits.item.count()), (0, 0), "a preflight ran a handler");
    }
}

/// What a `#[cors]` handler reads of its own route is actix's.
mod case14_match_info {
    use super::*;

    #[cors(origins = ["https://partner.example"])]
    #[actix_web::get("/items/{id}", name = "item")]
    async fn item_info(req: HttpRequest) -> String {
        format!("{:?} {:?}", req.match_pattern(), req.match_name())
    }

    #[actix_web::test]
    async fn match_pattern_and_name_are_actixs_own() {
        let app =
            test::init_service(App::new().wrap(app_rejecting()).service(
                web::scope("/api").service(item_info).service(
                    web::resource("/{tail:.*}").to(|| async { HttpResponse::Ok().body("catch-all") }),
                ),
            ))
            .await;
        let response =
            test::call_service(&app, actual(Method::GET, "/api/items/a%20b", PARTNER).to_request()).await;
        assert_eq!(seen(&response), expect(StatusCode::OK, &[PARTNER], &NONE));
        let body = test::read_body(response).await;
        assert_eq!(body, r#"Some("/api/items/{id}") Some("item")"#);
    }
}

/// Whatever the app-wide layer does to find the policy that governs a request, nothing the
/// app runs for a request runs for a preflight it answers or a request it refuses: no
/// handler of any kind, no default service, no `405` of a resource, no middleware inside it.
/// Every counter sits where only a polled future reaches it (a handler's body, an `async`
/// block, a `Logger` response field, `Files`' path filter), and every middleware inside the
/// layer calls its inner service in `call` (one that awaits first, as any `from_fn` does,
/// keeps the copy from the routes: see `case01_orders`). `Compress` sits inside the layer
/// too; it reads `Accept-Encoding` in `call` and acts only on the response.
mod case15_nothing_runs {
    use actix_web::{
        dev::{fn_service, ServiceRequest},
        middleware::{Compress, Condition, Logger, NormalizePath},
        Error,
    };

    use super::*;

    #[derive(Default)]
    pub(super) struct Hits {
        route: Calls,
        codegen: Calls,
        to: Calls,
        fn_service: Calls,
        fallback: Calls,
        not_allowed: Calls,
        files: Calls,
        logger: Calls,
        condition: Calls,
        wrap_fn: Calls,
    }

    impl Hits {
        fn counts(&self) -> [(&'static str, usize); 10] {
            [
                ("#[cors] route", self.route.count()),
                ("codegen handler", self.codegen.count()),
                ("web::to handler", self.to.count()),
                ("fn_service", self.fn_service.count()),
                ("default service", self.fallback.count()),
                ("405 of a GET-only resource", self.not_allowed.count()),
                ("actix_files::Files", self.files.count()),
                ("Logger", self.logger.count()),
                ("a Logger inside Condition", self.condition.count()),
                ("wrap_fn", self.wrap_fn.count()),
            ]
        }
    }

    /// The `#[cors]` route that makes the app-wide layer look for the governing policy; its own
    /// policy rejects too, so that a refused form post to it is answered `403` by that policy.
    #[cors(origins = ["https://partner.example"], headers = ["content-type"], on_mismatch = "reject")]
    #[actix_web::post("/partner")]
    async fn partner(hits: web::Data<Hits>) -> HttpResponse {
        hits.route.hit();
        HttpResponse::Ok().body("partner")
    }

    #[actix_web::post("/codegen")]
    async fn codegen(hits: web::Data<Hits>) -> HttpResponse {
        hits.codegen.hit();
        HttpResponse::Ok().body("codegen")
    }

    /// A `Logger` that counts the responses it logs: it reads a response only in the future
    /// its `call` returns, and calls its inner service in `call`.
    fn counting_logger(calls: Calls) -> Logger {
        Logger::new("%{counted}xo").custom_response_replace("counted", move |_| {
            calls.hit();
            String::new()
        })
    }

    /// The app, with `NormalizePath` inside the app-wide layer or outside it.
    async fn app(
        hits: &web::Data<Hits>,
        normalize_inside: bool,
    ) -> impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>
    {
        let (to, fn_calls, fallback, not_allowed, files, wrap_fn) = (
            hits.to.clone(),
            hits.fn_service.clone(),
            hits.fallback.clone(),
            hits.not_allowed.clone(),
            hits.files.clone(),
            hits.wrap_fn.clone(),
        );
        let cors = Cors::new(policy! {
            origins = ["https://app.example"],
            headers = ["content-type"],
            on_mismatch = "reject",
        });
        test::init_service(
            App::new()
                .app_data(hits.clone())
                .wrap(Condition::new(normalize_inside, NormalizePath::trim()))
                .wrap(Compress::default())
                .wrap(Condition::new(true, counting_logger(hits.condition.clone())))
                .wrap(counting_logger(hits.logger.clone()))
                .wrap_fn(move |req, srv| {
                    let future = srv.call(req);
                    let calls = wrap_fn.clone();
                    async move {
                        calls.hit();
                        future.await
                    }
                })
                .wrap(cors)
                .wrap(Condition::new(!normalize_inside, NormalizePath::trim()))
                .service(partner)
                .service(codegen)
                .route(
                    "/to",
                    web::post().to(move || {
                        let calls = to.clone();
                        async move {
                            calls.hit();
                            HttpResponse::Ok().body("to")
                        }
                    }),
                )
                .service(web::service("/fn").finish(fn_service(move |req: ServiceRequest| {
                    let calls = fn_calls.clone();
                    async move {
                        calls.hit();
                        Ok::<_, Error>(req.into_response(HttpResponse::Ok().body("fn_service")))
                    }
                })))
                .service(web::resource("/only-get").route(web::get().to(HttpResponse::Ok)).default_service(
                    web::to(move || {
                        let calls = not_allowed.clone();
                        async move {
                            calls.hit();
                            HttpResponse::MethodNotAllowed().finish()
                        }
                    }),
                ))
                .service(actix_files::Files::new("/static", env!("CARGO_MANIFEST_DIR")).path_filter(
                    move |_, _| {
                        files.hit();
                        true
                    },
                ))
                .default_service(web::to(move || {
                    let calls = fallback.clone();
                    async move {
                        calls.hit();
                        HttpResponse::Ok().body("fallback")
                    }
                })),
        )
        .await
    }

    const PATHS: [&str; 7] =
        ["/partner", "/codegen", "/to", "/fn", "/nowhere", "/only-get", "/static/lib.rs"];

    #[actix_web::test]
    async fn nothing_runs_for_an_answered_preflight_or_a_refusal() {
        for normalize_inside in [true, false] {
            let hits = web::Data::new(Hits::default());
            let app = app(&hits, normalize_inside).await;
            let case = |uri: &str| format!("NormalizePath inside: {normalize_inside}, {uri}");

            for path in PATHS {
                for uri in [path.to_owned(), format!("{path}/")] {
                    let allowed_origin = if path == "/partner" { PARTNER } else { APP };
                    let refused_origin = if path == "/partner" { APP } else { PARTNER };
                    let gzip = ("accept-encoding", "gzip");
                    let response = test::call_service(
                        &app,
                        preflight_with_headers(&uri, allowed_origin, "POST", &["content-type"])
                            .insert_header(gzip)
                            .to_request(),
                    )
                    .await;
                    assert_eq!(
                        seen(&response),
                        expect(StatusCode::NO_CONTENT, &[allowed_origin], &NONE),
                        "{}: the allowed preflight",
                        case(&uri)
                    );
                    let response = test::call_service(
                        &app,
                        preflight_with_headers(&uri, refused_origin, "POST", &["content-type"])
                            .insert_header(gzip)
                            .to_request(),
                    )
                    .await;
                    assert_eq!(
                        seen(&response),
                        expect(StatusCode::FORBIDDEN, &NONE, &NONE),
                        "{}: the refused preflight",
                        case(&uri)
                    );
                    // The app's refusal; the route's own is below.
                    if path != "/partner" {
                        let response =
                            test::call_service(&app, form_post(&uri, EVIL).insert_header(gzip).to_request())
                                .await;
                        assert_eq!(
                            seen(&response),
                            expect(StatusCode::FORBIDDEN, &NONE, &NONE),
                            "{}: evil's form post",
                            case(&uri)
                        );
                    }
                    for (what, count) in hits.counts() {
                        assert_eq!(count, 0, "{}: {what} ran", case(&uri));
                    }
                }
            }

            // The control: each counter counts what it should.
            let app_post = |uri: &str| actual(Method::POST, uri, APP).to_request();
            let requests = [
                (json_post("/partner", PARTNER).to_request(), StatusCode::OK),
                (app_post("/codegen"), StatusCode::OK),
                (app_post("/to"), StatusCode::OK),
                (app_post("/fn"), StatusCode::OK),
                (app_post("/nowhere"), StatusCode::OK),
                (app_post("/only-get"), StatusCode::METHOD_NOT_ALLOWED),
                (actual(Method::GET, "/static/lib.rs", APP).to_request(), StatusCode::OK),
            ];
            let sent = requests.len();
            for (request, status) in requests {
                let path = request.path().to_owned();
                let response = test::call_service(&app, request).await;
                assert_eq!(response.status(), status, "{}: the control request", case(&path));
            }
            // `Compress` is in the chain: it encodes a handler's answer when asked to.
            let request =
                actual(Method::POST, "/codegen", APP).insert_header((header::ACCEPT_ENCODING, "gzip"));
            let response = test::call_service(&app, request.to_request()).await;
            assert_eq!(all(&response, "content-encoding"), ["gzip"], "{}", case("/codegen"));
            for (what, count) in hits.counts() {
                let expected = match what {
                    "Logger" | "a Logger inside Condition" | "wrap_fn" => sent + 1,
                    "codegen handler" => 2,
                    _ => 1,
                };
                assert_eq!(
                    count, expected,
                    "NormalizePath inside: {normalize_inside}: {what} in the control"
                );
            }
        }
    }

    /// A request the `#[cors]` route's own policy refuses runs no handler either. (It is the
    /// route's layer that refuses it, so the middlewares between the app-wide layer and the
    /// route see it, as they see any request a route refuses: only handlers are counted here.)
    #[actix_web::test]
    async fn no_handler_runs_for_a_request_the_route_refuses() {
        for normalize_inside in [true, false] {
            let hits = web::Data::new(Hits::default());
            let app = app(&hits, normalize_inside).await;
            for uri in ["/partner", "/partner/"] {
                let response = test::call_service(&app, form_post(uri, EVIL).to_request()).await;
                assert_eq!(
                    seen(&response),
                    expect(StatusCode::FORBIDDEN, &NONE, &NONE),
                    "NormalizePath inside: {normalize_inside}, {uri}: evil's form post"
                );
            }
            for (what, count) in hits.counts() {
                if !matches!(what, "Logger" | "a Logger inside Condition" | "wrap_fn") {
                    assert_eq!(count, 0, "NormalizePath inside: {normalize_inside}: {what} ran");
                }
            }
        }
    }
}
