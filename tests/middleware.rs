//! The `Cors` middleware through real actix-web apps (`test::init_service`): one behaviour per
//! test (preflights, actual requests, `Vary`, errors), with exact statuses and header values.

use std::sync::{Mutex, OnceLock};

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    http::{header, Method, StatusCode},
    middleware::from_fn,
    test::{self, TestRequest},
    web, App, Error, HttpResponse,
};
use cors_actix::{test as cors_test, Cors, OnMismatch, Policy, PolicyBuilder};
use cors_actix_tests::{counted, require_auth, Calls};

fn api_policy() -> PolicyBuilder {
    Policy::builder()
        .allow_origins(["https://app.example", "https://*.app.example"])
        .allow_methods(["GET", "PUT", "DELETE"])
        .allow_headers(["content-type", "x-api-key"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(600)
}

/// An app with `policy` app-wide and a counted handler on `/items` for every method.
async fn app(
    policy: PolicyBuilder,
) -> (impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = Error>, Calls) {
    app_with(policy.build().expect("valid test policy")).await
}

/// `/items` (a counted handler for every method) behind `Cors::new(policy)`.
async fn app_with(
    policy: Policy,
) -> (impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = Error>, Calls) {
    let calls = Calls::default();
    let service = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(Cors::new(policy))
            .route("/items", web::to(counted)),
    )
    .await;
    (service, calls)
}

fn header_value(response: &ServiceResponse<impl MessageBody>, name: &str) -> Option<String> {
    let mut values = response.headers().get_all(name);
    let first = values.next().map(|v| v.to_str().expect("ASCII header").to_owned());
    assert!(values.next().is_none(), "header {name} sent more than once");
    first
}

fn vary_lines(response: &ServiceResponse<impl MessageBody>) -> Vec<String> {
    response.headers().get_all(header::VARY).map(|v| v.to_str().unwrap().to_owned()).collect()
}

const CORS_HEADERS: [&str; 7] = [
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
    "access-control-allow-private-network",
];

fn assert_no_cors_headers(response: &ServiceResponse<impl MessageBody>) {
    for name in CORS_HEADERS {
        assert!(
            !response.headers().contains_key(name),
            "unexpected {name}: {:?}",
            response.headers().get(name)
        );
    }
}

fn preflight(origin: &str, method: &str) -> TestRequest {
    cors_test::preflight("/items", origin, method)
}

// Fetch §4.8 "CORS-preflight fetch": an allowed preflight gets 204 and every header, and no handler runs.
#[actix_web::test]
async fn allowed_preflight_is_answered_with_204_and_never_runs_a_handler() {
    let (app, calls) = app(api_policy()).await;
    let request = preflight("https://app.example", "PUT")
        .insert_header(("access-control-request-headers", "content-type"))
        .to_request();
    let response = test::call_service(&app, request).await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        header_value(&response, "access-control-allow-origin").as_deref(),
        Some("https://app.example")
    );
    assert_eq!(header_value(&response, "access-control-allow-credentials").as_deref(), Some("true"));
    assert_eq!(header_value(&response, "access-control-allow-methods").as_deref(), Some("GET, PUT, DELETE"));
    assert_eq!(
        header_value(&response, "access-control-allow-headers").as_deref(),
        Some("content-type, x-api-key")
    );
    assert_eq!(header_value(&response, "access-control-max-age").as_deref(), Some("600"));
    assert_eq!(
        vary_lines(&response),
        ["Origin, Access-Control-Request-Method, Access-Control-Request-Headers"]
    );
    assert_eq!(
        header_value(&response, "access-control-expose-headers"),
        None,
        "expose is for actual responses"
    );
    cors_test::assert_preflight_allowed(&response, "https://app.example", "PUT", &["content-type"]);
    assert_eq!(calls.count(), 0);
}

