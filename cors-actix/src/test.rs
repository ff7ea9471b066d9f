//! Helpers for your own CORS tests with [`actix_web::test`]: build the requests a browser
//! sends, and judge responses the way a browser does (the Fetch standard's "CORS check"
//! and "CORS-preflight fetch"), so that a test says what a page could do, not which
//! headers happen to be there. Build the app under test with
//! [`Cors::explain_refusals`](crate::Cors::explain_refusals) and a failed assertion also
//! quotes the policy's [`Explanation`](crate::Explanation) of the refusal.
//!
//! ```
//! use actix_web::{test, web, App, HttpResponse};
//! use cors_actix::{test as cors_test, Cors, Policy};
//!
//! # actix_web::rt::System::new().block_on(async {
//! let policy = Policy::builder()
//!     .allow_origin("https://app.example")
//!     .allow_methods(["GET", "PUT"])
//!     .allow_headers(["content-type"])
//!     .build()
//!     .unwrap();
//! let app = test::init_service(
//!     App::new().wrap(Cors::new(policy)).route("/items", web::to(HttpResponse::Ok)),
//! )
//! .await;
//!
//! let preflight =
//!     cors_test::preflight_with_headers("/items", "https://app.example", "PUT", &["content-type"]);
//! let response = test::call_service(&app, preflight.to_request()).await;
//! cors_test::assert_preflight_allowed(&response, "https://app.example", "PUT", &["content-type"]);
//!
//! let request = cors_test::cross_origin(actix_web::http::Method::GET, "/items", "https://evil.example");
//! let response = test::call_service(&app, request.to_request()).await;
//! cors_test::assert_refused(&response, "https://evil.example");
//! # });
//! ```

use std::fmt;

use actix_web::{
    dev::ServiceResponse,
    http::{
        header::{self, HeaderMap},
        Method,
    },
    test::TestRequest,
};
use cors_actix_grammar::{
    check_exposed_header_name, is_cors_safelisted_method, list_elements, HeaderNameError,
};

/// A preflight as a browser sends it: `OPTIONS` with `Origin` and
/// `Access-Control-Request-Method`. For a request with non-safelisted headers, see
/// [`preflight_with_headers`].
pub fn preflight(uri: &str, origin: &str, method: &str) -> TestRequest {
    TestRequest::default()
        .method(Method::OPTIONS)
        .uri(uri)
        .insert_header((header::ORIGIN, origin))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method))
}

/// The preflight of a request with the non-safelisted headers `request_headers`, as a
/// browser sends it: [`preflight`] with `Access-Control-Request-Headers` listing the names
/// lower-cased, sorted, once each and joined by `,` (Fetch "CORS-preflight request"), or
/// without that header when `request_headers` is empty. To send a list no browser would,
/// add the header with `.insert_header(..)` instead.
///
/// ```
/// use cors_actix::test::preflight_with_headers;
///
/// let request =
///     preflight_with_headers("/items", "https://app.example", "PUT", &["X-Api-Key", "content-type"])
///         .to_http_request();
/// let listed = request.headers().get("access-control-request-headers").unwrap();
/// assert_eq!(listed, "content-type,x-api-key");
/// ```
pub fn preflight_with_headers(
    uri: &str,
    origin: &str,
    method: &str,
    request_headers: &[&str],
) -> TestRequest {
    let mut names: Vec<String> = request_headers.iter().map(|name| name.to_ascii_lowercase()).collect();
    names.sort_unstable();
    names.dedup();
    let request = preflight(uri, origin, method);
    if names.is_empty() {
        request
    } else {
        request.insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, names.join(",")))
    }
}

/// A cross-origin request as a browser sends it: `method` with `Origin`.
pub fn cross_origin(method: Method, uri: &str, origin: &str) -> TestRequest {
    TestRequest::default().method(method).uri(uri).insert_header((header::ORIGIN, origin))
}

