//! Building policies: every problem reported, every header value rendered once and in order.

use cors_actix_grammar::{
    HeaderNameError, MethodError, OriginError, OriginSpecError, PatternError, RegexAnchorError,
};

use super::*;
use crate::problem::{Key, ProblemKind};

/// Each problem's value and kind.
fn problems(builder: PolicyBuilder) -> Vec<(Option<String>, ProblemKind)> {
    let error = builder.build().expect_err("policy should be refused");
    error
        .problems()
        .iter()
        .map(|problem| (problem.value().map(str::to_owned), problem.kind().clone()))
        .collect()
}

/// Each problem's kind.
fn kinds(builder: PolicyBuilder) -> Vec<ProblemKind> {
    problems(builder).into_iter().map(|(_, kind)| kind).collect()
}

fn at(value: &str, kind: ProblemKind) -> (Option<String>, ProblemKind) {
    (Some(value.to_owned()), kind)
}

#[test]
fn header_values_are_rendered_in_configured_order_without_duplicates() {
    let policy = Policy::builder()
        .allow_origin("https://app.example")
        .allow_methods(["PUT", "GET", "PUT", "DELETE"])
        .allow_headers(["X-Api-Key", "content-type", "x-api-key"])
        .expose_headers(["X-Request-Id", "etag"])
        .max_age(600)
        .build()
        .unwrap();
    assert_eq!(policy.methods.header(), "PUT, GET, DELETE");
    assert_eq!(policy.allow_headers.header().unwrap(), "x-api-key, content-type");
    assert_eq!(policy.expose_headers.header().unwrap(), "x-request-id, etag");
    assert_eq!(policy.max_age.as_ref().unwrap().header(), "600");
    assert_eq!(policy.max_age(), Some(600));
    assert_eq!(policy.vary.actual().unwrap(), "Origin");
    assert_eq!(
        policy.vary.preflight(),
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
    );
}

#[test]
fn default_methods_are_the_safelisted_ones() {
    let policy = Policy::builder().allow_origin("https://app.example").build().unwrap();
    assert_eq!(policy.methods.header(), "GET, HEAD, POST");
}

#[test]
fn any_origin_does_not_vary_on_origin() {
    let policy = Policy::builder().allow_any_origin().allow_private_network(true).build().unwrap();
    assert!(policy.vary.actual().is_none());
    assert_eq!(
        policy.vary.preflight(),
        "Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"
    );
}

#[test]
fn malformed_origins_are_reported_with_a_suggestion() {
    let found = problems(Policy::builder().allow_origins([
        "https://app.example/",
        "https://App.Example",
        "app.example",
        "https://*example.com",
    ]));
    assert_eq!(
        found,
        [
            at(
                "https://app.example/",
                ProblemKind::Origin(OriginSpecError::Origin {
                    error: OriginError::TrailingSlash,
                    suggestion: Some("https://app.example".into())
                })
            ),
            at(
                "https://App.Example",
                ProblemKind::Origin(OriginSpecError::Origin {
                    error: OriginError::UppercaseHost,
                    suggestion: Some("https://app.example".into())
                })
            ),
            at(
                "app.example",
                ProblemKind::Origin(OriginSpecError::Origin {
                    error: OriginError::MissingScheme,
                    suggestion: Some("https://app.example".into())
                })
            ),
            at(
                "https://*example.com",
                ProblemKind::Origin(OriginSpecError::Pattern(PatternError::PartialLabelWildcard))
            ),
        ]
    );
}

#[test]
fn wildcard_origin_with_credentials_is_refused() {
    assert_eq!(
        problems(Policy::builder().allow_any_origin().allow_credentials(true)),
        [at("*", ProblemKind::AnyOriginWithCredentials)]
    );
}

#[test]
fn wildcard_origin_mixed_with_others_is_refused() {
    assert_eq!(
        problems(Policy::builder().allow_origins(["*", "https://app.example"])),
        [at("*", ProblemKind::AnyOriginMixed)]
    );
}