// Fetch §4.8: a refused preflight is a network error for the browser; we answer 403 without CORS headers.
#[actix_web::test]
async fn refused_preflights_get_403_without_cors_headers() {
    let (app, calls) = app(api_policy()).await;
    let cases = [
        preflight("https://evil.example", "PUT"),
        preflight("https://app.example", "PATCH"),
        preflight("https://app.example", "put"),
        preflight("https://app.example", "PUT")
            .insert_header(("access-control-request-headers", "x-api-key, x-secret")),
        preflight("https://app.example", "PUT")
            .insert_header(("access-control-request-private-network", "true")),
    ];
    for request in cases {
        let response = test::call_service(&app, request.to_request()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_no_cors_headers(&response);
        cors_test::assert_preflight_refused(&response, "https://app.example", "PUT", &[]);
        assert_eq!(
            vary_lines(&response),
            ["Origin, Access-Control-Request-Method, Access-Control-Request-Headers"]
        );
        assert_eq!(test::read_body(response).await.len(), 0, "nothing of the request is echoed");
    }
    assert_eq!(calls.count(), 0);
}

// "Why was my preflight refused" is answered by the log: the reason of a refusal is logged at
// debug level (and only there), never sent to the client.
#[actix_web::test]
async fn refusal_reason_is_logged_at_debug_level() {
    install_capture_logger();
    let (app, _) = app(api_policy()).await;
    let request = preflight("https://app.example", "PUT")
        .insert_header(("access-control-request-headers", "x-secret"))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let logged = captured_logs();
    assert!(
        logged.iter().any(|line| line.contains("DEBUG cors_actix: preflight for PUT /items refused: request header `x-secret` not allowed; origin `https://app.example`")),
        "{logged:#?}"
    );
}

// Fetch §3.2.2: OPTIONS without Access-Control-Request-Method is not a preflight: the app handles it.
#[actix_web::test]
async fn options_without_request_method_reaches_the_app() {
    let (app, calls) = app(api_policy()).await;
    let request = TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/items")
        .insert_header(("origin", "https://app.example"))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_value(&response, "access-control-allow-origin").as_deref(),
        Some("https://app.example")
    );
    assert_eq!(calls.count(), 1);
}

// Fetch §3.2.3 "HTTP responses": an allowed actual request gets ACAO, ACAC, ACEH and Vary: Origin.
#[actix_web::test]
async fn allowed_actual_request_is_decorated() {
    let (app, calls) = app(api_policy()).await;
    let request =
        TestRequest::get().uri("/items").insert_header(("origin", "https://eu.app.example")).to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_value(&response, "access-control-allow-origin").as_deref(),
        Some("https://eu.app.example")
    );
    assert_eq!(header_value(&response, "access-control-allow-credentials").as_deref(), Some("true"));
    assert_eq!(header_value(&response, "access-control-expose-headers").as_deref(), Some("x-request-id"));
    assert_eq!(header_value(&response, "access-control-allow-methods"), None, "preflight-only header");
    assert_eq!(vary_lines(&response), ["Origin"]);
    cors_test::assert_allowed_with_credentials(&response, "https://eu.app.example");
    assert!(cors_test::header_exposed(response.headers(), "x-request-id", true));
    assert_eq!(test::read_body(response).await, "counted");
    assert_eq!(calls.count(), 1);
}

// Fetch §3.2.5 "CORS check": without ACAO the browser blocks the read; the default runs the handler.
#[actix_web::test]
async fn disallowed_origin_is_omitted_by_default() {
    let (app, calls) = app(api_policy()).await;
    let request =
        TestRequest::get().uri("/items").insert_header(("origin", "https://evil.example")).to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_no_cors_headers(&response);
    assert_eq!(vary_lines(&response), ["Origin"], "caches must not serve this response to an allowed origin");
    cors_test::assert_blocked(&response, "https://evil.example");
    cors_test::assert_varies_on_origin(&response);
    assert_eq!(calls.count(), 1);
}

#[actix_web::test]
async fn disallowed_origin_is_forbidden_with_reject() {
    let (app, calls) = app(api_policy().on_mismatch(OnMismatch::Reject)).await;
    let request =
        TestRequest::post().uri("/items").insert_header(("origin", "https://evil.example")).to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_no_cors_headers(&response);
    assert_eq!(vary_lines(&response), ["Origin"]);
    assert_eq!(calls.count(), 0);
}