/// Why a browser would refuse to let the page read a response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// No `Access-Control-Allow-Origin`.
    NoAllowOrigin,
    /// More than one `Access-Control-Allow-Origin` value.
    SeveralAllowOrigins,
    /// `Access-Control-Allow-Origin` names another origin.
    OtherOrigin(String),
    /// `*` for a request with credentials.
    WildcardWithCredentials,
    /// Credentials were sent but `Access-Control-Allow-Credentials` is not `true`.
    CredentialsNotAllowed,
    /// The preflight's status is not 2xx.
    PreflightStatus(u16),
    /// The preflight's `Access-Control-Allow-Methods` does not cover the method.
    MethodNotAllowed(String),
    /// The preflight's `Access-Control-Allow-Headers` does not cover a header.
    HeaderNotAllowed(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoAllowOrigin => f.write_str("no Access-Control-Allow-Origin header"),
            Self::SeveralAllowOrigins => f.write_str("more than one Access-Control-Allow-Origin value"),
            Self::OtherOrigin(value) => write!(f, "Access-Control-Allow-Origin is `{value}`, another origin"),
            Self::WildcardWithCredentials => {
                f.write_str("Access-Control-Allow-Origin `*` on a request with credentials")
            }
            Self::CredentialsNotAllowed => f.write_str("Access-Control-Allow-Credentials is not `true`"),
            Self::PreflightStatus(status) => write!(f, "the preflight answered {status}, not 2xx"),
            Self::MethodNotAllowed(method) => {
                write!(f, "Access-Control-Allow-Methods does not cover `{method}`")
            }
            Self::HeaderNotAllowed(name) => write!(f, "Access-Control-Allow-Headers does not cover `{name}`"),
        }
    }
}

/// Fetch "CORS check": whether a page on `origin` may read a response with these headers.
///
/// # Errors
/// Why the browser would block the read.
pub fn cors_check(headers: &HeaderMap, origin: &str, credentials: bool) -> Result<(), Refusal> {
    let mut values = headers.get_all(header::ACCESS_CONTROL_ALLOW_ORIGIN);
    let allow_origin = values.next().ok_or(Refusal::NoAllowOrigin)?;
    if values.next().is_some() {
        return Err(Refusal::SeveralAllowOrigins);
    }
    if allow_origin == "*" {
        return if credentials { Err(Refusal::WildcardWithCredentials) } else { Ok(()) };
    }
    if allow_origin.as_bytes() != origin.as_bytes() {
        return Err(Refusal::OtherOrigin(String::from_utf8_lossy(allow_origin.as_bytes()).into_owned()));
    }
    if credentials && headers.get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none_or(|v| v != "true") {
        return Err(Refusal::CredentialsNotAllowed);
    }
    Ok(())
}

/// Fetch "CORS-preflight fetch": whether this preflight answer lets a page on `origin`
/// send `method` with the (non-safelisted) `request_headers`.
///
/// # Errors
/// Why the browser would not send the request.
pub fn preflight_check(
    status: u16,
    headers: &HeaderMap,
    origin: &str,
    method: &str,
    request_headers: &[&str],
    credentials: bool,
) -> Result<(), Refusal> {
    if !(200..300).contains(&status) {
        return Err(Refusal::PreflightStatus(status));
    }
    cors_check(headers, origin, credentials)?;
    let listed = |name: header::HeaderName| -> Vec<Vec<u8>> {
        headers.get_all(name).flat_map(|value| list_elements(value.as_bytes()).map(<[u8]>::to_vec)).collect()
    };
    let methods = listed(header::ACCESS_CONTROL_ALLOW_METHODS);
    let wildcard = |list: &[Vec<u8>]| !credentials && list.iter().any(|item| item == b"*");
    let method_ok = methods.iter().any(|m| m == method.as_bytes())
        || is_cors_safelisted_method(method.as_bytes())
        || wildcard(&methods);
    if !method_ok {
        return Err(Refusal::MethodNotAllowed(method.to_owned()));
    }
    let allowed = listed(header::ACCESS_CONTROL_ALLOW_HEADERS);
    for name in request_headers {
        let named = allowed.iter().any(|a| a.eq_ignore_ascii_case(name.as_bytes()));
        let by_wildcard = wildcard(&allowed) && !name.eq_ignore_ascii_case("authorization");
        if !named && !by_wildcard {
            return Err(Refusal::HeaderNotAllowed((*name).to_owned()));
        }
    }
    Ok(())
}

/// Whether a page that may read the response can also see header `name`, when the response
/// has it: a Fetch "CORS-safelisted response-header name", or one listed in
/// `Access-Control-Expose-Headers` (`*` without credentials lists every name). A "forbidden
/// response-header name" (`Set-Cookie`, `Set-Cookie2`) is never seen, whatever is listed.
pub fn header_exposed(headers: &HeaderMap, name: &str, credentials: bool) -> bool {
    if check_exposed_header_name(name) == Err(HeaderNameError::ForbiddenResponseHeader) {
        return false;
    }
    const SAFELISTED: [&str; 7] = [
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    ];
    SAFELISTED.iter().any(|s| s.eq_ignore_ascii_case(name))
        || headers.get_all(header::ACCESS_CONTROL_EXPOSE_HEADERS).any(|value| {
            list_elements(value.as_bytes())
                .any(|item| item.eq_ignore_ascii_case(name.as_bytes()) || (item == b"*" && !credentials))
        })
}

