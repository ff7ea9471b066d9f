//! Every rule a policy's configuration must follow, written once for the `#[cors]` and
//! `policy!` macros (at compile time), the runtime `PolicyBuilder` and configuration files.
//!
//! A caller hands over the configuration as written, in a [`PolicyInput`] whose values are of
//! its own type `V` (a `String` in the builder, a literal with its tokens in the macros), and
//! [`check_policy`] reports every problem through a callback with its [`Place`] and the value
//! at fault, [`warn_policy`] every warning. Callers only turn those into their own errors and
//! warnings, so they cannot disagree on a verdict.
//!
//! The line between the two: what can never work (a value that can never match what a
//! browser sends, no origin at all) or trusts more than the policy says (`*` with
//! credentials, protection that trusts `null`) is a problem; what only has no effect (a
//! repeat, a header browsers never send, a max-age browsers cut) is a warning.

use crate::{
    check_exposed_header_name, check_method, check_regex_anchored, check_request_header_name,
    pattern::HostPattern, regex_allows_unrelated_sites, HeaderNameError, Key, MethodError, OriginSpec, Place,
    ProblemKind, WarningKind, MAX_AGE_LIMIT,
};

/// A policy's configuration as written: what [`check_policy`] reads. Each listed value is a
/// `V` that reads as a string; its [`Place`] is its key and its position in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyInput<V> {
    /// Origins (`origins`): `*`, `null`, exact origins and patterns, in the order written.
    pub origins: Vec<V>,
    /// Whether the origins were written as an empty list (`origins = []`): the policy allows
    /// no origin on purpose, to opt a route out of a broader policy or to protect a
    /// same-origin app. Without it, a policy that allows no origin is a mistake.
    pub no_origins: bool,
    /// Origin regexes (`origin_regex`).
    pub origin_regexes: Vec<V>,
    /// Whether some origin predicate (decided at request time) is configured.
    pub has_origin_predicate: bool,
    /// The methods (`methods`), when a list was given; `None` when the default applies.
    pub methods: Option<Vec<V>>,
    /// Allowed request headers (`headers`), `*` included.
    pub allow_headers: Vec<V>,
    /// Exposed response headers (`expose`), `*` included.
    pub expose_headers: Vec<V>,
    /// Whether credentials are allowed (`credentials`).
    pub credentials: bool,
    /// `Access-Control-Max-Age` in seconds (`max_age`), when set.
    pub max_age: Option<u64>,
    /// Whether cross-origin request protection is on (`cross_origin_protection`).
    pub cross_origin_protection: bool,
    /// The origins browsers reach the server by (`public_origins`), when given.
    pub public_origins: Vec<V>,
}

impl<V> Default for PolicyInput<V> {
    fn default() -> Self {
        Self {
            origins: Vec::new(),
            no_origins: false,
            origin_regexes: Vec::new(),
            has_origin_predicate: false,
            methods: None,
            allow_headers: Vec::new(),
            expose_headers: Vec::new(),
            credentials: false,
            max_age: None,
            cross_origin_protection: false,
            public_origins: Vec::new(),
        }
    }
}

/// Each value of a list with its place.
fn placed<V>(key: Key, values: &[V]) -> impl Iterator<Item = (Place, &V)> {
    values.iter().enumerate().map(move |(index, value)| (Place::at(key, index), value))
}

/// Checks every rule of `policy`, calling `report` once per problem with its place and the
/// value at fault (`None` for a setting as a whole: an empty method list, the protection, no
/// origin at all), in the order the settings are listed in [`PolicyInput`]. Any max-age
/// passes: one browsers cut is a warning of [`warn_policy`], as is a repeated value.
pub fn check_policy<'i, V: AsRef<str>>(
    policy: &'i PolicyInput<V>,
    report: &mut impl FnMut(Place, Option<&'i V>, ProblemKind),
) {
    check_origins(policy, report);
    check_origin_regexes(policy, report);
    check_origin_combinations(policy, report);
    check_methods(policy, report);
    check_headers(policy, report);
    check_protection(policy, report);
}

