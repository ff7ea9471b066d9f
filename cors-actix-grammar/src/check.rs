//! Every rule a policy's configuration must follow, written once for the `#[cors]` and
//! `policy!` macros (at compile time), the runtime `PolicyBuilder` and configuration files.
//!
//! A caller describes the configuration as written, each value tagged with where it came
//! from (`L`: a literal's tokens in the macros, a setting and index in the builder), and
//! [`check_policy`] reports every problem through a callback with that location. Callers only
//! translate locations and problems into their own errors, so they cannot disagree on a
//! verdict.

use std::{borrow::Cow, fmt};

use crate::{
    check_exposed_header_name, check_method, check_regex_anchored, check_request_header_name, messages,
    pattern::HostPattern, regex_allows_unrelated_sites, HeaderNameError, MethodError, OriginSpec,
    OriginSpecError, RegexAnchorError, MAX_AGE_LIMIT,
};

/// A policy's configuration as written, each value with its location `L`.
#[derive(Debug, Clone)]
pub struct PolicyInput<'a, L> {
    /// Origins: `*`, `null`, exact origins and patterns, in the order written.
    pub origins: Vec<(L, &'a str)>,
    /// Origin regexes.
    pub origin_regexes: Vec<(L, &'a str)>,
    /// Whether some origin predicate (decided at request time) is configured.
    pub has_origin_predicate: bool,
    /// The methods, when a list was given (the list's own location, then its elements);
    /// `None` when the default applies.
    pub methods: Option<(L, Vec<(L, &'a str)>)>,
    /// Allowed request headers, `*` included.
    pub allow_headers: Vec<(L, &'a str)>,
    /// Exposed response headers, `*` included.
    pub expose_headers: Vec<(L, &'a str)>,
    /// Whether credentials are allowed.
    pub credentials: bool,
    /// `Access-Control-Max-Age` in seconds, when set.
    pub max_age: Option<(L, u64)>,
    /// Whether cross-origin request protection is on, with where it was turned on.
    pub cross_origin_protection: Option<L>,
    /// The origins browsers reach the server by, when given.
    pub public_origins: Vec<(L, &'a str)>,
}

impl<L> Default for PolicyInput<'_, L> {
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
            cross_origin_protection: None,
            public_origins: Vec::new(),
        }
    }
}

/// One broken rule. `Display` words it as seen at its location (the value itself is shown
/// by the location: a caret under the literal, or the caller's `origin `…`: ` prefix).
///
/// Deliberately exhaustive: every caller must decide how to report a new rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyProblem<'a> {
    /// An origin that is neither `*`, `null`, a serialized origin nor a valid pattern.
    Origin(OriginSpecError),
    /// An origin written again, exactly as before; almost always a typo or a merge mistake.
    OriginRepeated(&'a str),
    /// An origin regex not anchored at both ends.
    RegexNotAnchored(RegexAnchorError),
    /// An origin regex that does not compile; the regex engine's message.
    RegexSyntax(Cow<'a, str>),
    /// `*` listed beside other origins, regexes or a predicate.
    AnyOriginMixed,
    /// No origin of any kind: every cross-origin request would be refused.
    NoOrigin,
    /// `*` together with credentials.
    AnyOriginWithCredentials,
    /// A regex that matches unrelated sites, together with credentials.
    BroadRegexWithCredentials,
    /// A method list with nothing in it.
    NoMethodListed,
    /// A method that is not valid in a policy.
    Method(MethodError),
    /// An allowed request-header name that is not valid.
    AllowedHeader(HeaderNameError),
    /// An exposed response-header name that is not valid.
    ExposedHeader(HeaderNameError),
    /// Exposing every header (`*`) together with credentials.
    AnyExposedHeaderWithCredentials,
    /// A max-age over [`MAX_AGE_LIMIT`].
    MaxAgeTooLong {
        /// The value as configured.
        seconds: u64,
    },
    /// Cross-origin request protection together with `*`, which trusts every origin: it
    /// would protect nothing.
    ProtectionWithAnyOrigin,
    /// `null` listed as an origin together with cross-origin request protection: any site
    /// can make a browser send `Origin: null` (a sandboxed iframe, a `file:` page, some
    /// redirects), so the protection would trust state-changing requests from all of them.
    ProtectionWithNullOrigin,
    /// A public origin that is not a serialized origin.
    PublicOrigin(OriginSpecError),
    /// A public origin that is `*`, `null` or a pattern rather than one origin.
    PublicOriginNotExact,
    /// A public origin written again, exactly as before.
    PublicOriginRepeated(&'a str),
    /// A wildcard over a public suffix (`https://*.github.io`) together with credentials:
    /// anyone can register a name under it and read the user's credentialed responses.
    PublicSuffixWildcardWithCredentials {
        /// The public suffix, as written after `*.`.
        suffix: &'a str,
    },
}

/// Something a policy allows that is probably not meant, short of a problem: reported as a
/// warning (at compile time by the macros, in the log and [`PolicyInput`]'s caller at run
/// time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyWarning<'a> {
    /// A wildcard over a public suffix (`https://*.vercel.app`), without credentials: every
    /// site registered under it can read the responses.
    PublicSuffixWildcard {
        /// The public suffix, as written after `*.`.
        suffix: &'a str,
    },
}

impl fmt::Display for PolicyWarning<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PublicSuffixWildcard { suffix } => write!(
                f,
                "`{suffix}` is a public suffix: anyone can register a site under it, and this wildcard lets every such site read the responses; list your own origins instead"
            ),
        }
    }
}

impl fmt::Display for PolicyProblem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Origin(error) => error.fmt(f),
            Self::OriginRepeated(origin) => write!(f, "origin `{origin}` {}", messages::LISTED_TWICE),
            Self::RegexNotAnchored(error) => error.fmt(f),
            Self::RegexSyntax(message) => write!(f, "this regex does not compile: {message}"),
            Self::AnyOriginMixed => f.write_str(messages::ANY_ORIGIN_MIXED),
            Self::NoOrigin => f.write_str(messages::NO_ORIGIN),
            Self::AnyOriginWithCredentials => f.write_str(messages::ANY_ORIGIN_WITH_CREDENTIALS),
            Self::BroadRegexWithCredentials => f.write_str(messages::ANY_ORIGIN_REGEX_WITH_CREDENTIALS),
            Self::NoMethodListed => f.write_str(messages::NO_METHOD_LISTED),
            Self::Method(error) => error.fmt(f),
            Self::AllowedHeader(error) | Self::ExposedHeader(error) => error.fmt(f),
            Self::AnyExposedHeaderWithCredentials => {
                f.write_str(messages::ANY_EXPOSED_HEADER_WITH_CREDENTIALS)
            }
            Self::MaxAgeTooLong { .. } => f.write_str(messages::MAX_AGE_TOO_LONG),
            Self::ProtectionWithAnyOrigin => f.write_str(messages::PROTECTION_WITH_ANY_ORIGIN),
            Self::ProtectionWithNullOrigin => f.write_str(messages::PROTECTION_WITH_NULL_ORIGIN),
            Self::PublicOrigin(error) => error.fmt(f),
            Self::PublicOriginNotExact => f.write_str(messages::PUBLIC_ORIGIN_NOT_EXACT),
            Self::PublicOriginRepeated(origin) => {
                write!(f, "public origin `{origin}` {}", messages::LISTED_TWICE)
            }
            Self::PublicSuffixWildcardWithCredentials { suffix } => write!(
                f,
                "`{suffix}` is a public suffix: anyone can register a site under it, and with credentials this wildcard hands every such site the user's session; list your own origins instead"
            ),
        }
    }
}

