//! A policy read from a configuration file, with serde (feature `serde`).

use std::fmt;

use serde::{Deserialize, Deserializer};

use crate::{OnMismatch, Policy, PolicyBuilder, PolicyError, Problem};

/// A CORS policy as a configuration file writes it: the keys of `#[cors]` and `policy!`.
///
/// ```
/// let config: cors_actix::PolicyConfig = serde_json::from_str(r#"{
///     "origins": ["https://app.example", "https://*.app.example"],
///     "methods": ["GET", "PUT"],
///     "headers": "content-type",
///     "credentials": true,
///     "max_age": 600,
///     "on_mismatch": "reject"
/// }"#)?;
/// let policy = config.build()?;
/// assert_eq!(policy.max_age(), Some(600));
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// ```
///
/// Lists may also be a single string. An unknown key is a deserialization error (a typo
/// would otherwise be a setting silently left out). What serde cannot check is checked by
/// [`PolicyConfig::build`], which reports every problem under its key (`origins[1]`). Each
/// field is named as its [`Key`](crate::problem::Key); `policy`, `origin_fn` and `origin_async` name
/// code, which a file cannot hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PolicyConfig {
    /// Allowed origins: exact (`https://app.example`), patterns (`https://*.app.example`,
    /// `http://localhost:*`), `*` or `null`.
    #[serde(default, deserialize_with = "one_or_many")]
    pub origins: Vec<String>,
    /// Allowed origins as regexes anchored with `^...$`.
    #[serde(default, deserialize_with = "one_or_many")]
    pub origin_regex: Vec<String>,
    /// Allowed methods, or `*`; when absent, `GET`, `HEAD`, `POST`. An empty list is an
    /// error at [`build`](Self::build), not the defaults.
    #[serde(default, deserialize_with = "some_one_or_many")]
    pub methods: Option<Vec<String>>,
    /// Allowed request headers, or `*` (any but `Authorization`).
    #[serde(default, deserialize_with = "one_or_many")]
    pub headers: Vec<String>,
    /// Exposed response headers, or `*`.
    #[serde(default, deserialize_with = "one_or_many")]
    pub expose: Vec<String>,
    /// Whether responses allow credentials.
    #[serde(default)]
    pub credentials: bool,
    /// `Access-Control-Max-Age`, in seconds.
    #[serde(default)]
    pub max_age: Option<u64>,
    /// Whether Private Network Access preflights are allowed.
    #[serde(default)]
    pub private_network: bool,
    /// `"omit"` (default) or `"reject"`.
    #[serde(default)]
    pub on_mismatch: OnMismatch,
    /// Whether state-changing requests from other sites are refused; see
    /// [`PolicyBuilder::cross_origin_protection`].
    #[serde(default)]
    pub cross_origin_protection: bool,
    /// The origins browsers reach this server by; see [`PolicyBuilder::public_origin`].
    #[serde(default, deserialize_with = "one_or_many")]
    pub public_origins: Vec<String>,
}

impl PolicyConfig {
    /// The builder these settings make, to add what a file cannot hold (an origin
    /// predicate) before building.
    pub fn builder(&self) -> PolicyBuilder {
        let mut builder = Policy::builder()
            .allow_origins(&self.origins)
            .allow_headers(&self.headers)
            .expose_headers(&self.expose)
            .allow_credentials(self.credentials)
            .allow_private_network(self.private_network)
            .on_mismatch(self.on_mismatch)
            .cross_origin_protection(self.cross_origin_protection)
            .public_origins(&self.public_origins);
        for regex in &self.origin_regex {
            builder = builder.allow_origin_regex(regex.as_str());
        }
        if let Some(methods) = &self.methods {
            builder = builder.allow_methods(methods);
        }
        if let Some(seconds) = self.max_age {
            builder = builder.max_age(seconds);
        }
        builder
    }

    /// Builds the policy.
    ///
    /// # Errors
    /// Every problem of the settings, each under its key.
    pub fn build(&self) -> Result<Policy, ConfigError> {
        self.builder().build().map_err(ConfigError::new)
    }
}

/// A string or a list of strings.
fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

/// [`one_or_many`], for a list whose absence differs from its being empty.
fn some_one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<String>>, D::Error> {
    one_or_many(deserializer).map(Some)
}

/// Why [`PolicyConfig::build`] refused the settings: every problem, each under its key.
///
/// It is a [`std::error::Error`], so it composes with an application's own errors (`?`
/// into `anyhow::Error` or a `thiserror` enum); [`ConfigError::policy_error`] gives the
/// problems without keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    keys: Vec<String>,
    error: PolicyError,
}

impl ConfigError {
    /// Names each problem by its place, which is a place in the file: [`PolicyConfig::builder`]
    /// gives the builder each list of the file in order.
    fn new(error: PolicyError) -> Self {
        let keys = error.problems().iter().map(|problem| problem.place.to_string()).collect();
        Self { keys, error }
    }

    /// Each problem with the key it comes from, in the order of the settings.
    pub fn problems(&self) -> impl Iterator<Item = (&str, &Problem)> {
        self.keys.iter().map(String::as_str).zip(self.error.problems())
    }

