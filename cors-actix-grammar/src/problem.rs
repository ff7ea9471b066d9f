//! What [`check_policy`](crate::check_policy) and [`warn_policy`](crate::warn_policy) report,
//! and its words, written once for the macros' compile errors and warnings (shown under the
//! value at fault) and the runtime's errors and warnings (one line each, naming the value
//! first).
//!
//! The line between the two: what can never work, or trusts more than the policy says, is a
//! [`ProblemKind`] and the policy does not build; what only has no effect is a
//! [`WarningKind`] and it builds.

use std::fmt;

use crate::{messages, HeaderNameError, Key, MethodError, OriginSpecError, Place, RegexAnchorError};

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
    /// A method that can never match what a browser sends: not a token, or a standard
    /// method in lower case. (A method browsers never send is a
    /// [`WarningKind::ForbiddenMethod`].)
    Method(MethodError),
    /// An allowed request-header name that is not a token, so it can never match. (A name
    /// browsers never let a page send is a [`WarningKind::ForbiddenRequestHeader`].)
    AllowedHeader(HeaderNameError),
    /// An exposed response-header name that is not a token. (`Set-Cookie`, which browsers
    /// never expose, is a [`WarningKind::ForbiddenResponseHeader`].)
    ExposedHeader(HeaderNameError),
    /// Exposing every header (`*`) together with credentials.
    AnyExposedHeaderWithCredentials,
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
    /// A wildcard over a public suffix (`https://*.github.io`) together with credentials:
    /// anyone can register a name under it and read the user's credentialed responses.
    PublicSuffixWildcardWithCredentials {
        /// The public suffix, as written after `*.`.
        suffix: String,
    },
    /// A deadline of zero for the asynchronous origin check: every origin it is asked about
    /// would be refused before the store could answer.
    ZeroOriginCheckDeadline,
    /// A limit of zero asynchronous origin checks in flight: no origin could ever be asked
    /// about.
    ZeroOriginCheckLimit,
}