fn check_origins<'i, V: AsRef<str>>(
    policy: &'i PolicyInput<V>,
    report: &mut impl FnMut(Place, Option<&'i V>, ProblemKind),
) {
    for (index, origin) in policy.origins.iter().enumerate() {
        let place = Place::at(Key::Origins, index);
        match OriginSpec::parse(origin.as_ref()) {
            Err(error) => report(place, Some(origin), ProblemKind::Origin(error)),
            Ok(spec) => match public_suffix_of_wildcard(&spec) {
                Some(suffix) if policy.credentials => report(
                    place,
                    Some(origin),
                    ProblemKind::PublicSuffixWildcardWithCredentials { suffix: suffix.to_owned() },
                ),
                _ => {}
            },
        }
    }
}

fn check_origin_regexes<'i, V: AsRef<str>>(
    policy: &'i PolicyInput<V>,
    report: &mut impl FnMut(Place, Option<&'i V>, ProblemKind),
) {
    for (place, text) in placed(Key::OriginRegex, &policy.origin_regexes) {
        if let Err(error) = check_regex_anchored(text.as_ref()) {
            report(place, Some(text), ProblemKind::RegexNotAnchored(error));
            continue;
        }
        match regex_lite::Regex::new(text.as_ref()) {
            Err(error) => report(place, Some(text), ProblemKind::RegexSyntax(error.to_string())),
            Ok(regex)
                if policy.credentials && regex_allows_unrelated_sites(|origin| regex.is_match(origin)) =>
            {
                report(place, Some(text), ProblemKind::AnyOriginRegexWithCredentials);
            }
            Ok(_) => {}
        }
    }
}

/// `*` with anything else, `*` with credentials, nothing at all, and `null` with cross-origin
/// request protection. Judged on what was written, valid or not: an invalid origin beside `*`
/// is still a second origin.
fn check_origin_combinations<'i, V: AsRef<str>>(
    policy: &'i PolicyInput<V>,
    report: &mut impl FnMut(Place, Option<&'i V>, ProblemKind),
) {
    let any = placed(Key::Origins, &policy.origins).find(|(_, origin)| origin.as_ref() == "*");
    let others = policy.origins.iter().any(|origin| origin.as_ref() != "*")
        || !policy.origin_regexes.is_empty()
        || policy.has_origin_predicate;
    // Saying both that no origin is allowed and that some are cannot be what was meant.
    if policy.no_origins && (any.is_some() || others) {
        report(Place::whole(Key::Origins), None, ProblemKind::NoOriginsWithOrigins);
    }
    match any {
        Some((place, star)) => {
            if others {
                report(place, Some(star), ProblemKind::AnyOriginMixed);
            }
            if policy.credentials {
                report(place, Some(star), ProblemKind::AnyOriginWithCredentials);
            }
        }
        // A policy that allows no origin on purpose refuses every preflight and lets no page
        // read a response (a route opted out of a broader policy), and still protects against
        // cross-origin requests (and checks WebSocket handshakes) when the protection is on: a
        // same-origin app's policy. One that says neither is a mistake.
        None if !others && !policy.no_origins && !policy.cross_origin_protection => {
            report(Place::whole(Key::Origins), None, ProblemKind::NoOrigin)
        }
        None => {}
    }
    // The protection lets through state-changing requests from the origins the policy lists,
    // and any site can produce `Origin: null`: reported at the (first) `null`, the value to
    // remove.
    if policy.cross_origin_protection {
        if let Some((place, null)) =
            placed(Key::Origins, &policy.origins).find(|(_, origin)| origin.as_ref() == "null")
        {
            report(place, Some(null), ProblemKind::ProtectionWithNullOrigin);
        }
    }
}

fn check_methods<'i, V: AsRef<str>>(
    policy: &'i PolicyInput<V>,
    report: &mut impl FnMut(Place, Option<&'i V>, ProblemKind),
) {
    let Some(methods) = &policy.methods else { return };
    if methods.is_empty() {
        report(Place::whole(Key::Methods), None, ProblemKind::NoMethodListed);
    }
    for (place, method) in placed(Key::Methods, methods).filter(|(_, method)| method.as_ref() != "*") {
        match check_method(method.as_ref()) {
            // Browsers never send it: a warning.
            Ok(()) | Err(MethodError::Forbidden) => {}
            Err(error) => report(place, Some(method), ProblemKind::Method(error)),
        }
    }
}

