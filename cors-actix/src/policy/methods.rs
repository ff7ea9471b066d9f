//! `Access-Control-Allow-Methods`.

use actix_web::http::{header::HeaderValue, Method};
use cors_actix_grammar::is_cors_safelisted_method;

use super::join_header_value;

/// The methods a policy allows, and their header value rendered once.
#[derive(Debug, Clone)]
pub(crate) struct AllowMethods {
    methods: Vec<Method>,
    /// `*` was listed: every method is allowed.
    any: bool,
    header: HeaderValue,
}

/// Methods allowed when a policy names none: the CORS-safelisted ones, which browsers send
/// without asking first anyway.
const DEFAULT_METHODS: [Method; 3] = [Method::GET, Method::HEAD, Method::POST];

impl AllowMethods {
    /// The methods given (`None`: the defaults), already checked by the grammar's
    /// `check_policy`.
    pub(crate) fn new(inputs: Option<&[String]>) -> Self {
        let Some(inputs) = inputs else {
            let header = join_header_value(DEFAULT_METHODS.iter().map(Method::as_str));
            return Self { methods: DEFAULT_METHODS.to_vec(), any: false, header };
        };
        let any = inputs.iter().any(|input| input == "*");
        let mut methods: Vec<Method> = Vec::new();
        // A checked method is a token, and `Method` accepts every token.
        for method in inputs.iter().filter_map(|input| Method::from_bytes(input.as_bytes()).ok()) {
            if method.as_str() != "*" && !methods.contains(&method) {
                methods.push(method);
            }
        }
        // Fetch's "CORS-preflight fetch" reads `*` as every method only for requests without
        // credentials; a policy with credentials answers with the method asked for instead.
        let header = if any {
            HeaderValue::from_static("*")
        } else {
            join_header_value(methods.iter().map(Method::as_str))
        };
        Self { methods, any, header }
    }

    /// Fetch "CORS-preflight fetch": the browser accepts its method if the response lists
    /// it or if it is CORS-safelisted, so a safelisted method needs no listing here either.
    /// Comparison is byte-exact: `patch` is not `PATCH`.
    pub(crate) fn allows(&self, requested: &[u8]) -> bool {
        self.any
            || is_cors_safelisted_method(requested)
            || self.methods.iter().any(|m| m.as_str().as_bytes() == requested)
    }

    /// Whether every method is allowed (`*`).
    pub(crate) fn is_any(&self) -> bool {
        self.any
    }

    pub(crate) fn header(&self) -> &HeaderValue {
        &self.header
    }

    pub(crate) fn methods(&self) -> &[Method] {
        &self.methods
    }
}
