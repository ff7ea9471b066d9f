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

use actix_http::Request;
use actix_web::{
    body::MessageBody,
    dev::{RequestHead, Service, ServiceFactory, ServiceRequest, ServiceResponse},
    guard::{self, GuardContext},
    http::{
        header::{self, HeaderValue},
        Method, StatusCode,
    },
    test::{self, TestRequest},
    web, App, HttpRequest, HttpResponse, Resource, Route,
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

/// What a browser sees of a response: its status, its `Access-Control-Allow-Origin` values
/// and its `Access-Control-Allow-Credentials` values.
type Shown = (StatusCode, Vec<String>, Vec<String>);

/// What `response` shows a browser.
fn seen(response: &ServiceResponse<impl MessageBody>) -> Shown {
    (response.status(), acao(response), all(response, "access-control-allow-credentials"))
}

/// The expected [`seen`].
fn expect(status: StatusCode, allow_origin: &[&str], credentials: &[&str]) -> Shown {
    let owned = |values: &[&str]| values.iter().map(|value| (*value).to_owned()).collect();
    (status, owned(allow_origin), owned(credentials))
}

/// `status` with `origin` allowed, without credentials.
fn allowed(status: StatusCode, origin: &str) -> Shown {
    expect(status, &[origin], &NONE)
}

/// A refusal: `403` and no CORS header.
fn refused() -> Shown {
    expect(StatusCode::FORBIDDEN, &NONE, &NONE)
}

/// An initialised app under test, with `B` its responses' body.
trait Tested<B>: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error> {}

impl<S, B> Tested<B> for S where S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error> {}

/// Sends `request` to `app` and asserts what the browser sees of the response, `what` naming
/// the request in a failure; gives the response back for further checks.
async fn sees<B>(
    app: &impl Tested<B>,
    request: TestRequest,
    expected: Shown,
    what: &str,
) -> ServiceResponse<B>
where
    B: MessageBody,
{
    let response = test::call_service(app, request.to_request()).await;
    assert_eq!(seen(&response), expected, "{what}");
    response
}

/// Every handler's runs, counted under the name the case gives the handler (shared through
/// `web::Data`, read after the requests).
struct Hits(Vec<(&'static str, Calls)>);

impl Hits {
    /// Counters for the handlers `names`, in the order [`Hits::ran`] takes their counts.
    fn new<const N: usize>(names: [&'static str; N]) -> web::Data<Self> {
        web::Data::new(Self(names.into_iter().map(|name| (name, Calls::default())).collect()))
    }

    /// The counter of the handler `name`.
    ///
    /// # Panics
    /// When the case declared no handler `name`.
    fn calls(&self, name: &str) -> &Calls {
        let found = self.0.iter().find(|(declared, _)| *declared == name);
        &found.unwrap_or_else(|| panic!("no handler {name:?} declared")).1
    }

    /// Counts a run of the handler `name` and answers `200` with the name: every counted
    /// handler's body.
    fn answer(&self, name: &'static str) -> HttpResponse {
        self.calls(name).hit();
        HttpResponse::Ok().body(name)
    }

    /// Every handler's runs, by name, in declaration order.
    fn counts(&self) -> Vec<(&'static str, usize)> {
        self.0.iter().map(|(name, calls)| (*name, calls.count())).collect()
    }

    /// Asserts every handler's runs, `expected` in declaration order, `what` naming the
    /// requests in a failure.
    fn ran<const N: usize>(&self, expected: [usize; N], what: &str) {
        assert_eq!(N, self.0.len(), "{what}: one count a handler");
        let expected: Vec<_> = self.0.iter().zip(expected).map(|((name, _), count)| (*name, count)).collect();
        assert_eq!(self.counts(), expected, "{what}: handler runs");
    }
}

/// [`sees`], then [`Hits::ran`]: one request of a case and what it leaves behind.
async fn step<B, const N: usize>(
    app: &impl Tested<B>,
    hits: &Hits,
    request: TestRequest,
    expected: Shown,
    runs: [usize; N],
    what: &str,
) where
    B: MessageBody,
{
    sees(app, request, expected, what).await;
    hits.ran(runs, what);
}

/// A handler that counts its runs as `name` in the app's [`Hits`].
fn counting(name: &'static str) -> Route {
    web::to(move |hits: web::Data<Hits>| async move { hits.answer(name) })
}

/// A plain resource for `method` at `path`, its handler [`counting`] as `name`: what
/// `#[actix_web::post(path)]` (or `get`, ...) registers for a handler.
fn plain(method: Method, path: &str, name: &'static str) -> Resource {
    web::resource(path).guard(guard::Method(method)).route(counting(name))
}

/// Initialises `app` with `hits` in its data.
async fn init<T, B>(hits: &web::Data<Hits>, app: App<T>) -> impl Tested<B>
where
    T: ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<B>,
            Error = actix_web::Error,
            InitError = (),
        > + 'static,
    B: MessageBody,
{
    test::init_service(app.app_data(hits.clone())).await
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

    /// The partner's preflight for its JSON post.
    fn partner_preflight() -> TestRequest {
        preflight_with_headers("/orders", PARTNER, "POST", &["content-type"])
    }

    /// The partner route's runs, then the form handler's.
    fn hits() -> web::Data<Hits> {
        Hits::new(["api", "form"])
    }

    #[cors(origins = ["https://partner.example"], headers = ["content-type"], credentials = true)]
    #[actix_web::post("/orders", guard = "is_json")]
    async fn api_orders(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("api")
    }

    fn form_orders() -> Resource {
        plain(Method::POST, "/orders", "form")
    }

    /// The app's `reject` holds for every request actix routes to the form handler, whatever
    /// the partner route's policy allows.
    #[actix_web::test]
    async fn a_guarded_partner_route_does_not_lift_the_app_reject() {
        let hits = hits();
        let app =
            init(&hits, App::new().wrap(app_rejecting()).service(api_orders).service(form_orders())).await;

        step(&app, &hits, form_post("/orders", EVIL), refused(), [0, 0], "evil's cross-site form post").await;

        let what = "the partner's form post reaches the form handler, governed by the app policy";
        sees(&app, form_post("/orders", PARTNER), refused(), what).await;
        hits.ran([0, 0], "the partner's form post");

        let credentialed = expect(StatusCode::OK, &[PARTNER], &["true"]);
        step(&app, &hits, json_post("/orders", PARTNER), credentialed, [1, 0], "the partner's JSON post")
            .await;

        let what = "the route's own guard does not block its preflight";
        sees(&app, partner_preflight(), expect(StatusCode::NO_CONTENT, &[PARTNER], &["true"]), what).await;
        hits.ran([1, 0], "a preflight");
    }

    /// The control: without the partner route, the same form post is refused.
    #[actix_web::test]
    async fn without_the_partner_route_the_form_post_is_refused() {
        let hits = hits();
        let app = init(&hits, App::new().wrap(app_rejecting()).service(form_orders())).await;
        step(&app, &hits, form_post("/orders", EVIL), refused(), [0, 0], "evil's form post").await;
    }

    /// With an authentication middleware between the app-wide layer and the routes (a
    /// `from_fn` middleware, whose body runs only once its future is polled), the copy the
    /// layer routes never reaches the routes: the layer decides alone, with the app's policy.
    /// Its refusals hold (fail closed), and the partner route is refused too, preflights
    /// included. The fix is to put authentication on the routes (the next test).
    #[actix_web::test]
    async fn an_authentication_middleware_inside_the_layer_fails_closed() {
        let hits = hits();
        let app = init(
            &hits,
            App::new()
                .wrap(from_fn(require_auth))
                .wrap(app_rejecting())
                .service(api_orders)
                .service(form_orders()),
        )
        .await;

        sees(&app, authorized(form_post("/orders", EVIL)), refused(), "evil's form post").await;
        sees(&app, partner_preflight(), refused(), "the partner's preflight").await;
        sees(&app, authorized(json_post("/orders", PARTNER)), refused(), "the partner's JSON post").await;
        hits.ran([0, 0], "evil's form post, the partner's preflight and JSON post");
    }

    #[cors(origins = ["https://partner.example"], headers = ["content-type"], credentials = true)]
    #[actix_web::post("/orders", guard = "is_json", wrap = "from_fn(require_auth)")]
    async fn authenticated_api_orders(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("api")
    }

    /// Authentication on the routes themselves: the partner route answers its preflights
    /// (which carry no credentials) and its requests, and the form handler's requests still
    /// get the app's refusal.
    #[actix_web::test]
    async fn authentication_on_the_routes_keeps_both_policies() {
        let hits = hits();
        let app = init(
            &hits,
            App::new()
                .wrap(app_rejecting())
                .service(authenticated_api_orders)
                .service(form_orders().wrap(from_fn(require_auth))),
        )
        .await;

        sees(&app, authorized(form_post("/orders", EVIL)), refused(), "evil's form post").await;
        let credentialed = |status| expect(status, &[PARTNER], &["true"]);
        sees(&app, partner_preflight(), credentialed(StatusCode::NO_CONTENT), "the preflight").await;
        let request = authorized(json_post("/orders", PARTNER));
        sees(&app, request, credentialed(StatusCode::OK), "the partner's JSON post").await;
        // The authentication layer refuses with `Err(401)`, which the route's layer decorates.
        let error = app.call(json_post("/orders", PARTNER).to_request()).await.expect_err("auth refuses");
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "the partner's post without credentials");
        let allow_origin = response.headers().get_all(header::ACCESS_CONTROL_ALLOW_ORIGIN);
        assert_eq!(allow_origin.collect::<Vec<_>>(), [PARTNER], "the page sees the real status");
        hits.ran([1, 0], "the four requests");
    }
}

/// A partner API exempt from cross-origin request protection (its own policy has none)
/// shares `POST /transfer` with the cookie-authenticated form handler the protection guards.
mod case02_transfer {
    use super::*;

    #[cors(origins = ["https://partner.example"], headers = ["content-type", "x-api-key"])]
    #[actix_web::post("/transfer", guard = "has_api_key")]
    async fn api_transfer(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("api")
    }

    #[actix_web::test]
    async fn an_exempt_guarded_route_does_not_lift_the_protection_of_its_neighbour() {
        let policy = Policy::builder().allow_origin(APP).cross_origin_protection(true).build().unwrap();
        let hits = Hits::new(["api", "form"]);
        let app = init(
            &hits,
            App::new().wrap(Cors::new(policy)).service(api_transfer).service(plain(
                Method::POST,
                "/transfer",
                "form",
            )),
        )
        .await;

        step(&app, &hits, form_post("/transfer", EVIL), refused(), [0, 0], "evil's form post").await;

        let request = json_post("/transfer", PARTNER).insert_header(("x-api-key", "k"));
        step(&app, &hits, request, allowed(StatusCode::OK, PARTNER), [1, 0], "the partner's keyed post")
            .await;

        let request = actual(Method::POST, "/transfer", "https://bank.example")
            .insert_header((header::HOST, "bank.example"))
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .insert_header(("sec-fetch-site", "same-origin"))
            .insert_header(("sec-fetch-mode", "navigate"))
            .set_payload("amount=100&to=alice");
        step(&app, &hits, request, expect(StatusCode::OK, &NONE, &NONE), [1, 1], "the bank's own form").await;
    }
}

/// A guarded `#[cors]` route and the app's default service.
mod case03_default_service {
    use super::*;

    #[cors(origins = ["https://partner.example"], headers = ["content-type"])]
    #[actix_web::post("/things/{id}", guard = "is_json")]
    async fn thing(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("thing")
    }

    #[actix_web::test]
    async fn a_request_the_route_guard_sends_to_the_default_service_is_the_apps() {
        let hits = Hits::new(["thing", "fallback"]);
        let app = init(
            &hits,
            App::new().wrap(app_rejecting()).service(thing).default_service(counting("fallback")),
        )
        .await;

        step(&app, &hits, form_post("/things/1", EVIL), refused(), [0, 0], "evil's form post").await;

        sees(
            &app,
            json_post("/things/1", PARTNER),
            allowed(StatusCode::OK, PARTNER),
            "the partner's JSON post",
        )
        .await;
        hits.ran([1, 0], "the partner's JSON post");
    }
}

/// An app policy with an asynchronous origin check, beside a guarded `#[cors]` route that
/// shares its path with a plain handler.
mod case04_async_check {
    use super::*;

    const TENANT: &str = "https://tenant.example";

    #[cors(origins = ["https://partner.example"], headers = ["content-type"])]
    #[actix_web::post("/items", guard = "is_json")]
    async fn api_items(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("api")
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
        let hits = Hits::new(["api", "plain"]);
        let app = init(
            &hits,
            App::new().wrap(Cors::new(policy)).service(api_items).service(plain(
                Method::POST,
                "/items",
                "plain",
            )),
        )
        .await;

        sees(&app, form_post("/items", "https://other.example"), refused(), "other's form post").await;
        assert_eq!(asked.count(), 1, "other's form post: times the app's check was asked");
        hits.ran([0, 0], "other's form post");

        sees(&app, form_post("/items", TENANT), allowed(StatusCode::OK, TENANT), "the tenant's form post")
            .await;
        assert_eq!(asked.count(), 2, "the tenant's form post: times the app's check was asked");
        hits.ran([0, 1], "the tenant's form post");

        sees(&app, json_post("/items", PARTNER), allowed(StatusCode::OK, PARTNER), "the partner's JSON post")
            .await;
        assert_eq!(asked.count(), 2, "the route's request was the route's policy's to decide");
        hits.ran([1, 1], "the partner's JSON post");
    }
}

/// A public, ticketed socket and the app's cookie-session socket on one path.
mod case05_websocket {
    use super::*;

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

    /// Evil's handshakes, each with what it is.
    fn evil_handshakes() -> [(TestRequest, &'static str); 2] {
        [
            (handshake("/ws", EVIL), "evil's handshake"),
            (versioned_handshake("/ws", EVIL), "evil's handshake with `Upgrade: websocket/13`"),
        ]
    }

    #[cors(origins = "*")]
    #[actix_web::get("/ws", guard = "has_ticket")]
    async fn public_socket(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("public")
    }

    fn app_policy() -> Cors {
        Cors::new(policy! { origins = ["https://app.example"] })
    }

    #[actix_web::test]
    async fn a_public_socket_does_not_open_the_session_socket_to_other_sites() {
        let hits = Hits::new(["public", "session"]);
        let app = init(
            &hits,
            App::new().wrap(app_policy()).service(public_socket).service(plain(
                Method::GET,
                "/ws",
                "session",
            )),
        )
        .await;

        for (request, what) in evil_handshakes() {
            step(&app, &hits, request, refused(), [0, 0], what).await;
        }

        let what = "a ticketed handshake";
        step(&app, &hits, handshake("/ws?ticket=t1", EVIL), allowed(StatusCode::OK, "*"), [1, 0], what).await;

        let what = "the app's own handshake";
        step(&app, &hits, handshake("/ws", APP), allowed(StatusCode::OK, APP), [1, 1], what).await;
    }

    /// Counts its run, then upgrades with `actix-ws`; the socket closes at once.
    async fn real_session_socket(
        request: HttpRequest,
        body: web::Payload,
        hits: web::Data<Hits>,
    ) -> actix_web::Result<HttpResponse> {
        hits.calls("session").hit();
        let (response, session, _messages) = actix_ws::handle(&request, body)?;
        actix_web::rt::spawn(session.close(None));
        Ok(response)
    }

    /// With a real `actix-ws` session socket: only the app's page gets `101`.
    #[actix_web::test]
    async fn only_the_app_opens_the_real_session_socket() {
        let hits = Hits::new(["public", "session"]);
        let app = init(
            &hits,
            App::new()
                .wrap(app_policy())
                .service(public_socket)
                .route("/ws", web::get().to(real_session_socket)),
        )
        .await;

        for (request, what) in evil_handshakes() {
            step(&app, &hits, request, refused(), [0, 0], what).await;
        }
        let switching = allowed(StatusCode::SWITCHING_PROTOCOLS, APP);
        step(&app, &hits, handshake("/ws", APP), switching, [0, 1], "the app's own").await;
    }
}

/// A plain, guarded webhook registered before a public `*` route on the same path.
mod case06_hooks {
    use super::*;

    #[cors(origins = "*", headers = ["content-type"])]
    #[actix_web::post("/hooks")]
    async fn public_hook(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("public")
    }

    #[actix_web::test]
    async fn a_public_route_after_a_plain_one_does_not_open_the_plain_one() {
        let hits = Hits::new(["plain", "public"]);
        let plain_hook = plain(Method::POST, "/hooks", "plain").guard(guard::fn_guard(is_form));
        let app =
            init(&hits, App::new().wrap(app_rejecting()).service(plain_hook).service(public_hook)).await;

        step(&app, &hits, form_post("/hooks", EVIL), refused(), [0, 0], "evil's form post").await;

        step(
            &app,
            &hits,
            json_post("/hooks", EVIL),
            allowed(StatusCode::OK, "*"),
            [0, 1],
            "evil's JSON post",
        )
        .await;
    }
}

/// Two scopes with one prefix: the first, for partners, guarded by a header.
mod case07_scopes {
    use super::*;

    #[cors(origins = ["https://partner.example"], headers = ["content-type", "x-partner"])]
    #[actix_web::post("/orders")]
    async fn partner_orders(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("partner")
    }

    #[actix_web::test]
    async fn a_guarded_scope_does_not_lend_its_policy_to_the_next_scope() {
        let hits = Hits::new(["partner", "plain"]);
        let app = init(
            &hits,
            App::new()
                .wrap(app_rejecting())
                .service(web::scope("/v1").guard(guard::Header("x-partner", "1")).service(partner_orders))
                .service(web::scope("/v1").service(plain(Method::POST, "/orders", "plain"))),
        )
        .await;

        step(&app, &hits, form_post("/v1/orders", EVIL), refused(), [0, 0], "evil's form post").await;

        let request = json_post("/v1/orders", PARTNER).insert_header(("x-partner", "1"));
        step(&app, &hits, request, allowed(StatusCode::OK, PARTNER), [1, 0], "the partner's post").await;

        // Routed to the partner route, the request is its policy's (`omit`): the handler runs
        // and the browser gets no CORS header.
        let what = "evil's post to the partner scope";
        let request = form_post("/v1/orders", EVIL).insert_header(("x-partner", "1"));
        step(&app, &hits, request, expect(StatusCode::OK, &NONE, &NONE), [2, 0], what).await;
    }
}

/// Two `#[cors]` routes whose patterns both match `/docs/all`, told apart by method.
mod case08_docs {
    use super::*;

    const EDITOR: &str = "https://editor.example";

    #[cors(origins = ["https://partner.example"])]
    #[actix_web::get("/docs/{id}")]
    async fn read_doc(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("read")
    }

    #[cors(origins = ["https://editor.example"])]
    #[actix_web::delete("/docs/all")]
    async fn delete_all(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("delete")
    }

    #[actix_web::test]
    async fn the_route_the_method_reaches_answers_the_preflight() {
        let hits = Hits::new(["read", "delete"]);
        let app = init(&hits, App::new().wrap(app_rejecting()).service(read_doc).service(delete_all)).await;

        let request = preflight("/docs/all", EDITOR, "DELETE");
        sees(&app, request, allowed(StatusCode::NO_CONTENT, EDITOR), "the editor's preflight").await;
        sees(&app, preflight("/docs/all", PARTNER, "DELETE"), refused(), "the partner's preflight").await;
        hits.ran([0, 0], "a preflight");

        let request = actual(Method::DELETE, "/docs/all", EDITOR);
        step(&app, &hits, request, allowed(StatusCode::OK, EDITOR), [0, 1], "the editor's DELETE").await;
    }
}

/// A guardless plain resource registered before a `#[cors]` route with the same pattern
/// takes every request, so the route's policy never answers.
mod case09_unreachable {
    use super::*;

    #[cors(origins = ["https://partner.example"], credentials = true)]
    #[actix_web::put("/items/{id}")]
    async fn put_item(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("route")
    }

    async fn check<B: MessageBody>(app: &impl Tested<B>, hits: &Hits, uri: &str) {
        sees(app, preflight(uri, PARTNER, "PUT"), refused(), &format!("{uri}: the partner's preflight"))
            .await;
        sees(app, actual(Method::PUT, uri, PARTNER), refused(), &format!("{uri}: the partner's PUT")).await;
        hits.ran([0, 0], &format!("{uri}: the partner's preflight and PUT"));
        let what = format!("{uri}: the app's PUT");
        step(app, hits, actual(Method::PUT, uri, APP), allowed(StatusCode::OK, APP), [1, 0], &what).await;
    }

    #[actix_web::test]
    async fn a_guardless_resource_first_takes_the_routes_requests() {
        let hits = Hits::new(["plain", "route"]);
        let app = init(
            &hits,
            App::new()
                .wrap(app_rejecting())
                .service(web::resource("/items/{id}").route(counting("plain")))
                .service(put_item),
        )
        .await;
        check(&app, &hits, "/items/1").await;
    }

    #[actix_web::test]
    async fn a_scope_behind_an_unguarded_scope_with_its_prefix_is_unreachable() {
        let hits = Hits::new(["plain", "route"]);
        let app = init(
            &hits,
            App::new()
                .wrap(app_rejecting())
                .service(web::scope("/api").service(web::resource("/items/{id}").route(counting("plain"))))
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

    async fn check<B: MessageBody>(app: &impl Tested<B>, calls: &Calls, uri: &str) {
        let what = format!("{uri}: admin's preflight");
        let response =
            sees(app, preflight(uri, ADMIN, "DELETE"), allowed(StatusCode::NO_CONTENT, ADMIN), &what).await;
        let methods = all(&response, "access-control-allow-methods");
        assert!(
            methods.iter().any(|value| value.split(',').any(|method| method.trim() == "DELETE")),
            "{uri}: allowed methods {methods:?}"
        );
        sees(app, preflight(uri, APP, "DELETE"), refused(), &format!("{uri}: the app's preflight")).await;
        assert_eq!(calls.count(), 0, "{uri}: a preflight ran the handler");

        let what = format!("{uri}: admin's DELETE");
        sees(app, actual(Method::DELETE, uri, ADMIN), allowed(StatusCode::OK, ADMIN), &what).await;
        assert_eq!(calls.count(), 1, "{what}");
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

    #[cors(origins = ["https://partner.example"])]
    #[actix_web::get("/data")]
    async fn api_data(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("api")
    }

    #[actix_web::test]
    async fn each_hosts_preflights_get_that_hosts_policy() {
        let hits = Hits::new(["api", "www"]);
        let app = init(
            &hits,
            App::new()
                .wrap(Cors::new(policy! { origins = ["https://app.example"] }))
                .service(web::scope("").guard(guard::Host("api.example")).service(api_data))
                .service(
                    web::scope("")
                        .guard(guard::Host("www.example"))
                        .route("/data", counting("www").method(Method::GET)),
                ),
        )
        .await;

        for (host, origin, expected, what) in [
            ("api.example", PARTNER, allowed(StatusCode::NO_CONTENT, PARTNER), "api: the partner"),
            ("api.example", APP, refused(), "api: the app"),
            ("www.example", PARTNER, refused(), "www: the partner"),
            ("www.example", APP, allowed(StatusCode::NO_CONTENT, APP), "www: the app"),
        ] {
            let request = preflight("/data", origin, "GET").insert_header((header::HOST, host));
            sees(&app, request, expected, what).await;
        }
        hits.ran([0, 0], "a preflight");
    }
}

/// A catch-all for `GET` registered before a `#[cors]` `PUT` route it matches.
mod case12_catch_all {
    use super::*;

    #[cors(origins = ["https://partner.example"])]
    #[actix_web::put("/items/{id}")]
    async fn put_item(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("put")
    }

    #[actix_web::test]
    async fn a_get_catch_all_first_does_not_take_a_puts_preflight() {
        let hits = Hits::new(["spa", "put"]);
        let app = init(
            &hits,
            App::new()
                .wrap(app_rejecting())
                .service(web::resource("/{tail:.*}").guard(guard::Get()).route(counting("spa")))
                .service(put_item),
        )
        .await;

        let request = preflight("/items/1", PARTNER, "PUT");
        sees(&app, request, allowed(StatusCode::NO_CONTENT, PARTNER), "the partner's preflight").await;
        sees(&app, preflight("/items/1", APP, "PUT"), refused(), "the app's preflight").await;
        hits.ran([0, 0], "a preflight");

        let request = actual(Method::PUT, "/items/1", PARTNER);
        step(&app, &hits, request, allowed(StatusCode::OK, PARTNER), [0, 1], "the partner's PUT").await;
    }
}

/// A plain literal route registered before a `#[cors]` route whose pattern also matches it.
mod case13_literal_sibling {
    use super::*;

    #[cors(origins = ["https://partner.example"], headers = ["x-custom"])]
    #[actix_web::get("/items/{id}")]
    async fn item(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("item")
    }

    #[actix_web::test]
    async fn the_literal_sibling_keeps_the_app_policy() {
        let hits = Hits::new(["new_form", "item"]);
        let app = init(
            &hits,
            App::new()
                .wrap(Cors::new(policy! { origins = ["https://app.example"] }))
                .service(plain(Method::GET, "/items/new", "new_form"))
                .service(item),
        )
        .await;
        let custom = |uri: &str| preflight_with_headers(uri, PARTNER, "GET", &["x-custom"]);

        sees(&app, custom("/items/new"), refused(), "/items/new").await;
        sees(&app, custom("/items/7"), allowed(StatusCode::NO_CONTENT, PARTNER), "/items/7").await;
        hits.ran([0, 0], "a preflight");
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
        let request = actual(Method::GET, "/api/items/a%20b", PARTNER);
        let response = sees(&app, request, allowed(StatusCode::OK, PARTNER), "the partner's GET").await;
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
        dev::fn_service,
        middleware::{Compress, Condition, Logger, NormalizePath},
        Error,
    };

    use super::*;

    /// What runs for a request, each counted under what it is.
    fn hits() -> web::Data<Hits> {
        Hits::new([
            "#[cors] route",
            "codegen handler",
            "web::to handler",
            "fn_service",
            "default service",
            "405 of a GET-only resource",
            "actix_files::Files",
            "Logger",
            "a Logger inside Condition",
            "wrap_fn",
        ])
    }

    /// Whether `what` is a middleware between the app-wide layer and the routes.
    fn is_middleware(what: &str) -> bool {
        matches!(what, "Logger" | "a Logger inside Condition" | "wrap_fn")
    }

    /// The `#[cors]` route that makes the app-wide layer look for the governing policy; its own
    /// policy rejects too, so that a refused form post to it is answered `403` by that policy.
    #[cors(origins = ["https://partner.example"], headers = ["content-type"], on_mismatch = "reject")]
    #[actix_web::post("/partner")]
    async fn partner(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("#[cors] route")
    }

    #[actix_web::post("/codegen")]
    async fn codegen(hits: web::Data<Hits>) -> HttpResponse {
        hits.answer("codegen handler")
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
    ) -> impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = Error> {
        let (fn_calls, not_allowed, files, wrap_fn) = (
            hits.calls("fn_service").clone(),
            hits.calls("405 of a GET-only resource").clone(),
            hits.calls("actix_files::Files").clone(),
            hits.calls("wrap_fn").clone(),
        );
        let cors = Cors::new(policy! {
            origins = ["https://app.example"],
            headers = ["content-type"],
            on_mismatch = "reject",
        });
        init(
            hits,
            App::new()
                .wrap(Condition::new(normalize_inside, NormalizePath::trim()))
                .wrap(Compress::default())
                .wrap(Condition::new(true, counting_logger(hits.calls("a Logger inside Condition").clone())))
                .wrap(counting_logger(hits.calls("Logger").clone()))
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
                .route("/to", counting("web::to handler").method(Method::POST))
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
                .default_service(counting("default service")),
        )
        .await
    }

    const PATHS: [&str; 7] =
        ["/partner", "/codegen", "/to", "/fn", "/nowhere", "/only-get", "/static/lib.rs"];

    #[actix_web::test]
    async fn nothing_runs_for_an_answered_preflight_or_a_refusal() {
        for normalize_inside in [true, false] {
            let hits = hits();
            let app = app(&hits, normalize_inside).await;
            let case = |uri: &str| format!("NormalizePath inside: {normalize_inside}, {uri}");

            for path in PATHS {
                for uri in [path.to_owned(), format!("{path}/")] {
                    let (allowed_origin, refused_origin) =
                        if path == "/partner" { (PARTNER, APP) } else { (APP, PARTNER) };
                    let gzip = ("accept-encoding", "gzip");
                    let asking = |origin| {
                        preflight_with_headers(&uri, origin, "POST", &["content-type"]).insert_header(gzip)
                    };
                    let expected = allowed(StatusCode::NO_CONTENT, allowed_origin);
                    let what = format!("{}: the allowed preflight", case(&uri));
                    sees(&app, asking(allowed_origin), expected, &what).await;
                    let what = format!("{}: the refused preflight", case(&uri));
                    sees(&app, asking(refused_origin), refused(), &what).await;
                    // The app's refusal; the route's own is below.
                    if path != "/partner" {
                        let what = format!("{}: evil's form post", case(&uri));
                        sees(&app, form_post(&uri, EVIL).insert_header(gzip), refused(), &what).await;
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
                    _ if is_middleware(what) => sent + 1,
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
            let hits = hits();
            let app = app(&hits, normalize_inside).await;
            for uri in ["/partner", "/partner/"] {
                let what = format!("NormalizePath inside: {normalize_inside}, {uri}: evil's form post");
                sees(&app, form_post(uri, EVIL), refused(), &what).await;
            }
            for (what, count) in hits.counts() {
                if !is_middleware(what) {
                    assert_eq!(count, 0, "NormalizePath inside: {normalize_inside}: {what} ran");
                }
            }
        }
    }
}
