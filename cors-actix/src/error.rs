//! Errors found when a policy is built.

use std::fmt;

use cors_actix_grammar::{messages, HeaderNameError, MethodError, OriginSpecError, RegexAnchorError};

/// Why [`PolicyBuilder::build`](crate::PolicyBuilder::build) refused a configuration.
///
/// Every problem of the configuration is collected, not just the first, so that a bad
/// config file can be fixed in one go. `Display` writes one problem per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    problems: Vec<Problem>,
}

impl PolicyError {
    pub(crate) fn new(problems: Vec<Problem>) -> Self {
        debug_assert!(!problems.is_empty());
        Self { problems }
    }

    /// Each problem found, in the order the configuration was given.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
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
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Origin { input, error } => write!(f, "origin `{input}`: {error}"),
            Self::RegexSyntax { input, message } => {
                write!(f, "origin regex `{input}` does not compile: {message}")
            }
            Self::RegexNotAnchored { input, error } => write!(f, "origin regex `{input}`: {error}"),
            Self::AnyOriginMixed => f.write_str(messages::ANY_ORIGIN_MIXED),
            Self::NoOrigin => f.write_str(messages::NO_ORIGIN),
            Self::AnyOriginWithCredentials => f.write_str(messages::ANY_ORIGIN_WITH_CREDENTIALS),
            Self::AnyOriginRegexWithCredentials { input } => {
                write!(f, "origin regex `{input}`: {}", messages::ANY_ORIGIN_REGEX_WITH_CREDENTIALS)
            }
            Self::Method { input, error } => write!(f, "method `{input}`: {error}"),
            Self::AllowedHeader { input, error } => write!(f, "allowed header `{input}`: {error}"),
            Self::ExposedHeader { input, error } => write!(f, "exposed header `{input}`: {error}"),
            Self::AnyExposedHeaderWithCredentials => {
                f.write_str(messages::ANY_EXPOSED_HEADER_WITH_CREDENTIALS)
            }
            Self::MaxAgeTooLong { seconds } => write!(f, "max-age {seconds}: {}", messages::MAX_AGE_TOO_LONG),
        }
    }
}
