//! Caches, handlers and preflight contents: what a response may carry.

use cors_actix::OnMismatch;

use super::*;

/// Cache poisoning: if a shared cache stored a response without `Vary: Origin`, it could serve
/// one origin's answer (or a no-`Origin` answer) to another. Every response of a policy that
/// depends on the origin names `Origin` in `Vary`: allowed, disallowed, no `Origin`, refused
/// preflight, `403` under `reject`, a `404`, and merged with the handler's own `Vary`.
#[actix_web::test]
async fn missing_vary_cannot_poison_caches() {
    let (app, calls) = serve(exact_policy()).await;
    let origin = |seen: Seen| seen.vary;
    assert_eq!(origin(send(&app, &calls, actual(b"https://evil.example")).await), ["Origin"]);
    assert_eq!(origin(send(&app, &calls, TestRequest::get().uri("/items")).await), ["Origin"]);
    assert_eq!(origin(send(&app, &calls, actual(b"https://app.example")).await), ["Origin"]);
    assert_eq!(origin(send(&app, &calls, preflight(b"https://evil.example", "PUT")).await), [PREFLIGHT_VARY]);
    assert_eq!(origin(send(&app, &calls, preflight(b"https://app.example", "PUT")).await), [PREFLIGHT_VARY]);
    let missing = cross_origin(Method::GET, "/missing", "https://evil.example");
    let seen = send(&app, &calls, missing).await;
    assert_eq!((seen.status, seen.vary.as_slice(), seen.cors.len()), (404, &["Origin".to_owned()][..], 0));
    let hostile_no_origin = send(&app, &calls, TestRequest::get().uri("/hostile")).await;
    assert_eq!(hostile_no_origin.vary, ["Accept-Encoding", "Origin"]);

    let reject = build(Policy::builder().allow_origin("https://app.example").on_mismatch(OnMismatch::Reject));
    let (app, calls) = serve(reject).await;
    let seen = send(&app, &calls, actual(b"https://evil.example")).await;
    assert_eq!(
        seen,
        Seen { status: 403, handler_ran: false, cors: BTreeMap::new(), vary: vec!["Origin".to_owned()] }
    );
    let seen = send(&app, &calls, TestRequest::get().uri("/items")).await;
    assert_eq!((seen.status, seen.vary), (200, vec!["Origin".to_owned()]));

    // `*` answers every origin alike, so it needs no `Vary: Origin`.
    let (app, calls) = serve(build(Policy::builder().allow_any_origin())).await;
    assert_eq!(origin(send(&app, &calls, actual(b"https://evil.example")).await), Vec::<String>::new());
}

/// CORS headers a handler set itself cannot override the policy: they are replaced for an
/// allowed origin and removed for a refused one.
#[actix_web::test]
async fn handler_set_cors_headers_do_not_override_the_policy() {
    let (app, calls) = serve(exact_policy()).await;
    let hostile = |origin: &[u8]| {
        cross_origin(Method::GET, "/hostile", "null").insert_header((header::ORIGIN, value(origin)))
    };
    assert_eq!(
        send(&app, &calls, hostile(b"https://evil.example")).await,
        Seen {
            status: 200,
            handler_ran: true,
            cors: BTreeMap::new(),
            vary: vec!["Accept-Encoding".into(), "Origin".into()]
        }
    );
    assert_eq!(
        send(&app, &calls, hostile(b"https://app.example")).await,
        Seen {
            status: 200,
            handler_ran: true,
            cors: Seen::cors(&[
                ("access-control-allow-origin", "https://app.example"),
                ("access-control-allow-credentials", "true"),
            ]),
            vary: vec!["Accept-Encoding".into(), "Origin".into()],
        }
    );
    let any = build(Policy::builder().allow_any_origin());
    let (app, calls) = serve(any).await;
    let seen = send(&app, &calls, hostile(b"https://evil.example")).await;
    assert_eq!(seen.cors, Seen::cors(&[("access-control-allow-origin", "*")]), "no credentials with `*`");
}