/// Any site can make a browser send `Origin: null` (a sandboxed iframe, a `file:` page), so
/// cross-origin request protection cannot trust it; `null` alone, unprotected, still builds.
#[test]
fn null_origin_with_cross_origin_protection_is_refused() {
    let listed = || Policy::builder().allow_origins(["https://app.example", "null"]);
    let error = listed().cross_origin_protection(true).build().unwrap_err();
    let [problem] = error.problems() else { panic!("one problem: {error}") };
    assert_eq!((problem.key(), problem.index()), (Key::Origins, Some(1)), "at the `null`");
    assert_eq!(problem.kind(), &ProblemKind::ProtectionWithNullOrigin);
    let message = error.to_string();
    assert!(
        message.contains("origin `null`: cross-origin request protection cannot trust `null`"),
        "{message}"
    );
    assert!(message.contains("sandboxed iframes"), "why: {message}");
    assert!(message.contains("remove `null`"), "what to do: {message}");
    assert!(listed().build().is_ok(), "without the protection");
    assert!(
        Policy::builder().allow_origin("https://app.example").cross_origin_protection(true).build().is_ok(),
        "protection without `null`"
    );
}

/// An asynchronous origin check is an origin source like a predicate: enough on its own, and
/// a second source beside `*`.
#[test]
fn an_async_origin_check_counts_as_an_origin_source() {
    let check = |_: &HeaderValue, _: &actix_web::dev::RequestHead| async { true };
    assert!(Policy::builder().allow_origin_async(check).build().is_ok());
    assert_eq!(
        kinds(Policy::builder().allow_any_origin().allow_origin_async(check)),
        [ProblemKind::AnyOriginMixed]
    );
}

#[test]
fn an_empty_origin_list_is_refused() {
    let error = Policy::builder().build().unwrap_err();
    let [problem] = error.problems() else { panic!("one problem: {error}") };
    assert_eq!((problem.key(), problem.index(), problem.value()), (Key::Origins, None, None));
    assert_eq!(problem.kind(), &ProblemKind::NoOrigin);
}

/// A repeat in an allow-list is a typo or a merge mistake more often than not: refused, as
/// the macros refuse it, rather than quietly dropped.
#[test]
fn an_origin_listed_twice_is_refused() {
    assert_eq!(
        problems(Policy::builder().allow_origins([
            "https://a.example",
            "https://b.example",
            "https://a.example"
        ])),
        [at("https://a.example", ProblemKind::OriginRepeated)]
    );
    let error = Policy::builder().allow_origins(["*", "*"]).build().unwrap_err();
    assert_eq!(error.problems()[0].kind(), &ProblemKind::OriginRepeated, "a repeat, not a mix");
    assert_eq!(error.problems().len(), 1);
    assert!(error.to_string().contains("origin `*` is listed more than once"), "{error}");
}

/// Giving methods replaces the defaults; giving none of them is a mistake, not a request for
/// the defaults (which are had by not giving any).
#[test]
fn an_empty_method_list_is_refused_and_no_list_means_the_defaults() {
    let base = || Policy::builder().allow_origin("https://app.example");
    assert_eq!(problems(base().allow_methods(Vec::<&str>::new())), [(None, ProblemKind::NoMethodListed)]);
    assert_eq!(base().build().unwrap().methods.header(), "GET, HEAD, POST");
    assert_eq!(
        base().allow_methods(Vec::<&str>::new()).allow_method("PUT").build().unwrap().methods.header(),
        "PUT"
    );
}

#[test]
fn regexes_must_compile_and_be_anchored() {
    let found = problems(
        Policy::builder().allow_origin_regex(r"https://app\.example").allow_origin_regex(r"^https://(app$"),
    );
    assert_eq!(found.len(), 2);
    assert_eq!(found[0], at(r"https://app\.example", ProblemKind::RegexNotAnchored(RegexAnchorError::Start)));
    assert!(matches!(&found[1], (Some(input), ProblemKind::RegexSyntax(_)) if input == r"^https://(app$"));
}

#[test]
fn a_regex_matching_any_origin_is_refused_with_credentials() {
    let found = problems(Policy::builder().allow_origin_regex("^https://.*$").allow_credentials(true));
    assert_eq!(found, [at("^https://.*$", ProblemKind::AnyOriginRegexWithCredentials)]);
    assert!(Policy::builder().allow_origin_regex("^https://.*$").build().is_ok());
}

