//! Errors found when a policy is built.

use std::fmt;

use cors_actix_grammar::{
    HeaderNameError, MethodError, OriginSpecError, PolicyProblem, PolicyWarning, RegexAnchorError,
};

/// Why [`PolicyBuilder::build`](crate::PolicyBuilder::build) refused a configuration.
///
/// Every problem of the configuration is collected, not just the first, so that a bad
/// config file can be fixed in one go. `Display` writes one problem per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    problems: Vec<Problem>,
    /// Where each problem's value was given, parallel to `problems`; `None` for the policy
    /// as a whole.
    places: Vec<Option<Place>>,
}

/// The builder setting a value was given to.
#[cfg_attr(not(feature = "serde"), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setting {
    Origins,
    OriginRegexes,
    Methods,
    AllowHeaders,
    ExposeHeaders,
    MaxAge,
    CrossOriginProtection,
    PublicOrigins,
}

/// Where a value was given: its setting, and its position there (`None`: the setting's list
/// or single value as a whole).
#[cfg_attr(not(feature = "serde"), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    pub(crate) setting: Setting,
    pub(crate) index: Option<usize>,
}

impl PolicyError {
    /// Collects what the checker reported: each problem with its place and the value at
    /// fault as written (empty for the policy as a whole).
    pub(crate) fn new(found: Vec<(Option<Place>, Problem)>) -> Self {
        debug_assert!(!found.is_empty());
        let (places, problems) = found.into_iter().unzip();
        Self { problems, places }
    }

    /// Each problem found, in the order the configuration was given.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Each problem with where its value was given, for keys in a configuration file.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) fn placed(&self) -> impl Iterator<Item = (Option<Place>, &Problem)> {
        self.places.iter().copied().zip(&self.problems)
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid CORS policy ({} problem{})",
            self.problems.len(),
            if self.problems.len() == 1 { "" } else { "s" }
        )?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PolicyError {}

/// One problem of a CORS configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// An origin string that is neither `*`, `null`, a serialized origin nor a valid pattern.
    Origin {
        /// The string as configured.
        input: String,
        /// What is wrong with it, with a suggested correction where there is one.
        error: OriginSpecError,
    },
    /// An origin regex that does not compile.
    RegexSyntax {
        /// The regex as configured.
        input: String,
        /// The regex engine's message.
        message: String,
    },
    /// An origin regex not anchored at both ends.
    RegexNotAnchored {
        /// The regex as configured.
        input: String,
        /// Which anchor is missing.
        error: RegexAnchorError,
    },
    /// An origin listed a second time, exactly as before: usually a typo or a merge mistake.
    OriginRepeated {
        /// The origin as configured.
        input: String,
    },
    /// `*` listed together with other origins.
    AnyOriginMixed,
    /// No origin is allowed at all: the policy would refuse every cross-origin request.
    NoOrigin,
    /// Any origin (`*`) together with credentials.
    AnyOriginWithCredentials,
    /// A regex that matches any origin together with credentials.
    AnyOriginRegexWithCredentials {
        /// The regex as configured.
        input: String,
    },
    /// Methods were given as a list with nothing in it
    /// ([`allow_methods`](crate::PolicyBuilder::allow_methods) with no method).
    NoMethodListed,
    /// A method that is not valid in a policy.
    Method {
        /// The method as configured.
        input: String,
        /// What is wrong with it.
        error: MethodError,
    },
    /// An allowed request-header name that is not valid.
    AllowedHeader {
        /// The name as configured.
        input: String,
        /// What is wrong with it.
        error: HeaderNameError,
    },
    /// An exposed response-header name that is not valid.
    ExposedHeader {
        /// The name as configured.
        input: String,
        /// What is wrong with it.
        error: HeaderNameError,
    },
    /// Exposing any header (`*`) together with credentials.
    AnyExposedHeaderWithCredentials,
    /// `max_age` longer than [`MAX_AGE_LIMIT`](cors_actix_grammar::MAX_AGE_LIMIT) seconds.
    MaxAgeTooLong {
        /// The value as configured, in seconds.
        seconds: u64,
    },
    /// Cross-origin request protection with any origin (`*`), which it would all trust.
    ProtectionWithAnyOrigin,
    /// Cross-origin request protection with `null` listed as an origin: any site can make a
    /// browser send `Origin: null` (a sandboxed iframe, a `file:` page), so the protection
    /// would let every such page send state-changing requests.
    ProtectionWithNullOrigin,
    /// A public origin that is not a serialized origin.
    PublicOrigin {
        /// The origin as configured.
        input: String,
        /// What is wrong with it, with a suggested correction where there is one.
        error: OriginSpecError,
    },
    /// A public origin that is `*`, `null` or a pattern.
    PublicOriginNotExact {
        /// The value as configured.
        input: String,
    },
    /// A public origin listed a second time.
    PublicOriginRepeated {
        /// The origin as configured.
        input: String,
    },
    /// A wildcard over a public suffix (`https://*.github.io`) together with credentials.
    PublicSuffixWildcardWithCredentials {
        /// The pattern as configured.
        input: String,
        /// The public suffix after `*.`.
        suffix: String,
    },
}

/// Something a policy allows that is probably not meant: it builds, and the warning is
/// logged (target `cors_actix`, warn level) and kept in [`Policy::warnings`](crate::Policy::warnings).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// A wildcard over a public suffix (`https://*.vercel.app`): every site registered under
    /// it can read the responses.
    PublicSuffixWildcard {
        /// The pattern as configured.
        input: String,
        /// The public suffix after `*.`.
        suffix: String,
    },
}