/// Something a policy says that has no effect, or allows what is probably not meant, short of
/// a problem: the policy builds, and it is reported as a warning (at compile time by the
/// macros; in the log and the policy's warnings at run time). Like [`ProblemKind`], it comes
/// with its [`Place`] and the value it is about (none for a setting as a whole: the max-age).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// A wildcard over a public suffix (`https://*.vercel.app`), without credentials: every
    /// site registered under it can read the responses.
    PublicSuffixWildcard {
        /// The public suffix, as written after `*.`.
        suffix: String,
    },
    /// A value of a list written again: the same origin, regex, method or public origin, or
    /// the same header name in any case. The repeat has no effect; the first is kept.
    Repeated,
    /// A method browsers never send (Fetch "forbidden method": `CONNECT`, `TRACE`,
    /// `TRACK`), so allowing it has no effect.
    ForbiddenMethod,
    /// A request header browsers never let a page send (Fetch "forbidden request-header":
    /// `Cookie`, `Host`, `Sec-*`, ...), so allowing it has no effect.
    ForbiddenRequestHeader,
    /// A response header browsers never expose to a page (Fetch "forbidden response-header
    /// name": `Set-Cookie`, `Set-Cookie2`), so exposing it has no effect.
    ForbiddenResponseHeader,
    /// A max-age over [`MAX_AGE_LIMIT`](crate::MAX_AGE_LIMIT), which browsers cut: the policy
    /// sends the limit instead.
    MaxAgeCapped {
        /// The value as configured.
        seconds: u64,
    },
    /// A deadline for the asynchronous origin check over
    /// [`LONGEST_USEFUL_ORIGIN_CHECK_DEADLINE_SECS`](crate::LONGEST_USEFUL_ORIGIN_CHECK_DEADLINE_SECS):
    /// a reverse proxy has given up on the request by then.
    LongOriginCheckDeadline {
        /// The deadline as configured, in milliseconds.
        millis: u128,
    },
    /// A cache of the asynchronous origin check's answers with room for none.
    EmptyOriginCheckCache,
    /// A deadline, limit or cache set for the asynchronous origin check of a policy that has
    /// none.
    OriginCheckSettingsUnused,
    /// Times to live for the asynchronous origin check's answers, without a cache to keep
    /// them.
    OriginCheckTtlWithoutCache,
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Origin(error) | Self::PublicOrigin(error) => error.fmt(f),
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
            Self::ProtectionWithAnyOrigin => f.write_str(messages::PROTECTION_WITH_ANY_ORIGIN),
            Self::ProtectionWithNullOrigin => f.write_str(messages::PROTECTION_WITH_NULL_ORIGIN),
            Self::PublicOriginNotExact => f.write_str(messages::PUBLIC_ORIGIN_NOT_EXACT),
            Self::PublicSuffixWildcardWithCredentials { suffix } => write!(
                f,
                "`{suffix}` is a public suffix: anyone can register a site under it, and with credentials this wildcard hands every such site the user's session; list your own origins instead"
            ),
            Self::ZeroOriginCheckDeadline => f.write_str(
                "a deadline of zero for the asynchronous origin check refuses every origin it is asked about before the store can answer; give the store the time it needs (one second by default)",
            ),
            Self::ZeroOriginCheckLimit => f.write_str(
                "a limit of zero asynchronous origin checks in flight refuses every origin without asking; allow at least one (64 by default)",
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
            Self::Repeated => write!(f, "this value {}", messages::LISTED_TWICE),
            Self::ForbiddenMethod => f.write_str(messages::FORBIDDEN_METHOD),
            Self::ForbiddenRequestHeader => f.write_str(messages::FORBIDDEN_REQUEST_HEADER),
            Self::ForbiddenResponseHeader => f.write_str(messages::FORBIDDEN_RESPONSE_HEADER),
            Self::MaxAgeCapped { .. } => f.write_str(messages::MAX_AGE_CAPPED),
            Self::LongOriginCheckDeadline { millis } => write!(
                f,
                "a deadline of {millis} ms for the asynchronous origin check outlasts the {} s a reverse proxy waits for the server by default (nginx's proxy_read_timeout): the client has had its 504 by then, and a browser's preflight waits on the check",
                crate::LONGEST_USEFUL_ORIGIN_CHECK_DEADLINE_SECS
            ),
            Self::EmptyOriginCheckCache => {
                f.write_str("a cache of the asynchronous origin check with a capacity of 0 keeps no answer, which has no effect")
            }
            Self::OriginCheckTtlWithoutCache => f.write_str(
                "times to live for the asynchronous origin check's answers have no effect without a cache of them",
            ),
            Self::OriginCheckSettingsUnused => f.write_str(
                "a deadline, limit, cache or time to live for the asynchronous origin check has no effect on a policy without one",
            ),
        }
    }
}

impl ProblemKind {
    /// The problem in words as a compile error shows them, under `value` (the value at
    /// fault at `place`, `None` for a setting as a whole): the caret shows the value.
    pub fn at_value<'a>(&'a self, place: Place, value: Option<&'a str>) -> impl fmt::Display + 'a {
        Words { problem: self, place, value, line: false }
    }

    /// The problem in words as one line of a list, away from the configuration: the value at
    /// fault comes first (``origin `https://app.example/`: an origin has no trailing slash;
    /// ...``), unless the problem is about a setting as a whole or a combination its words
    /// name (`*` with credentials).
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
    /// The warning in words as a compiler warning shows them, under `value` (the value at
    /// `place`, `None` for a setting as a whole): the caret shows the value, so only a repeat
    /// names it.
    pub fn at_value<'a>(&'a self, place: Place, value: Option<&'a str>) -> impl fmt::Display + 'a {
        WarningWords { warning: self, place, value, line: false }
    }