    /// The problems, without keys.
    pub fn policy_error(&self) -> &PolicyError {
        &self.error
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.keys.len();
        write!(f, "invalid CORS configuration ({count} problem{})", if count == 1 { "" } else { "s" })?;
        for (key, problem) in self.problems() {
            write!(f, "\n  - {key}: {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::{Key, ProblemKind};

    fn config(json: &str) -> PolicyConfig {
        serde_json::from_str(json).expect("valid JSON for PolicyConfig")
    }

    #[test]
    fn every_key_is_read_and_lists_may_be_one_string() {
        let config = config(
            r#"{"origins": "https://app.example", "origin_regex": ["^https://[a-z]+\\.app\\.example$"],
                "methods": "*", "headers": ["content-type"], "expose": "x-request-id",
                "credentials": true, "max_age": 600, "private_network": true, "on_mismatch": "reject"}"#,
        );
        assert_eq!(config.origins, ["https://app.example"]);
        assert_eq!(config.expose, ["x-request-id"]);
        let policy = config.build().expect("a valid policy");
        assert!(policy.allows_credentials() && policy.allows_any_method() && policy.allows_private_network());
        assert_eq!(policy.on_mismatch(), OnMismatch::Reject);
        assert_eq!(policy.max_age(), Some(600));
        assert_eq!(policy.exposed_headers(), ["x-request-id"]);
    }

    /// A file names a setting by its key, as the macros do; the keys that name code are the
    /// macros' only.
    #[test]
    fn a_file_takes_every_key_but_those_that_name_code() {
        for key in Key::ALL {
            // Any value: a known key with a value of the wrong type is another error.
            let read = serde_json::from_str::<PolicyConfig>(&format!(r#"{{"{key}": 7}}"#));
            let unknown = read.as_ref().is_err_and(|error| error.to_string().contains("unknown field"));
            assert_eq!(
                unknown,
                matches!(key, Key::Policy | Key::OriginFn | Key::OriginAsync),
                "{key}: {read:?}"
            );
        }
    }

    #[test]
    fn unknown_keys_and_unknown_on_mismatch_values_are_errors() {
        let typo = serde_json::from_str::<PolicyConfig>(r#"{"origin": ["https://app.example"]}"#);
        assert!(typo.unwrap_err().to_string().contains("unknown field `origin`"));
        let value = serde_json::from_str::<PolicyConfig>(r#"{"on_mismatch": "block"}"#);
        assert!(value.unwrap_err().to_string().contains("unknown variant `block`"));
    }

    #[test]
    fn every_problem_is_reported_under_its_key() {
        let error = config(
            r#"{"origins": ["https://app.example", "https://App.example/"], "methods": ["GET", "patch"],
                "expose": "*", "credentials": true, "max_age": 100000}"#,
        )
        .build()
        .unwrap_err();
        let keys: Vec<&str> = error.problems().map(|(key, _)| key).collect();
        assert_eq!(keys, ["origins[1]", "methods[1]", "expose[0]", "max_age"]);
        let text = error.to_string();
        assert!(text.starts_with("invalid CORS configuration (4 problems)"), "{text}");
        assert!(text.contains("\n  - origins[1]: "), "{text}");
        assert!(text.contains("`PATCH`"), "the fix is suggested: {text}");
        assert_eq!(error.policy_error().problems().len(), 4);
    }

    #[test]
    fn an_empty_method_list_and_a_repeated_origin_are_refused() {
        let error = config(
            r#"{"origins": ["https://app.example", "https://b.example", "https://app.example"], "methods": []}"#,
        )
        .build()
        .unwrap_err();
        let keys: Vec<&str> = error.problems().map(|(key, _)| key).collect();
        assert_eq!(keys, ["origins[2]", "methods"]);
        assert!(config(r#"{"origins": "https://app.example"}"#).build().is_ok(), "no methods: the defaults");
    }

    #[test]
    fn null_with_cross_origin_protection_is_reported_under_its_origin_key() {
        let error = config(
            r#"{"origins": ["https://app.example", "null"], "methods": ["GET", "POST"],
                "cross_origin_protection": true}"#,
        )
        .build()
        .unwrap_err();
        let problems: Vec<(&str, &ProblemKind)> =
            error.problems().map(|(key, problem)| (key, problem.kind())).collect();
        assert_eq!(problems, [("origins[1]", &ProblemKind::ProtectionWithNullOrigin)]);
        let text = error.to_string();
        assert!(
            text.contains(
                "\n  - origins[1]: origin `null`: cross-origin request protection cannot trust `null`"
            ),
            "{text}"
        );
        assert!(config(r#"{"origins": ["https://app.example", "null"]}"#).build().is_ok(), "unprotected");
    }

    #[test]
    fn an_empty_file_is_a_policy_without_origins() {
        let error = config("{}").build().unwrap_err();
        assert_eq!(error.problems().map(|(key, _)| key).collect::<Vec<_>>(), ["origins"]);
    }
}
