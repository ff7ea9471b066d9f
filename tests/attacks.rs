//! Known attacks on CORS configurations and implementations, one named test each,
//! through real actix-web apps, with exact statuses and header values. The threat model is in
//! SECURITY.md; the generated counterpart of these tests is `properties.rs`.
//!
//! What "refused" looks like, everywhere below (README "The middleware"):
//! an actual request runs the handler (`on_mismatch = "omit"`) and gets no CORS header but
//! `Vary: Origin`; a preflight gets `403`, no CORS header, the preflight `Vary`, and never
//! runs the handler.

use std::{
    collections::BTreeMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
};

use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceResponse},
    get,
    http::{
        header::{self, HeaderValue},
        Method,
    },
    test::{self, TestRequest},
    web, App, HttpResponse, HttpServer,
};
use cors_actix::{cors, Cors, OnMismatch, Policy, PolicyBuilder, Problem};
use cors_actix_grammar::RegexAnchorError;
use cors_actix_tests::{counted, raw_request, serve_while, Calls};

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

/// A handler that sets CORS headers itself, as a careless one might.
async fn hostile(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok()
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"))
        .insert_header((header::ACCESS_CONTROL_EXPOSE_HEADERS, "x-secret"))
        .insert_header((header::VARY, "Accept-Encoding"))
        .body("secret body")
}

/// What a response said, reduced to what CORS is about.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    status: u16,
    handler_ran: bool,
    /// Every `access-control-*` header; a repeated one fails the test when read.
    cors: BTreeMap<String, String>,
    vary: Vec<String>,
}

const PREFLIGHT_VARY: &str = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

impl Seen {
    fn cors(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect()
    }

    /// A refused actual request under `omit`: the handler ran, nothing may be read.
    fn refused_actual() -> Self {
        Self { status: 200, handler_ran: true, cors: BTreeMap::new(), vary: vec!["Origin".to_owned()] }
    }

    /// A refused preflight.
    fn refused_preflight() -> Self {
        Self { status: 403, handler_ran: false, cors: BTreeMap::new(), vary: vec![PREFLIGHT_VARY.to_owned()] }
    }
}

/// An app with `policy` app-wide: `/items` runs `counted` for every method (so a preflight that
/// reached it would run it), `/hostile` runs `hostile`.
async fn serve(
    policy: Policy,
) -> (
    impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
    Calls,
) {
    let calls = Calls::default();
    let service = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(Cors::new(policy))
            .service(web::resource("/items").to(counted))
            .service(web::resource("/hostile").to(hostile)),
    )
    .await;
    (service, calls)
}

async fn send<S, B>(app: &S, calls: &Calls, request: TestRequest) -> Seen
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let before = calls.count();
    let response = test::call_service(app, request.to_request()).await;
    let mut cors = BTreeMap::new();
    for name in response.headers().keys() {
        if name.as_str().starts_with("access-control-") {
            let values: Vec<_> = response.headers().get_all(name).collect();
            assert_eq!(values.len(), 1, "{name} sent {} times", values.len());
            cors.insert(name.as_str().to_owned(), String::from_utf8_lossy(values[0].as_bytes()).into_owned());
        }
    }
    let vary = response.headers().get_all(header::VARY).map(|v| v.to_str().unwrap().to_owned()).collect();
    Seen { status: response.status().as_u16(), handler_ran: calls.count() > before, cors, vary }
}

fn value(bytes: &[u8]) -> HeaderValue {
    HeaderValue::from_bytes(bytes).expect("a value HeaderValue accepts")
}

fn actual(origin: &[u8]) -> TestRequest {
    TestRequest::get().uri("/items").insert_header((header::ORIGIN, value(origin)))
}

fn preflight(origin: &[u8], method: &str) -> TestRequest {
    TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/items")
        .insert_header((header::ORIGIN, value(origin)))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method))
}

fn build(builder: PolicyBuilder) -> Policy {
    builder.build().expect("a valid test policy")
}

/// `https://app.example` with credentials: the policy that attacks go after.
fn exact_policy() -> Policy {
    build(
        Policy::builder()
            .allow_origin("https://app.example")
            .allow_methods(["GET", "PUT"])
            .allow_credentials(true),
    )
}

/// `https://*.app.example` with credentials.
fn wildcard_policy() -> Policy {
    build(
        Policy::builder()
            .allow_origin("https://*.app.example")
            .allow_methods(["GET", "PUT"])
            .allow_credentials(true),
    )
}

