//! The decision function, one Fetch rule per test.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use actix_web::{
    dev::ServiceRequest,
    http::{header::HeaderValue, Method},
    test::TestRequest,
};

use super::*;
use crate::{policy::OriginRefusal, request::CorsRequest, Policy, PolicyBuilder};

fn policy(builder: PolicyBuilder) -> Policy {
    builder.build().expect("test policy is valid")
}

fn app_policy() -> Policy {
    policy(
        Policy::builder()
            .allow_origins(["https://app.example", "https://*.app.example"])
            .allow_methods(["GET", "PUT", "PATCH"])
            .allow_headers(["content-type", "x-api-key"])
            .allow_credentials(true),
    )
}

fn request(method: Method, headers: &[(&str, &str)]) -> ServiceRequest {
    let mut request = TestRequest::default().method(method);
    for &(name, value) in headers {
        request = request.append_header((name, value));
    }
    request.to_srv_request()
}

fn preflight(origin: &str, method: &str, extra: &[(&str, &str)]) -> ServiceRequest {
    let mut headers = vec![("origin", origin), ("access-control-request-method", method)];
    headers.extend_from_slice(extra);
    request(Method::OPTIONS, &headers)
}

fn reason<'r>(decision: Decision<'r>) -> Reason<'r> {
    match decision {
        Decision::Refused(refusal) => refusal.reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

// Fetch ("HTTP requests", #http-requests): a CORS request is one with an `Origin` header.
#[test]
fn fetch_request_without_origin_is_not_cors() {
    let req = request(Method::GET, &[]);
    assert_eq!(app_policy().decide(&CorsRequest::of(req.head())), Decision::NotCors);
    let req = request(Method::OPTIONS, &[("access-control-request-method", "PUT")]);
    assert_eq!(app_policy().decide(&CorsRequest::of(req.head())), Decision::NotCors);
}

// Fetch (#http-requests): a CORS-preflight request is OPTIONS with Origin and Access-Control-Request-Method.
#[test]
fn fetch_preflight_is_options_with_request_method() {
    let req = preflight("https://app.example", "PUT", &[("access-control-request-headers", "content-type")]);
    let origin = req.headers().get("origin").unwrap();
    assert_eq!(
        app_policy().decide(&CorsRequest::of(req.head())),
        Decision::Preflight(PreflightAnswer {
            allow_origin: AllowOrigin::Origin(origin),
            mirrored_headers: None,
            mirrored_method: None,
            private_network: false
        })
    );
}

// Fetch (#http-requests): OPTIONS without Access-Control-Request-Method is an ordinary CORS request.
#[test]
fn fetch_options_without_request_method_is_an_actual_request() {
    let req = request(Method::OPTIONS, &[("origin", "https://app.example")]);
    assert!(matches!(
        app_policy().decide(&CorsRequest::of(req.head())),
        Decision::Actual(AllowOrigin::Origin(_))
    ));
}

// Fetch ("HTTP responses", #http-responses): ACAO is the request's origin for an allowed origin.
#[test]
fn fetch_allowed_origin_is_echoed_exactly() {
    let req = request(Method::GET, &[("origin", "https://eu.app.example")]);
    let Decision::Actual(AllowOrigin::Origin(value)) = app_policy().decide(&CorsRequest::of(req.head()))
    else {
        panic!()
    };
    assert_eq!(value, "https://eu.app.example");
}

// Fetch (#http-responses): `*` is only valid without credentials, and then needs no Vary.
#[test]
fn fetch_any_origin_answers_wildcard() {
    let any = policy(Policy::builder().allow_any_origin());
    let req = request(Method::GET, &[("origin", "https://whoever.example")]);
    assert_eq!(any.decide(&CorsRequest::of(req.head())), Decision::Actual(AllowOrigin::Any));
    assert!(!any.varies_with_origin());
}

// Fetch ("CORS check", #concept-cors-check): a disallowed origin gets no ACAO; omit runs the handler, reject forbids.
#[test]
fn fetch_disallowed_origin_is_refused_per_on_mismatch() {
    let req = request(Method::GET, &[("origin", "https://evil.example")]);
    let Decision::Refused(refusal) = app_policy().decide(&CorsRequest::of(req.head())) else { panic!() };
    assert_eq!(
        refusal,
        Refusal { preflight: false, forbid: false, reason: Reason::Origin(OriginRefusal::NotAllowed) }
    );

    let strict =
        policy(Policy::builder().allow_origin("https://app.example").on_mismatch(OnMismatch::Reject));
    let Decision::Refused(refusal) = strict.decide(&CorsRequest::of(req.head())) else { panic!() };
    assert!(refusal.forbid);
}

// RFC 6454 §7 / Fetch: `null` is matched only when listed, never by patterns or predicates.
#[test]
fn fetch_null_origin_only_when_listed() {
    let req = request(Method::GET, &[("origin", "null")]);
    assert_eq!(
        reason(app_policy().decide(&CorsRequest::of(req.head()))),
        Reason::Origin(OriginRefusal::NullNotListed)
    );

    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let permissive_fn = policy(Policy::builder().allow_origin_fn(move |_, _| {
        counter.fetch_add(1, Ordering::SeqCst);
        true
    }));
    assert_eq!(
        reason(permissive_fn.decide(&CorsRequest::of(req.head()))),
        Reason::Origin(OriginRefusal::NullNotListed)
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);

    let listed = policy(Policy::builder().allow_origin("null"));
    assert!(matches!(listed.decide(&CorsRequest::of(req.head())), Decision::Actual(AllowOrigin::Origin(_))));
}

// Origin patterns: one or more labels, never the apex, same scheme and port.
#[test]
fn wildcard_patterns_match_subdomains_only() {
    for (origin, allowed) in [
        ("https://a.app.example", true),
        ("https://a.b.app.example", true),
        ("https://app.example.evil.com", false),
        ("https://evilapp.example", false),
        ("http://a.app.example", false),
        ("https://a.app.example:8443", false),
    ] {
        let req = request(Method::GET, &[("origin", origin)]);
        let decision = app_policy().decide(&CorsRequest::of(req.head()));
        assert_eq!(matches!(decision, Decision::Actual(_)), allowed, "{origin}: {decision:?}");
    }
}

#[test]
fn regexes_and_predicates_see_only_well_formed_origins() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let dynamic =
        policy(Policy::builder().allow_origin_regex(r"^https://tenant-[0-9]+\.example$").allow_origin_fn(
            move |origin: &HeaderValue, _| {
                counter.fetch_add(1, Ordering::SeqCst);
                origin == "https://partner.example"
            },
        ));
    let decide = |origin: &str| {
        let req = request(Method::GET, &[("origin", origin)]);
        matches!(dynamic.decide(&CorsRequest::of(req.head())), Decision::Actual(_))
    };
    assert!(decide("https://tenant-42.example"));
    assert!(decide("https://partner.example"));
    assert!(!decide("https://tenant-x.example"));
    let before = calls.load(Ordering::SeqCst);
    assert!(!decide("https://partner.example/"));
    assert!(!decide("https://PARTNER.example"));
    assert_eq!(calls.load(Ordering::SeqCst), before, "predicate must not see malformed origins");
}