fn check_headers<'i, V: AsRef<str>>(
    policy: &'i PolicyInput<V>,
    report: &mut impl FnMut(Place, Option<&'i V>, ProblemKind),
) {
    for (place, name) in placed(Key::Headers, &policy.allow_headers).filter(|(_, name)| name.as_ref() != "*")
    {
        match check_request_header_name(name.as_ref()) {
            // Browsers never let a page send it: a warning.
            Ok(()) | Err(HeaderNameError::ForbiddenRequestHeader) => {}
            Err(error) => report(place, Some(name), ProblemKind::AllowedHeader(error)),
        }
    }
    for (place, name) in placed(Key::Expose, &policy.expose_headers) {
        if name.as_ref() == "*" {
            // Without credentials `*` exposes every header; with them browsers read it as a
            // header named `*`, and no other spelling exposes every header.
            if policy.credentials {
                report(place, Some(name), ProblemKind::AnyExposedHeaderWithCredentials);
            }
        } else {
            match check_exposed_header_name(name.as_ref()) {
                // Browsers never expose it: a warning.
                Ok(()) | Err(HeaderNameError::ForbiddenResponseHeader) => {}
                Err(error) => report(place, Some(name), ProblemKind::ExposedHeader(error)),
            }
        }
    }
}

/// Reports what a policy says that has no effect, or allows that is probably not meant (see
/// [`WarningKind`]), calling `report` with the place of each value, the value (`None` for a
/// setting as a whole: the max-age) and the warning, in the order the settings are listed in
/// [`PolicyInput`] and, within a list, value by value. A policy with problems may have
/// warnings too; callers that refuse it need not report them.
pub fn warn_policy<'i, V: AsRef<str>>(
    policy: &'i PolicyInput<V>,
    report: &mut impl FnMut(Place, Option<&'i V>, WarningKind),
) {
    for (index, origin) in policy.origins.iter().enumerate() {
        let place = Place::at(Key::Origins, index);
        // With credentials, the same wildcards are problems.
        if !policy.credentials {
            if let Some(suffix) =
                OriginSpec::parse(origin.as_ref()).ok().as_ref().and_then(public_suffix_of_wildcard)
            {
                report(place, Some(origin), WarningKind::PublicSuffixWildcard { suffix: suffix.to_owned() });
            }
        }
        warn_repeat(Key::Origins, &policy.origins, index, str::eq, report);
    }
    for index in 0..policy.origin_regexes.len() {
        warn_repeat(Key::OriginRegex, &policy.origin_regexes, index, str::eq, report);
    }
    // A policy that allows no origin (on purpose, or for its protection alone) answers no
    // preflight and decorates no response: what it would tell a reader is never sent.
    if policy.origins.is_empty() && policy.origin_regexes.is_empty() && !policy.has_origin_predicate {
        let unused = [
            (Key::Methods, policy.methods.is_some()),
            (Key::Headers, !policy.allow_headers.is_empty()),
            (Key::Expose, !policy.expose_headers.is_empty()),
            (Key::Credentials, policy.credentials),
            (Key::MaxAge, policy.max_age.is_some()),
        ];
        for (key, _) in unused.into_iter().filter(|&(_, given)| given) {
            report(Place::whole(key), None, WarningKind::NoEffectWithoutOrigins);
        }
    }
    let methods = policy.methods.as_deref().unwrap_or_default();
    for (index, method) in methods.iter().enumerate() {
        if method.as_ref() != "*" && check_method(method.as_ref()) == Err(MethodError::Forbidden) {
            report(Place::at(Key::Methods, index), Some(method), WarningKind::ForbiddenMethod);
        }
        // Methods are case-sensitive: `patch` is no repeat of `PATCH`.
        warn_repeat(Key::Methods, methods, index, str::eq, report);
    }
    for (index, name) in policy.allow_headers.iter().enumerate() {
        if name.as_ref() != "*"
            && check_request_header_name(name.as_ref()) == Err(HeaderNameError::ForbiddenRequestHeader)
        {
            report(Place::at(Key::Headers, index), Some(name), WarningKind::ForbiddenRequestHeader);
        }
        warn_repeat(Key::Headers, &policy.allow_headers, index, str::eq_ignore_ascii_case, report);
    }
    for (index, name) in policy.expose_headers.iter().enumerate() {
        if name.as_ref() != "*"
            && check_exposed_header_name(name.as_ref()) == Err(HeaderNameError::ForbiddenResponseHeader)
        {
            report(Place::at(Key::Expose, index), Some(name), WarningKind::ForbiddenResponseHeader);
        }
        warn_repeat(Key::Expose, &policy.expose_headers, index, str::eq_ignore_ascii_case, report);
    }
    if let Some(seconds) = policy.max_age.filter(|&seconds| seconds > u64::from(MAX_AGE_LIMIT)) {
        report(Place::whole(Key::MaxAge), None, WarningKind::MaxAgeCapped { seconds });
    }
    for index in 0..policy.public_origins.len() {
        warn_repeat(Key::PublicOrigins, &policy.public_origins, index, str::eq, report);
    }
}

