//! A request head read once, for what CORS asks of it: the origin, and what kind of request
//! it is. The decision, its explanation, the route guard and the middleware all take this
//! value, so each header is looked up once and each rule about it is written once.

use actix_web::{
    dev::RequestHead,
    http::{
        header::{self, HeaderName, HeaderValue},
        Method,
    },
};

/// `Access-Control-Request-Private-Network` (Private Network Access).
pub(crate) const ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");

/// `Sec-Fetch-Site` (Fetch Metadata): where the browser says the request comes from.
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// The kinds of request a policy tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestKind {
    /// No `Origin`: not a CORS request.
    NotCors,
    /// A CORS preflight (`OPTIONS` with `Access-Control-Request-Method`).
    Preflight,
    /// An actual request with `Origin`.
    Actual,
    /// A WebSocket handshake with `Origin`.
    WebSocketHandshake,
}

/// A request head, classified.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CorsRequest<'r> {
    pub(crate) head: &'r RequestHead,
    pub(crate) origin: OriginHeader<'r>,
    /// What a preflight asks for; `None` for any other request.
    pub(crate) preflight: Option<Asked<'r>>,
}

/// The request's `Origin` header.
#[derive(Debug, Clone, Copy)]
pub(crate) enum OriginHeader<'r> {
    /// None: not a CORS request.
    Absent,
    /// One value (well formed or not).
    One(&'r HeaderValue),
    /// More than one: no browser sends that, and no single origin can be judged.
    Repeated(&'r HeaderValue),
}

/// What a preflight asks for (Fetch "CORS-preflight request"): the method, read when the
/// request is classified; the headers and Private Network Access, read by the rules that judge
/// them, once, and only if the rules before them passed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Asked<'r> {
    head: &'r RequestHead,
    /// `Access-Control-Request-Method`.
    pub(crate) method: &'r HeaderValue,
}

/// A preflight's `Access-Control-Request-Headers`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RequestedHeaders<'r> {
    None,
    One(&'r HeaderValue),
    /// More than one header line: browsers send one list.
    Repeated,
}

impl<'r> CorsRequest<'r> {
    /// Reads what CORS needs from `head`. A preflight is an `OPTIONS` request with `Origin`
    /// and `Access-Control-Request-Method`; `OPTIONS` without either is an ordinary request.
    #[inline]
    pub(crate) fn of(head: &'r RequestHead) -> Self {
        let mut origins = head.headers().get_all(header::ORIGIN);
        let Some(first) = origins.next() else {
            return Self { head, origin: OriginHeader::Absent, preflight: None };
        };
        let origin = match origins.next() {
            None => OriginHeader::One(first),
            Some(_) => OriginHeader::Repeated(first),
        };
        let preflight = requested_method(head).map(|method| Asked { head, method });
        Self { head, origin, preflight }
    }

    /// The kind of request, as an [`Explanation`](crate::Explanation) names it.
    pub(crate) fn kind(&self) -> RequestKind {
        match (self.origin, self.preflight) {
            (OriginHeader::Absent, _) => RequestKind::NotCors,
            (_, Some(_)) => RequestKind::Preflight,
            _ if self.is_websocket_handshake() => RequestKind::WebSocketHandshake,
            _ => RequestKind::Actual,
        }
    }

    /// The first `Origin` value, if any.
    pub(crate) fn origin_value(&self) -> Option<&'r HeaderValue> {
        match self.origin {
            OriginHeader::Absent => None,
            OriginHeader::One(origin) | OriginHeader::Repeated(origin) => Some(origin),
        }
    }

    /// The method the request is about: for a preflight, the one it asks for.
    pub(crate) fn method_bytes(&self) -> &'r [u8] {
        match self.preflight {
            Some(asked) => asked.method.as_bytes(),
            None => self.head.method.as_str().as_bytes(),
        }
    }

    /// Whether the request may become a WebSocket: a `GET` with an `Upgrade` header, any of its
    /// values, that contains `websocket` in any case (`websocket`, `WebSocket`, `websocket/13`,
    /// `h2c, websocket`).
    ///
    /// RFC 6455 (section 4.1) asks for the token `websocket`, but actix-http upgrades a `GET`
    /// whose first `Upgrade` value, lower-cased, merely contains it
    /// (`actix_http::ws::verify_handshake`). The check must refuse every request actix-http
    /// would upgrade, so it counts a superset of those: every value, any bytes around the name.
    pub(crate) fn is_websocket_handshake(&self) -> bool {
        const NAME: &[u8] = b"websocket";
        self.head.method == Method::GET
            && self.head.headers().get_all(header::UPGRADE).any(|value| {
                value.as_bytes().windows(NAME.len()).any(|window| window.eq_ignore_ascii_case(NAME))
            })
    }

    /// `Sec-Fetch-Site`, read only by the rules that need it.
    pub(crate) fn sec_fetch_site(&self) -> Option<&'r [u8]> {
        self.head.headers().get(SEC_FETCH_SITE).map(HeaderValue::as_bytes)
    }
}

impl<'r> Asked<'r> {
    /// `Access-Control-Request-Headers`.
    pub(crate) fn headers(&self) -> RequestedHeaders<'r> {
        let mut requested = self.head.headers().get_all(header::ACCESS_CONTROL_REQUEST_HEADERS);
        match (requested.next(), requested.next()) {
            (None, _) => RequestedHeaders::None,
            (Some(list), None) => RequestedHeaders::One(list),
            (Some(_), Some(_)) => RequestedHeaders::Repeated,
        }
    }

    /// `Access-Control-Request-Private-Network: true`.
    pub(crate) fn private_network(&self) -> bool {
        self.head
            .headers()
            .get(ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK)
            .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"true"))
    }
}

/// The method a preflight asks for: the `Access-Control-Request-Method` of an `OPTIONS`
/// request (Fetch "CORS-preflight request"; with `Origin`, the request is a preflight).
/// `None` for any other request: `OPTIONS` without it is an ordinary request.
pub(crate) fn requested_method(head: &RequestHead) -> Option<&HeaderValue> {
    match head.method {
        Method::OPTIONS => head.headers().get(header::ACCESS_CONTROL_REQUEST_METHOD),
        _ => None,
    }
}
