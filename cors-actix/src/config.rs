//! A policy read from a configuration file, with serde (feature `serde`).

use std::fmt;

use serde::{
    de::{self, DeserializeSeed, SeqAccess, Visitor},
    Deserialize, Deserializer,
};

use crate::{problem::Key, OnMismatch, Policy, PolicyBuilder, PolicyError, Problem};

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
/// would otherwise be a setting silently left out), and so is a value of the wrong type, whose
/// error names the key and what it takes (``invalid type: integer `7`, expected `origins` to be
/// a string or a list of strings``). What serde cannot check is checked by
/// [`PolicyConfig::build`], which reports every problem under its key (`origins[1]`). Each
/// field is named as its [`Key`](crate::problem::Key); `policy`, `origin_fn` and `origin_async` name
/// code, which a file cannot hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table of CORS settings")]
#[non_exhaustive]
pub struct PolicyConfig {
    /// Allowed origins: exact (`https://app.example`), patterns (`https://*.app.example`,
    /// `http://localhost:*`), `*` or `null`. An empty list (`origins = []`) allows no origin
    /// on purpose ([`PolicyBuilder::allow_no_origins`]); leaving the key out allows none
    /// either, which is an error at [`build`](Self::build) unless other keys allow origins or
    /// turn on the protection.
    #[serde(default, deserialize_with = "read::origins")]
    pub origins: Option<Vec<String>>,
    /// Allowed origins as regexes anchored with `^...$`.
    #[serde(default, deserialize_with = "read::origin_regex")]
    pub origin_regex: Vec<String>,
    /// Allowed methods, or `*`; when absent, `GET`, `HEAD`, `POST`. An empty list is an
    /// error at [`build`](Self::build), not the defaults.
    #[serde(default, deserialize_with = "read::methods")]
    pub methods: Option<Vec<String>>,
    /// Allowed request headers, or `*` (any but `Authorization`).
    #[serde(default, deserialize_with = "read::headers")]
    pub headers: Vec<String>,
    /// Exposed response headers, or `*`.
    #[serde(default, deserialize_with = "read::expose")]
    pub expose: Vec<String>,
    /// Whether responses allow credentials.
    #[serde(default, deserialize_with = "read::credentials")]
    pub credentials: bool,
    /// `Access-Control-Max-Age`, in seconds.
    #[serde(default, deserialize_with = "read::max_age")]
    pub max_age: Option<u64>,
    /// Whether Private Network Access preflights are allowed.
    #[serde(default, deserialize_with = "read::private_network")]
    pub private_network: bool,
    /// `"omit"` (default) or `"reject"`.
    #[serde(default, deserialize_with = "read::on_mismatch")]
    pub on_mismatch: OnMismatch,
    /// Whether state-changing requests from other sites are refused; see
    /// [`PolicyBuilder::cross_origin_protection`].
    #[serde(default, deserialize_with = "read::cross_origin_protection")]
    pub cross_origin_protection: bool,
    /// The origins browsers reach this server by; see [`PolicyBuilder::public_origin`].
    #[serde(default, deserialize_with = "read::public_origins")]
    pub public_origins: Vec<String>,
}