/// Checks every rule of `policy`, calling `report` once per problem with the location of
/// the value at fault (`None`: the policy as a whole), in the order the settings are listed
/// in [`PolicyInput`].
pub fn check_policy<'a, L>(
    policy: &PolicyInput<'a, L>,
    report: &mut impl FnMut(Option<&L>, PolicyProblem<'a>),
) {
    check_origins(policy, report);
    check_origin_regexes(policy, report);
    check_origin_combinations(policy, report);
    check_methods(policy, report);
    check_headers(policy, report);
    check_max_age(policy, report);
    check_protection(policy, report);
}

fn check_origins<'a, L>(policy: &PolicyInput<'a, L>, report: &mut impl FnMut(Option<&L>, PolicyProblem<'a>)) {
    for (index, (at, origin)) in policy.origins.iter().enumerate() {
        match OriginSpec::parse(origin) {
            Err(error) => report(Some(at), PolicyProblem::Origin(error)),
            Ok(spec) => match public_suffix_of_wildcard(&spec) {
                Some(suffix) if policy.credentials => {
                    report(Some(at), PolicyProblem::PublicSuffixWildcardWithCredentials { suffix })
                }
                _ => {}
            },
        }
        if policy.origins[..index].iter().any(|(_, earlier)| earlier == origin) {
            report(Some(at), PolicyProblem::OriginRepeated(origin));
        }
    }
}

