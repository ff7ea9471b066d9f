//! Name sets the Fetch standard defines and that decide what a policy may contain.

/// Fetch "forbidden method": `CONNECT`, `TRACE`, `TRACK` (compared case-insensitively).
pub const FORBIDDEN_METHODS: [&str; 3] = ["CONNECT", "TRACE", "TRACK"];

/// Fetch "forbidden method".
pub fn is_forbidden_method(method: &str) -> bool {
    FORBIDDEN_METHODS.iter().any(|m| m.eq_ignore_ascii_case(method))
}

/// Fetch "CORS-safelisted method": `GET`, `HEAD`, `POST` (byte-exact: methods are
/// case-sensitive once normalized). A preflight never has to list them for the browser
/// to accept them.
pub fn is_cors_safelisted_method(method: &[u8]) -> bool {
    matches!(method, b"GET" | b"HEAD" | b"POST")
}

/// Fetch "forbidden request-header" names (the name-only part of the rule). A page cannot
/// set these, so a browser never lists them in `Access-Control-Request-Headers`.
pub fn is_forbidden_request_header(name: &str) -> bool {
    const NAMES: [&str; 21] = [
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    ];
    let has_prefix = |prefix: &str| {
        name.len() >= prefix.len() && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    };
    NAMES.iter().any(|n| n.eq_ignore_ascii_case(name)) || has_prefix("proxy-") || has_prefix("sec-")
}

/// Fetch "forbidden response-header name": `Set-Cookie`, `Set-Cookie2`.
pub fn is_forbidden_response_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("set-cookie") || name.eq_ignore_ascii_case("set-cookie2")
}

#[cfg(test)]
mod tests {
    use super::*;

    // Fetch "CORS-safelisted method": byte-exact after normalization.
    #[test]
    fn safelisted_methods_are_case_sensitive() {
        assert!(is_cors_safelisted_method(b"GET"));
        assert!(is_cors_safelisted_method(b"POST"));
        assert!(!is_cors_safelisted_method(b"get"));
        assert!(!is_cors_safelisted_method(b"PUT"));
    }

    // Fetch "forbidden request-header": names and the `proxy-`/`sec-` prefixes.
    #[test]
    fn forbidden_request_headers() {
        assert!(is_forbidden_request_header("Host"));
        assert!(is_forbidden_request_header("SEC-CH-UA"));
        assert!(is_forbidden_request_header("proxy-connection"));
        assert!(!is_forbidden_request_header("x-sec"));
        assert!(!is_forbidden_request_header("content-type"));
    }
}