    /// The warning in words as one line of a list: the value first, as
    /// [`ProblemKind::in_line`] does (``allowed header `cookie`: ...``, `max-age 604800:
    /// ...`); a repeat reads the same as [`at_value`](Self::at_value).
    pub fn in_line<'a>(&'a self, place: Place, value: Option<&'a str>) -> impl fmt::Display + 'a {
        WarningWords { warning: self, place, value, line: true }
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
            _ if !line => problem.fmt(f),
            (_, Some(value)) if !problem.names_its_value() => write!(f, "{noun} `{value}`: {problem}"),
            _ => problem.fmt(f),
        }
    }
}

/// The words of [`WarningKind::at_value`] (`line: false`) and [`WarningKind::in_line`].
struct WarningWords<'a> {
    warning: &'a WarningKind,
    place: Place,
    value: Option<&'a str>,
    line: bool,
}

impl fmt::Display for WarningWords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let WarningWords { warning, place, value, line } = *self;
        let noun = place.key.noun();
        match (warning, value) {
            // "Listed more than once" needs its subject, under the value too; header names
            // repeat in any case.
            (WarningKind::Repeated, Some(value)) => {
                let case = match place.key {
                    Key::Headers | Key::Expose => " (header names ignore case)",
                    _ => "",
                };
                write!(f, "{noun} `{value}`{case} {}", messages::LISTED_TWICE)
            }
            _ if !line => warning.fmt(f),
            (WarningKind::MaxAgeCapped { seconds }, _) => write!(f, "{noun} {seconds}: {warning}"),
            (_, Some(value)) => write!(f, "{noun} `{value}`: {warning}"),
            (_, None) => warning.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_the_value_first_unless_the_words_do() {
        let origin = Place::at(Key::Origins, 1);
        let mixed = ProblemKind::AnyOriginMixed;
        assert_eq!(mixed.in_line(origin, Some("*")).to_string(), messages::ANY_ORIGIN_MIXED);
        assert_eq!(mixed.at_value(origin, Some("*")).to_string(), messages::ANY_ORIGIN_MIXED);
        let header = ProblemKind::AllowedHeader(HeaderNameError::NotToken);
        assert!(header
            .in_line(Place::at(Key::Headers, 0), Some("x bad"))
            .to_string()
            .starts_with("allowed header `x bad`: a header name is an HTTP token"));
        assert!(header
            .at_value(Place::at(Key::Headers, 0), Some("x bad"))
            .to_string()
            .starts_with("a header name is an HTTP token"));
    }

    #[test]
    fn a_warning_line_names_the_value_first_and_a_repeat_its_subject_everywhere() {
        let origin = Place::at(Key::Origins, 1);
        let repeated = WarningKind::Repeated;
        assert_eq!(
            repeated.in_line(origin, Some("*")).to_string(),
            repeated.at_value(origin, Some("*")).to_string(),
            "a repeat is named the same way under its value and in a line"
        );
        assert_eq!(
            repeated.in_line(origin, Some("*")).to_string(),
            format!("origin `*` {}", messages::LISTED_TWICE)
        );
        assert!(repeated
            .in_line(Place::at(Key::Headers, 1), Some("x-api-key"))
            .to_string()
            .starts_with("allowed header `x-api-key` (header names ignore case) is listed more than once"));
        let capped = WarningKind::MaxAgeCapped { seconds: 604_800 };
        let max_age = Place::whole(Key::MaxAge);
        assert_eq!(
            capped.in_line(max_age, None).to_string(),
            format!("max-age 604800: {}", messages::MAX_AGE_CAPPED)
        );
        assert_eq!(capped.at_value(max_age, None).to_string(), messages::MAX_AGE_CAPPED);
        let cookie = WarningKind::ForbiddenRequestHeader;
        let at = Place::at(Key::Headers, 0);
        assert_eq!(
            cookie.in_line(at, Some("cookie")).to_string(),
            format!("allowed header `cookie`: {}", messages::FORBIDDEN_REQUEST_HEADER)
        );
        assert_eq!(cookie.at_value(at, Some("cookie")).to_string(), messages::FORBIDDEN_REQUEST_HEADER);
    }
}
