//! RFC 9110 §5.6.2 tokens: method names and header field names.

use std::fmt;

use crate::fetch::{is_forbidden_method, is_forbidden_request_header, is_forbidden_response_header};

/// `tchar` of RFC 9110 §5.6.2.
pub fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// `token = 1*tchar` (RFC 9110 §5.6.2).
pub fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

/// Methods whose names RFC 9110 and RFC 5789 define in upper case. Browsers upper-case
/// only some of them (Fetch "normalize a method"), and method names are case-sensitive,
/// so a lower-case spelling of one of these in a policy is almost always a mistake.
const STANDARD_METHODS: [&str; 9] =
    ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

/// Why a string is not a method a CORS policy can allow.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MethodError {
    /// Not an RFC 9110 token.
    NotToken,
    /// A standard method written in lower or mixed case; carries the upper-case spelling.
    NotUppercase(&'static str),
    /// A method that Fetch forbids (`CONNECT`, `TRACE`, `TRACK`): browsers never send it. In
    /// a policy's list that only has no effect, a warning
    /// ([`WarningKind::ForbiddenMethod`](crate::WarningKind::ForbiddenMethod)).
    Forbidden,
}

impl fmt::Display for MethodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotToken => f.write_str("a method is an HTTP token: letters, digits and ``!#$%&'*+-.^_`|~``"),
            Self::NotUppercase(upper) => write!(f, "methods are case-sensitive and browsers send `{upper}` in upper case; write `{upper}`"),
            Self::Forbidden => f.write_str("browsers never send CONNECT, TRACE or TRACK (Fetch \"forbidden method\"), so allowing it has no effect"),
        }
    }
}

impl std::error::Error for MethodError {}

/// Checks a method name for a policy.
///
/// # Errors
/// See [`MethodError`].
pub fn check_method(method: &str) -> Result<(), MethodError> {
    if !is_token(method.as_bytes()) {
        return Err(MethodError::NotToken);
    }
    if let Some(upper) = STANDARD_METHODS.iter().find(|m| m.eq_ignore_ascii_case(method)) {
        if *upper != method {
            return Err(MethodError::NotUppercase(upper));
        }
    }
    if is_forbidden_method(method) {
        return Err(MethodError::Forbidden);
    }
    Ok(())
}

/// Why a string is not a header name a CORS policy can allow or expose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderNameError {
    /// Not an RFC 9110 token.
    NotToken,
    /// A forbidden request-header name (Fetch): browsers never let a page set it. In a
    /// policy that only has no effect, a warning
    /// ([`WarningKind::ForbiddenRequestHeader`](crate::WarningKind::ForbiddenRequestHeader)).
    ForbiddenRequestHeader,
    /// `Set-Cookie`/`Set-Cookie2`: Fetch never exposes them to a page. In a policy that only
    /// has no effect, a warning
    /// ([`WarningKind::ForbiddenResponseHeader`](crate::WarningKind::ForbiddenResponseHeader)).
    ForbiddenResponseHeader,
}

impl fmt::Display for HeaderNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotToken => "a header name is an HTTP token: letters, digits and ``!#$%&'*+-.^_`|~``, no spaces or colons",
            Self::ForbiddenRequestHeader => "browsers never let a page set this header (Fetch \"forbidden request-header\"), so allowing it has no effect",
            Self::ForbiddenResponseHeader => "browsers never expose `Set-Cookie` to a page (Fetch \"forbidden response-header name\")",
        })
    }
}

impl std::error::Error for HeaderNameError {}

/// Checks a name for `Access-Control-Allow-Headers`.
///
/// # Errors
/// See [`HeaderNameError`].
pub fn check_request_header_name(name: &str) -> Result<(), HeaderNameError> {
    if !is_token(name.as_bytes()) {
        return Err(HeaderNameError::NotToken);
    }
    if is_forbidden_request_header(name) {
        return Err(HeaderNameError::ForbiddenRequestHeader);
    }
    Ok(())
}

/// Checks a name for `Access-Control-Expose-Headers`.
///
/// # Errors
/// See [`HeaderNameError`].
pub fn check_exposed_header_name(name: &str) -> Result<(), HeaderNameError> {
    if !is_token(name.as_bytes()) {
        return Err(HeaderNameError::NotToken);
    }
    if is_forbidden_response_header(name) {
        return Err(HeaderNameError::ForbiddenResponseHeader);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 9110 §5.6.2: token = 1*tchar.
    #[test]
    fn rfc9110_tokens() {
        assert!(is_token(b"x-api-key"));
        assert!(is_token(b"PURGE"));
        assert!(!is_token(b""));
        assert!(!is_token(b"x api"));
        assert!(!is_token(b"x:y"));
        assert!(!is_token("é".as_bytes()));
    }

    // Fetch "normalize a method" upper-cases only six methods; names are case-sensitive.
    #[test]
    fn lowercase_standard_methods_are_suggested_in_uppercase() {
        assert_eq!(check_method("patch"), Err(MethodError::NotUppercase("PATCH")));
        assert_eq!(check_method("Get"), Err(MethodError::NotUppercase("GET")));
        assert_eq!(check_method("PATCH"), Ok(()));
        assert_eq!(check_method("purge"), Ok(()));
        assert_eq!(check_method("GE T"), Err(MethodError::NotToken));
    }

    // Fetch "forbidden method".
    #[test]
    fn fetch_forbidden_methods_are_told_apart() {
        assert_eq!(check_method("CONNECT"), Err(MethodError::Forbidden));
        assert_eq!(check_method("TRACK"), Err(MethodError::Forbidden));
    }

    // Fetch "forbidden request-header" and "forbidden response-header name".
    #[test]
    fn fetch_forbidden_header_names_are_told_apart() {
        assert_eq!(check_request_header_name("Cookie"), Err(HeaderNameError::ForbiddenRequestHeader));
        assert_eq!(check_request_header_name("sec-fetch-mode"), Err(HeaderNameError::ForbiddenRequestHeader));
        assert_eq!(
            check_request_header_name("Proxy-Authorization"),
            Err(HeaderNameError::ForbiddenRequestHeader)
        );
        assert_eq!(check_request_header_name("x api"), Err(HeaderNameError::NotToken));
        assert_eq!(check_request_header_name("Authorization"), Ok(()));
        assert_eq!(check_exposed_header_name("set-cookie"), Err(HeaderNameError::ForbiddenResponseHeader));
        assert_eq!(check_exposed_header_name("x-request-id"), Ok(()));
    }
}