/// An asynchronous check is the last word on a well-formed origin nothing else allowed, and
/// only for a request every other rule allows; its answer then decides as a listed origin or
/// a refusal would.
#[test]
fn async_checks_decide_only_what_nothing_else_settles() {
    let store = policy(
        Policy::builder()
            .allow_origin("https://app.example")
            .allow_origin_async(|origin: &HeaderValue, _: &RequestHead| {
                let allowed = origin == "https://shop.example";
                async move { allowed }
            })
            .allow_method("PUT")
            .on_mismatch(OnMismatch::Reject),
    );
    let actual = request(Method::GET, &[("origin", "https://shop.example")]);
    assert_eq!(store.decide(&CorsRequest::of(actual.head())), Decision::Pending);
    let shop = HeaderValue::from_static("https://shop.example");
    assert_eq!(
        store.decide_checked(&CorsRequest::of(actual.head()), true),
        Decision::Actual(AllowOrigin::Origin(&shop))
    );
    assert_eq!(
        reason(store.decide_checked(&CorsRequest::of(actual.head()), false)),
        Reason::Origin(OriginRefusal::NotAllowed)
    );
    assert_eq!(
        actix_web::rt::System::new().block_on(store.check_origin(&CorsRequest::of(actual.head()))),
        CheckedOrigin::Allowed
    );

    let put = preflight("https://shop.example", "PUT", &[]);
    assert_eq!(store.decide(&CorsRequest::of(put.head())), Decision::Pending);
    assert!(matches!(store.decide_checked(&CorsRequest::of(put.head()), true), Decision::Preflight(_)));
    let delete = preflight("https://shop.example", "DELETE", &[]);
    assert_eq!(
        reason(store.decide(&CorsRequest::of(delete.head()))),
        Reason::MethodNotAllowed(b"DELETE"),
        "no check needed"
    );

    for settled in ["https://app.example", "null", "https://shop.example/"] {
        let req = request(Method::GET, &[("origin", settled)]);
        assert_ne!(store.decide(&CorsRequest::of(req.head())), Decision::Pending, "{settled}");
    }
    // A same-origin request refused by the check still passes in reject mode.
    let same_origin = request(Method::POST, &[("origin", "https://api.example"), ("host", "api.example")]);
    assert_eq!(store.decide(&CorsRequest::of(same_origin.head())), Decision::Pending);
    assert_eq!(store.decide_checked(&CorsRequest::of(same_origin.head()), false), Decision::SameOrigin);
    // Without `Origin` there is nothing to check.
    let no_origin = request(Method::GET, &[]);
    assert_eq!(
        actix_web::rt::System::new().block_on(store.check_origin(&CorsRequest::of(no_origin.head()))),
        CheckedOrigin::Refused(OriginRefusal::NotAllowed)
    );
}

