//! Each kind of request and verdict, explained in one line.

use actix_web::{http::Method, test::TestRequest, HttpRequest};

use super::*;
use crate::{OnMismatch, PolicyBuilder};

fn request(method: Method, headers: &[(&str, &str)]) -> HttpRequest {
    let mut request = TestRequest::default().method(method).uri("/items");
    for &(name, value) in headers {
        request = request.append_header((name, value));
    }
    request.to_http_request()
}

fn policy(builder: PolicyBuilder) -> Policy {
    builder.build().expect("test policy is valid")
}

#[test]
fn every_verdict_in_one_line() {
    let plain = policy(Policy::builder().allow_origin("https://app.example").allow_methods(["GET", "PUT"]));
    let credentialed = policy(
        Policy::builder()
            .allow_origin("https://app.example")
            .allow_credentials(true)
            .on_mismatch(OnMismatch::Reject),
    );
    let public = policy(Policy::builder().allow_any_origin());
    let app = ("origin", "https://app.example");
    let evil = ("origin", "https://evil.example");
    let cases: Vec<(&Policy, HttpRequest, Verdict, Option<Rule>, &str)> = vec![
        (&plain, request(Method::GET, &[]), Verdict::NotChecked, None,
            "GET /items: no Origin, not a CORS request; a browser checks nothing"),
        (&plain, request(Method::GET, &[app]), Verdict::Allowed { credentials: false }, None,
            "GET /items from `https://app.example`: allowed; the page can read the response if it was sent without credentials"),
        (&credentialed, request(Method::GET, &[app, ("cookie", "id=1")]), Verdict::Allowed { credentials: true }, None,
            "GET /items from `https://app.example`: allowed; the page can read the response, with credentials or without"),
        (&plain, request(Method::GET, &[app, ("cookie", "id=1")]), Verdict::Unreadable, Some(Rule::Credentials),
            "GET /items from `https://app.example`: refused by the credentials rule (the request carries cookies or HTTP authentication, and the policy does not allow credentials); the handler runs, but the browser keeps the response from the page"),
        (&public, request(Method::GET, &[app, ("authorization", "Bearer x")]), Verdict::Unreadable, Some(Rule::Credentials),
            "GET /items from `https://app.example`: refused by the credentials rule (the request carries cookies or HTTP authentication, and `Access-Control-Allow-Origin: *` never covers them); the handler runs, but the browser keeps the response from the page"),
        (&plain, request(Method::POST, &[evil]), Verdict::Unreadable, Some(Rule::Origin),
            "POST /items from `https://evil.example`: refused by the origin rule (origin not allowed); the handler runs, but the browser keeps the response from the page"),
        (&credentialed, request(Method::POST, &[evil]), Verdict::Forbidden, Some(Rule::Origin),
            "POST /items from `https://evil.example`: refused by the origin rule (origin not allowed); answered 403 without running the handler"),
        (&credentialed, request(Method::POST, &[("origin", "https://api.example"), ("host", "api.example")]), Verdict::SameOrigin, None,
            "POST /items from `https://api.example`: the server's own origin; a browser applies no CORS check"),
        (&plain, request(Method::GET, &[("origin", "https://app.example/")]), Verdict::Unreadable, Some(Rule::Origin),
            "GET /items from `https://app.example/`: refused by the origin rule (malformed Origin: an origin has no trailing slash; browsers send only `scheme://host[:port]`); the handler runs, but the browser keeps the response from the page"),
        (&plain, request(Method::OPTIONS, &[app, ("access-control-request-method", "PUT")]), Verdict::Allowed { credentials: false }, None,
            "preflight for PUT /items from `https://app.example`: allowed; the browser will send the PUT, without credentials"),
        (&plain, request(Method::OPTIONS, &[app, ("access-control-request-method", "PUT"), ("access-control-request-headers", "x-secret")]), Verdict::Forbidden, Some(Rule::Headers),
            "preflight for PUT /items from `https://app.example`: refused by the headers rule (request header `x-secret` not allowed); the browser will not send the PUT, and fetch() rejects"),
        (&plain, request(Method::OPTIONS, &[app, ("access-control-request-method", "PUT"), ("access-control-request-private-network", "true")]), Verdict::Forbidden, Some(Rule::PrivateNetwork),
            "preflight for PUT /items from `https://app.example`: refused by the private_network rule (Private Network Access requested but not allowed); the browser will not send the PUT, and fetch() rejects"),
        (&plain, request(Method::GET, &[evil, ("upgrade", "websocket"), ("connection", "Upgrade")]), Verdict::Forbidden, Some(Rule::Origin),
            "WebSocket handshake GET /items from `https://evil.example`: refused by the origin rule (origin not allowed); answered 403 before the handler; the socket never opens"),
        (&plain, request(Method::GET, &[app, ("upgrade", "websocket"), ("connection", "Upgrade")]), Verdict::Allowed { credentials: false }, None,
            "WebSocket handshake GET /items from `https://app.example`: allowed; the socket opens"),
        (&plain, request(Method::OPTIONS, &[app]), Verdict::Allowed { credentials: false }, None,
            "OPTIONS /items from `https://app.example`: allowed; the page can read the response if it was sent without credentials"),
    ];
    for (policy, request, verdict, rule, line) in cases {
        let explanation = policy.explain(request.head());
        assert_eq!((explanation.verdict, explanation.rule), (verdict, rule), "{explanation}");
        assert_eq!(explanation.to_string(), line);
    }
}