// Same-origin requests carry Origin too (Chromium on POST); reject mode must not break them.
#[actix_web::test]
async fn same_origin_request_passes_reject_mode() {
    let (app, calls) = app(api_policy().on_mismatch(OnMismatch::Reject)).await;
    let request = TestRequest::post()
        .uri("/items")
        .insert_header(("origin", "https://api.example"))
        .insert_header(("host", "api.example"))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_no_cors_headers(&response);
    assert_eq!(calls.count(), 1);
}

// No Origin: not CORS; only Vary: Origin is added, because the response depends on it.
#[actix_web::test]
async fn request_without_origin_gets_only_vary() {
    let (app, calls) = app(api_policy()).await;
    let response = test::call_service(&app, TestRequest::get().uri("/items").to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_no_cors_headers(&response);
    assert_eq!(vary_lines(&response), ["Origin"]);
    assert_eq!(calls.count(), 1);
}

// `*` without credentials: the same answer for everyone, so no Vary: Origin anywhere.
#[actix_web::test]
async fn any_origin_answers_wildcard_without_vary() {
    let (app, _) = app(Policy::builder().allow_any_origin()).await;
    let request =
        TestRequest::get().uri("/items").insert_header(("origin", "https://anyone.example")).to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(header_value(&response, "access-control-allow-origin").as_deref(), Some("*"));
    assert_eq!(header_value(&response, "access-control-allow-credentials"), None);
    assert!(vary_lines(&response).is_empty());
    let response = test::call_service(&app, TestRequest::get().uri("/items").to_request()).await;
    assert!(vary_lines(&response).is_empty());
}

// RFC 9110 §12.5.5: Vary set by the handler is kept, and Origin is never listed twice.
#[actix_web::test]
async fn vary_is_merged_with_the_handlers() {
    let app = test::init_service(
        App::new()
            .wrap(Cors::new(api_policy().build().unwrap()))
            .route(
                "/encoded",
                web::get()
                    .to(|| async { HttpResponse::Ok().insert_header(("vary", "Accept-Encoding")).finish() }),
            )
            .route(
                "/already",
                web::get().to(|| async {
                    HttpResponse::Ok().insert_header(("vary", "accept-encoding, origin")).finish()
                }),
            ),
    )
    .await;
    let request =
        TestRequest::get().uri("/encoded").insert_header(("origin", "https://app.example")).to_request();
    assert_eq!(vary_lines(&test::call_service(&app, request).await), ["Accept-Encoding", "Origin"]);
    let request =
        TestRequest::get().uri("/already").insert_header(("origin", "https://app.example")).to_request();
    assert_eq!(vary_lines(&test::call_service(&app, request).await), ["accept-encoding, origin"]);
}

// CORS headers a handler sets itself are replaced when allowed and removed when refused.
#[actix_web::test]
async fn handler_cors_headers_are_replaced_never_duplicated() {
    let app = test::init_service(
        App::new()
            .wrap(Cors::new(Policy::builder().allow_origin("https://app.example").build().unwrap()))
            .route(
                "/",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .insert_header(("access-control-allow-origin", "*"))
                        .insert_header(("access-control-allow-credentials", "true"))
                        .insert_header(("access-control-expose-headers", "x-secret"))
                        .finish()
                }),
            ),
    )
    .await;
    let request = TestRequest::get().uri("/").insert_header(("origin", "https://app.example")).to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(
        header_value(&response, "access-control-allow-origin").as_deref(),
        Some("https://app.example")
    );
    assert_eq!(header_value(&response, "access-control-allow-credentials"), None);
    assert_eq!(header_value(&response, "access-control-expose-headers"), None);

    let request = TestRequest::get().uri("/").insert_header(("origin", "https://evil.example")).to_request();
    assert_no_cors_headers(&test::call_service(&app, request).await);
}

