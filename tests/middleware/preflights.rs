//! Preflights: what an allowed one is told, how a refused one is refused (and why, in the log),
//! and what is not a preflight at all.

use std::sync::{Mutex, OnceLock};

use actix_web::http::{Method, StatusCode};

use super::*;

// Fetch ("CORS-preflight fetch", #cors-preflight-fetch): an allowed preflight gets 204 and every header, and no handler runs.
#[actix_web::test]
async fn allowed_preflight_is_answered_with_204_and_never_runs_a_handler() {
    let (app, calls) = TestApp::items(api_policy()).await;
    let request =
        preflight_with_headers("/items", "https://app.example", "PUT", &["content-type"]).to_request();
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

// Fetch (#cors-preflight-fetch): a refused preflight is a network error for the browser; we answer 403 without CORS headers.
#[actix_web::test]
async fn refused_preflights_get_403_without_cors_headers() {
    let (app, calls) = TestApp::items(api_policy()).await;
    let cases = [
        preflight("/items", "https://evil.example", "PUT"),
        preflight("/items", "https://app.example", "PATCH"),
        preflight("/items", "https://app.example", "put"),
        preflight("/items", "https://app.example", "PUT")
            .insert_header(("access-control-request-headers", "x-api-key, x-secret")),
        preflight("/items", "https://app.example", "PUT")
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

// "Why was my preflight refused" is answered by the log: the explanation of a refusal is
// logged at debug level, and sent to the client only when the layer is built to give it
// (`explanations.rs`).
#[actix_web::test]
async fn refusal_reason_is_logged_at_debug_level() {
    install_capture_logger();
    let (app, _) = TestApp::items(api_policy()).await;
    let request = preflight_with_headers("/items", "https://app.example", "PUT", &["x-secret"]).to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let logged = captured_logs();
    assert!(
        logged.iter().any(|line| line.contains("DEBUG cors_actix: preflight for PUT /items from `https://app.example`: refused by the headers rule (request header `x-secret` not allowed); the browser will not send the PUT, and fetch() rejects")),
        "{logged:#?}"
    );
}

// Fetch (#http-requests): OPTIONS without Access-Control-Request-Method is not a preflight: the app handles it.
#[actix_web::test]
async fn options_without_request_method_reaches_the_app() {
    let (app, calls) = TestApp::items(api_policy()).await;
    let request = cross_origin(Method::OPTIONS, "/items", "https://app.example").to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_value(&response, "access-control-allow-origin").as_deref(),
        Some("https://app.example")
    );
    assert_eq!(calls.count(), 1);
}

// Private Network Access: the allow header is sent only when requested and allowed.
#[actix_web::test]
async fn private_network_access() {
    let (app, _) = TestApp::items(api_policy().allow_private_network(true)).await;
    let request = preflight("/items", "https://app.example", "GET")
        .insert_header(("access-control-request-private-network", "true"))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(header_value(&response, "access-control-allow-private-network").as_deref(), Some("true"));
    assert_eq!(
        vary_lines(&response),
        ["Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"]
    );
    let response =
        test::call_service(&app, preflight("/items", "https://app.example", "GET").to_request()).await;
    assert_eq!(header_value(&response, "access-control-allow-private-network"), None);
}

// Any-header policies answer by mirroring the request's list.
#[actix_web::test]
async fn any_header_is_answered_by_mirroring() {
    let (app, _) =
        TestApp::items(Policy::builder().allow_origin("https://app.example").allow_any_header()).await;
    let request = preflight("/items", "https://app.example", "GET")
        .insert_header(("access-control-request-headers", "x-one, X-Two"))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(header_value(&response, "access-control-allow-headers").as_deref(), Some("x-one, X-Two"));
}

/// Hostile `Origin` values: never a panic, never a 5xx, never reflected.

#[actix_web::test]
async fn garbage_preflight_fields_are_refused_cleanly() {
    let (app, calls) = TestApp::items(api_policy()).await;
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
        let mut request = preflight("/items", "https://app.example", method);
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
        let (app, calls) = TestApp::items(policy).await;
        let request = preflight("/items", "https://app.example", "PATCH").to_request();
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
