//! The grammar of CORS configuration and requests, shared by `cors-actix` (when a policy is
//! built at run time, and when a request is classified) and `cors-actix-macros` (when a
//! `#[cors]` attribute is checked at compile time). Keeping it in one crate means the two can
//! never disagree about what a valid origin, pattern, method or header is, nor about what a
//! valid policy is: [`check_policy`] holds every rule of a configuration and
//! [`warn_policy`] every warning, [`Key`] names every setting, and [`ProblemKind`] and
//! [`WarningKind`] word every problem and warning.
//!
//! This crate is an implementation detail of `cors-actix`; its API follows that crate's
//! needs and is not covered by semver on its own.

mod check;
mod fetch;
mod key;
mod list;
pub mod messages;
mod origin;
mod pattern;
mod problem;
mod regex_check;
mod spec;
mod token;

pub use check::{check_policy, warn_policy, PolicyInput};
pub use fetch::{
    is_cors_safelisted_method, is_forbidden_method, is_forbidden_request_header,
    is_forbidden_response_header, FORBIDDEN_METHODS,
};
pub use key::{Key, Place, UnknownKey};
pub use list::list_elements;
pub use origin::{default_port, suggest_origin, Origin, OriginError, MAX_ORIGIN_LEN};
pub use pattern::{HostPattern, OriginPattern, OwnedOriginPattern, PatternError, PortPattern};
pub use problem::{ProblemKind, WarningKind};

/// Longest `Access-Control-Max-Age` a policy sends, in seconds: one day, which is Firefox's
/// cap (Chromium caps at two hours). Every browser cuts a longer value, so a policy given one
/// sends this instead, with a [`WarningKind::MaxAgeCapped`].
pub const MAX_AGE_LIMIT: u32 = 86_400;

/// Longest useful deadline for an asynchronous origin check, in seconds: how long a reverse
/// proxy waits for the server's answer by default (nginx's `proxy_read_timeout`), after which
/// the client has its `504` whatever the check says. A longer one is a
/// [`WarningKind::LongOriginCheckDeadline`].
pub const LONGEST_USEFUL_ORIGIN_CHECK_DEADLINE_SECS: u64 = 60;
pub use regex_check::{check_regex_anchored, regex_allows_unrelated_sites, RegexAnchorError};
pub use spec::{OriginSpec, OriginSpecError};
pub use token::{
    check_exposed_header_name, check_method, check_request_header_name, is_tchar, is_token, HeaderNameError,
    MethodError,
};