fn allowed_actual(origin: &str) -> Seen {
    Seen {
        status: 200,
        handler_ran: true,
        cors: Seen::cors(&[
            ("access-control-allow-origin", origin),
            ("access-control-allow-credentials", "true"),
        ]),
        vary: vec!["Origin".to_owned()],
    }
}

fn allowed_preflight(origin: &str) -> Seen {
    Seen {
        status: 204,
        handler_ran: false,
        cors: Seen::cors(&[
            ("access-control-allow-origin", origin),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "GET, PUT"),
        ]),
        vary: vec![PREFLIGHT_VARY.to_owned()],
    }
}

/// Sends each origin as an actual request and as a preflight, and checks both were refused.
async fn assert_all_refused(policy: Policy, origins: &[&[u8]]) {
    let (app, calls) = serve(policy).await;
    for origin in origins {
        let shown = String::from_utf8_lossy(origin);
        assert_eq!(send(&app, &calls, actual(origin)).await, Seen::refused_actual(), "actual from {shown:?}");
        assert_eq!(
            send(&app, &calls, preflight(origin, "PUT")).await,
            Seen::refused_preflight(),
            "preflight from {shown:?}"
        );
    }
}

/// Sends each origin as an actual request and as a preflight, and checks both were allowed.
async fn assert_all_allowed(policy: Policy, origins: &[&str]) {
    let (app, calls) = serve(policy).await;
    for origin in origins {
        assert_eq!(send(&app, &calls, actual(origin.as_bytes())).await, allowed_actual(origin), "{origin}");
        assert_eq!(
            send(&app, &calls, preflight(origin.as_bytes(), "PUT")).await,
            allowed_preflight(origin),
            "{origin}"
        );
    }
}

fn problems(builder: PolicyBuilder) -> Vec<Problem> {
    builder.build().expect_err("the builder must refuse this policy").problems().to_vec()
}

// ---------------------------------------------------------------------------------------------
// Misconfiguration: what must be impossible to configure.
// ---------------------------------------------------------------------------------------------