fn check_origin_regexes<'a, L>(
    policy: &PolicyInput<'a, L>,
    report: &mut impl FnMut(Option<&L>, PolicyProblem<'a>),
) {
    for (at, text) in &policy.origin_regexes {
        if let Err(error) = check_regex_anchored(text) {
            report(Some(at), PolicyProblem::RegexNotAnchored(error));
            continue;
        }
        match regex_lite::Regex::new(text) {
            Err(error) => report(Some(at), PolicyProblem::RegexSyntax(error.to_string().into())),
            Ok(regex)
                if policy.credentials && regex_allows_unrelated_sites(|origin| regex.is_match(origin)) =>
            {
                report(Some(at), PolicyProblem::BroadRegexWithCredentials);
            }
            Ok(_) => {}
        }
    }
}

/// `*` with anything else, `*` with credentials, nothing at all, and `null` with cross-origin
/// request protection. Judged on what was written, valid or not: an invalid origin beside `*`
/// is still a second origin.
fn check_origin_combinations<'a, L>(
    policy: &PolicyInput<'a, L>,
    report: &mut impl FnMut(Option<&L>, PolicyProblem<'a>),
) {
    let any = policy.origins.iter().find(|(_, origin)| *origin == "*").map(|(at, _)| at);
    let others = policy.origins.iter().any(|(_, origin)| *origin != "*")
        || !policy.origin_regexes.is_empty()
        || policy.has_origin_predicate;
    match any {
        Some(at) => {
            if others {
                report(Some(at), PolicyProblem::AnyOriginMixed);
            }
            if policy.credentials {
                report(Some(at), PolicyProblem::AnyOriginWithCredentials);
            }
        }
        None if !others => report(None, PolicyProblem::NoOrigin),
        None => {}
    }
    // The protection lets through state-changing requests from the origins the policy lists,
    // and any site can produce `Origin: null`: reported at the (first) `null`, the value to
    // remove.
    if policy.cross_origin_protection.is_some() {
        if let Some((at, _)) = policy.origins.iter().find(|(_, origin)| *origin == "null") {
            report(Some(at), PolicyProblem::ProtectionWithNullOrigin);
        }
    }
}

fn check_methods<'a, L>(policy: &PolicyInput<'a, L>, report: &mut impl FnMut(Option<&L>, PolicyProblem<'a>)) {
    let Some((list_at, methods)) = &policy.methods else { return };
    if methods.is_empty() {
        report(Some(list_at), PolicyProblem::NoMethodListed);
    }
    for (at, method) in methods.iter().filter(|(_, method)| *method != "*") {
        if let Err(error) = check_method(method) {
            report(Some(at), PolicyProblem::Method(error));
        }
    }
}

fn check_headers<'a, L>(policy: &PolicyInput<'a, L>, report: &mut impl FnMut(Option<&L>, PolicyProblem<'a>)) {
    for (at, name) in policy.allow_headers.iter().filter(|(_, name)| *name != "*") {
        if let Err(error) = check_request_header_name(name) {
            report(Some(at), PolicyProblem::AllowedHeader(error));
        }
    }
    for (at, name) in &policy.expose_headers {
        if *name == "*" {
            // Without credentials `*` exposes every header; with them browsers read it as a
            // header named `*`, and no other spelling exposes every header.
            if policy.credentials {
                report(Some(at), PolicyProblem::AnyExposedHeaderWithCredentials);
            }
        } else if let Err(error) = check_exposed_header_name(name) {
            report(Some(at), PolicyProblem::ExposedHeader(error));
        }
    }
}

fn check_max_age<'a, L>(policy: &PolicyInput<'a, L>, report: &mut impl FnMut(Option<&L>, PolicyProblem<'a>)) {
    if let Some((at, seconds)) = &policy.max_age {
        if *seconds > u64::from(MAX_AGE_LIMIT) {
            report(Some(at), PolicyProblem::MaxAgeTooLong { seconds: *seconds });
        }
    }
}