#[test]
fn methods_and_headers_are_checked() {
    let found = problems(
        Policy::builder()
            .allow_origin("https://app.example")
            .allow_methods(["patch", "CONNECT", "GE T"])
            .allow_headers(["cookie", "x bad"])
            .expose_headers(["set-cookie"]),
    );
    assert_eq!(
        found,
        [
            at("patch", ProblemKind::Method(MethodError::NotUppercase("PATCH"))),
            at("CONNECT", ProblemKind::Method(MethodError::Forbidden)),
            at("GE T", ProblemKind::Method(MethodError::NotToken)),
            at("cookie", ProblemKind::AllowedHeader(HeaderNameError::ForbiddenRequestHeader)),
            at("x bad", ProblemKind::AllowedHeader(HeaderNameError::NotToken)),
            at("set-cookie", ProblemKind::ExposedHeader(HeaderNameError::ForbiddenResponseHeader)),
        ]
    );
}

/// With credentials a browser reads `*` as a header's name. Exposing every header cannot be
/// said otherwise, so it is refused; allowing every request header is answered by mirroring
/// the preflight's list, which browsers accept, so it builds.
#[test]
fn exposing_any_header_with_credentials_is_refused_allowing_any_is_not() {
    let found = problems(
        Policy::builder()
            .allow_origin("https://app.example")
            .allow_credentials(true)
            .allow_any_header()
            .expose_any_header(),
    );
    assert_eq!(found, [at("*", ProblemKind::AnyExposedHeaderWithCredentials)]);
}

#[test]
fn max_age_is_capped_at_one_day() {
    let found = problems(Policy::builder().allow_origin("https://app.example").max_age(86_401));
    assert_eq!(found, [(None, ProblemKind::MaxAgeTooLong { seconds: 86_401 })]);
    assert!(Policy::builder().allow_origin("https://app.example").max_age(86_400).build().is_ok());
}

#[test]
fn every_problem_is_listed_in_the_message() {
    let error = Policy::builder()
        .allow_origins(["*", "https://a.example/"])
        .allow_credentials(true)
        .build()
        .unwrap_err();
    let message = error.to_string();
    assert!(message.starts_with("invalid CORS policy (3 problems)"), "{message}");
    assert!(message.contains("origin `https://a.example/`: an origin has no trailing slash"), "{message}");
    assert!(
        message.contains("`Access-Control-Allow-Credentials: true` with `Access-Control-Allow-Origin: *`"),
        "{message}"
    );
}

// `AllowHeaders::check` reads `Access-Control-Request-Headers` in one pass; it must refuse and
// accept exactly what the grammar's list and token rules say, in the same order.
#[test]
fn request_headers_check_agrees_with_the_grammar() {
    use cors_actix_grammar::{is_token, list_elements};

    fn reference<'r>(allow: &AllowHeaders, requested: &'r [u8]) -> Result<(), HeadersRefusal<'r>> {
        for name in list_elements(requested) {
            if !is_token(name) {
                return Err(HeadersRefusal::Malformed);
            }
            let listed = allow.names().iter().any(|allowed| allowed.as_bytes().eq_ignore_ascii_case(name));
            if !listed && !allow.is_any() {
                return Err(HeadersRefusal::NotAllowed(name));
            }
        }
        Ok(())
    }

    let policies = [
        AllowHeaders::new(&["content-type".into(), "X-Api-Key".into()]),
        AllowHeaders::new(&["*".into()]),
        AllowHeaders::new(&[]),
    ];
    let mut inputs: Vec<Vec<u8>> = [
        &b""[..],
        b",",
        b" , ,\t",
        b"content-type",
        b"Content-Type,x-api-key",
        b" content-type ,\tX-API-KEY\t, ,",
        b"content-type,authorization",
        b"authorization",
        b"x-other",
        b"content type",
        b"content-type;x",
        b"content-type,,x-api-key",
        b"\tcontent-type",
        b"content-type\t\t",
        b"x-api-key, content-type, x-other, x y",
        "cont\u{e9}nt-type".as_bytes(),
    ]
    .iter()
    .map(|input| input.to_vec())
    .collect();
    // Every byte, alone and inside a name.
    for byte in 0..=u8::MAX {
        inputs.push(vec![byte]);
        inputs.push([&b"x-"[..], &[byte], b"y, content-type"].concat());
    }
    for allow in &policies {
        for input in &inputs {
            assert_eq!(allow.check(input), reference(allow, input), "{:?}", input.escape_ascii().to_string());
        }
    }
}
