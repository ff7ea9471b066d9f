//! One configured origin string, classified: `*`, `null`, an exact origin, or a pattern.

use std::fmt;

use crate::{suggest_origin, Origin, OriginError, OriginPattern, PatternError};

/// What a configured origin string stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginSpec<'a> {
    /// `*`: any origin.
    Any,
    /// `null`: the opaque origin (sandboxed iframes, `file:` pages, some redirects).
    Null,
    /// One serialized origin.
    Exact(Origin<'a>),
    /// A wildcard pattern.
    Pattern(OriginPattern<'a>),
}

/// Why a configured origin string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OriginSpecError {
    /// Not a serialized origin; with the origin a browser would send, when one can be guessed.
    Origin {
        /// The rule that was broken.
        error: OriginError,
        /// The corrected origin, if there is one.
        suggestion: Option<String>,
    },
    /// Has a `*` but is not a valid pattern.
    Pattern(PatternError),
}

impl fmt::Display for OriginSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Origin { error, suggestion: Some(suggestion) } => {
                write!(f, "{error}; did you mean `{suggestion}`?")
            }
            Self::Origin { error, suggestion: None } => error.fmt(f),
            Self::Pattern(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for OriginSpecError {}

impl<'a> OriginSpec<'a> {
    /// Classifies and validates one configured origin.
    ///
    /// # Errors
    /// See [`OriginSpecError`].
    pub fn parse(input: &'a str) -> Result<Self, OriginSpecError> {
        match input {
            "*" => Ok(Self::Any),
            "null" => Ok(Self::Null),
            _ if input.contains('*') => {
                OriginPattern::parse(input).map(Self::Pattern).map_err(OriginSpecError::Pattern)
            }
            _ => Origin::parse(input)
                .map(Self::Exact)
                .map_err(|error| OriginSpecError::Origin { error, suggestion: suggest_origin(input) }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_origins_are_classified() {
        assert_eq!(OriginSpec::parse("*"), Ok(OriginSpec::Any));
        assert_eq!(OriginSpec::parse("null"), Ok(OriginSpec::Null));
        assert!(matches!(OriginSpec::parse("https://app.example"), Ok(OriginSpec::Exact(_))));
        assert!(matches!(OriginSpec::parse("https://*.app.example"), Ok(OriginSpec::Pattern(_))));
        assert!(matches!(OriginSpec::parse("NULL"), Err(OriginSpecError::Origin { .. })));
    }

    #[test]
    fn errors_carry_the_corrected_origin() {
        let error = OriginSpec::parse("https://app.example/").unwrap_err();
        assert_eq!(
            error.to_string(),
            "an origin has no trailing slash; browsers send only `scheme://host[:port]`; did you mean `https://app.example`?"
        );
    }
}