/// Reports what a policy allows that is probably not meant (see [`PolicyWarning`]), calling
/// `report` with the location of each value at fault. A policy with problems may have
/// warnings too; callers report both.
pub fn warn_policy<'a, L>(policy: &PolicyInput<'a, L>, report: &mut impl FnMut(&L, PolicyWarning<'a>)) {
    if policy.credentials {
        // With credentials, the same wildcards are problems.
        return;
    }
    for (at, origin) in &policy.origins {
        if let Some(suffix) = OriginSpec::parse(origin).ok().as_ref().and_then(public_suffix_of_wildcard) {
            report(at, PolicyWarning::PublicSuffixWildcard { suffix });
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
fn check_protection<'a, L>(
    policy: &PolicyInput<'a, L>,
    report: &mut impl FnMut(Option<&L>, PolicyProblem<'a>),
) {
    if let Some(on) = &policy.cross_origin_protection {
        if policy.origins.iter().any(|(_, origin)| *origin == "*") {
            report(Some(on), PolicyProblem::ProtectionWithAnyOrigin);
        }
    }
    for (index, (at, origin)) in policy.public_origins.iter().enumerate() {
        match OriginSpec::parse(origin) {
            Ok(OriginSpec::Exact(_)) => {}
            Ok(_) => report(Some(at), PolicyProblem::PublicOriginNotExact),
            Err(error) => report(Some(at), PolicyProblem::PublicOrigin(error)),
        }
        if policy.public_origins[..index].iter().any(|(_, earlier)| earlier == origin) {
            report(Some(at), PolicyProblem::PublicOriginRepeated(origin));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each problem's location and `Debug` form.
    fn problems(policy: &PolicyInput<'_, usize>) -> Vec<(Option<usize>, String)> {
        let mut found = Vec::new();
        check_policy(policy, &mut |at, problem| found.push((at.copied(), format!("{problem:?}"))));
        found
    }

    fn origins(list: &[&'static str]) -> PolicyInput<'static, usize> {
        PolicyInput { origins: list.iter().copied().enumerate().collect(), ..PolicyInput::default() }
    }

    #[test]
    fn a_repeated_origin_is_reported_at_the_repeat() {
        let found = problems(&origins(&["https://a.example", "https://b.example", "https://a.example"]));
        assert_eq!(found, [(Some(2), r#"OriginRepeated("https://a.example")"#.to_owned())]);
    }

    #[test]
    fn a_repeated_star_is_a_repeat_not_a_mix() {
        assert_eq!(problems(&origins(&["*", "*"])), [(Some(1), r#"OriginRepeated("*")"#.to_owned())]);
    }

    #[test]
    fn nothing_at_all_is_reported_for_the_whole_policy() {
        assert_eq!(problems(&PolicyInput::default()), [(None, "NoOrigin".to_owned())]);
        let with_predicate = PolicyInput::<usize> { has_origin_predicate: true, ..PolicyInput::default() };
        assert!(problems(&with_predicate).is_empty());
    }

    #[test]
    fn an_empty_method_list_is_reported_at_the_list() {
        let policy = PolicyInput { methods: Some((7, Vec::new())), ..origins(&["https://a.example"]) };
        assert_eq!(problems(&policy), [(Some(7), "NoMethodListed".to_owned())]);
    }

    #[test]
    fn protection_with_any_origin_and_bad_public_origins_are_reported() {
        let policy = PolicyInput {
            cross_origin_protection: Some(9),
            public_origins: vec![
                (3, "https://api.example"),
                (4, "https://*.api.example"),
                (5, "https://api.example"),
            ],
            ..origins(&["*"])
        };
        assert_eq!(
            problems(&policy),
            [
                (Some(9), "ProtectionWithAnyOrigin".to_owned()),
                (Some(4), "PublicOriginNotExact".to_owned()),
                (Some(5), r#"PublicOriginRepeated("https://api.example")"#.to_owned()),
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
                (Some(0), r#"PublicSuffixWildcardWithCredentials { suffix: "co.uk" }"#.to_owned()),
                (Some(1), r#"PublicSuffixWildcardWithCredentials { suffix: "github.io" }"#.to_owned()),
                (Some(2), r#"PublicSuffixWildcardWithCredentials { suffix: "vercel.app" }"#.to_owned()),
            ]
        );
        let mut warned = Vec::new();
        warn_policy(&with_credentials, &mut |at, warning| warned.push((*at, warning)));
        assert!(warned.is_empty(), "with credentials they are problems, not warnings");
        warn_policy(&origins(&list), &mut |at, warning| warned.push((*at, warning)));
        let suffixes: Vec<_> = warned
            .iter()
            .map(|(at, PolicyWarning::PublicSuffixWildcard { suffix })| (*at, *suffix))
            .collect();
        assert_eq!(suffixes, [(0, "co.uk"), (1, "github.io"), (2, "vercel.app")]);
        assert!(problems(&origins(&list)).is_empty());
    }

    #[test]
    fn null_with_protection_is_reported_at_the_null() {
        let protected = PolicyInput {
            cross_origin_protection: Some(9),
            ..origins(&["https://a.example", "null", "null"])
        };
        assert_eq!(
            problems(&protected),
            [
                (Some(2), r#"OriginRepeated("null")"#.to_owned()),
                (Some(1), "ProtectionWithNullOrigin".to_owned()),
            ]
        );
        assert!(problems(&origins(&["https://a.example", "null"])).is_empty(), "without protection");
        let other_spellings =
            PolicyInput { cross_origin_protection: Some(9), ..origins(&["https://a.example", "NULL"]) };
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
            [(Some(1), "AnyOriginMixed".to_owned()), (Some(1), "AnyOriginWithCredentials".to_owned())]
        );
    }
}
