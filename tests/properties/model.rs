//! Generated requests and the model of the decision (Fetch "CORS protocol"), and the response
//! it implies, header by header.

use std::collections::BTreeMap;

use actix_web::{
    http::{
        header::{self, HeaderValue},
        Method,
    },
    test::TestRequest,
};
use cors_actix_test_origins::{default_port_of, oracle};
use cors_actix_tests::Seen;
use proptest::{prelude::*, test_runner::TestCaseError};

use crate::policies::{Spec, MAX_AGES, METHODS};

#[derive(Debug, Clone)]
pub(crate) enum HostChoice {
    None,
    Fixed(&'static str),
    /// The authority of the request's (first) `Origin`: a same-origin request.
    FromOrigin,
    /// The same with the scheme's default port written out.
    FromOriginWithPort,
}

#[derive(Debug, Clone)]
pub(crate) struct Req {
    pub(crate) method: &'static str,
    pub(crate) path: &'static str,
    pub(crate) origins: Vec<Vec<u8>>,
    pub(crate) acrm: Option<Vec<u8>>,
    pub(crate) acrh: Vec<Vec<u8>>,
    pub(crate) pna: Option<Vec<u8>>,
    pub(crate) sec_fetch_site: Option<&'static str>,
    pub(crate) host: HostChoice,
}

impl Req {
    fn host_value(&self) -> Option<Vec<u8>> {
        match &self.host {
            HostChoice::None => None,
            HostChoice::Fixed(host) => Some(host.as_bytes().to_vec()),
            HostChoice::FromOrigin | HostChoice::FromOriginWithPort => {
                let origin = self.origins.first()?;
                let text = String::from_utf8_lossy(origin);
                let (scheme, authority) = text.split_once("://")?;
                let mut host = authority.to_owned();
                if matches!(self.host, HostChoice::FromOriginWithPort) {
                    host.push_str(&format!(":{}", default_port_of(scheme)?));
                }
                HeaderValue::from_str(&host).ok().map(|_| host.into_bytes())
            }
        }
    }

    pub(crate) fn to_test_request(&self) -> TestRequest {
        let method = Method::from_bytes(self.method.as_bytes()).expect("method token");
        let mut request = TestRequest::default().method(method).uri(self.path);
        let value = |bytes: &[u8]| HeaderValue::from_bytes(bytes).expect("generated header value");
        for origin in &self.origins {
            request = request.append_header((header::ORIGIN, value(origin)));
        }
        if let Some(acrm) = &self.acrm {
            request = request.append_header((header::ACCESS_CONTROL_REQUEST_METHOD, value(acrm)));
        }
        for acrh in &self.acrh {
            request = request.append_header((header::ACCESS_CONTROL_REQUEST_HEADERS, value(acrh)));
        }
        if let Some(pna) = &self.pna {
            request = request.append_header(("access-control-request-private-network", value(pna)));
        }
        if let Some(site) = self.sec_fetch_site {
            request = request.append_header(("sec-fetch-site", site));
        }
        if let Some(host) = self.host_value() {
            request = request.append_header((header::HOST, value(&host)));
        }
        request
    }

    fn is_preflight(&self) -> bool {
        self.method == "OPTIONS" && !self.origins.is_empty() && self.acrm.is_some()
    }