/// Reflecting any origin with credentials hands every site the user's session. `*` with
/// credentials is a builder `Err` (and a compile error of `#[cors]`: the UI test
/// `tests/ui/fail/any-origin-with-credentials.rs`, whose expected error is checked here too).
#[test]
fn any_origin_with_credentials_cannot_be_configured() {
    assert_eq!(
        problems(Policy::builder().allow_any_origin().allow_credentials(true)),
        [Problem::AnyOriginWithCredentials]
    );
    assert_eq!(
        problems(Policy::builder().allow_origin("*").allow_credentials(true)),
        [Problem::AnyOriginWithCredentials]
    );
    // Nor sneaked in next to a real origin.
    assert_eq!(
        problems(Policy::builder().allow_origins(["https://app.example", "*"]).allow_credentials(true)),
        [Problem::AnyOriginMixed, Problem::AnyOriginWithCredentials]
    );
    let ui_source = include_str!("ui/fail/any-origin-with-credentials.rs");
    let ui_expected = include_str!("ui/fail/any-origin-with-credentials.stderr");
    assert!(ui_source.contains(r#"#[cors(origins = "*", credentials = true)]"#));
    assert!(ui_expected.starts_with(
        "error: cannot combine `Access-Control-Allow-Credentials: true` with `Access-Control-Allow-Origin: *`"
    ));
}

/// The regex spelling of "any origin" is refused with credentials too.
#[test]
fn regex_matching_any_origin_with_credentials_is_refused() {
    for regex in [r"^https://.*$", r"^https?://.+$", r"(?i)^HTTPS://.*$", r"^.*$", r"^[a-z]+://[^/]+$"] {
        assert_eq!(
            problems(Policy::builder().allow_origin_regex(regex).allow_credentials(true)),
            [Problem::AnyOriginRegexWithCredentials { input: regex.to_owned() }],
            "{regex}"
        );
        // Without credentials it answers with the origin, which is as open as `*`, and allowed.
        assert!(Policy::builder().allow_origin_regex(regex).build().is_ok(), "{regex}");
    }
}

/// BUG: the any-origin check of regexes only probes three `https` origins, so a regex that
/// matches every `http` origin (or every origin but those three shapes) is accepted with
/// credentials: `^http://.*$` hands any plain-http page the user's session.
#[test]

fn regex_matching_every_http_origin_with_credentials_is_refused() {
    let regex = r"^http://.*$";
    assert_eq!(
        problems(Policy::builder().allow_origin_regex(regex).allow_credentials(true)),
        [Problem::AnyOriginRegexWithCredentials { input: regex.to_owned() }]
    );
}

/// An unanchored regex would let `https://app.example.evil.com` match: refused at build.
#[test]
fn unanchored_regex_is_rejected_at_build() {
    let cases = [
        (r"https://app\.example", RegexAnchorError::Start),
        (r"(?i)https://app\.example$", RegexAnchorError::Start),
        (r"^https://app\.example", RegexAnchorError::End),
        (r"^https://app\.example\$", RegexAnchorError::End),
        (r"^https://a\.example|https://b\.example$", RegexAnchorError::TopLevelAlternation),
    ];
    for (regex, error) in cases {
        assert_eq!(
            problems(Policy::builder().allow_origin_regex(regex)),
            [Problem::RegexNotAnchored { input: regex.to_owned(), error }],
            "{regex}"
        );
    }
}

/// An anchored regex really is anchored: what the unanchored one would let through is refused.
#[actix_web::test]
async fn anchored_regex_refuses_what_an_unanchored_one_would_match() {
    let policy =
        build(Policy::builder().allow_origin_regex(r"^https://app\.example$").allow_methods(["PUT"]));
    let (app, calls) = serve(policy).await;
    for origin in
        ["https://app.example.evil.com", "https://evil.com?https://app.example", "xhttps://app.example"]
    {
        assert_eq!(send(&app, &calls, actual(origin.as_bytes())).await, Seen::refused_actual(), "{origin}");
    }
    let allowed = send(&app, &calls, actual(b"https://app.example")).await;
    assert_eq!(allowed.cors, Seen::cors(&[("access-control-allow-origin", "https://app.example")]));
}

/// BUG: `build()` promises never to panic, but `check_regex_anchored` slices
/// `body[..body.len() - 1]` (cors-actix-grammar/src/regex_check.rs), which panics when the
/// regex ends with a multi-byte character. A regex read from a config file crashes the server
/// at start; `#[cors(origin_regex = ["^é"])]` panics the macro instead of a spanned error.
#[test]

fn non_ascii_regex_is_an_error_not_a_panic() {
    let result = std::panic::catch_unwind(|| {
        Policy::builder().allow_origin("https://app.example").allow_origin_regex("^é").build()
    });
    let problems = result.expect("build() must not panic").expect_err("`^é` is not anchored at the end");
    assert_eq!(
        problems.problems(),
        [Problem::RegexNotAnchored { input: "^é".to_owned(), error: RegexAnchorError::End }]
    );
}

// ---------------------------------------------------------------------------------------------
// Hostile origins.
// ---------------------------------------------------------------------------------------------

/// `null` (sandboxed iframes, `file:` pages, cross-origin redirects) is anyone's origin: it is
/// matched only where `null` is listed, never by an exact list, a wildcard, a regex or a
/// predicate — and the predicate is never even asked.
#[actix_web::test]
async fn null_origin_is_matched_only_when_listed() {
    assert_all_refused(exact_policy(), &[b"null", b"NULL", b"Null", b"null "]).await;
    assert_all_refused(wildcard_policy(), &[b"null"]).await;

    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let open = build(
        Policy::builder()
            .allow_origin_regex(r"^.*$")
            .allow_origin_fn(move |_, _| {
                counter.fetch_add(1, Ordering::SeqCst);
                true
            })
            .allow_origin("http://localhost:*")
            .allow_methods(["GET", "PUT"])
            .allow_credentials(false),
    );
    let (app, calls) = serve(open).await;
    let mut expected = Seen::refused_actual();
    assert_eq!(send(&app, &calls, actual(b"null")).await, expected);
    expected = Seen::refused_preflight();
    assert_eq!(send(&app, &calls, preflight(b"null", "PUT")).await, expected);
    assert_eq!(asked.load(Ordering::SeqCst), 0, "the predicate saw `null`");

    let listed = build(
        Policy::builder()
            .allow_origins(["https://app.example", "null"])
            .allow_methods(["GET", "PUT"])
            .allow_credentials(true),
    );
    assert_all_allowed(listed, &["null", "https://app.example"]).await;
}

/// Host-suffix and host-prefix tricks against an exact origin: a longer host, a shorter one,
/// userinfo, percent-encoding, a trailing dot, a path, a query, a fragment, a list.
#[actix_web::test]
async fn suffix_and_prefix_tricks_against_an_exact_origin() {
    assert_all_refused(
        exact_policy(),
        &[
            b"https://app.example.evil.com",
            b"https://evilapp.example",
            b"https://app.examplex",
            b"https://xapp.example",
            b"https://app.example@evil.com",
            b"https://evil.com@app.example",
            b"https://app.example%60.evil.com",
            b"https://app.example%2eevil.com",
            b"https://app.example.",
            b"https://app.example/",
            b"https://app.example/.evil.com",
            b"https://app.example?.evil.com",
            b"https://app.example#.evil.com",
            b"https://app.example\\.evil.com",
            b"https://evil.com/https://app.example",
            b"https://app.example, https://evil.com",
            b"https://app.example https://evil.com",
            b"app.example",
            b"//app.example",
            b"https://app",
            b"",
        ],
    )
    .await;
    assert_all_allowed(exact_policy(), &["https://app.example"]).await;
}

/// The same tricks against `https://*.app.example`, which also has to hold the label boundary.
#[actix_web::test]
async fn suffix_and_prefix_tricks_against_a_wildcard() {
    assert_all_refused(
        wildcard_policy(),
        &[
            b"https://evilapp.example",
            b"https://a.evilapp.example",
            b"https://a.app.example.evil.com",
            b"https://a.app.example@evil.com",
            b"https://evil.com@a.app.example",
            b"https://evil.com%60.app.example",
            b"https://evil.com%2e.app.example",
            b"https://a.app.example.",
            b"https://evil.com/.app.example",
            b"https://evil.com?.app.example",
            b"https://evil.com#.app.example",
            b"https://evil.com\\.app.example",
            b"https://evil.com:.app.example",
            b"https://evil.com:443.app.example",
            b"https://.app.example",
            b"https://a..app.example",
            b"https://*.app.example",
        ],
    )
    .await;
    assert_all_allowed(
        wildcard_policy(),
        &["https://a.app.example", "https://a-b.app.example", "https://xn--bcher-kva.app.example"],
    )
    .await;
}

/// `*.` stands for one or more whole labels in front of the suffix: never the apex itself, never
/// part of a label. More than one label is allowed, as documented.
#[actix_web::test]
async fn wildcard_never_matches_the_apex_or_crosses_a_label() {
    assert_all_refused(
        wildcard_policy(),
        &[b"https://app.example", b"https://xapp.example", b"https://pp.example"],
    )
    .await;
    assert_all_allowed(wildcard_policy(), &["https://x.y.app.example"]).await;
    // A wildcard over a top-level domain is refused outright.
    assert!(matches!(
        problems(Policy::builder().allow_origin("https://*.example"))[..],
        [Problem::Origin { .. }]
    ));
    // `*` only as a whole leftmost label.
    for pattern in
        ["https://*app.example", "https://a*.app.example", "https://app.*.example", "https://*.*.example"]
    {
        assert!(
            matches!(problems(Policy::builder().allow_origin(pattern))[..], [Problem::Origin { .. }]),
            "{pattern}"
        );
    }
}

/// BUG (minor): a wildcard whose suffix ends in a number, such as `http://*.0.1`, is accepted
/// and matches IPv4 addresses (`http://10.0.0.1`), which are not subdomains of anything: the URL
/// standard parses a host whose last label is numeric as IPv4. The suffix check should refuse a
/// numeric last label as it refuses a single one.
#[test]

fn wildcard_over_an_ip_address_suffix_is_refused() {
    assert!(matches!(problems(Policy::builder().allow_origin("http://*.0.1"))[..], [Problem::Origin { .. }]));
}

/// An `https` policy does not allow the same host over `http` (a network attacker can inject a
/// page into any plain-http origin) or over any other scheme.
#[actix_web::test]
async fn scheme_downgrade_is_refused() {
    let downgrades: &[&[u8]] = &[
        b"http://app.example",
        b"ws://app.example",
        b"wss://app.example",
        b"ftp://app.example",
        b"file://app.example",
    ];
    assert_all_refused(exact_policy(), downgrades).await;
    assert_all_refused(
        wildcard_policy(),
        &[b"http://a.app.example", b"wss://a.app.example", b"http://a.app.example:443"],
    )
    .await;
}

/// Ports are part of the origin: another port, the default port written out (browsers omit it),
/// a non-canonical spelling, an overflowing one, an empty one.
#[actix_web::test]
async fn port_confusion_is_refused() {
    assert_all_refused(
        exact_policy(),
        &[
            b"https://app.example:443",
            b"https://app.example:8443",
            b"https://app.example:0443",
            b"https://app.example:65979",
            b"https://app.example:",
            b"https://app.example:-443",
            b"https://app.example:443:443",
        ],
    )
    .await;
    let local = || {
        build(
            Policy::builder()
                .allow_origins(["http://localhost:3000", "https://*.app.example:8443"])
                .allow_methods(["GET", "PUT"])
                .allow_credentials(true),
        )
    };
    assert_all_refused(
        local(),
        &[
            b"http://localhost:30000",
            b"http://localhost:300",
            b"http://localhost:03000",
            b"http://localhost",
            b"http://localhost:80",
            b"https://a.app.example",
            b"https://a.app.example:443",
            b"https://a.app.example:18443",
        ],
    )
    .await;
    assert_all_allowed(local(), &["http://localhost:3000", "https://a.app.example:8443"]).await;

    let any_port = || {
        build(
            Policy::builder()
                .allow_origin("http://localhost:*")
                .allow_methods(["GET", "PUT"])
                .allow_credentials(true),
        )
    };
    assert_all_refused(
        any_port(),
        &[
            b"https://localhost:3000",
            b"http://localhost.evil.com:3000",
            b"http://localhost:99999",
            b"http://localhost:03000",
            b"http://localhost:80",
            b"http://evil.com:3000",
        ],
    )
    .await;
    assert_all_allowed(any_port(), &["http://localhost", "http://localhost:1", "http://localhost:65535"])
        .await;
}

/// Browsers serialize origins in lower case, so an upper- or mixed-case origin never comes from
/// one; it is refused, even by a case-insensitive regex.
#[actix_web::test]
async fn upper_and_mixed_case_origins_are_refused() {
    let spellings: &[&[u8]] =
        &[b"HTTPS://APP.EXAMPLE", b"https://App.Example", b"https://APP.example", b"Https://app.example"];
    assert_all_refused(exact_policy(), spellings).await;
    assert_all_refused(
        wildcard_policy(),
        &[b"https://A.app.example", b"https://a.APP.example", b"HTTPS://a.app.example"],
    )
    .await;
    let regex = build(
        Policy::builder()
            .allow_origin_regex(r"(?i)^https://app\.example$")
            .allow_methods(["GET", "PUT"])
            .allow_credentials(true),
    );
    assert_all_refused(regex, spellings).await;
}

/// Hosts arrive in punycode (`xn--`); raw UTF-8 or Latin-1 bytes, and look-alike letters, are
/// other strings and refused.
#[actix_web::test]
async fn punycode_and_non_ascii_hosts() {
    let policy = || {
        build(
            Policy::builder()
                .allow_origins(["https://xn--bcher-kva.example", "https://app.example"])
                .allow_methods(["GET", "PUT"])
                .allow_credentials(true),
        )
    };
    assert_all_refused(
        policy(),
        &[
            "https://bücher.example".as_bytes(),
            b"https://b\xfccher.example",
            "https://\u{430}pp.example".as_bytes(), // Cyrillic a
            b"https://xn--pp-8cd.example",
            "https://app.example\u{2024}evil.com".as_bytes(), // one-dot leader
            b"https://app.example\xff",
        ],
    )
    .await;
    assert_all_allowed(policy(), &["https://xn--bcher-kva.example"]).await;
    assert_all_refused(wildcard_policy(), &["https://bücher.app.example".as_bytes()]).await;
}

/// Whitespace around or inside the value (what a proxy might leave) is refused; over real HTTP
/// the parser strips optional whitespace around field values first (see the wire test).
#[actix_web::test]
async fn whitespace_padded_origins_are_refused() {
    assert_all_refused(
        exact_policy(),
        &[
            b" https://app.example",
            b"https://app.example ",
            b"\thttps://app.example",
            b"https://app.example\t",
            b"https:// app.example",
            b"https://app .example",
        ],
    )
    .await;
}

/// Two `Origin` headers (a confused proxy, a smuggling attempt) are refused even when both are
/// allowed; so is a comma-joined pair in one header.
#[actix_web::test]
async fn repeated_origin_headers_are_refused() {
    let (app, calls) = serve(exact_policy()).await;
    let pairs: [(&str, &str); 3] = [
        ("https://app.example", "https://app.example"),
        ("https://app.example", "https://evil.example"),
        ("https://evil.example", "https://app.example"),
    ];
    for (first, second) in pairs {
        let request = TestRequest::get()
            .uri("/items")
            .append_header((header::ORIGIN, first))
            .append_header((header::ORIGIN, second));
        assert_eq!(send(&app, &calls, request).await, Seen::refused_actual(), "{first} + {second}");
        let request = TestRequest::default()
            .method(Method::OPTIONS)
            .uri("/items")
            .append_header((header::ORIGIN, first))
            .append_header((header::ORIGIN, second))
            .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "PUT"));
        assert_eq!(send(&app, &calls, request).await, Seen::refused_preflight(), "{first} + {second}");
    }
    let joined = send(&app, &calls, actual(b"https://app.example,https://app.example")).await;
    assert_eq!(joined, Seen::refused_actual());
}