// Errors must reach the page as themselves (404, 500, 400), not as a CORS failure.
#[actix_web::test]
async fn error_responses_of_inner_services_are_decorated() {
    let app = test::init_service(
        App::new()
            .wrap(Cors::new(api_policy().build().unwrap()))
            .route(
                "/fail",
                web::get().to(|| async {
                    Err::<HttpResponse, _>(actix_web::error::ErrorInternalServerError("boom"))
                }),
            )
            .route("/number/{n}", web::get().to(|n: web::Path<u32>| async move { n.to_string() }))
            .service(
                web::resource("/json")
                    .route(web::post().to(|n: web::Json<u32>| async move { n.to_string() })),
            ),
    )
    .await;
    for (method, uri, status) in [
        (Method::GET, "/missing", StatusCode::NOT_FOUND),
        (Method::GET, "/fail", StatusCode::INTERNAL_SERVER_ERROR),
        (Method::GET, "/number/x", StatusCode::NOT_FOUND),
        (Method::POST, "/json", StatusCode::BAD_REQUEST),
        (Method::DELETE, "/json", StatusCode::METHOD_NOT_ALLOWED),
    ] {
        let request = TestRequest::default()
            .method(method)
            .uri(uri)
            .insert_header(("origin", "https://app.example"))
            .insert_header(("content-type", "application/json"))
            .set_payload("not json")
            .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), status, "{uri}");
        assert_eq!(
            header_value(&response, "access-control-allow-origin").as_deref(),
            Some("https://app.example"),
            "{uri}"
        );
        assert_eq!(vary_lines(&response), ["Origin"], "{uri}");
    }
}

// A preflight carries no credentials, so authentication must not see it: with Cors outside the
// auth layer, preflights
// are answered, and the auth layer's 401 (an Err) still reaches the page with CORS headers.
#[actix_web::test]
async fn auth_middleware_inside_cors() {
    let calls = Calls::default();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(from_fn(require_auth))
            .wrap(Cors::new(api_policy().allow_header("authorization").build().unwrap()))
            .route("/items", web::to(counted)),
    )
    .await;
    let request = preflight("https://app.example", "PUT")
        .insert_header(("access-control-request-headers", "authorization"))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let request =
        TestRequest::get().uri("/items").insert_header(("origin", "https://app.example")).to_request();
    let error = app.call(request).await.expect_err("the auth layer returns Err");
    let response = error.error_response();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error.to_string(), "no credentials");
    assert!(
        error.as_error::<actix_web::error::InternalError<&str>>().is_some(),
        "the auth layer's own error, not a wrapper: code outside Cors can still downcast it"
    );
    assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), "https://app.example");
    assert_eq!(response.headers().get("access-control-allow-credentials").unwrap(), "true");
    assert_eq!(response.headers().get("vary").unwrap(), "Origin");
    assert_eq!(calls.count(), 0);
}

// `Cors` on a Scope and on a Resource, beside routes that have none.
#[actix_web::test]
async fn cors_on_a_scope_and_a_resource() {
    let open = || Policy::builder().allow_any_origin().build().unwrap();
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/public").wrap(Cors::new(open())).route("/a", web::get().to(HttpResponse::Ok)),
            )
            .service(
                web::resource("/private")
                    .wrap(Cors::new(Policy::builder().allow_origin("https://app.example").build().unwrap()))
                    .route(web::get().to(HttpResponse::Ok)),
            )
            .route("/plain", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let get =
        |uri: &str| TestRequest::get().uri(uri).insert_header(("origin", "https://app.example")).to_request();
    assert_eq!(
        header_value(&test::call_service(&app, get("/public/a")).await, "access-control-allow-origin")
            .as_deref(),
        Some("*")
    );
    assert_eq!(
        header_value(&test::call_service(&app, get("/private")).await, "access-control-allow-origin")
            .as_deref(),
        Some("https://app.example")
    );
    assert_no_cors_headers(&test::call_service(&app, get("/plain")).await);
}