impl PolicyConfig {
    /// The builder these settings make, to add what a file cannot hold (an origin
    /// predicate) before building.
    pub fn builder(&self) -> PolicyBuilder {
        let mut builder = Policy::builder()
            .allow_headers(&self.headers)
            .expose_headers(&self.expose)
            .allow_credentials(self.credentials)
            .allow_private_network(self.private_network)
            .on_mismatch(self.on_mismatch)
            .cross_origin_protection(self.cross_origin_protection)
            .public_origins(&self.public_origins);
        match self.origins.as_deref() {
            Some([]) => builder = builder.allow_no_origins(),
            Some(origins) => builder = builder.allow_origins(origins),
            None => {}
        }
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

/// How each key's value is read. A value of the wrong type is refused with the key and what
/// it takes, in the words of a configuration file (``expected `origins` to be a string or a
/// list of strings``), never a type of this crate.
mod read {
    use super::*;

    /// Reads the value of one key, the list keys' as lists.
    macro_rules! keys {
        ($($name:ident: $key:ident => $read:ident -> $value:ty;)*) => {$(
            pub(super) fn $name<'de, D: Deserializer<'de>>(deserializer: D) -> Result<$value, D::Error> {
                $read(deserializer, Key::$key)
            }
        )*};
    }

    keys! {
        origins: Origins => some_list -> Option<Vec<String>>;
        origin_regex: OriginRegex => list -> Vec<String>;
        methods: Methods => some_list -> Option<Vec<String>>;
        headers: Headers => list -> Vec<String>;
        expose: Expose => list -> Vec<String>;
        credentials: Credentials => flag -> bool;
        max_age: MaxAge => seconds -> Option<u64>;
        private_network: PrivateNetwork => flag -> bool;
        on_mismatch: OnMismatch => on_mismatch_value -> OnMismatch;
        cross_origin_protection: CrossOriginProtection => flag -> bool;
        public_origins: PublicOrigins => list -> Vec<String>;
    }

    /// A string or a list of strings.
    fn list<'de, D: Deserializer<'de>>(deserializer: D, key: Key) -> Result<Vec<String>, D::Error> {
        deserializer.deserialize_any(List(key))
    }

    /// [`list`], for a list whose absence differs from its being empty.
    fn some_list<'de, D: Deserializer<'de>>(
        deserializer: D,
        key: Key,
    ) -> Result<Option<Vec<String>>, D::Error> {
        list(deserializer, key).map(Some)
    }

    fn flag<'de, D: Deserializer<'de>>(deserializer: D, key: Key) -> Result<bool, D::Error> {
        deserializer.deserialize_bool(Flag(key))
    }

    fn seconds<'de, D: Deserializer<'de>>(deserializer: D, key: Key) -> Result<Option<u64>, D::Error> {
        deserializer.deserialize_option(Seconds(key))
    }

    fn on_mismatch_value<'de, D: Deserializer<'de>>(
        deserializer: D,
        key: Key,
    ) -> Result<OnMismatch, D::Error> {
        deserializer.deserialize_str(Mismatch(key))
    }

    struct List(Key);

    impl<'de> Visitor<'de> for List {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "`{}` to be a string or a list of strings", self.0)
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            Ok(vec![value.to_owned()])
        }

        fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
            Ok(vec![value])
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
            while let Some(value) = seq.next_element_seed(Item { key: self.0, index: values.len() })? {
                values.push(value);
            }
            Ok(values)
        }
    }

    /// One string of a list, named by its place (`origins[1]`) as [`ConfigError`] names it.
    struct Item {
        key: Key,
        index: usize,
    }

    impl<'de> DeserializeSeed<'de> for Item {
        type Value = String;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
            deserializer.deserialize_string(self)
        }
    }

    impl Visitor<'_> for Item {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "`{}[{}]` to be a string", self.key, self.index)
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<String, E> {
            Ok(value.to_owned())
        }

        fn visit_string<E: de::Error>(self, value: String) -> Result<String, E> {
            Ok(value)
        }
    }

    struct Flag(Key);

    impl Visitor<'_> for Flag {
        type Value = bool;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "`{}` to be true or false", self.0)
        }

        fn visit_bool<E: de::Error>(self, value: bool) -> Result<bool, E> {
            Ok(value)
        }
    }

    struct Seconds(Key);

    impl<'de> Visitor<'de> for Seconds {
        type Value = Option<u64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "`{}` to be a whole number of seconds", self.0)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_u64(self)
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
            Ok(Some(value))
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
            match u64::try_from(value) {
                Ok(value) => Ok(Some(value)),
                Err(_) => Err(E::invalid_value(de::Unexpected::Signed(value), &self)),
            }
        }
    }

    struct Mismatch(Key);

    impl Visitor<'_> for Mismatch {
        type Value = OnMismatch;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "`{}` to be \"omit\" or \"reject\"", self.0)
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<OnMismatch, E> {
            match value {
                "omit" => Ok(OnMismatch::Omit),
                "reject" => Ok(OnMismatch::Reject),
                _ => Err(E::invalid_value(de::Unexpected::Str(value), &self)),
            }
        }
    }
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
    ///
    /// The key is also in each problem, structured: [`key`](crate::problem::Finding::key) and
    /// [`index`](crate::problem::Finding::index) (`origins[2]` is `(Key::Origins, Some(2))`),
    /// the position in the file's list, so that a format's spans can map it to a line.
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
        assert_eq!(config.origins.as_deref(), Some(&["https://app.example".to_owned()][..]));
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
        let message = value.unwrap_err().to_string();
        assert!(
            message.contains(
                r#"invalid value: string "block", expected `on_mismatch` to be "omit" or "reject""#
            ),
            "{message}"
        );
    }

    fn error_of(json: &str) -> String {
        serde_json::from_str::<PolicyConfig>(json).expect_err(json).to_string()
    }

    /// A value of the wrong type is refused in the file's words: the key, and what it takes.
    #[test]
    fn a_value_of_the_wrong_type_names_its_key_and_what_it_takes() {
        for (json, expected) in [
            (
                r#"{"origins": 7}"#,
                "invalid type: integer `7`, expected `origins` to be a string or a list of strings",
            ),
            (
                r#"{"origin_regex": {"a": 1}}"#,
                "invalid type: map, expected `origin_regex` to be a string or a list of strings",
            ),
            (
                r#"{"methods": true}"#,
                "invalid type: boolean `true`, expected `methods` to be a string or a list of strings",
            ),
            (
                r#"{"headers": null}"#,
                "invalid type: null, expected `headers` to be a string or a list of strings",
            ),
            (
                r#"{"expose": 1.5}"#,
                "invalid type: floating point `1.5`, expected `expose` to be a string or a list of strings",
            ),
            (
                r#"{"public_origins": [["https://a.example"]]}"#,
                "invalid type: sequence, expected `public_origins[0]` to be a string",
            ),
            (
                r#"{"origins": ["https://app.example", 7]}"#,
                "invalid type: integer `7`, expected `origins[1]` to be a string",
            ),
            (
                r#"{"credentials": "yes"}"#,
                r#"invalid type: string "yes", expected `credentials` to be true or false"#,
            ),
            (
                r#"{"private_network": 1}"#,
                "invalid type: integer `1`, expected `private_network` to be true or false",
            ),
            (
                r#"{"cross_origin_protection": "true"}"#,
                r#"invalid type: string "true", expected `cross_origin_protection` to be true or false"#,
            ),
            (
                r#"{"max_age": "600"}"#,
                r#"invalid type: string "600", expected `max_age` to be a whole number of seconds"#,
            ),
            (
                r#"{"max_age": -1}"#,
                "invalid value: integer `-1`, expected `max_age` to be a whole number of seconds",
            ),
            (
                r#"{"on_mismatch": 1}"#,
                r#"invalid type: integer `1`, expected `on_mismatch` to be "omit" or "reject""#,
            ),
            (
                r#""https://app.example""#,
                r#"invalid type: string "https://app.example", expected a table of CORS settings"#,
            ),
        ] {
            let message = error_of(json);
            assert!(message.starts_with(expected), "{json}: {message}");
            for ours in ["OneOrMany", "untagged", "PolicyConfig", "OnMismatch", "enum", "struct"] {
                assert!(!message.contains(ours), "{json}: {message} names `{ours}`");
            }
        }
    }

    /// The same in TOML, the format of the `config_file` example, whose parser puts the line
    /// and a caret under the value before the message: a table, an array of tables or a
    /// nested array where a string belongs are named by their key too.
    #[test]
    fn a_toml_value_of_the_wrong_type_names_its_key_and_line() {
        for (text, line, expected) in [
            (
                "origins = 3",
                1,
                "invalid type: integer `3`, expected `origins` to be a string or a list of strings",
            ),
            ("credentials = true\nmethods = 3", 2, "expected `methods` to be a string or a list of strings"),
            (
                "[origins]\na = 1",
                1,
                "invalid type: map, expected `origins` to be a string or a list of strings",
            ),
            ("[[origins]]\na = 1", 1, "invalid type: map, expected `origins[0]` to be a string"),
            (
                "origins = [\n  \"https://a.example\",\n  [\"https://b.example\"],\n]",
                3,
                "expected `origins[1]` to be a string",
            ),
            ("credentials = [true]", 1, "invalid type: sequence, expected `credentials` to be true or false"),
            (
                "max_age = 1.5",
                1,
                "invalid type: floating point `1.5`, expected `max_age` to be a whole number of seconds",
            ),
            (
                "max_age = \"600\"",
                1,
                r#"invalid type: string "600", expected `max_age` to be a whole number of seconds"#,
            ),
            (
                "on_mismatch = []",
                1,
                r#"invalid type: sequence, expected `on_mismatch` to be "omit" or "reject""#,
            ),
        ] {
            let message = toml::from_str::<PolicyConfig>(text).expect_err(text).to_string();
            assert!(message.starts_with(&format!("TOML parse error at line {line}, ")), "{text}: {message}");
            assert!(message.contains(expected), "{text}: {message}");
            for ours in ["OneOrMany", "PolicyConfig", "OnMismatch", "Vec", "Option", "enum", "struct"] {
                assert!(!message.contains(ours), "{text}: {message} names `{ours}`");
            }
        }
        let config: PolicyConfig = toml::from_str("methods = \"GET\"").expect("one string is a list of one");
        assert_eq!(config.methods.as_deref(), Some(&["GET".to_owned()][..]));
    }

    /// What every key takes is still read as before: one string or a list, `null` for no
    /// max-age.
    #[test]
    fn values_of_the_right_type_are_read() {
        let read = config(
            r#"{"origins": [], "headers": "x-a", "methods": ["GET"], "max_age": null, "on_mismatch": "omit",
                "credentials": false, "public_origins": ["https://a.example", "https://b.example"]}"#,
        );
        assert_eq!(read.origins, Some(Vec::new()), "an empty list is kept apart from no list");
        assert_eq!(read.headers, ["x-a"]);
        assert_eq!(read.methods.as_deref(), Some(&["GET".to_owned()][..]));
        assert_eq!((read.max_age, read.on_mismatch), (None, OnMismatch::Omit));
        assert_eq!(read.public_origins, ["https://a.example", "https://b.example"]);
        assert_eq!(config("{}").methods, None, "absent: the defaults, unlike an empty list");
    }

    /// `origins = []` is the opt-out; no `origins` key at all is still a mistake.
    #[test]
    fn an_empty_origin_list_is_no_origin_on_purpose() {
        let policy = config(r#"{"origins": [], "on_mismatch": "reject"}"#).build().expect("the opt-out");
        assert!(policy.warnings().is_empty());
        let error = config(r#"{"on_mismatch": "reject"}"#).build().unwrap_err();
        let keys: Vec<&str> = error.problems().map(|(key, _)| key).collect();
        assert_eq!(keys, ["origins"]);
        let error =
            config(r#"{"origins": [], "origin_regex": "^https://a\\.example$"}"#).build().unwrap_err();
        assert_eq!(
            error.problems().map(|(_, problem)| problem.kind().clone()).collect::<Vec<_>>(),
            [ProblemKind::NoOriginsWithOrigins]
        );
    }

    #[test]
    fn every_problem_is_reported_under_its_key() {
        let error = config(
            r#"{"origins": ["https://app.example", "https://App.example/"], "methods": ["GET", "patch"],
                "headers": "x bad", "expose": "*", "credentials": true}"#,
        )
        .build()
        .unwrap_err();
        let keys: Vec<&str> = error.problems().map(|(key, _)| key).collect();
        assert_eq!(keys, ["origins[1]", "methods[1]", "headers[0]", "expose[0]"]);
        let text = error.to_string();
        assert!(text.starts_with("invalid CORS configuration (4 problems)"), "{text}");
        assert!(text.contains("\n  - origins[1]: "), "{text}");
        assert!(text.contains("`PATCH`"), "the fix is suggested: {text}");
        assert_eq!(error.policy_error().problems().len(), 4);
    }

    /// A repeated origin only has no effect: a warning of the policy, not a problem.
    #[test]
    fn an_empty_method_list_is_refused_a_repeated_origin_is_not() {
        let error = config(
            r#"{"origins": ["https://app.example", "https://b.example", "https://app.example"], "methods": []}"#,
        )
        .build()
        .unwrap_err();
        let keys: Vec<&str> = error.problems().map(|(key, _)| key).collect();
        assert_eq!(keys, ["methods"]);
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