/// Client bytes are escaped and cut: an explanation can go into a log line or a header.
#[test]
fn client_bytes_are_escaped_and_bounded() {
    let plain = policy(Policy::builder().allow_origin("https://app.example"));
    let long = format!("https://{}.example", "a".repeat(300));
    let request = TestRequest::get()
        .uri("/items")
        .insert_header((
            "origin",
            HeaderValue::from_bytes(b"https://b\xfccher.example\n").unwrap_or(HeaderValue::from_static("x")),
        ))
        .to_http_request();
    let explanation = policy_line(&plain, &request);
    assert!(explanation.is_ascii() && !explanation.contains('\n'), "{explanation}");
    assert!(HeaderValue::from_str(&explanation).is_ok());
    let request = TestRequest::get().uri("/items").insert_header(("origin", long.as_str())).to_http_request();
    assert!(policy_line(&plain, &request).len() < 400);
}

fn policy_line(policy: &Policy, request: &HttpRequest) -> String {
    policy.explain(request.head()).to_string()
}

/// Credentials are cookies, and `Authorization` a script could not have set: where the policy
/// allows that header, a bearer token set by a script makes no request credentialed. A socket
/// is never refused by the credentials rule: browsers apply no CORS check to it.
#[test]
fn the_credentials_rule_counts_what_only_a_browser_attaches() {
    let bearer = policy(Policy::builder().allow_origin("https://app.example").allow_header("authorization"));
    let public = policy(Policy::builder().allow_any_origin().allow_header("Authorization"));
    let plain = policy(Policy::builder().allow_origin("https://app.example"));
    let app = ("origin", "https://app.example");
    let token = ("authorization", "Bearer x");
    let cookie = ("cookie", "id=1");
    let socket = [("upgrade", "websocket"), ("connection", "Upgrade")];
    type Case<'a> = (&'a Policy, Vec<(&'a str, &'a str)>, Verdict, Option<Rule>);
    let cases: Vec<Case<'_>> = vec![
        (&bearer, vec![app, token], Verdict::Allowed { credentials: false }, None),
        (&public, vec![app, token], Verdict::Allowed { credentials: false }, None),
        (&bearer, vec![app, token, cookie], Verdict::Unreadable, Some(Rule::Credentials)),
        (&plain, vec![app, token], Verdict::Unreadable, Some(Rule::Credentials)),
        (&plain, vec![app, cookie, socket[0], socket[1]], Verdict::Allowed { credentials: false }, None),
    ];
    for (policy, headers, verdict, rule) in cases {
        let request = request(Method::GET, &headers);
        let explanation = policy.explain(request.head());
        assert_eq!((explanation.verdict, explanation.rule), (verdict, rule), "{headers:?}: {explanation}");
    }
}