impl Warning {
    pub(crate) fn from_check(warning: PolicyWarning<'_>, written: &str) -> Self {
        match warning {
            PolicyWarning::PublicSuffixWildcard { suffix } => {
                Self::PublicSuffixWildcard { input: written.to_owned(), suffix: suffix.to_owned() }
            }
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PublicSuffixWildcard { input, suffix } => {
                write!(f, "origin `{input}`: {}", PolicyWarning::PublicSuffixWildcard { suffix })
            }
        }
    }
}

impl Problem {
    /// The form of a problem the grammar's checker found in `written` (the value at fault,
    /// as configured).
    pub(crate) fn from_check(problem: PolicyProblem<'_>, written: &str) -> Self {
        let input = written.to_owned();
        match problem {
            PolicyProblem::Origin(error) => Self::Origin { input, error },
            PolicyProblem::OriginRepeated(_) => Self::OriginRepeated { input },
            PolicyProblem::RegexNotAnchored(error) => Self::RegexNotAnchored { input, error },
            PolicyProblem::RegexSyntax(message) => Self::RegexSyntax { input, message: message.into_owned() },
            PolicyProblem::AnyOriginMixed => Self::AnyOriginMixed,
            PolicyProblem::NoOrigin => Self::NoOrigin,
            PolicyProblem::AnyOriginWithCredentials => Self::AnyOriginWithCredentials,
            PolicyProblem::BroadRegexWithCredentials => Self::AnyOriginRegexWithCredentials { input },
            PolicyProblem::NoMethodListed => Self::NoMethodListed,
            PolicyProblem::Method(error) => Self::Method { input, error },
            PolicyProblem::AllowedHeader(error) => Self::AllowedHeader { input, error },
            PolicyProblem::ExposedHeader(error) => Self::ExposedHeader { input, error },
            PolicyProblem::AnyExposedHeaderWithCredentials => Self::AnyExposedHeaderWithCredentials,
            PolicyProblem::MaxAgeTooLong { seconds } => Self::MaxAgeTooLong { seconds },
            PolicyProblem::ProtectionWithAnyOrigin => Self::ProtectionWithAnyOrigin,
            PolicyProblem::ProtectionWithNullOrigin => Self::ProtectionWithNullOrigin,
            PolicyProblem::PublicOrigin(error) => Self::PublicOrigin { input, error },
            PolicyProblem::PublicOriginNotExact => Self::PublicOriginNotExact { input },
            PolicyProblem::PublicOriginRepeated(_) => Self::PublicOriginRepeated { input },
            PolicyProblem::PublicSuffixWildcardWithCredentials { suffix } => {
                Self::PublicSuffixWildcardWithCredentials { input, suffix: suffix.to_owned() }
            }
        }
    }

    /// The grammar's problem, whose `Display` holds the wording, and the value it is about
    /// when the line names one.
    fn as_check(&self) -> (Option<(&str, &str)>, PolicyProblem<'_>) {
        match self {
            Self::Origin { input, error } => (Some(("origin", input)), PolicyProblem::Origin(error.clone())),
            Self::OriginRepeated { input } => (None, PolicyProblem::OriginRepeated(input)),
            Self::RegexSyntax { input, message } => {
                (Some(("origin regex", input)), PolicyProblem::RegexSyntax(message.as_str().into()))
            }
            Self::RegexNotAnchored { input, error } => {
                (Some(("origin regex", input)), PolicyProblem::RegexNotAnchored(*error))
            }
            Self::AnyOriginMixed => (None, PolicyProblem::AnyOriginMixed),
            Self::NoOrigin => (None, PolicyProblem::NoOrigin),
            Self::AnyOriginWithCredentials => (None, PolicyProblem::AnyOriginWithCredentials),
            Self::AnyOriginRegexWithCredentials { input } => {
                (Some(("origin regex", input)), PolicyProblem::BroadRegexWithCredentials)
            }
            Self::NoMethodListed => (None, PolicyProblem::NoMethodListed),
            Self::Method { input, error } => (Some(("method", input)), PolicyProblem::Method(error.clone())),
            Self::AllowedHeader { input, error } => {
                (Some(("allowed header", input)), PolicyProblem::AllowedHeader(*error))
            }
            Self::ExposedHeader { input, error } => {
                (Some(("exposed header", input)), PolicyProblem::ExposedHeader(*error))
            }
            Self::AnyExposedHeaderWithCredentials => (None, PolicyProblem::AnyExposedHeaderWithCredentials),
            Self::MaxAgeTooLong { seconds } => (None, PolicyProblem::MaxAgeTooLong { seconds: *seconds }),
            Self::ProtectionWithAnyOrigin => (None, PolicyProblem::ProtectionWithAnyOrigin),
            Self::ProtectionWithNullOrigin => {
                (Some(("origin", "null")), PolicyProblem::ProtectionWithNullOrigin)
            }
            Self::PublicOrigin { input, error } => {
                (Some(("public origin", input)), PolicyProblem::PublicOrigin(error.clone()))
            }
            Self::PublicOriginNotExact { input } => {
                (Some(("public origin", input)), PolicyProblem::PublicOriginNotExact)
            }
            Self::PublicOriginRepeated { input } => (None, PolicyProblem::PublicOriginRepeated(input)),
            Self::PublicSuffixWildcardWithCredentials { input, suffix } => {
                (Some(("origin", input)), PolicyProblem::PublicSuffixWildcardWithCredentials { suffix })
            }
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_check() {
            (Some((what, input)), problem) => write!(f, "{what} `{input}`: {problem}"),
            (None, problem @ PolicyProblem::MaxAgeTooLong { seconds }) => {
                write!(f, "max-age {seconds}: {problem}")
            }
            (None, problem) => problem.fmt(f),
        }
    }
}
