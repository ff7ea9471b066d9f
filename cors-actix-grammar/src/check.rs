//! Every rule a policy's configuration must follow, written once for the `#[cors]` and
//! `policy!` macros (at compile time), the runtime `PolicyBuilder` and configuration files.
//!
//! A caller hands over the configuration as written, in a [`PolicyInput`] whose values are of
//! its own type `V` (a `String` in the builder, a literal with its tokens in the macros), and
//! [`check_policy`] reports every problem through a callback with its [`Place`] and the value
//! at fault. Callers only turn those into their own errors, so they cannot disagree on a
//! verdict.

use crate::{
    check_exposed_header_name, check_method, check_regex_anchored, check_request_header_name,
    pattern::HostPattern, regex_allows_unrelated_sites, Key, OriginSpec, Place, ProblemKind, WarningKind,
    MAX_AGE_LIMIT,
};

/// A policy's configuration as written: what [`check_policy`] reads. Each listed value is a
/// `V` that reads as a string; its [`Place`] is its key and its position in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyInput<V> {
    /// Origins (`origins`): `*`, `null`, exact origins and patterns, in the order written.
    pub origins: Vec<V>,
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
/// value at fault (`None` for a setting as a whole: an empty method list, a max-age, the
/// protection, no origin at all), in the order the settings are listed in [`PolicyInput`].
pub fn check_policy<'i, V: AsRef<str>>(
    policy: &'i PolicyInput<V>,
    report: &mut impl FnMut(Place, Option<&'i V>, ProblemKind),
) {
    check_origins(policy, report);
    check_origin_regexes(policy, report);
    check_origin_combinations(policy, report);
    check_methods(policy, report);
    check_headers(policy, report);
    check_max_age(policy, report);
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
        if is_repeat(&policy.origins, index) {
            report(place, Some(origin), ProblemKind::OriginRepeated);
        }
    }
}

/// Whether `values[index]` was written before, exactly.
fn is_repeat<V: AsRef<str>>(values: &[V], index: usize) -> bool {
    values[..index].iter().any(|earlier| earlier.as_ref() == values[index].as_ref())
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
    match any {
        Some((place, star)) => {
            if others {
                report(place, Some(star), ProblemKind::AnyOriginMixed);
            }
            if policy.credentials {
                report(place, Some(star), ProblemKind::AnyOriginWithCredentials);
            }
        }
        // A policy that allows no origin still protects against cross-origin requests (and
        // checks WebSocket handshakes) when the protection is on: a same-origin app's policy.
        // Without it, a policy with no origin is a mistake.
        None if !others && !policy.cross_origin_protection => {
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
        if let Err(error) = check_method(method.as_ref()) {
            report(place, Some(method), ProblemKind::Method(error));
        }
    }
}

fn check_headers<'i, V: AsRef<str>>(
    policy: &'i PolicyInput<V>,
    report: &mut impl FnMut(Place, Option<&'i V>, ProblemKind),
) {
    for (place, name) in placed(Key::Headers, &policy.allow_headers).filter(|(_, name)| name.as_ref() != "*")
    {
        if let Err(error) = check_request_header_name(name.as_ref()) {
            report(place, Some(name), ProblemKind::AllowedHeader(error));
        }
    }
    for (place, name) in placed(Key::Expose, &policy.expose_headers) {
        if name.as_ref() == "*" {
            // Without credentials `*` exposes every header; with them browsers read it as a
            // header named `*`, and no other spelling exposes every header.
            if policy.credentials {
                report(place, Some(name), ProblemKind::AnyExposedHeaderWithCredentials);
            }
        } else if let Err(error) = check_exposed_header_name(name.as_ref()) {
            report(place, Some(name), ProblemKind::ExposedHeader(error));
        }
    }
}

fn check_max_age<'i, V: AsRef<str>>(
    policy: &'i PolicyInput<V>,
    report: &mut impl FnMut(Place, Option<&'i V>, ProblemKind),
) {
    if let Some(seconds) = policy.max_age {
        if seconds > u64::from(MAX_AGE_LIMIT) {
            report(Place::whole(Key::MaxAge), None, ProblemKind::MaxAgeTooLong { seconds });
        }
    }
}

/// Reports what a policy allows that is probably not meant (see [`WarningKind`]), calling
/// `report` with the place of each value at fault and the value. A policy with problems may
/// have warnings too; callers report both.
pub fn warn_policy<'i, V: AsRef<str>>(
    policy: &'i PolicyInput<V>,
    report: &mut impl FnMut(Place, &'i V, WarningKind),
) {
    if policy.credentials {
        // With credentials, the same wildcards are problems.
        return;
    }
    for (place, origin) in placed(Key::Origins, &policy.origins) {
        if let Some(suffix) =
            OriginSpec::parse(origin.as_ref()).ok().as_ref().and_then(public_suffix_of_wildcard)
        {
            report(place, origin, WarningKind::PublicSuffixWildcard { suffix: suffix.to_owned() });
        }
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
        if is_repeat(&policy.public_origins, index) {
            report(place, Some(origin), ProblemKind::PublicOriginRepeated);
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

    fn origins(list: &[&'static str]) -> PolicyInput<&'static str> {
        PolicyInput { origins: list.to_vec(), ..PolicyInput::default() }
    }

    fn origin(index: usize) -> Place {
        Place::at(Key::Origins, index)
    }

    #[test]
    fn a_repeated_origin_is_reported_at_the_repeat_with_its_value() {
        let policy = origins(&["https://a.example", "https://b.example", "https://a.example"]);
        let mut found = Vec::new();
        check_policy(&policy, &mut |place, value, problem| found.push((place, value.copied(), problem)));
        assert_eq!(found, [(origin(2), Some("https://a.example"), ProblemKind::OriginRepeated)]);
    }

    #[test]
    fn a_repeated_star_is_a_repeat_not_a_mix() {
        assert_eq!(problems(&origins(&["*", "*"])), [(origin(1), "OriginRepeated".to_owned())]);
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
            public_origins: vec!["https://api.example", "https://*.api.example", "https://api.example"],
            ..origins(&["*"])
        };
        assert_eq!(
            problems(&policy),
            [
                (Place::whole(Key::CrossOriginProtection), "ProtectionWithAnyOrigin".to_owned()),
                (Place::at(Key::PublicOrigins, 1), "PublicOriginNotExact".to_owned()),
                (Place::at(Key::PublicOrigins, 2), "PublicOriginRepeated".to_owned()),
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
        let mut warned = Vec::new();
        warn_policy(&with_credentials, &mut |place, _, warning| warned.push((place, warning)));
        assert!(warned.is_empty(), "with credentials they are problems, not warnings");
        warn_policy(&origins(&list), &mut |place, _, warning| warned.push((place, warning)));
        let suffixes: Vec<_> = warned
            .iter()
            .map(|(place, WarningKind::PublicSuffixWildcard { suffix })| (*place, suffix.as_str()))
            .collect();
        assert_eq!(suffixes, [(origin(0), "co.uk"), (origin(1), "github.io"), (origin(2), "vercel.app")]);
        assert!(problems(&origins(&list)).is_empty());
    }

    #[test]
    fn null_with_protection_is_reported_at_the_null() {
        let protected =
            PolicyInput { cross_origin_protection: true, ..origins(&["https://a.example", "null", "null"]) };
        assert_eq!(
            problems(&protected),
            [(origin(2), "OriginRepeated".to_owned()), (origin(1), "ProtectionWithNullOrigin".to_owned())]
        );
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
