//! What [`check_policy`](crate::check_policy) and [`warn_policy`](crate::warn_policy) report,
//! and its words, written once for the macros' compile errors (shown under the value at
//! fault) and the runtime's errors (one line per problem, naming the value first).

use std::fmt;

use crate::{messages, HeaderNameError, MethodError, OriginSpecError, Place, RegexAnchorError};

/// One broken rule of a policy's configuration. The value at fault is not part of it: the
/// checker reports it beside the kind, with its [`Place`].
///
/// `Display` words the problem as seen under its value (which a compile error's caret
/// shows); [`ProblemKind::at_value`] and [`ProblemKind::in_line`] add the value where the
/// words need it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProblemKind {
    /// An origin that is neither `*`, `null`, a serialized origin nor a valid pattern.
    Origin(OriginSpecError),
    /// An origin written again, exactly as before; almost always a typo or a merge mistake.
    OriginRepeated,
    /// An origin regex not anchored at both ends.
    RegexNotAnchored(RegexAnchorError),
    /// An origin regex that does not compile; the regex engine's message.
    RegexSyntax(String),
    /// `*` listed beside other origins, regexes or a predicate.
    AnyOriginMixed,
    /// No origin of any kind: every cross-origin request would be refused.
    NoOrigin,
    /// `*` together with credentials.
    AnyOriginWithCredentials,
    /// A regex that matches unrelated sites, together with credentials.
    AnyOriginRegexWithCredentials,
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
    /// A max-age over [`MAX_AGE_LIMIT`](crate::MAX_AGE_LIMIT).
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
    PublicOriginRepeated,
    /// A wildcard over a public suffix (`https://*.github.io`) together with credentials:
    /// anyone can register a name under it and read the user's credentialed responses.
    PublicSuffixWildcardWithCredentials {
        /// The public suffix, as written after `*.`.
        suffix: String,
    },
}

/// Something a policy allows that is probably not meant, short of a problem: reported as a
/// warning (at compile time by the macros; in the log and the policy's warnings at run
/// time). Like [`ProblemKind`], it comes with its value and [`Place`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// A wildcard over a public suffix (`https://*.vercel.app`), without credentials: every
    /// site registered under it can read the responses.
    PublicSuffixWildcard {
        /// The public suffix, as written after `*.`.
        suffix: String,
    },
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Origin(error) | Self::PublicOrigin(error) => error.fmt(f),
            Self::OriginRepeated => write!(f, "this origin {}", messages::LISTED_TWICE),
            Self::RegexNotAnchored(error) => error.fmt(f),
            Self::RegexSyntax(message) => write!(f, "this regex does not compile: {message}"),
            Self::AnyOriginMixed => f.write_str(messages::ANY_ORIGIN_MIXED),
            Self::NoOrigin => f.write_str(messages::NO_ORIGIN),
            Self::AnyOriginWithCredentials => f.write_str(messages::ANY_ORIGIN_WITH_CREDENTIALS),
            Self::AnyOriginRegexWithCredentials => f.write_str(messages::ANY_ORIGIN_REGEX_WITH_CREDENTIALS),
            Self::NoMethodListed => f.write_str(messages::NO_METHOD_LISTED),
            Self::Method(error) => error.fmt(f),
            Self::AllowedHeader(error) | Self::ExposedHeader(error) => error.fmt(f),
            Self::AnyExposedHeaderWithCredentials => {
                f.write_str(messages::ANY_EXPOSED_HEADER_WITH_CREDENTIALS)
            }
            Self::MaxAgeTooLong { .. } => f.write_str(messages::MAX_AGE_TOO_LONG),
            Self::ProtectionWithAnyOrigin => f.write_str(messages::PROTECTION_WITH_ANY_ORIGIN),
            Self::ProtectionWithNullOrigin => f.write_str(messages::PROTECTION_WITH_NULL_ORIGIN),
            Self::PublicOriginNotExact => f.write_str(messages::PUBLIC_ORIGIN_NOT_EXACT),
            Self::PublicOriginRepeated => write!(f, "this public origin {}", messages::LISTED_TWICE),
            Self::PublicSuffixWildcardWithCredentials { suffix } => write!(
                f,
                "`{suffix}` is a public suffix: anyone can register a site under it, and with credentials this wildcard hands every such site the user's session; list your own origins instead"
            ),
        }
    }
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PublicSuffixWildcard { suffix } => write!(
                f,
                "`{suffix}` is a public suffix: anyone can register a site under it, and this wildcard lets every such site read the responses; list your own origins instead"
            ),
        }
    }
}