/// A 64 KiB `Origin` (and one just past the 512-byte limit) is refused without being reflected
/// and without reaching a regex or predicate.
#[actix_web::test]
async fn huge_origin_is_refused() {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let policy = || {
        let counter = Arc::clone(&counter);
        build(
            Policy::builder()
                .allow_origins(["https://app.example", "https://*.app.example"])
                .allow_origin_regex(r"^https://a+\.example$")
                .allow_origin_fn(move |_, _| {
                    counter.fetch_add(1, Ordering::SeqCst);
                    false
                })
                .allow_methods(["GET", "PUT"])
                .allow_credentials(true),
        )
    };
    let huge_label = format!("https://{}.example", "a".repeat(64 * 1024));
    let huge_dotted = format!("https://{}app.example", "a.".repeat(32 * 1024));
    let huge_suffix = format!("https://app.example{}", "a".repeat(64 * 1024));
    let just_over = format!("https://{}app.example", "a.".repeat(250));
    assert!(just_over.len() > 512);
    assert_all_refused(
        policy(),
        &[huge_label.as_bytes(), huge_dotted.as_bytes(), huge_suffix.as_bytes(), just_over.as_bytes()],
    )
    .await;
    assert_eq!(asked.load(Ordering::SeqCst), 0, "the predicate saw an over-long origin");
}