/// The server's own account of a refusal, when its `Cors` layer gives them
/// ([`Cors::explain_refusals`](crate::Cors::explain_refusals)), for a failure message.
fn explained<B>(response: &ServiceResponse<B>) -> String {
    match response.headers().get(crate::Explanation::HEADER) {
        Some(explanation) => {
            format!("\n  the policy says: {}", String::from_utf8_lossy(explanation.as_bytes()))
        }
        None => String::new(),
    }
}

/// Asserts that a page on `origin` may read this response (without credentials).
///
/// # Panics
/// When the browser would block it, saying why.
#[track_caller]
pub fn assert_allowed<B>(response: &ServiceResponse<B>, origin: &str) {
    if let Err(refusal) = cors_check(response.headers(), origin, false) {
        panic!(
            "a page on {origin} could not read this response: {refusal}; headers: {:?}{}",
            response.headers(),
            explained(response)
        );
    }
}

/// Asserts that a page on `origin` may read this response to a request with credentials.
///
/// # Panics
/// When the browser would block it, saying why.
#[track_caller]
pub fn assert_allowed_with_credentials<B>(response: &ServiceResponse<B>, origin: &str) {
    if let Err(refusal) = cors_check(response.headers(), origin, true) {
        panic!(
            "a page on {origin} could not read this credentialed response: {refusal}; headers: {:?}{}",
            response.headers(),
            explained(response)
        );
    }
}

/// Asserts that a browser would block a page on `origin` from reading this response, even
/// without credentials.
///
/// # Panics
/// When the page could read it.
#[track_caller]
pub fn assert_refused<B>(response: &ServiceResponse<B>, origin: &str) {
    if cors_check(response.headers(), origin, false).is_ok() {
        panic!("a page on {origin} could read this response; headers: {:?}", response.headers());
    }
}

/// Asserts that this preflight answer lets a page on `origin` send `method` with
/// `request_headers` (without credentials).
///
/// # Panics
/// When the browser would not send the request, saying why.
#[track_caller]
pub fn assert_preflight_allowed<B>(
    response: &ServiceResponse<B>,
    origin: &str,
    method: &str,
    request_headers: &[&str],
) {
    let status = response.status().as_u16();
    if let Err(refusal) = preflight_check(status, response.headers(), origin, method, request_headers, false)
    {
        panic!(
            "the browser would not send {method} from {origin}: {refusal}; headers: {:?}{}",
            response.headers(),
            explained(response)
        );
    }
}

/// Asserts that this preflight answer stops the request: the browser would not send it.
///
/// # Panics
/// When the preflight lets the request through.
#[track_caller]
pub fn assert_preflight_refused<B>(
    response: &ServiceResponse<B>,
    origin: &str,
    method: &str,
    request_headers: &[&str],
) {
    let status = response.status().as_u16();
    if preflight_check(status, response.headers(), origin, method, request_headers, false).is_ok() {
        panic!("the browser would send {method} from {origin}; headers: {:?}", response.headers());
    }
}