impl ProblemKind {
    /// The problem in words as a compile error shows them, under `value` (the value at
    /// fault at `place`, `None` for a setting as a whole): the caret shows the value, so
    /// only a repeat names it.
    pub fn at_value<'a>(&'a self, place: Place, value: Option<&'a str>) -> impl fmt::Display + 'a {
        Words { problem: self, place, value, line: false }
    }

    /// The problem in words as one line of a list, away from the configuration: the value at
    /// fault comes first (``origin `https://app.example/`: an origin has no trailing slash;
    /// ...``, `max-age 100000: ...`), unless the problem is about a setting as a whole or a
    /// combination its words name (`*` with credentials).
    pub fn in_line<'a>(&'a self, place: Place, value: Option<&'a str>) -> impl fmt::Display + 'a {
        Words { problem: self, place, value, line: true }
    }

    /// Whether the words say which value they are about, so that a line adds no value before
    /// them: the combinations of `*` with something else.
    fn names_its_value(&self) -> bool {
        matches!(
            self,
            Self::AnyOriginMixed | Self::AnyOriginWithCredentials | Self::AnyExposedHeaderWithCredentials
        )
    }
}

impl WarningKind {
    /// The warning in words as one line of a list: the value first, as
    /// [`ProblemKind::in_line`] does.
    pub fn in_line<'a>(&'a self, place: Place, value: &'a str) -> impl fmt::Display + 'a {
        WarningLine { warning: self, place, value }
    }
}

/// The words of [`ProblemKind::at_value`] (`line: false`) and [`ProblemKind::in_line`].
struct Words<'a> {
    problem: &'a ProblemKind,
    place: Place,
    value: Option<&'a str>,
    line: bool,
}

impl fmt::Display for Words<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Words { problem, place, value, line } = *self;
        let noun = place.key.noun();
        match (problem, value) {
            // "Listed more than once" needs its subject, under the value too.
            (ProblemKind::OriginRepeated | ProblemKind::PublicOriginRepeated, Some(value)) => {
                write!(f, "{noun} `{value}` {}", messages::LISTED_TWICE)
            }
            _ if !line => problem.fmt(f),
            (ProblemKind::MaxAgeTooLong { seconds }, _) => write!(f, "{noun} {seconds}: {problem}"),
            (_, Some(value)) if !problem.names_its_value() => write!(f, "{noun} `{value}`: {problem}"),
            _ => problem.fmt(f),
        }
    }
}

/// The words of [`WarningKind::in_line`].
struct WarningLine<'a> {
    warning: &'a WarningKind,
    place: Place,
    value: &'a str,
}

impl fmt::Display for WarningLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`: {}", self.place.key.noun(), self.value, self.warning)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Key;

    #[test]
    fn a_line_names_the_value_first_unless_the_words_do() {
        let origin = Place::at(Key::Origins, 1);
        let repeated = ProblemKind::OriginRepeated;
        assert_eq!(
            repeated.in_line(origin, Some("*")).to_string(),
            repeated.at_value(origin, Some("*")).to_string(),
            "a repeat is named the same way under its value and in a line"
        );
        assert!(repeated
            .in_line(origin, Some("*"))
            .to_string()
            .starts_with("origin `*` is listed more than once"));
        let mixed = ProblemKind::AnyOriginMixed;
        assert_eq!(mixed.in_line(origin, Some("*")).to_string(), messages::ANY_ORIGIN_MIXED);
        let long = ProblemKind::MaxAgeTooLong { seconds: 100_000 };
        assert_eq!(
            long.in_line(Place::whole(Key::MaxAge), None).to_string(),
            format!("max-age 100000: {}", messages::MAX_AGE_TOO_LONG)
        );
        assert_eq!(long.at_value(Place::whole(Key::MaxAge), None).to_string(), messages::MAX_AGE_TOO_LONG);
        let header = ProblemKind::AllowedHeader(HeaderNameError::NotToken);
        assert!(header
            .in_line(Place::at(Key::Headers, 0), Some("x bad"))
            .to_string()
            .starts_with("allowed header `x bad`: a header name is an HTTP token"));
    }
}