// ---------------------------------------------------------------------------------------------
// Caches, handlers, preflight contents.
// ---------------------------------------------------------------------------------------------

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
    let missing = TestRequest::get().uri("/missing").insert_header((header::ORIGIN, "https://evil.example"));
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
    let hostile =
        |origin: &[u8]| TestRequest::get().uri("/hostile").insert_header((header::ORIGIN, value(origin)));
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

    // `*` never covers `Authorization` (Fetch), even where other names are mirrored.
    let any_header = build(Policy::builder().allow_origin("https://app.example").allow_any_header());
    let (app, calls) = serve(any_header).await;
    let request = preflight(b"https://app.example", "GET")
        .insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, "x-a, Authorization"));
    let seen = send(&app, &calls, request).await;
    assert_eq!((seen.status, seen.cors.len(), seen.handler_ran), (403, 0, false));
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
        TestRequest::post()
            .uri("/items")
            .insert_header((header::ORIGIN, "https://evil.example"))
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

// ---------------------------------------------------------------------------------------------
// Composition with `#[cors]` routes.
// ---------------------------------------------------------------------------------------------

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
    let calls = Calls::default();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(Cors::new(policy))
            .service(web::resource("/items/admin").route(web::get().to(counted)))
            .service(partner_item),
    )
    .await;
    let get = |origin: &str| {
        TestRequest::get().uri("/items/admin").insert_header((header::ORIGIN, origin.to_owned()))
    };
    let seen = send(&app, &calls, get("https://partner.example")).await;
    assert_eq!(seen, Seen::refused_actual(), "the plain route got the #[cors] route's policy");
    let preflight = TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/items/admin")
        .insert_header((header::ORIGIN, "https://partner.example"))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "GET"));
    assert_eq!(send(&app, &calls, preflight).await, Seen::refused_preflight());
    let seen = send(&app, &calls, get("https://app.example")).await;
    assert_eq!(seen, allowed_actual("https://app.example"));
}