// Private Network Access: the allow header is sent only when requested and allowed.
#[actix_web::test]
async fn private_network_access() {
    let (app, _) = app(api_policy().allow_private_network(true)).await;
    let request = preflight("https://app.example", "GET")
        .insert_header(("access-control-request-private-network", "true"))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(header_value(&response, "access-control-allow-private-network").as_deref(), Some("true"));
    assert_eq!(
        vary_lines(&response),
        ["Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"]
    );
    let response = test::call_service(&app, preflight("https://app.example", "GET").to_request()).await;
    assert_eq!(header_value(&response, "access-control-allow-private-network"), None);
}

// Any-header policies answer by mirroring the request's list.
#[actix_web::test]
async fn any_header_is_answered_by_mirroring() {
    let (app, _) = app(Policy::builder().allow_origin("https://app.example").allow_any_header()).await;
    let request = preflight("https://app.example", "GET")
        .insert_header(("access-control-request-headers", "x-one, X-Two"))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(header_value(&response, "access-control-allow-headers").as_deref(), Some("x-one, X-Two"));
}

/// Hostile `Origin` values: never a panic, never a 5xx, never reflected.
#[actix_web::test]
async fn malformed_origins_are_never_reflected() {
    let (app, _) = app(api_policy()).await;
    let huge = format!("https://{}.app.example", "a".repeat(60_000));
    let values: Vec<actix_web::http::header::HeaderValue> = [
        "https://app.example/",
        "https://APP.example",
        "https://app.example.",
        "https://app.example@evil.example",
        "https://app.example%60.evil.example",
        "app.example",
        "",
        "null",
        huge.as_str(),
    ]
    .iter()
    .map(|v| actix_web::http::header::HeaderValue::from_str(v).unwrap())
    .chain([actix_web::http::header::HeaderValue::from_bytes(b"https://\xe2\x98\x83.app.example").unwrap()])
    .collect();
    for value in values {
        for method in [Method::GET, Method::OPTIONS] {
            let mut request = TestRequest::default()
                .method(method.clone())
                .uri("/items")
                .insert_header(("origin", value.clone()));
            if method == Method::OPTIONS {
                request = request.insert_header(("access-control-request-method", "PUT"));
            }
            let response = test::call_service(&app, request.to_request()).await;
            assert!(!response.status().is_server_error());
            assert_no_cors_headers(&response);
        }
    }
    let request = TestRequest::get()
        .uri("/items")
        .append_header(("origin", "https://app.example"))
        .append_header(("origin", "https://evil.example"))
        .to_request();
    assert_no_cors_headers(&test::call_service(&app, request).await);
}

/// Garbage and huge `Access-Control-Request-Headers`, odd methods: refused cleanly.
#[actix_web::test]
async fn garbage_preflight_fields_are_refused_cleanly() {
    let (app, calls) = app(api_policy()).await;
    let huge_list = vec!["content-type"; 5_000].join(",");
    let huge_bad = format!("{},x-nope", huge_list);
    let cases: Vec<(&str, Option<&str>, StatusCode)> = vec![
        ("PUT", Some(",,, ,"), StatusCode::NO_CONTENT),
        ("PUT", Some(huge_list.as_str()), StatusCode::NO_CONTENT),
        ("PUT", Some(huge_bad.as_str()), StatusCode::FORBIDDEN),
        ("PUT", Some("content-type;x"), StatusCode::FORBIDDEN),
        ("PUT", Some("\"quoted\""), StatusCode::FORBIDDEN),
        ("get", None, StatusCode::FORBIDDEN),
        ("BREW", None, StatusCode::FORBIDDEN),
        ("G E T", None, StatusCode::FORBIDDEN),
        ("", None, StatusCode::FORBIDDEN),
    ];
    for (method, headers, status) in cases {
        let mut request = preflight("https://app.example", method);
        if let Some(headers) = headers {
            request = request.insert_header(("access-control-request-headers", headers));
        }
        let response = test::call_service(&app, request.to_request()).await;
        assert_eq!(response.status(), status, "{method:?} {:.30?}", headers);
        if status == StatusCode::FORBIDDEN {
            assert_no_cors_headers(&response);
        }
    }
    assert_eq!(calls.count(), 0);
}

