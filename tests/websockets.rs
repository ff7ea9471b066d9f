//! WebSocket handshakes through real apps: the `Cors` middleware checks a handshake's `Origin`
//! against the policy whatever `on_mismatch` says, as RFC 6455 section 10.2 ("Origin
//! Considerations") asks of servers that only want pages from some origins to connect. A
//! browser keeps nothing from a page once its socket is open, so a refused origin must get
//! `403` before the handler upgrades; the server's own origin and clients that send no
//! `Origin` (not browsers) pass. Behind the middleware is a real `actix-ws` handler, which
//! answers `101 Switching Protocols` only to a well-formed handshake, and counts its runs.

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    get,
    http::{header, StatusCode},
    test::TestRequest,
    web, App, HttpRequest, HttpResponse,
};
use cors_actix::{cors, Cors, OnMismatch, Policy};
use cors_actix_tests::{allow_origin_values, Calls, TestApp};

const APP_ORIGIN: &str = "https://app.example";
const PARTNER_ORIGIN: &str = "https://partner.example";

/// A handshake as a browser's `new WebSocket(..)` sends it, to `uri`, without `Origin`.
fn handshake(uri: &str) -> TestRequest {
    TestRequest::get()
        .uri(uri)
        .insert_header((header::CONNECTION, "Upgrade"))
        .insert_header((header::UPGRADE, "websocket"))
        .insert_header((header::SEC_WEBSOCKET_VERSION, "13"))
        .insert_header((header::SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ=="))
}

/// Counts its run, then upgrades; the socket closes at once, which is all these tests need.
async fn upgrade(
    request: HttpRequest,
    body: web::Payload,
    calls: web::Data<Calls>,
) -> actix_web::Result<HttpResponse> {
    calls.hit();
    let (response, session, _messages) = actix_ws::handle(&request, body)?;
    actix_web::rt::spawn(session.close(None));
    Ok(response)
}

/// What the app answers, and whether the handler ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    /// `101`, with `Access-Control-Allow-Origin` naming the handshake's origin.
    UpgradedWithAllowOrigin,
    /// `101`, without CORS headers: same-origin or origin-less.
    Upgraded,
    /// `403` and the handler never ran.
    Forbidden,
    /// Not a handshake: the handler ran (and `actix-ws` refused the plain `GET`), without
    /// CORS headers.
    HandledWithoutCors,
}

/// What actually came back, in the terms of [`Expected`].
fn observed(response: &ServiceResponse<impl MessageBody>, ran: usize) -> Expected {
    let allow_origin = allow_origin_values(response);
    match (response.status(), ran, allow_origin.as_slice()) {
        (StatusCode::SWITCHING_PROTOCOLS, 1, [origin]) if origin == APP_ORIGIN => {
            Expected::UpgradedWithAllowOrigin
        }
        (StatusCode::SWITCHING_PROTOCOLS, 1, []) => Expected::Upgraded,
        (StatusCode::FORBIDDEN, 0, []) => Expected::Forbidden,
        (status, 1, []) if status != StatusCode::SWITCHING_PROTOCOLS && status != StatusCode::FORBIDDEN => {
            Expected::HandledWithoutCors
        }
        (status, ran, allow_origin) => {
            panic!(
                "unexpected: {status}, handler ran {ran} times, Access-Control-Allow-Origin {allow_origin:?}"
            )
        }
    }
}

/// Which request a case sends to `/ws`.
#[derive(Debug, Clone, Copy)]
enum Request {
    /// [`handshake`].
    Handshake,
    /// A plain `GET`, the control: `OnMismatch` alone decides it.
    PlainGet,
}

#[actix_web::test]
async fn handshakes_from_refused_origins_are_forbidden_whatever_on_mismatch_says() {
    use Expected::*;
    use Request::*;
    /// Name, the request and its further headers (`Origin` may repeat), the outcome with
    /// `OnMismatch::Omit`, with `OnMismatch::Reject`.
    type Case = (&'static str, Request, &'static [(&'static str, &'static str)], Expected, Expected);
    let cases: [Case; 9] = [
        (
            "allowed origin",
            Handshake,
            &[("origin", APP_ORIGIN)],
            UpgradedWithAllowOrigin,
            UpgradedWithAllowOrigin,
        ),
        ("refused origin", Handshake, &[("origin", "https://evil.example")], Forbidden, Forbidden),
        ("`null` origin", Handshake, &[("origin", "null")], Forbidden, Forbidden),
        ("malformed origin", Handshake, &[("origin", "https://app.example/")], Forbidden, Forbidden),
        (
            "repeated origin",
            Handshake,
            &[("origin", APP_ORIGIN), ("origin", APP_ORIGIN)],
            Forbidden,
            Forbidden,
        ),
        (
            "same origin by `Host`",
            Handshake,
            &[("origin", "https://api.example"), ("host", "api.example")],
            Upgraded,
            Upgraded,
        ),
        (
            // Behind a proxy that rewrites `Host`, only the browser's word shows that the
            // page is the server's own.
            "same origin by `Sec-Fetch-Site`",
            Handshake,
            &[
                ("origin", "https://api.example"),
                ("host", "backend.internal:8080"),
                ("sec-fetch-site", "same-origin"),
            ],
            Upgraded,
            Upgraded,
        ),
        ("no origin", Handshake, &[], Upgraded, Upgraded),
        (
            "refused origin, no upgrade",
            PlainGet,
            &[("origin", "https://evil.example")],
            HandledWithoutCors,
            Forbidden,
        ),
    ];

    let mut checked = 0;
    for on_mismatch in [OnMismatch::Omit, OnMismatch::Reject] {
        let policy =
            Policy::builder().allow_origin(APP_ORIGIN).on_mismatch(on_mismatch).build().expect("a policy");
        for (name, kind, headers, with_omit, with_reject) in cases {
            let (app, calls) = TestApp::init(
                App::new().wrap(Cors::new(policy.clone())).route("/ws", web::get().to(upgrade)),
            )
            .await;
            let mut request = match kind {
                Handshake => handshake("/ws"),
                PlainGet => TestRequest::get().uri("/ws"),
            };
            for header in headers {
                request = request.append_header(*header);
            }
            let response = app.call(request.to_request()).await.expect("the app answers");
            let expected = if on_mismatch == OnMismatch::Omit { with_omit } else { with_reject };
            assert_eq!(observed(&response, calls.count()), expected, "{on_mismatch:?}: {name}");
            checked += 1;
        }
    }
    assert_eq!(checked, 2 * cases.len());
}

/// A `#[cors]` socket allowing only the partner, in the default `omit` mode.
#[cors(origins = ["https://partner.example"])]
#[get("/partner/ws")]
async fn partner_socket(
    request: HttpRequest,
    body: web::Payload,
    calls: web::Data<Calls>,
) -> actix_web::Result<HttpResponse> {
    upgrade(request, body, calls).await
}

/// A `#[cors]` socket's own origin list governs its handshakes, beside an app-wide `Cors`
/// that allows another origin; the app-wide policy governs the other socket.
#[actix_web::test]
async fn a_route_policy_governs_its_own_socket() {
    for on_mismatch in [OnMismatch::Omit, OnMismatch::Reject] {
        let app_policy =
            Policy::builder().allow_origin(APP_ORIGIN).on_mismatch(on_mismatch).build().expect("a policy");
        for (path, origin, upgraded) in [
            ("/partner/ws", PARTNER_ORIGIN, true),
            ("/partner/ws", APP_ORIGIN, false),
            ("/partner/ws", "https://evil.example", false),
            ("/ws", APP_ORIGIN, true),
            ("/ws", PARTNER_ORIGIN, false),
        ] {
            let (app, calls) = TestApp::init(
                App::new()
                    .wrap(Cors::new(app_policy.clone()))
                    .service(partner_socket)
                    .route("/ws", web::get().to(upgrade)),
            )
            .await;
            let request = handshake(path).insert_header((header::ORIGIN, origin)).to_request();
            let response = app.call(request).await.expect("the app answers");
            let case = format!("{on_mismatch:?}: {origin} to {path}");
            if upgraded {
                assert_eq!(response.status(), StatusCode::SWITCHING_PROTOCOLS, "{case}");
                assert_eq!(allow_origin_values(&response), [origin], "{case}");
                assert_eq!(calls.count(), 1, "{case}");
            } else {
                assert_eq!(response.status(), StatusCode::FORBIDDEN, "{case}");
                assert!(allow_origin_values(&response).is_empty(), "{case}");
                assert_eq!(calls.count(), 0, "{case}");
            }
        }
    }
}
