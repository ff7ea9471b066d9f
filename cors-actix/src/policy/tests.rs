//! Building policies: every problem reported, every header value rendered once and in order.

use cors_actix_grammar::{
    HeaderNameError, MethodError, OriginError, OriginSpecError, PatternError, RegexAnchorError,
};

use super::*;
use crate::problem::{Key, ProblemKind, WarningKind};

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

/// Each warning's place, value and kind, of a policy that builds.
fn warnings(builder: PolicyBuilder) -> Vec<(Key, Option<usize>, Option<String>, WarningKind)> {
    let policy = builder.build().expect("policy should build");
    policy
        .warnings()
        .iter()
        .map(|warning| {
            (warning.key(), warning.index(), warning.value().map(str::to_owned), warning.kind().clone())
        })
        .collect()
}

fn warned(
    key: Key,
    index: usize,
    value: &str,
    kind: WarningKind,
) -> (Key, Option<usize>, Option<String>, WarningKind) {
    (key, Some(index), Some(value.to_owned()), kind)
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
fn no_origin_without_saying_so_is_refused() {
    for builder in [Policy::builder(), Policy::builder().allow_origins(Vec::<String>::new())] {
        let error = builder.build().unwrap_err();
        let [problem] = error.problems() else { panic!("one problem: {error}") };
        assert_eq!((problem.key(), problem.index(), problem.value()), (Key::Origins, None, None));
        assert_eq!(problem.kind(), &ProblemKind::NoOrigin);
    }
}

/// The opt-out: no origin, said on purpose. It builds without warnings, answers every
/// preflight with a refusal and gives no actual response a CORS header.
#[test]
fn no_origin_on_purpose_builds_and_allows_nothing() {
    let policy = Policy::builder().allow_no_origins().build().expect("no origins, on purpose");
    assert!(policy.warnings().is_empty(), "{:?}", policy.warnings());
    let preflight = actix_web::test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .insert_header(("origin", "https://app.example"))
        .insert_header(("access-control-request-method", "GET"))
        .to_srv_request();
    assert_eq!(policy.explain(preflight.head()).verdict, crate::Verdict::Forbidden);
    let actual =
        actix_web::test::TestRequest::get().insert_header(("origin", "https://app.example")).to_srv_request();
    assert_eq!(policy.explain(actual.head()).verdict, crate::Verdict::Unreadable);
    // Saying both is a contradiction, whatever allows the origins.
    for contradiction in [
        Policy::builder().allow_no_origins().allow_any_origin(),
        Policy::builder().allow_no_origins().allow_origin("https://app.example"),
        Policy::builder().allow_no_origins().allow_origin_fn(|_, _| true),
    ] {
        assert_eq!(kinds(contradiction), [ProblemKind::NoOriginsWithOrigins]);
    }
}

/// A repeat in a list (an environment variable that names an origin twice, say) has no
/// effect: the policy builds, keeps the first, and warns, as the macros do.
#[test]
fn a_value_listed_twice_is_a_warning_and_kept_once() {
    let policy = Policy::builder()
        .allow_origins(["https://a.example", "https://b.example", "https://a.example"])
        .allow_origin_regex(r"^https://[a-z]+\.c\.example$")
        .allow_origin_regex(r"^https://[a-z]+\.c\.example$")
        .allow_methods(["PUT", "DELETE", "PUT"])
        .allow_headers(["X-Api-Key", "x-api-key"])
        .expose_headers(["etag", "ETag"])
        .public_origins(["https://api.example", "https://api.example"])
        .build()
        .expect("repeats build");
    let found: Vec<_> = policy
        .warnings()
        .iter()
        .map(|warning| (warning.key(), warning.index(), warning.value(), warning.kind()))
        .collect();
    let repeat = &WarningKind::Repeated;
    assert_eq!(
        found,
        [
            (Key::Origins, Some(2), Some("https://a.example"), repeat),
            (Key::OriginRegex, Some(1), Some(r"^https://[a-z]+\.c\.example$"), repeat),
            (Key::Methods, Some(2), Some("PUT"), repeat),
            (Key::Headers, Some(1), Some("x-api-key"), repeat),
            (Key::Expose, Some(1), Some("ETag"), repeat),
            (Key::PublicOrigins, Some(1), Some("https://api.example"), repeat),
        ]
    );
    assert_eq!(
        policy.warnings()[0].to_string(),
        "origin `https://a.example` is listed more than once, which has no effect (the first is kept); remove the repeat, usually a typo or a merge mistake"
    );
    assert!(policy.warnings()[3]
        .to_string()
        .starts_with("allowed header `x-api-key` (header names ignore case) is listed more than once"));
    // The first is kept, once.
    assert_eq!(policy.methods.header(), "PUT, DELETE");
    assert_eq!(policy.allow_headers.header().unwrap(), "x-api-key");
    assert_eq!(policy.expose_headers.header().unwrap(), "etag");
    assert_eq!(policy.origins.regex_count(), 1);
    assert_eq!(policy.public_origins.len(), 1);

    let star = warnings(Policy::builder().allow_origins(["*", "*"]));
    assert_eq!(star, [warned(Key::Origins, 1, "*", WarningKind::Repeated)], "a repeat, not a mix");
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

/// A method or header name that can never match is a problem; one browsers never send or
/// expose only has no effect, a warning.
#[test]
fn methods_and_headers_are_checked() {
    let found = problems(
        Policy::builder()
            .allow_origin("https://app.example")
            .allow_methods(["patch", "CONNECT", "GE T"])
            .allow_headers(["cookie", "x bad"])
            .expose_headers(["set-cookie", "a:b"]),
    );
    assert_eq!(
        found,
        [
            at("patch", ProblemKind::Method(MethodError::NotUppercase("PATCH"))),
            at("GE T", ProblemKind::Method(MethodError::NotToken)),
            at("x bad", ProblemKind::AllowedHeader(HeaderNameError::NotToken)),
            at("a:b", ProblemKind::ExposedHeader(HeaderNameError::NotToken)),
        ]
    );
}

/// `cookie`, `host` or `set-cookie` listed do nothing (a browser never lets a page send or
/// read them), so the policy builds and says so.
#[test]
fn names_browsers_never_send_or_expose_are_warnings() {
    let builder = || {
        Policy::builder()
            .allow_origin("https://app.example")
            .allow_methods(["GET", "TRACE"])
            .allow_headers(["content-type", "cookie", "Host"])
            .expose_headers(["x-request-id", "set-cookie"])
    };
    assert_eq!(
        warnings(builder()),
        [
            warned(Key::Methods, 1, "TRACE", WarningKind::ForbiddenMethod),
            warned(Key::Headers, 1, "cookie", WarningKind::ForbiddenRequestHeader),
            warned(Key::Headers, 2, "Host", WarningKind::ForbiddenRequestHeader),
            warned(Key::Expose, 1, "set-cookie", WarningKind::ForbiddenResponseHeader),
        ]
    );
    let lines: Vec<String> = builder().build().unwrap().warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "method `TRACE`: browsers never send CONNECT, TRACE or TRACK (Fetch \"forbidden method\"), so listing it does nothing; remove it",
            "allowed header `cookie`: browsers never let a page send this header (Fetch \"forbidden request-header\"), so listing it does nothing; remove it",
            "allowed header `Host`: browsers never let a page send this header (Fetch \"forbidden request-header\"), so listing it does nothing; remove it",
            "exposed header `set-cookie`: browsers never expose `Set-Cookie` to a page (Fetch \"forbidden response-header name\"), so listing it does nothing; remove it",
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

/// Any max-age builds. Browsers cut a long one (Firefox at a day, Chromium at two hours), so
/// one over a day is sent as a day, with a warning that gives the caps.
#[test]
fn max_age_over_a_day_is_sent_as_a_day_with_a_warning() {
    let base = || Policy::builder().allow_origin("https://app.example");
    for seconds in [0, 7_200, 86_400] {
        let policy = base().max_age(seconds).build().unwrap();
        assert!(policy.warnings().is_empty(), "{seconds}");
        assert_eq!(policy.max_age(), Some(u32::try_from(seconds).unwrap()));
    }
    for seconds in [86_401, 604_800, u64::MAX] {
        let policy = base().max_age(seconds).build().unwrap();
        assert_eq!(policy.max_age(), Some(86_400), "{seconds}");
        assert_eq!(policy.max_age.as_ref().unwrap().header(), "86400");
        let [warning] = policy.warnings() else { panic!("one warning: {:?}", policy.warnings()) };
        assert_eq!((warning.key(), warning.index(), warning.value()), (Key::MaxAge, None, None));
        assert_eq!(warning.kind(), &WarningKind::MaxAgeCapped { seconds });
    }
    let policy = base().max_age(604_800).build().unwrap();
    assert_eq!(
        policy.warnings()[0].to_string(),
        "max-age 604800: browsers cut a max-age this long (Firefox caches a preflight answer for at most 86400 seconds, one day; Chromium for at most 7200, two hours), so 86400 is sent instead; write 86400 or less"
    );
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

/// A configuration file that used to stop the server (an origin listed twice, `cookie` and
/// `set-cookie` listed, a week of max-age) now builds, with a warning under each key; what can
/// never be a max-age is still refused, by the file's reader.
#[cfg(feature = "serde")]
#[test]
fn a_config_file_with_settings_that_have_no_effect_builds_and_warns_under_their_keys() {
    use crate::PolicyConfig;

    let config: PolicyConfig = serde_json::from_str(
        r#"{"origins": ["https://app.example", "https://admin.example", "https://app.example"],
            "headers": ["content-type", "cookie"], "expose": ["x-request-id", "set-cookie"],
            "credentials": true, "max_age": 604800}"#,
    )
    .expect("valid JSON for PolicyConfig");
    let policy = config.build().expect("only warnings");
    let found: Vec<(String, &WarningKind)> = policy
        .warnings()
        .iter()
        .map(|warning| {
            let place = match warning.index() {
                Some(index) => format!("{}[{index}]", warning.key()),
                None => warning.key().to_string(),
            };
            (place, warning.kind())
        })
        .collect();
    assert_eq!(
        found,
        [
            ("origins[2]".to_owned(), &WarningKind::Repeated),
            ("headers[1]".to_owned(), &WarningKind::ForbiddenRequestHeader),
            ("expose[1]".to_owned(), &WarningKind::ForbiddenResponseHeader),
            ("max_age".to_owned(), &WarningKind::MaxAgeCapped { seconds: 604_800 }),
        ]
    );
    assert_eq!(policy.max_age(), Some(86_400));
    assert!(policy.allows_credentials());

    for max_age in ["-1", "1.5", "\"600\""] {
        let read = serde_json::from_str::<PolicyConfig>(&format!(
            r#"{{"origins": "https://app.example", "max_age": {max_age}}}"#
        ));
        assert!(read.is_err(), "max_age {max_age}: {read:?}");
    }
}