/// Asserts that the response's `Vary` names `Origin`, so that caches keep each origin's
/// answer apart.
///
/// # Panics
/// When it does not.
#[track_caller]
pub fn assert_varies_on_origin<B>(response: &ServiceResponse<B>) {
    let varies = response.headers().get_all(header::VARY).any(|value| {
        list_elements(value.as_bytes()).any(|name| name.eq_ignore_ascii_case(b"origin") || name == b"*")
    });
    assert!(varies, "Vary does not name Origin; headers: {:?}", response.headers());
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(header::HeaderName::from_static(name), HeaderValue::from_static(value));
        }
        map
    }

    // Fetch "CORS check".
    #[test]
    fn fetch_cors_check() {
        let origin = "https://app.example";
        assert_eq!(cors_check(&headers(&[]), origin, false), Err(Refusal::NoAllowOrigin));
        assert_eq!(cors_check(&headers(&[("access-control-allow-origin", "*")]), origin, false), Ok(()));
        assert_eq!(
            cors_check(&headers(&[("access-control-allow-origin", "*")]), origin, true),
            Err(Refusal::WildcardWithCredentials)
        );
        assert_eq!(
            cors_check(&headers(&[("access-control-allow-origin", "https://other.example")]), origin, false),
            Err(Refusal::OtherOrigin("https://other.example".into()))
        );
        assert_eq!(
            cors_check(&headers(&[("access-control-allow-origin", "https://app.example")]), origin, true),
            Err(Refusal::CredentialsNotAllowed)
        );
        let both =
            headers(&[("access-control-allow-origin", origin), ("access-control-allow-credentials", "true")]);
        assert_eq!(cors_check(&both, origin, true), Ok(()));
        let twice =
            headers(&[("access-control-allow-origin", origin), ("access-control-allow-origin", origin)]);
        assert_eq!(cors_check(&twice, origin, false), Err(Refusal::SeveralAllowOrigins));
    }

    // Fetch "CORS-preflight fetch": methods, headers, and `*` only without credentials.
    #[test]
    fn fetch_preflight_check() {
        let origin = "https://app.example";
        let answer = headers(&[
            ("access-control-allow-origin", origin),
            ("access-control-allow-methods", "PUT, DELETE"),
            ("access-control-allow-headers", "content-type"),
        ]);
        assert_eq!(preflight_check(204, &answer, origin, "PUT", &["Content-Type"], false), Ok(()));
        assert_eq!(preflight_check(204, &answer, origin, "POST", &[], false), Ok(()), "POST is safelisted");
        assert_eq!(
            preflight_check(204, &answer, origin, "PATCH", &[], false),
            Err(Refusal::MethodNotAllowed("PATCH".into()))
        );
        assert_eq!(
            preflight_check(204, &answer, origin, "PUT", &["x-secret"], false),
            Err(Refusal::HeaderNotAllowed("x-secret".into()))
        );
        assert_eq!(
            preflight_check(403, &answer, origin, "PUT", &[], false),
            Err(Refusal::PreflightStatus(403))
        );
        let wildcard =
            headers(&[("access-control-allow-origin", origin), ("access-control-allow-headers", "*")]);
        assert_eq!(preflight_check(204, &wildcard, origin, "GET", &["x-any"], false), Ok(()));
        assert_eq!(
            preflight_check(204, &wildcard, origin, "GET", &["authorization"], false),
            Err(Refusal::HeaderNotAllowed("authorization".into()))
        );
    }

    #[test]
    fn fetch_exposed_headers() {
        let answer = headers(&[("access-control-expose-headers", "x-request-id")]);
        assert!(header_exposed(&answer, "content-type", false));
        assert!(header_exposed(&answer, "X-Request-Id", false));
        assert!(!header_exposed(&answer, "x-internal", false));
        let any = headers(&[("access-control-expose-headers", "*")]);
        assert!(header_exposed(&any, "x-internal", false));
        assert!(!header_exposed(&any, "x-internal", true));
        // Never a cookie being set, listed or not.
        let cookies = headers(&[("access-control-expose-headers", "set-cookie, Set-Cookie2")]);
        assert!(!header_exposed(&cookies, "Set-Cookie", false));
        assert!(!header_exposed(&cookies, "set-cookie2", true));
        assert!(!header_exposed(&any, "set-cookie", false));
    }

    // Fetch "CORS-preflight request": the names lower-cased, sorted and joined by `,`; no
    // header at all when there are none.
    #[test]
    fn preflight_request_headers_as_a_browser_lists_them() {
        let request = preflight_with_headers(
            "/items",
            "https://app.example",
            "PUT",
            &["X-Trace", "content-type", "x-trace"],
        )
        .to_http_request();
        assert_eq!(request.method(), Method::OPTIONS);
        assert_eq!(request.headers().get(header::ORIGIN).unwrap(), "https://app.example");
        assert_eq!(request.headers().get(header::ACCESS_CONTROL_REQUEST_METHOD).unwrap(), "PUT");
        let listed: Vec<_> = request.headers().get_all(header::ACCESS_CONTROL_REQUEST_HEADERS).collect();
        assert_eq!(listed, ["content-type,x-trace"]);
        let request = preflight_with_headers("/items", "https://app.example", "PUT", &[]).to_http_request();
        assert!(!request.headers().contains_key(header::ACCESS_CONTROL_REQUEST_HEADERS));
    }
}
