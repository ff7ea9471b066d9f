//! Errors found when a policy is built.

use std::fmt;

use cors_actix_grammar::Place;
pub use cors_actix_grammar::{Key, ProblemKind, WarningKind};

/// Why [`PolicyBuilder::build`](crate::PolicyBuilder::build) refused a configuration.
///
/// Every problem of the configuration is collected, not just the first, so that a bad
/// config file can be fixed in one go. `Display` writes one problem per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    problems: Vec<Problem>,
}

impl PolicyError {
    /// Collects what the checker reported.
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

/// An [`io::Error`](std::io::Error) of kind [`InvalidInput`](std::io::ErrorKind::InvalidInput)
/// whose message is the policy error's `Display` (every problem, one a line), so that
/// `build()?` works in a `main` that returns `std::io::Result<()>`, as actix-web's do:
///
/// ```no_run
/// use actix_web::{App, HttpServer};
/// use cors_actix::{Cors, Policy};
///
/// #[actix_web::main]
/// async fn main() -> std::io::Result<()> {
///     let cors = Cors::new(Policy::builder().allow_origin("https://app.example").build()?);
///     HttpServer::new(move || App::new().wrap(cors.clone())).bind(("127.0.0.1", 8080))?.run().await
/// }
/// ```
///
/// A `main` that returns the error prints it with `Debug`, which quotes the message on one
/// line; print it with `{}` yourself for one problem a line.
impl From<PolicyError> for std::io::Error {
    fn from(error: PolicyError) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, error.to_string())
    }
}

/// One problem of a CORS configuration: where it is (a [`Key`], and the position in its
/// list), the value at fault as configured, and what is wrong with it (a [`ProblemKind`]).
///
/// `Display` writes it as one line that names the value first, in the words of the
/// `#[cors]` and `policy!` compile errors:
///
/// ```
/// use cors_actix::{problem::{Key, ProblemKind}, Policy};
///
/// let error = Policy::builder().allow_origins(["https://app.example", "*"]).build().unwrap_err();
/// let problem = &error.problems()[0];
/// assert_eq!((problem.key(), problem.index()), (Key::Origins, Some(1)));
/// assert_eq!(problem.value(), Some("*"));
/// assert_eq!(problem.kind(), &ProblemKind::AnyOriginMixed);
/// assert!(problem.to_string().starts_with("`*` allows every origin"));
/// ```
pub type Problem = Finding<ProblemKind>;

/// Something a policy says that has no effect (an origin listed twice, a header browsers never
/// send, a max-age browsers cut), or allows that is probably not meant (a wildcard over a
/// public suffix): it builds, and the warning is logged (target `cors_actix`, warn level) and
/// kept in [`Policy::warnings`](crate::Policy::warnings). Like a [`Problem`], it is a place,
/// the value it is about and a [`WarningKind`]; `Display` writes it as one line that names the
/// value first, in the words of the macros' compiler warnings:
///
/// ```
/// use cors_actix::{problem::{Key, WarningKind}, Policy};
///
/// let policy = Policy::builder()
///     .allow_origins(["https://app.example", "https://app.example"])
///     .max_age(604_800)
///     .build()?;
/// let [repeat, max_age] = policy.warnings() else { panic!("two warnings") };
/// assert_eq!((repeat.key(), repeat.index(), repeat.value()), (Key::Origins, Some(1), Some("https://app.example")));
/// assert_eq!(repeat.kind(), &WarningKind::Repeated);
/// assert!(repeat.to_string().starts_with("origin `https://app.example` is listed more than once, which has no effect"));
/// assert_eq!(max_age.kind(), &WarningKind::MaxAgeCapped { seconds: 604_800 });
/// assert!(max_age.to_string().starts_with("max-age 604800: browsers cut a max-age this long"));
/// assert_eq!(policy.max_age(), Some(86_400), "what browsers honour is sent");
/// # Ok::<_, cors_actix::PolicyError>(())
/// ```
pub type Warning = Finding<WarningKind>;

/// What the checker found in a configuration, a [`Problem`] or a [`Warning`]: where it is (a
/// [`Key`], and the position in its list), the value it is about as configured, and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding<K> {
    pub(crate) place: Place,
    value: Option<String>,
    kind: K,
}

impl<K> Finding<K> {
    /// What the grammar's checker reported: the place, the value and the kind.
    pub(crate) fn new(place: Place, value: Option<&str>, kind: K) -> Self {
        Self { place, value: value.map(str::to_owned), kind }
    }

    /// The key of the value ([`Key::Origins`] when no origin is allowed at all).
    pub fn key(&self) -> Key {
        self.place.key
    }

    /// The position of the value in its key's list, as given to the builder; `None` when the
    /// finding is about the key's single value or its list as a whole (an empty method list,
    /// a max-age, no origin at all).
    pub fn index(&self) -> Option<usize> {
        self.place.index
    }

    /// The value, as configured; `None` when the finding is about a setting as a whole (an
    /// empty method list, no origin at all, the protection, a max-age's seconds, which are in
    /// its kind).
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// What is wrong, or has no effect.
    pub fn kind(&self) -> &K {
        &self.kind
    }
}

/// The one-line words of a finding's kind, for `Display`.
trait InLine {
    fn write_line(&self, place: Place, value: Option<&str>, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl InLine for ProblemKind {
    fn write_line(&self, place: Place, value: Option<&str>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.in_line(place, value), f)
    }
}

impl InLine for WarningKind {
    fn write_line(&self, place: Place, value: Option<&str>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.in_line(place, value), f)
    }
}

impl<K: InLine> fmt::Display for Finding<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.write_line(self.place, self.value(), f)
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use crate::Policy;

    #[test]
    fn a_policy_error_becomes_an_invalid_input_io_error_with_the_same_message() {
        let error = Policy::builder().allow_origins(["https://app.example/", "*"]).build().unwrap_err();
        let message = error.to_string();
        let io_error = io::Error::from(error);
        assert_eq!(io_error.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(io_error.to_string(), message);
        assert!(message.contains("did you mean `https://app.example`?"), "{message}");
    }

    #[test]
    fn build_question_mark_works_in_a_function_returning_io_result() {
        fn start(origin: &str) -> io::Result<Policy> {
            Ok(Policy::builder().allow_origin(origin).build()?)
        }
        assert!(start("https://app.example").is_ok());
        assert_eq!(start("https://app.example/").unwrap_err().kind(), io::ErrorKind::InvalidInput);
    }
}
