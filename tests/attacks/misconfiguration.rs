//! Misconfiguration: what must be impossible to configure.

use cors_actix_grammar::RegexAnchorError;

use super::*;

/// Reflecting any origin with credentials hands every site the user's session. `*` with
/// credentials is a builder `Err` (and a compile error of `#[cors]`: the UI test
/// `tests/ui/fail/any-origin-with-credentials.rs`, whose expected error is checked here too).
#[test]
fn any_origin_with_credentials_cannot_be_configured() {
    assert_eq!(
        problems(Policy::builder().allow_any_origin().allow_credentials(true)),
        [(Some("*".to_owned()), ProblemKind::AnyOriginWithCredentials)]
    );
    assert_eq!(
        problems(Policy::builder().allow_origin("*").allow_credentials(true)),
        [(Some("*".to_owned()), ProblemKind::AnyOriginWithCredentials)]
    );
    // Nor sneaked in next to a real origin.
    assert_eq!(
        problems(Policy::builder().allow_origins(["https://app.example", "*"]).allow_credentials(true)),
        [
            (Some("*".to_owned()), ProblemKind::AnyOriginMixed),
            (Some("*".to_owned()), ProblemKind::AnyOriginWithCredentials)
        ]
    );
    let ui_source = include_str!("../ui/fail/any-origin-with-credentials.rs");
    let ui_expected = include_str!("../ui/fail/any-origin-with-credentials.stderr");
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
            [(Some(regex.to_owned()), ProblemKind::AnyOriginRegexWithCredentials)],
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
        [(Some(regex.to_owned()), ProblemKind::AnyOriginRegexWithCredentials)]
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
            [(Some(regex.to_owned()), ProblemKind::RegexNotAnchored(error))],
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

/// `build()` promises never to panic, and a regex may come from a config file read at start:
/// one ending inside a multi-byte character is an error like any other unanchored regex.
#[test]
fn non_ascii_regex_is_an_error_not_a_panic() {
    let result = std::panic::catch_unwind(|| {
        Policy::builder().allow_origin("https://app.example").allow_origin_regex("^é").build()
    });
    let error = result.expect("build() must not panic").expect_err("`^é` is not anchored at the end");
    let [problem] = error.problems() else { panic!("one problem: {error}") };
    assert_eq!(problem.value(), Some("^é"));
    assert_eq!(problem.kind(), &ProblemKind::RegexNotAnchored(RegexAnchorError::End));
}