/// The control for the test above: without the shadowing plain route, the `#[cors]` route's
/// own policy applies to it and nothing else.
#[actix_web::test]
async fn route_policy_applies_to_its_route_only() {
    let policy = build(Policy::builder().allow_origin("https://app.example").allow_credentials(true));
    let calls = Calls::default();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(Cors::new(policy))
            .service(partner_item)
            .service(web::resource("/other/admin").route(web::get().to(counted))),
    )
    .await;
    let get = |uri: &str, origin: &str| {
        TestRequest::get().uri(uri).insert_header((header::ORIGIN, origin.to_owned()))
    };
    let seen = send(&app, &calls, get("/items/7", "https://partner.example")).await;
    assert_eq!(seen.cors["access-control-allow-origin"], "https://partner.example");
    let seen = send(&app, &calls, get("/other/admin", "https://partner.example")).await;
    assert_eq!(seen, Seen::refused_actual());
}

// ---------------------------------------------------------------------------------------------
// On the wire: what actix's HTTP/1 parser does with hostile Origin headers before the policy.
// ---------------------------------------------------------------------------------------------

fn request_with(origin_lines: &[u8]) -> Vec<u8> {
    let mut request = b"GET /items HTTP/1.1\r\nHost: api.example\r\n".to_vec();
    request.extend_from_slice(origin_lines);
    request.extend_from_slice(b"Connection: close\r\n\r\n");
    request
}

