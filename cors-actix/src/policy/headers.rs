//! `Access-Control-Allow-Headers` and `Access-Control-Expose-Headers`.

use std::sync::LazyLock;

use actix_web::http::header::HeaderValue;
use cors_actix_grammar::{is_tchar, list_elements};

use super::join_header_value;

/// The request headers a policy allows.
#[derive(Debug, Clone)]
pub(crate) struct AllowHeaders {
    /// `*`: every name, `authorization` included. Answered by mirroring the requested list,
    /// never with a literal `*`, which a browser would not read as covering `Authorization`
    /// (nor as anything but a header's name when credentials are sent).
    any: bool,
    /// Listed names, lower case, in configured order without duplicates.
    names: Vec<String>,
    /// The listed names rendered once; `None` when nothing is listed.
    header: Option<HeaderValue>,
}

/// Why a preflight's `Access-Control-Request-Headers` was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeadersRefusal<'r> {
    /// An element is not a header name.
    Malformed,
    /// This name is not allowed.
    NotAllowed(&'r [u8]),
}

impl AllowHeaders {
    /// The names given, already checked by the grammar's `check_policy`.
    pub(crate) fn new(inputs: &[String]) -> Self {
        let (any, names) = names_and_wildcard(inputs);
        let header = (!names.is_empty()).then(|| join_header_value(names.iter().map(String::as_str)));
        Self { any, names, header }
    }

    pub(crate) fn is_any(&self) -> bool {
        self.any
    }

    /// Checks every name of `Access-Control-Request-Headers` (an RFC 9110 list, compared
    /// case-insensitively). Allocates nothing.
    ///
    /// A table for `tchar`, and a byte-for-byte comparison first, keep it cheap.
    pub(crate) fn check<'r>(&self, requested: &'r [u8]) -> Result<(), HeadersRefusal<'r>> {
        let tchar = &*TCHAR;
        for name in list_elements(requested) {
            // Browsers send the names in lower case, as they are kept here: compared byte for
            // byte first. A listed name is a token, so nothing else need be checked.
            if self.names.iter().any(|allowed| allowed.as_bytes() == name) {
                continue;
            }
            if !name.iter().all(|&b| tchar[usize::from(b)]) {
                return Err(HeadersRefusal::Malformed);
            }
            let listed = self.names.iter().any(|allowed| allowed.as_bytes().eq_ignore_ascii_case(name));
            if !listed && !self.any {
                return Err(HeadersRefusal::NotAllowed(name));
            }
        }
        Ok(())
    }

    /// The header value rendered from the list (used unless the request's list is mirrored).
    pub(crate) fn header(&self) -> Option<&HeaderValue> {
        self.header.as_ref()
    }

    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }
}

/// Whether `*` was given, and the other names in lower case, in order, without repeats.
fn names_and_wildcard(inputs: &[String]) -> (bool, Vec<String>) {
    let mut names: Vec<String> = Vec::new();
    for input in inputs.iter().filter(|input| *input != "*") {
        let name = input.to_ascii_lowercase();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    (inputs.iter().any(|input| input == "*"), names)
}

/// `tchar` (RFC 9110 §5.6.2) as a table, made from the grammar's own [`is_tchar`].
static TCHAR: LazyLock<[bool; 256]> = LazyLock::new(|| std::array::from_fn(|b| is_tchar(b as u8)));

/// The response headers a policy exposes, rendered once.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExposeHeaders {
    any: bool,
    names: Vec<String>,
    header: Option<HeaderValue>,
}

impl ExposeHeaders {
    /// The names given, already checked by the grammar's `check_policy`.
    pub(crate) fn new(inputs: &[String]) -> Self {
        let (any, names) = names_and_wildcard(inputs);
        // Without credentials `*` already exposes every header, so the names add nothing.
        let header = if any {
            Some(HeaderValue::from_static("*"))
        } else {
            (!names.is_empty()).then(|| join_header_value(names.iter().map(String::as_str)))
        };
        Self { any, names, header }
    }

    pub(crate) fn is_any(&self) -> bool {
        self.any
    }

    pub(crate) fn header(&self) -> Option<&HeaderValue> {
        self.header.as_ref()
    }

    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }
}
