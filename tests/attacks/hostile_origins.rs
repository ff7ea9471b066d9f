//! Hostile origins: near misses of allowed ones, tricks on the wire format, and `null`.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use super::*;

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
        [(_, ProblemKind::Origin(_))]
    ));
    // `*` only as a whole leftmost label.
    for pattern in
        ["https://*app.example", "https://a*.app.example", "https://app.*.example", "https://*.*.example"]
    {
        assert!(
            matches!(problems(Policy::builder().allow_origin(pattern))[..], [(_, ProblemKind::Origin(_))]),
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
    assert!(matches!(
        problems(Policy::builder().allow_origin("http://*.0.1"))[..],
        [(_, ProblemKind::Origin(_))]
    ));
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
        let request = cross_origin(Method::GET, "/items", first).append_header((header::ORIGIN, second));
        assert_eq!(send(&app, &calls, request).await, Seen::refused_actual(), "{first} + {second}");
        let request = cors_test::preflight("/items", first, "PUT").append_header((header::ORIGIN, second));
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