/// A WebSocket handshake from a refused origin is forbidden whatever `on_mismatch` says:
/// nothing keeps a page from an open socket (RFC 6455, section 10.2: servers check `Origin`).
#[test]
fn websocket_handshakes_from_refused_origins_are_forbidden() {
    use Expected::*;
    #[derive(Debug, PartialEq)]
    enum Expected {
        Allowed,
        Passed,
        Forbidden,
        Stripped,
    }
    /// `Upgrade`, `Origin`, more headers, the verdict with `Omit`, with `Reject`.
    type Case =
        (&'static str, Option<&'static str>, &'static [(&'static str, &'static str)], Expected, Expected);
    let cases: &[Case] = &[
        ("websocket", Some("https://app.example"), &[], Allowed, Allowed),
        ("websocket", Some("https://evil.example"), &[], Forbidden, Forbidden),
        ("WebSocket", Some("https://evil.example"), &[], Forbidden, Forbidden),
        ("h2c, websocket", Some("https://evil.example"), &[], Forbidden, Forbidden),
        ("websocket/13", Some("https://evil.example"), &[], Forbidden, Forbidden),
        ("websocket/13", Some("https://app.example"), &[], Allowed, Allowed),
        ("websocket", Some("null"), &[], Forbidden, Forbidden),
        ("websocket", Some("https://app.example/"), &[], Forbidden, Forbidden),
        ("websocket", Some("https://api.example"), &[("host", "api.example")], Passed, Passed),
        ("websocket", Some("https://evil.example"), &[("sec-fetch-site", "same-origin")], Passed, Passed),
        ("websocket", None, &[], Passed, Passed),
        ("h2c", Some("https://evil.example"), &[], Stripped, Forbidden),
        ("", Some("https://evil.example"), &[], Stripped, Forbidden),
    ];
    for on_mismatch in [OnMismatch::Omit, OnMismatch::Reject] {
        let policy = policy(Policy::builder().allow_origin("https://app.example").on_mismatch(on_mismatch));
        for (upgrade, origin, more, with_omit, with_reject) in cases {
            let mut headers: Vec<(&str, &str)> = more.to_vec();
            headers.extend(origin.map(|origin| ("origin", origin)));
            if !upgrade.is_empty() {
                headers.extend([("upgrade", *upgrade), ("connection", "Upgrade")]);
            }
            let req = request(Method::GET, &headers);
            let got = match policy.decide(&CorsRequest::of(req.head())) {
                Decision::Actual(_) => Allowed,
                Decision::NotCors | Decision::SameOrigin => Passed,
                Decision::Refused(Refusal { forbid: true, .. }) => Forbidden,
                Decision::Refused(Refusal { forbid: false, .. }) => Stripped,
                other => panic!("{other:?}"),
            };
            let expected = if on_mismatch == OnMismatch::Omit { with_omit } else { with_reject };
            assert_eq!(&got, expected, "{on_mismatch:?}: Upgrade `{upgrade}`, Origin {origin:?}, {more:?}");
        }
    }
    // A handshake is a `GET`: any other method with `Upgrade: websocket` is an ordinary request.
    let omit = policy(Policy::builder().allow_origin("https://app.example"));
    let post = request(Method::POST, &[("origin", "https://evil.example"), ("upgrade", "websocket")]);
    assert!(matches!(
        omit.decide(&CorsRequest::of(post.head())),
        Decision::Refused(Refusal { forbid: false, .. })
    ));
}

/// actix-http upgrades a `GET` whose first `Upgrade` value, lower-cased, contains `websocket`
/// (`actix_http::ws::verify_handshake`), not only the RFC 6455 token: every such request is a
/// handshake here too, and so is one with the name in any other `Upgrade` value.
#[test]
fn a_handshake_is_any_get_whose_upgrade_contains_websocket() {
    fn is_websocket_upgrade(head: &RequestHead) -> bool {
        CorsRequest::of(head).is_websocket_handshake()
    }
    /// actix-http's rule, as `verify_handshake` writes it.
    fn actix_http_upgrades(head: &RequestHead) -> bool {
        head.method == Method::GET
            && head
                .headers()
                .get(header::UPGRADE)
                .and_then(|value| value.to_str().ok())
                .is_some_and(|value| value.to_ascii_lowercase().contains("websocket"))
    }
    let handshakes: &[&[&str]] = &[
        &["websocket"],
        &["WebSocket"],
        &["WEBSOCKET"],
        &["websocket/13"],
        &["h2c, websocket"],
        &["h2c,websocket/13"],
        &["x-websocket-proxy"],
        &["h2c", "websocket"],
        &["h2c", "WebSocket/13"],
    ];
    let not_handshakes: &[&[&str]] = &[&[], &[""], &["h2c"], &["websock"], &["web socket"], &["websocke t"]];
    let with_upgrade = |method: Method, values: &[&str]| {
        let mut headers = vec![("origin", "https://evil.example"), ("connection", "Upgrade")];
        headers.extend(values.iter().map(|value| ("upgrade", *value)));
        request(method, &headers)
    };
    for values in handshakes {
        let get = with_upgrade(Method::GET, values);
        assert!(is_websocket_upgrade(get.head()), "GET, Upgrade {values:?}");
        for method in [Method::POST, Method::HEAD, Method::OPTIONS, Method::PUT] {
            let other = with_upgrade(method.clone(), values);
            assert!(!is_websocket_upgrade(other.head()), "{method}, Upgrade {values:?}: not a handshake");
        }
    }
    for values in not_handshakes {
        assert!(!is_websocket_upgrade(with_upgrade(Method::GET, values).head()), "GET, Upgrade {values:?}");
    }
    for values in handshakes.iter().chain(not_handshakes) {
        let get = with_upgrade(Method::GET, values);
        if actix_http_upgrades(get.head()) {
            assert!(is_websocket_upgrade(get.head()), "actix-http would upgrade Upgrade {values:?}");
        }
    }
    // A refused origin's `websocket/13` handshake is forbidden even under `omit`.
    let omit = policy(Policy::builder().allow_origin("https://app.example"));
    let req = with_upgrade(Method::GET, &["websocket/13"]);
    assert!(matches!(
        omit.decide(&CorsRequest::of(req.head())),
        Decision::Refused(Refusal { forbid: true, .. })
    ));
}

// Bad input: malformed, non-ASCII, huge or repeated Origin is refused, never reflected. An
// origin no pattern could match is refused without a parse; the debug log's explanation
// (`explained`) says it was malformed.
#[test]
fn malformed_origins_are_refused_not_reflected() {
    let huge = format!("https://{}.example", "a".repeat(70_000));
    let non_ascii = HeaderValue::from_bytes(b"https://b\xfccher.example").unwrap();
    let origins =
        ["https://app.example/", "https://APP.example", "app.example", huge.as_str(), " https://app.example"]
            .map(|origin| HeaderValue::from_str(origin).unwrap());
    for origin in origins.iter().chain([&non_ascii]) {
        let req = TestRequest::get().insert_header(("origin", origin.clone())).to_srv_request();
        let Reason::Origin(refusal) = reason(app_policy().decide(&CorsRequest::of(req.head()))) else {
            panic!("{origin:?} refused for its origin");
        };
        assert!(matches!(refusal.explained(origin.as_bytes()), OriginRefusal::Malformed(_)), "{origin:?}");
    }
    // A malformed origin that a pattern could match is parsed, and says so itself.
    let req = request(Method::GET, &[("origin", "https://EU.app.example")]);
    assert!(matches!(
        reason(app_policy().decide(&CorsRequest::of(req.head()))),
        Reason::Origin(OriginRefusal::Malformed(_))
    ));
    // A well-formed one is not allowed, explained or not.
    let req = request(Method::GET, &[("origin", "https://evil.example")]);
    assert_eq!(
        reason(app_policy().decide(&CorsRequest::of(req.head()))),
        Reason::Origin(OriginRefusal::NotAllowed)
    );
    assert_eq!(OriginRefusal::NotAllowed.explained(b"https://evil.example"), OriginRefusal::NotAllowed);

    let req = request(Method::GET, &[("origin", "https://app.example"), ("origin", "https://evil.example")]);
    assert_eq!(reason(app_policy().decide(&CorsRequest::of(req.head()))), Reason::RepeatedOrigin);
}

// Fetch ("CORS-preflight fetch", #cors-preflight-fetch): methods are compared case-sensitively.
#[test]
fn fetch_request_method_is_case_sensitive() {
    let req = preflight("https://app.example", "patch", &[]);
    assert_eq!(reason(app_policy().decide(&CorsRequest::of(req.head()))), Reason::MethodNotAllowed(b"patch"));
    let req = preflight("https://app.example", "PATCH", &[]);
    assert!(matches!(app_policy().decide(&CorsRequest::of(req.head())), Decision::Preflight(_)));
    let req = preflight("https://app.example", "DELETE", &[]);
    assert_eq!(
        reason(app_policy().decide(&CorsRequest::of(req.head()))),
        Reason::MethodNotAllowed(b"DELETE")
    );
}

// Fetch (#cors-preflight-fetch): CORS-safelisted methods need not be listed.
#[test]
fn fetch_safelisted_methods_need_no_listing() {
    let put_only = policy(Policy::builder().allow_origin("https://app.example").allow_method("PUT"));
    let req = preflight("https://app.example", "POST", &[]);
    assert!(matches!(put_only.decide(&CorsRequest::of(req.head())), Decision::Preflight(_)));
}

#[test]
fn malformed_request_method_is_refused() {
    let req = preflight("https://app.example", "GE T", &[]);
    assert_eq!(reason(app_policy().decide(&CorsRequest::of(req.head()))), Reason::MalformedMethod(b"GE T"));
}

// RFC 9110 §5.6.1 lists in Access-Control-Request-Headers: case-insensitive, OWS, empty elements.
#[test]
fn rfc9110_request_headers_list_is_parsed_leniently() {
    let req = preflight(
        "https://app.example",
        "PUT",
        &[("access-control-request-headers", " Content-Type ,, X-API-Key ,")],
    );
    assert!(matches!(app_policy().decide(&CorsRequest::of(req.head())), Decision::Preflight(_)));
    let req = preflight(
        "https://app.example",
        "PUT",
        &[("access-control-request-headers", "content-type,x-other")],
    );
    assert_eq!(
        reason(app_policy().decide(&CorsRequest::of(req.head()))),
        Reason::HeaderNotAllowed(b"x-other")
    );
    let req = preflight("https://app.example", "PUT", &[("access-control-request-headers", "content type")]);
    assert_eq!(reason(app_policy().decide(&CorsRequest::of(req.head()))), Reason::MalformedRequestHeaders);
    let req = preflight(
        "https://app.example",
        "PUT",
        &[
            ("access-control-request-headers", "content-type"),
            ("access-control-request-headers", "x-api-key"),
        ],
    );
    assert_eq!(reason(app_policy().decide(&CorsRequest::of(req.head()))), Reason::MalformedRequestHeaders);
}

// Any header means any header, `Authorization` included: the answer mirrors the requested
// list, so it names `Authorization` itself (Fetch, #http-responses: a literal `*` in
// `Access-Control-Allow-Headers` would never cover it).
#[test]
fn any_header_mirrors_every_requested_header_authorization_included() {
    let any = policy(Policy::builder().allow_origin("https://app.example").allow_any_header());
    let req = preflight("https://app.example", "GET", &[("access-control-request-headers", "x-one,x-two")]);
    let Decision::Preflight(answer) = any.decide(&CorsRequest::of(req.head())) else { panic!() };
    assert_eq!(answer.mirrored_headers.unwrap(), "x-one,x-two");

    let req = preflight(
        "https://app.example",
        "GET",
        &[("access-control-request-headers", "x-one, Authorization")],
    );
    let Decision::Preflight(answer) = any.decide(&CorsRequest::of(req.head())) else { panic!() };
    assert_eq!(answer.mirrored_headers.unwrap(), "x-one, Authorization");

    let with_credentials = policy(
        Policy::builder().allow_origin("https://app.example").allow_any_header().allow_credentials(true),
    );
    let Decision::Preflight(answer) = with_credentials.decide(&CorsRequest::of(req.head())) else { panic!() };
    assert_eq!(answer.mirrored_headers.unwrap(), "x-one, Authorization");
}

// Private Network Access: allowed only when the policy says so.
#[test]
fn private_network_access_preflight() {
    let pna = [("access-control-request-private-network", "true")];
    let req = preflight("https://app.example", "GET", &pna);
    assert_eq!(reason(app_policy().decide(&CorsRequest::of(req.head()))), Reason::PrivateNetworkNotAllowed);
    let allowing = policy(Policy::builder().allow_origin("https://app.example").allow_private_network(true));
    let Decision::Preflight(answer) = allowing.decide(&CorsRequest::of(req.head())) else { panic!() };
    assert!(answer.private_network);
}

// A refused preflight is always forbidden, whatever on_mismatch says.
#[test]
fn refused_preflight_is_forbidden() {
    let req = preflight("https://evil.example", "GET", &[]);
    let Decision::Refused(refusal) = app_policy().decide(&CorsRequest::of(req.head())) else { panic!() };
    assert!(refusal.preflight && refusal.forbid);
}

// Same-origin requests carry Origin too (Chromium on POST); reject mode must let them through.
#[test]
fn same_origin_requests_pass_in_reject_mode() {
    let strict =
        policy(Policy::builder().allow_origin("https://app.example").on_mismatch(OnMismatch::Reject));
    let by_host = request(Method::POST, &[("origin", "https://api.example"), ("host", "api.example")]);
    assert_eq!(strict.decide(&CorsRequest::of(by_host.head())), Decision::SameOrigin);
    let default_port =
        request(Method::POST, &[("origin", "https://api.example"), ("host", "api.example:443")]);
    assert_eq!(strict.decide(&CorsRequest::of(default_port.head())), Decision::SameOrigin);
    let by_fetch_metadata =
        request(Method::POST, &[("origin", "http://localhost:8080"), ("sec-fetch-site", "same-origin")]);
    assert_eq!(strict.decide(&CorsRequest::of(by_fetch_metadata.head())), Decision::SameOrigin);
    let other_port =
        request(Method::POST, &[("origin", "https://api.example:8443"), ("host", "api.example")]);
    assert!(matches!(strict.decide(&CorsRequest::of(other_port.head())), Decision::Refused(_)));
}

#[test]
fn reasons_escape_and_shorten_client_bytes() {
    let long = [b'\n'; 100];
    let text = Reason::HeaderNotAllowed(&long).to_string();
    assert!(text.starts_with("request header `\\n\\n"));
    assert!(text.ends_with("...(100 bytes)` not allowed"));
    assert!(!text.contains('\n'));
}

// Fetch "CORS-preflight fetch": `*` in `Access-Control-Allow-Methods` covers every method only
// for a request without credentials; a policy allowing any method with credentials echoes the
// method asked for.
#[test]
fn fetch_any_method_is_star_without_credentials_and_echoed_with() {
    let without = policy(Policy::builder().allow_origin("https://app.example").allow_method("*"));
    assert!(without.allows_any_method());
    assert!(without.allowed_methods().is_empty());
    let req = preflight("https://app.example", "PATCH", &[]);
    let Decision::Preflight(answer) = without.decide(&CorsRequest::of(req.head())) else {
        panic!("PATCH is allowed")
    };
    assert_eq!(answer.mirrored_method, None);

    let with = policy(
        Policy::builder().allow_origin("https://app.example").allow_method("*").allow_credentials(true),
    );
    let Decision::Preflight(answer) = with.decide(&CorsRequest::of(req.head())) else {
        panic!("PATCH is allowed")
    };
    assert_eq!(answer.mirrored_method.unwrap(), "PATCH");

    let req = preflight("https://app.example", "BAD METHOD", &[]);
    assert_eq!(reason(with.decide(&CorsRequest::of(req.head()))), Reason::MalformedMethod(b"BAD METHOD"));
}

/// One verdict on the origin serves the cross-origin protection and the origin rule: a user's
/// predicate runs once per request, even for a protected cross-site `POST` it decides twice
/// over.
#[test]
fn an_origin_predicate_runs_once_per_decision() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let protected = policy(
        Policy::builder()
            .allow_origin_fn(move |origin, _| {
                counted.fetch_add(1, Ordering::SeqCst);
                origin.as_bytes() == b"https://partner.example"
            })
            .cross_origin_protection(true),
    );
    for (origin, allowed) in [("https://partner.example", true), ("https://evil.example", false)] {
        let post = request(Method::POST, &[("origin", origin), ("sec-fetch-site", "cross-site")]);
        let before = calls.load(Ordering::SeqCst);
        let decision = protected.decide(&CorsRequest::of(post.head()));
        assert_eq!(matches!(decision, Decision::Actual(_)), allowed, "{origin}: {decision:?}");
        assert_eq!(calls.load(Ordering::SeqCst) - before, 1, "{origin}: the predicate ran once");
    }
}

/// A policy that allows no origin (kept for its cross-origin protection) answers the server's
/// own pages as the same origin they are, not as refusals to log.
#[test]
fn a_policy_without_origins_takes_its_own_origin_for_the_same_origin() {
    let protection_only = policy(Policy::builder().cross_origin_protection(true));
    let own = request(Method::POST, &[("origin", "https://bank.example"), ("host", "bank.example")]);
    assert_eq!(protection_only.decide(&CorsRequest::of(own.head())), Decision::SameOrigin);
    let other = request(Method::GET, &[("origin", "https://evil.example"), ("host", "bank.example")]);
    assert!(matches!(
        protection_only.decide(&CorsRequest::of(other.head())),
        Decision::Refused(Refusal { forbid: false, .. })
    ));
}