/// Preflights with hostile method and header lists are refused, with nothing echoed.
#[actix_web::test]
async fn hostile_preflight_contents_are_refused() {
    let policy = || {
        build(
            Policy::builder()
                .allow_origin("https://app.example")
                .allow_methods(["GET", "PUT"])
                .allow_header("content-type"),
        )
    };
    let (app, calls) = serve(policy()).await;
    let refused = |_: ()| Seen {
        status: 403,
        handler_ran: false,
        cors: BTreeMap::new(),
        vary: vec![PREFLIGHT_VARY.to_owned()],
    };
    for method in ["put", "Put", "PUT ", " PUT", "PUT,DELETE", "DELETE", "CONNECT", "P\u{fc}T", ""] {
        let request = preflight(b"https://app.example", "GET")
            .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, value(method.as_bytes())));
        assert_eq!(send(&app, &calls, request).await, refused(()), "method {method:?}");
    }
    let long_list = "content-type,".repeat(5_000) + "x-evil";
    for headers in [
        "x-evil",
        "content-type, x-evil",
        "content-type x-evil",
        "content-type;x",
        "authorization",
        &long_list,
    ] {
        let request = preflight(b"https://app.example", "PUT")
            .insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, value(headers.as_bytes())));
        assert_eq!(
            send(&app, &calls, request).await,
            refused(()),
            "headers {:?}",
            &headers[..headers.len().min(40)]
        );
    }
    let request = preflight(b"https://app.example", "PUT")
        .insert_header(("access-control-request-private-network", "true"));
    assert_eq!(send(&app, &calls, request).await, refused(()), "private network not allowed");

    // Any header is answered by mirroring, never with `*`: a browser never reads a literal `*`
    // as covering `Authorization` (Fetch), so the answer must name it.
    let any_header = build(Policy::builder().allow_origin("https://app.example").allow_any_header());
    let (app, calls) = serve(any_header).await;
    let request = preflight(b"https://app.example", "GET")
        .insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, "x-a, Authorization"));
    let seen = send(&app, &calls, request).await;
    assert_eq!((seen.status, seen.handler_ran), (204, false));
    assert_eq!(
        seen.cors.get("access-control-allow-headers").map(String::as_str),
        Some("x-a, Authorization"),
        "mirrored, never `*`"
    );
}

/// A forged `Sec-Fetch-Site: same-origin` or `Host` lets a request past `reject` (only a
/// non-browser can forge them, and it could as well drop `Origin`), but never earns it an
/// `Access-Control-Allow-Origin`.
#[actix_web::test]
async fn forged_same_origin_hints_never_earn_an_allow_origin() {
    let reject = build(Policy::builder().allow_origin("https://app.example").on_mismatch(OnMismatch::Reject));
    let (app, calls) = serve(reject).await;
    let forged = [("sec-fetch-site", "same-origin"), ("host", "evil.example")];
    for (name, hint) in forged {
        let request = actual(b"https://evil.example").insert_header((name, hint));
        assert_eq!(
            send(&app, &calls, request).await,
            Seen { status: 200, handler_ran: true, cors: BTreeMap::new(), vary: vec!["Origin".to_owned()] },
            "{name}: {hint}"
        );
    }
}

/// CORS is not CSRF protection: a cross-origin form `POST` is a "simple" request that a browser
/// sends without a preflight, so under the default `omit` the handler runs (the page just cannot
/// read the answer). `reject` refuses it before the handler.
#[actix_web::test]
async fn simple_cross_origin_post_reaches_the_handler_unless_reject() {
    let form_post = || {
        cross_origin(Method::POST, "/items", "https://evil.example")
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload("amount=1000&to=evil")
    };
    let (app, calls) = serve(exact_policy()).await;
    assert_eq!(send(&app, &calls, form_post()).await, Seen::refused_actual());
    assert_eq!(calls.count(), 1, "omit: the handler ran");

    let reject = build(Policy::builder().allow_origin("https://app.example").on_mismatch(OnMismatch::Reject));
    let (app, calls) = serve(reject).await;
    assert_eq!(
        send(&app, &calls, form_post()).await,
        Seen { status: 403, handler_ran: false, cors: BTreeMap::new(), vary: vec!["Origin".to_owned()] }
    );
    assert_eq!(calls.count(), 0, "reject: the handler never ran");
}