static LOGS: OnceLock<Mutex<Vec<String>>> = OnceLock::new();

struct CaptureLogger;

impl log::Log for CaptureLogger {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {}: {}", record.level(), record.target(), record.args());
        LOGS.get_or_init(Default::default).lock().unwrap().push(line);
    }

    fn flush(&self) {}
}

fn install_capture_logger() {
    static INSTALL: OnceLock<()> = OnceLock::new();
    INSTALL.get_or_init(|| {
        log::set_logger(&CaptureLogger).expect("no other logger in this test binary");
        log::set_max_level(log::LevelFilter::Debug);
    });
}

fn captured_logs() -> Vec<String> {
    LOGS.get_or_init(Default::default).lock().unwrap().clone()
}

// Fetch "CORS-preflight fetch": `methods = ["*"]` allows every method. Without credentials the
// answer is `*`; with credentials a browser reads `*` as a method's name, so the method asked
// for is echoed. Both answers are judged as a browser judges them.
#[actix_web::test]
async fn any_method_policies_answer_as_browsers_read_them() {
    use cors_actix::test::preflight_check;
    for credentials in [false, true] {
        let policy = if credentials {
            cors_actix::policy! { origins = ["https://app.example"], methods = ["*"], credentials = true }
        } else {
            cors_actix::policy! { origins = ["https://app.example"], methods = ["*"] }
        };
        let (app, calls) = app_with(policy).await;
        let request = preflight("https://app.example", "PATCH").to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "credentials: {credentials}");
        let expected = if credentials { "PATCH" } else { "*" };
        assert_eq!(response.headers().get("access-control-allow-methods").unwrap(), expected);
        let check =
            preflight_check(204, response.headers(), "https://app.example", "PATCH", &[], credentials);
        assert_eq!(check, Ok(()), "credentials: {credentials}");
        assert_eq!(calls.count(), 0);
    }
    let star = cors_actix::test::preflight_check(
        204,
        &{
            let mut headers = actix_web::http::header::HeaderMap::new();
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, "https://app.example".parse().unwrap());
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true".parse().unwrap());
            headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, "*".parse().unwrap());
            headers
        },
        "https://app.example",
        "PATCH",
        &[],
        true,
    );
    assert!(star.is_err(), "why the credentialed answer echoes the method: `*` would not do");
}

// The development preset: a page of a dev server on this machine (any loopback origin, any
// port) may send any method and headers with credentials, judged as a browser judges the
// answers; any other site gets nothing.
#[actix_web::test]
async fn the_local_development_preset_allows_this_machine_only() {
    use cors_actix::test::{cors_check, preflight_check};
    let policy =
        cors_actix::PolicyBuilder::local_development().allow_header("authorization").build().unwrap();
    let (app, calls) = app_with(policy).await;
    for origin in [
        "http://localhost:5173",
        "http://127.0.0.1:3000",
        "http://[::1]:8080",
        "https://localhost:8443",
        "http://localhost",
    ] {
        let request = preflight(origin, "PATCH")
            .insert_header(("access-control-request-headers", "content-type,authorization,x-trace"))
            .to_request();
        let response = test::call_service(&app, request).await;
        let headers = ["content-type", "authorization", "x-trace"];
        assert_eq!(
            preflight_check(response.status().as_u16(), response.headers(), origin, "PATCH", &headers, true),
            Ok(()),
            "{origin}"
        );
        let request = TestRequest::get().uri("/items").insert_header(("origin", origin)).to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(cors_check(response.headers(), origin, true), Ok(()), "{origin}");
    }
    for origin in
        ["https://evil.example", "http://localhost.evil.example", "http://127.0.0.1.evil.example:80", "null"]
    {
        let response = test::call_service(&app, preflight(origin, "PATCH").to_request()).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{origin}");
        let request = TestRequest::get().uri("/items").insert_header(("origin", origin)).to_request();
        let response = test::call_service(&app, request).await;
        assert!(cors_check(response.headers(), origin, true).is_err(), "{origin}");
    }
    assert_eq!(calls.count(), 9, "actual requests ran, preflights did not");
}