/// Reports `values[index]` as a repeat when an earlier value of the list is `same` as it.
fn warn_repeat<'i, V: AsRef<str>>(
    key: Key,
    values: &'i [V],
    index: usize,
    same: fn(&str, &str) -> bool,
    report: &mut impl FnMut(Place, Option<&'i V>, WarningKind),
) {
    let value = &values[index];
    if values[..index].iter().any(|earlier| same(earlier.as_ref(), value.as_ref())) {
        report(Place::at(key, index), Some(value), WarningKind::Repeated);
    }
}

/// The suffix of a `*.suffix` pattern when it is itself a public suffix, as the Public
/// Suffix List (both its ICANN and its private sections) has it: `co.uk`, `github.io`,
/// `vercel.app`. `app.example` or `example.com` are not; single labels (`*.com`) are already
/// refused by the pattern grammar.
fn public_suffix_of_wildcard<'a>(spec: &OriginSpec<'a>) -> Option<&'a str> {
    let OriginSpec::Pattern(pattern) = spec else { return None };
    let HostPattern::Subdomains(suffix) = pattern.host() else { return None };
    let public = psl::suffix(suffix.as_bytes())?;
    (public.is_known() && public.as_bytes() == suffix.as_bytes()).then_some(suffix)
}

/// Protection trusts the policy's origins, so `*` leaves it nothing to refuse; the public
/// origins name the server itself, one exact origin each.
fn check_protection<'i, V: AsRef<str>>(
    policy: &'i PolicyInput<V>,
    report: &mut impl FnMut(Place, Option<&'i V>, ProblemKind),
) {
    if policy.cross_origin_protection && policy.origins.iter().any(|origin| origin.as_ref() == "*") {
        report(Place::whole(Key::CrossOriginProtection), None, ProblemKind::ProtectionWithAnyOrigin);
    }
    for (index, origin) in policy.public_origins.iter().enumerate() {
        let place = Place::at(Key::PublicOrigins, index);
        match OriginSpec::parse(origin.as_ref()) {
            Ok(OriginSpec::Exact(_)) => {}
            Ok(_) => report(place, Some(origin), ProblemKind::PublicOriginNotExact),
            Err(error) => report(place, Some(origin), ProblemKind::PublicOrigin(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each problem's place and `Debug` form.
    fn problems(policy: &PolicyInput<&str>) -> Vec<(Place, String)> {
        let mut found = Vec::new();
        check_policy(policy, &mut |place, _, problem| found.push((place, format!("{problem:?}"))));
        found
    }

    /// Each warning's place, value and kind.
    fn warnings<'i>(
        policy: &'i PolicyInput<&'static str>,
    ) -> Vec<(Place, Option<&'static str>, WarningKind)> {
        let mut found = Vec::new();
        warn_policy(policy, &mut |place, value: Option<&'i &'static str>, warning| {
            found.push((place, value.copied(), warning));
        });
        found
    }

    fn origins(list: &[&'static str]) -> PolicyInput<&'static str> {
        PolicyInput { origins: list.to_vec(), ..PolicyInput::default() }
    }

    fn origin(index: usize) -> Place {
        Place::at(Key::Origins, index)
    }

    /// A repeat has no effect: a warning at the repeat, with its value, and no problem.
    #[test]
    fn a_repeated_origin_is_a_warning_at_the_repeat_with_its_value() {
        let policy = origins(&["https://a.example", "https://b.example", "https://a.example"]);
        assert!(problems(&policy).is_empty());
        assert_eq!(warnings(&policy), [(origin(2), Some("https://a.example"), WarningKind::Repeated)]);
    }

    #[test]
    fn a_repeated_star_is_a_repeat_not_a_mix() {
        let policy = origins(&["*", "*"]);
        assert!(problems(&policy).is_empty());
        assert_eq!(warnings(&policy), [(origin(1), Some("*"), WarningKind::Repeated)]);
    }

    /// Every list warns of its repeats: header names in any case, methods (case-sensitive)
    /// and the rest exactly as written.
    #[test]
    fn every_list_warns_of_its_repeats() {
        let policy = PolicyInput {
            origin_regexes: vec![r"^https://a\.example$", r"^https://a\.example$"],
            methods: Some(vec!["PUT", "GET", "PUT", "*", "*"]),
            allow_headers: vec!["X-Api-Key", "content-type", "x-api-key"],
            expose_headers: vec!["ETag", "etag"],
            public_origins: vec!["https://api.example", "https://api.example"],
            ..origins(&["https://a.example"])
        };
        assert!(problems(&policy).is_empty());
        assert_eq!(
            warnings(&policy),
            [
                (Place::at(Key::OriginRegex, 1), Some(r"^https://a\.example$"), WarningKind::Repeated),
                (Place::at(Key::Methods, 2), Some("PUT"), WarningKind::Repeated),
                (Place::at(Key::Methods, 4), Some("*"), WarningKind::Repeated),
                (Place::at(Key::Headers, 2), Some("x-api-key"), WarningKind::Repeated),
                (Place::at(Key::Expose, 1), Some("etag"), WarningKind::Repeated),
                (Place::at(Key::PublicOrigins, 1), Some("https://api.example"), WarningKind::Repeated),
            ]
        );
        let cases = PolicyInput { methods: Some(vec!["PATCH", "patch"]), ..origins(&["https://a.example"]) };
        assert!(warnings(&cases).is_empty(), "methods are case-sensitive");
    }

    /// Names browsers never send or expose only have no effect; names that are not tokens can
    /// never match.
    #[test]
    fn forbidden_names_are_warnings_and_malformed_ones_problems() {
        let policy = PolicyInput {
            methods: Some(vec!["GET", "TRACE", "CONNECT"]),
            allow_headers: vec!["cookie", "x bad", "Host", "sec-fetch-mode", "*"],
            expose_headers: vec!["set-cookie", "a:b"],
            ..origins(&["https://a.example"])
        };
        assert_eq!(
            problems(&policy),
            [
                (Place::at(Key::Headers, 1), "AllowedHeader(NotToken)".to_owned()),
                (Place::at(Key::Expose, 1), "ExposedHeader(NotToken)".to_owned()),
            ]
        );
        assert_eq!(
            warnings(&policy),
            [
                (Place::at(Key::Methods, 1), Some("TRACE"), WarningKind::ForbiddenMethod),
                (Place::at(Key::Methods, 2), Some("CONNECT"), WarningKind::ForbiddenMethod),
                (Place::at(Key::Headers, 0), Some("cookie"), WarningKind::ForbiddenRequestHeader),
                (Place::at(Key::Headers, 2), Some("Host"), WarningKind::ForbiddenRequestHeader),
                (Place::at(Key::Headers, 3), Some("sec-fetch-mode"), WarningKind::ForbiddenRequestHeader),
                (Place::at(Key::Expose, 0), Some("set-cookie"), WarningKind::ForbiddenResponseHeader),
            ]
        );
    }

    /// Any max-age builds; one over the limit, which browsers cut, is a warning about the
    /// setting as a whole.
    #[test]
    fn a_max_age_over_a_day_is_a_warning() {
        for seconds in [0, 600, 7_200, u64::from(MAX_AGE_LIMIT)] {
            let policy = PolicyInput { max_age: Some(seconds), ..origins(&["https://a.example"]) };
            assert!(problems(&policy).is_empty() && warnings(&policy).is_empty(), "{seconds}");
        }
        for seconds in [u64::from(MAX_AGE_LIMIT) + 1, 604_800, u64::MAX] {
            let policy = PolicyInput { max_age: Some(seconds), ..origins(&["https://a.example"]) };
            assert!(problems(&policy).is_empty(), "{seconds}");
            assert_eq!(
                warnings(&policy),
                [(Place::whole(Key::MaxAge), None, WarningKind::MaxAgeCapped { seconds })]
            );
        }
    }

    #[test]
    fn nothing_at_all_is_reported_under_origins_as_a_whole() {
        assert_eq!(problems(&PolicyInput::default()), [(Place::whole(Key::Origins), "NoOrigin".to_owned())]);
        let with_predicate = PolicyInput::<&str> { has_origin_predicate: true, ..PolicyInput::default() };
        assert!(problems(&with_predicate).is_empty());
    }

    #[test]
    fn an_empty_method_list_is_reported_at_the_list() {
        let policy = PolicyInput { methods: Some(Vec::new()), ..origins(&["https://a.example"]) };
        assert_eq!(problems(&policy), [(Place::whole(Key::Methods), "NoMethodListed".to_owned())]);
    }

    #[test]
    fn methods_keep_their_places_past_a_star() {
        let policy = PolicyInput { methods: Some(vec!["*", "patch"]), ..origins(&["https://a.example"]) };
        assert_eq!(
            problems(&policy),
            [(Place::at(Key::Methods, 1), r#"Method(NotUppercase("PATCH"))"#.to_owned())]
        );
    }

    #[test]
    fn protection_with_any_origin_and_bad_public_origins_are_reported() {
        let policy = PolicyInput {
            cross_origin_protection: true,
            public_origins: vec!["https://api.example", "https://*.api.example", "https://api.example/"],
            ..origins(&["*"])
        };
        assert_eq!(
            problems(&policy),
            [
                (Place::whole(Key::CrossOriginProtection), "ProtectionWithAnyOrigin".to_owned()),
                (Place::at(Key::PublicOrigins, 1), "PublicOriginNotExact".to_owned()),
                (
                    Place::at(Key::PublicOrigins, 2),
                    "PublicOrigin(Origin { error: TrailingSlash, suggestion: Some(\"https://api.example\") })"
                        .to_owned()
                ),
            ]
        );
    }

    /// Both sections of the Public Suffix List: registry suffixes (`co.uk`) and the private
    /// ones of hosting platforms (`github.io`, `vercel.app`). A domain someone registered
    /// under a public suffix is not one.
    #[test]
    fn wildcards_over_public_suffixes_are_problems_with_credentials_and_warnings_without() {
        let list = [
            "https://*.co.uk",
            "https://*.github.io",
            "https://*.vercel.app",
            "https://*.app.example",
            "https://*.example.com",
            "https://*.myorg.github.io",
        ];
        let with_credentials = PolicyInput { credentials: true, ..origins(&list) };
        let found = problems(&with_credentials);
        assert_eq!(
            found,
            [
                (origin(0), r#"PublicSuffixWildcardWithCredentials { suffix: "co.uk" }"#.to_owned()),
                (origin(1), r#"PublicSuffixWildcardWithCredentials { suffix: "github.io" }"#.to_owned()),
                (origin(2), r#"PublicSuffixWildcardWithCredentials { suffix: "vercel.app" }"#.to_owned()),
            ]
        );
        assert!(warnings(&with_credentials).is_empty(), "with credentials they are problems, not warnings");
        let without = origins(&list);
        let suffixes: Vec<_> = warnings(&without)
            .into_iter()
            .map(|(place, _, warning)| match warning {
                WarningKind::PublicSuffixWildcard { suffix } => (place, suffix),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            suffixes,
            [(origin(0), "co.uk".into()), (origin(1), "github.io".into()), (origin(2), "vercel.app".into())]
        );
        assert!(problems(&origins(&list)).is_empty());
    }

    #[test]
    fn null_with_protection_is_reported_at_the_null() {
        let protected =
            PolicyInput { cross_origin_protection: true, ..origins(&["https://a.example", "null", "null"]) };
        assert_eq!(problems(&protected), [(origin(1), "ProtectionWithNullOrigin".to_owned())]);
        assert_eq!(warnings(&protected), [(origin(2), Some("null"), WarningKind::Repeated)]);
        assert!(problems(&origins(&["https://a.example", "null"])).is_empty(), "without protection");
        let other_spellings =
            PolicyInput { cross_origin_protection: true, ..origins(&["https://a.example", "NULL"]) };
        assert!(
            !problems(&other_spellings).iter().any(|(_, problem)| problem == "ProtectionWithNullOrigin"),
            "`NULL` is no origin at all, refused as such"
        );
    }

    #[test]
    fn star_with_credentials_and_beside_others_is_reported_at_the_star() {
        let policy = PolicyInput { credentials: true, ..origins(&["https://a.example", "*"]) };
        assert_eq!(
            problems(&policy),
            [(origin(1), "AnyOriginMixed".to_owned()), (origin(1), "AnyOriginWithCredentials".to_owned())]
        );
    }
}