/// Through a real server on 127.0.0.1: optional whitespace around the value is stripped by the
/// HTTP parser (so the padded allowed origin is that origin, correctly), repeated and
/// comma-joined origins are refused, obsolete line folding is a `400`, and a 64 KiB `Origin`
/// (which actix's parser accepts) is refused without an `Access-Control-Allow-Origin`.
#[test]
fn wire_level_hostile_origin_headers() {
    let start = || {
        let server = HttpServer::new(|| {
            App::new()
                .app_data(web::Data::new(Calls::default()))
                .wrap(Cors::new(exact_policy()))
                .service(web::resource("/items").to(counted))
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .expect("bind 127.0.0.1");
        (server.addrs(), server.disable_signals().shutdown_timeout(1).run())
    };
    serve_while(start, |addresses| {
        let address = addresses[0];
        let huge = [b"Origin: https://".as_slice(), &[b'a'; 64 * 1024], b".app.example\r\n"].concat();
        let cases: Vec<(Vec<u8>, &str, Option<&str>)> = vec![
            (b"Origin: https://app.example\r\n".to_vec(), "http/1.1 200", Some("https://app.example")),
            (b"Origin:   https://app.example  \r\n".to_vec(), "http/1.1 200", Some("https://app.example")),
            (b"Origin:\thttps://app.example\t\r\n".to_vec(), "http/1.1 200", Some("https://app.example")),
            (b"Origin: https://evil.example\r\n".to_vec(), "http/1.1 200", None),
            (
                b"Origin: https://app.example\r\nOrigin: https://app.example\r\n".to_vec(),
                "http/1.1 200",
                None,
            ),
            (
                b"Origin: https://evil.example\r\nOrigin: https://app.example\r\n".to_vec(),
                "http/1.1 200",
                None,
            ),
            (b"Origin: https://app.example, https://evil.example\r\n".to_vec(), "http/1.1 200", None),
            (b"Origin: https://app.example\r\n .evil.example\r\n".to_vec(), "http/1.1 400", None),
            (b"Origin: https://app.example\xff\r\n".to_vec(), "http/1.1 200", None),
            (huge, "http/1.1 200", None),
        ];
        for (lines, status, allow_origin) in cases {
            let shown = String::from_utf8_lossy(&lines[..lines.len().min(80)]).into_owned();
            let head = raw_request(address, &request_with(&lines));
            assert!(head.starts_with(status), "{shown:?}: {head}");
            let expected = allow_origin.map(|origin| format!("access-control-allow-origin: {origin}\r\n"));
            match expected {
                Some(line) => assert!(head.contains(&line), "{shown:?}: {head}"),
                None => assert!(!head.contains("access-control-"), "{shown:?}: {head}"),
            }
        }
    });
}