    /// The same-origin rule (an origin refused in `reject` mode still passes when it is the
    /// request's own): `Sec-Fetch-Site: same-origin`, or a
    /// `Host` equal to the origin's authority (with or without the default port).
    fn same_origin(&self, origin: &[u8]) -> bool {
        if self.sec_fetch_site == Some("same-origin") {
            return true;
        }
        let (Some(parts), Some(host)) = (oracle(origin), self.host_value()) else { return false };
        let authority = &origin[parts.scheme.len() + 3..];
        if host.eq_ignore_ascii_case(authority) {
            return true;
        }
        match (default_port_of(&parts.scheme), parts.port) {
            (Some(port), None) => {
                let mut with_port = authority.to_vec();
                with_port.extend_from_slice(format!(":{port}").as_bytes());
                host.eq_ignore_ascii_case(&with_port)
            }
            _ => false,
        }
    }
}

/// What the model expects of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expect {
    NotCors,
    SameOrigin,
    /// `None`: `*`; `Some`: the origin.
    Actual(Option<Vec<u8>>),
    Preflight {
        origin: Option<Vec<u8>>,
        mirrored: Option<Vec<u8>>,
        /// The method asked for, echoed when any method is allowed with credentials.
        mirrored_method: Option<Vec<u8>>,
        private_network: bool,
    },
    Rejected {
        preflight: bool,
        forbid: bool,
    },
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

pub(crate) fn model(spec: &Spec, req: &Req) -> Expect {
    let Some(origin) = req.origins.first() else { return Expect::NotCors };
    let preflight = req.is_preflight();
    let refused = Expect::Rejected { preflight, forbid: preflight || spec.reject };
    if req.origins.len() > 1 {
        return refused;
    }
    let allowed_origin = if spec.any_origin() {
        None
    } else if spec.allows(origin) {
        Some(origin.clone())
    } else if !preflight && spec.reject && req.same_origin(origin) {
        return Expect::SameOrigin;
    } else {
        return refused;
    };
    let Some(method) = req.acrm.as_ref().filter(|_| preflight) else {
        return Expect::Actual(allowed_origin);
    };
    let method_ok = matches!(method.as_slice(), b"GET" | b"HEAD" | b"POST")
        || spec.any_method()
        || spec.methods.iter().any(|&i| METHODS[i].0.as_bytes() == method.as_slice());
    if method.is_empty() || !method.iter().all(|&b| is_tchar(b)) || !method_ok {
        return refused;
    }
    if req.acrh.len() > 1 {
        return refused;
    }
    if let Some(list) = req.acrh.first() {
        let listed = spec.listed_headers();
        for element in list.split(|&b| b == b',') {
            let trimmed = element.trim_ascii_start().trim_ascii_end();
            // `trim_ascii` also trims CR/LF/FF, which a header value never contains here
            // except FF (0x0C, refused by `HeaderValue`); so it equals trimming SP and HTAB.
            if trimmed.is_empty() {
                continue;
            }
            if !trimmed.iter().all(|&b| is_tchar(b)) {
                return refused;
            }
            let is_listed = listed.iter().any(|name| name.as_bytes().eq_ignore_ascii_case(trimmed));
            if !is_listed && !spec.any_header() {
                return refused;
            }
        }
    }
    let private_network = req.pna.as_ref().is_some_and(|v| v.eq_ignore_ascii_case(b"true"));
    if private_network && !spec.private_network {
        return refused;
    }
    let mirrored = req.acrh.first().filter(|_| spec.any_header()).cloned();
    // Fetch: with credentials, `*` in `Access-Control-Allow-Methods` names no method.
    let mirrored_method = (spec.any_method() && spec.credentials).then(|| method.clone());
    Expect::Preflight { origin: allowed_origin, mirrored, mirrored_method, private_network }
}

/// The app under test: a handler for every method on `/any`, a `GET`-only route on `/get`
/// (actix answers other methods there with `404`, as it puts the method guard on the
/// resource), nothing on `/missing`.
pub(crate) const PATHS: [&str; 3] = ["/any", "/get", "/missing"];

/// What the response must look like, header by header.
pub(crate) fn expected_response(spec: &Spec, req: &Req) -> Seen {
    let origin_vary = (!spec.any_origin()).then(|| "Origin".to_owned());
    let forwarded = |cors: BTreeMap<String, String>| {
        let (status, handler_ran) = match (req.path, req.method) {
            ("/any", _) | ("/get", "GET") => (200, true),
            _ => (404, false),
        };
        let mut vary: Vec<String> = Vec::new();
        if handler_ran {
            vary.push("Accept-Encoding".to_owned());
        }
        vary.extend(origin_vary.clone());
        Seen { status, handler_ran, cors, vary }
    };
    let acao = |origin: &Option<Vec<u8>>| match origin {
        None => "*".to_owned(),
        Some(origin) => String::from_utf8(origin.clone()).expect("an allowed origin is ASCII"),
    };
    match model(spec, req) {
        Expect::NotCors | Expect::SameOrigin | Expect::Rejected { forbid: false, .. } => {
            forwarded(BTreeMap::new())
        }
        Expect::Actual(origin) => {
            let mut cors = BTreeMap::new();
            cors.insert("access-control-allow-origin".to_owned(), acao(&origin));
            if spec.credentials {
                cors.insert("access-control-allow-credentials".to_owned(), "true".to_owned());
            }
            if let Some(expose) = spec.expose_header() {
                cors.insert("access-control-expose-headers".to_owned(), expose);
            }
            forwarded(cors)
        }
        Expect::Rejected { preflight, forbid: true } => Seen {
            status: 403,
            handler_ran: false,
            cors: BTreeMap::new(),
            vary: if preflight { vec![spec.vary_preflight()] } else { origin_vary.into_iter().collect() },
        },
        Expect::Preflight { origin, mirrored, mirrored_method, private_network } => {
            let mut cors = BTreeMap::new();
            cors.insert("access-control-allow-origin".to_owned(), acao(&origin));
            if spec.credentials {
                cors.insert("access-control-allow-credentials".to_owned(), "true".to_owned());
            }
            let allow_methods = match mirrored_method {
                Some(method) => String::from_utf8_lossy(&method).into_owned(),
                None => spec.methods_header(),
            };
            cors.insert("access-control-allow-methods".to_owned(), allow_methods);
            let listed = spec.listed_headers();
            let allow_headers = match mirrored {
                Some(mirrored) => Some(String::from_utf8_lossy(&mirrored).into_owned()),
                None => (!listed.is_empty()).then(|| listed.join(", ")),
            };
            if let Some(allow_headers) = allow_headers {
                cors.insert("access-control-allow-headers".to_owned(), allow_headers);
            }
            // Cut to a day, past which browsers cut it anyway.
            if let Some(seconds) = MAX_AGES[spec.max_age].0 {
                cors.insert("access-control-max-age".to_owned(), seconds.min(86_400).to_string());
            }
            if private_network {
                cors.insert("access-control-allow-private-network".to_owned(), "true".to_owned());
            }
            Seen { status: 204, handler_ran: false, cors, vary: vec![spec.vary_preflight()] }
        }
    }
}

/// The security invariants, checked on their own so that a failure names the one
/// that broke (the exact comparison with the model follows).
pub(crate) fn check_invariants(spec: &Spec, req: &Req, got: &Seen) -> Result<(), TestCaseError> {
    prop_assert!(got.status < 500, "5xx: {}", got.status);
    if let Some(acao) = got.cors.get("access-control-allow-origin") {
        if acao == "*" {
            prop_assert!(spec.any_origin(), "`*` from a policy that does not allow any origin");
            prop_assert!(!spec.credentials, "`*` from a policy with credentials");
            prop_assert!(!got.cors.contains_key("access-control-allow-credentials"), "`*` with credentials");
        } else {
            prop_assert_eq!(
                req.origins.len(),
                1,
                "ACAO for a request with {} Origin headers",
                req.origins.len()
            );
            prop_assert_eq!(acao.as_bytes(), req.origins[0].as_slice(), "ACAO is not the request's Origin");
            prop_assert!(!spec.any_origin() && spec.allows(acao.as_bytes()), "ACAO `{}` not allowed", acao);
        }
    } else {
        prop_assert!(got.cors.is_empty(), "CORS headers without ACAO: {:?}", got.cors);
    }
    if !spec.any_origin() {
        let names_origin = got
            .vary
            .iter()
            .flat_map(|line| line.split(','))
            .any(|name| name.trim().eq_ignore_ascii_case("origin"));
        prop_assert!(names_origin, "the response depends on Origin but Vary is {:?}", got.vary);
    }
    if req.is_preflight() {
        prop_assert!(!got.handler_ran, "a preflight ran the handler");
        prop_assert!(got.status == 204 || got.status == 403, "preflight answered {}", got.status);
    }
    Ok(())
}
