//! Five actix-cors 0.7 configurations of the shapes found in public code, each migrated by
//! following MIGRATING.md row by row, and sixteen requests a page makes, sent to both stacks.
//!
//! Every answer is judged as a browser judges it, with `cors_actix::test`'s Fetch "CORS
//! check" and "CORS-preflight fetch": does the browser send the request a preflight asked
//! about, may the page read the response, which of its headers, did the handler run. Every
//! outcome that differs between the stacks must be one of [`DIFFERENCES`], and every row of
//! [`DIFFERENCES`] must be seen: a new difference fails the test, and so does a listed one
//! that disappears. Statuses no browser shows a page (a preflight's `204` or `403`) are held
//! to [`STATUS_CHANGES`] the same way, since users' own tests assert them.

use std::collections::BTreeSet;

use actix_web::{
    dev::{Service, ServiceResponse},
    http::{header, Method},
    test::{self, TestRequest},
    web, App, HttpResponse,
};
use cors_actix::{
    test::{cors_check, header_exposed, preflight_check},
    Cors, Policy, PolicyBuilder,
};
use cors_actix_benches::status_and_headers;

/// a. A loopback allow-list for a front-end dev server, with a max-age: the predicate tests a
/// prefix, as such predicates usually do.
fn loopback_before() -> actix_cors::Cors {
    actix_cors::Cors::default()
        .allowed_origin_fn(|origin, _req_head| {
            let origin = origin.as_bytes();
            origin.starts_with(b"http://localhost") || origin.starts_with(b"http://127.0.0.1")
        })
        .allowed_methods(vec!["GET", "POST"])
        .allowed_headers(vec![header::AUTHORIZATION, header::ACCEPT])
        .allowed_header(header::CONTENT_TYPE)
        .max_age(3600)
}

/// The `allowed_origin_fn` row: for ports, prefer the pattern to the predicate.
fn loopback_after() -> PolicyBuilder {
    Policy::builder()
        .allow_origins(["http://localhost:*", "http://127.0.0.1:*"])
        .allow_methods(["GET", "POST"])
        .allow_headers([header::AUTHORIZATION, header::ACCEPT])
        .allow_header(header::CONTENT_TYPE)
        .max_age(3600)
}

/// b. One origin, with credentials, the cookie headers listed.
fn session_before() -> actix_cors::Cors {
    actix_cors::Cors::default()
        .allowed_origin("https://app.example")
        .allowed_methods(vec!["GET", "POST", "PUT", "DELETE"])
        .allowed_headers(vec![header::AUTHORIZATION, header::ACCEPT, header::CONTENT_TYPE, header::COOKIE])
        .expose_headers(vec![header::SET_COOKIE])
        .supports_credentials()
        .max_age(3600)
}

fn session_after() -> PolicyBuilder {
    Policy::builder()
        .allow_origin("https://app.example")
        .allow_methods(["GET", "POST", "PUT", "DELETE"])
        .allow_headers([header::AUTHORIZATION, header::ACCEPT, header::CONTENT_TYPE, header::COOKIE])
        .expose_headers([header::SET_COOKIE])
        .allow_credentials(true)
        .max_age(3600)
}

/// c. Any origin with credentials: actix-cors echoes every origin back, with
/// `Access-Control-Allow-Credentials: true`.
fn any_origin_credentials_before() -> actix_cors::Cors {
    actix_cors::Cors::default()
        .allow_any_origin()
        .allowed_methods(vec!["GET", "POST", "PUT", "DELETE"])
        .allowed_headers(vec![header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers(vec!["x-request-id"])
        .supports_credentials()
        .max_age(604_800)
}

/// The rows taken literally, which cors-actix refuses to build.
fn any_origin_credentials_literal() -> PolicyBuilder {
    Policy::builder()
        .allow_any_origin()
        .allow_methods(["GET", "POST", "PUT", "DELETE"])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(604_800)
}

/// MIGRATING's recipe instead of `allow_any_origin()` with credentials: the sites trusted.
fn any_origin_credentials_after() -> PolicyBuilder {
    Policy::builder()
        .allow_origins(["https://app.example", "https://admin.example"])
        .allow_methods(["GET", "POST", "PUT", "DELETE"])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(604_800)
}

/// d. A public API that pages call with a bearer token: anything goes.
fn public_api_before() -> actix_cors::Cors {
    actix_cors::Cors::permissive()
}

/// The `Cors::permissive()` row, for a public API read without cookies.
fn public_api_after() -> PolicyBuilder {
    Policy::builder()
        .allow_any_origin()
        .allow_method("*")
        .allow_any_header()
        .expose_any_header()
        .max_age(3600)
}

/// The value `main` reads from `CORS_ALLOWED_ORIGINS` for shape e, as deployments write it.
const ALLOWED_ORIGINS_VARIABLE: &str = "https://app.example, https://admin.example";

fn parse_origin_list(value: &str) -> Vec<String> {
    value.split(',').map(|origin| origin.trim().to_owned()).collect()
}

/// e. An allow-list from an environment variable, through a predicate, with credentials and
/// any header.
fn env_list_before() -> actix_cors::Cors {
    let allowed = parse_origin_list(ALLOWED_ORIGINS_VARIABLE);
    actix_cors::Cors::default()
        .allowed_origin_fn(move |origin, _req_head| {
            allowed.iter().any(|allowed| allowed.as_bytes() == origin.as_bytes())
        })
        .allow_any_method()
        .allow_any_header()
        .expose_headers(vec!["x-request-id"])
        .supports_credentials()
}

fn env_list_after() -> PolicyBuilder {
    let allowed = parse_origin_list(ALLOWED_ORIGINS_VARIABLE);
    Policy::builder()
        .allow_origin_fn(move |origin, _head| {
            allowed.iter().any(|allowed| allowed.as_bytes() == origin.as_bytes())
        })
        .allow_method("*")
        .allow_any_header()
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
}

/// One configuration, before and after, and the page that uses it.
struct Shape {
    name: &'static str,
    before: fn() -> actix_cors::Cors,
    after: fn() -> PolicyBuilder,
    /// The origin of the page the configuration was written for.
    page: &'static str,
    /// An origin the configuration was not meant to let in.
    unlisted: &'static str,
    /// Whether the page's own requests carry cookies (`credentials: "include"`), as a page
    /// written against a configuration with credentials does.
    page_credentials: bool,
    /// The `Debug` of each build warning of the migrated policy, in order.
    warnings: &'static [&'static str],
}

const SHAPES: [Shape; 5] = [
    Shape {
        name: "a. loopback predicate",
        before: loopback_before,
        after: loopback_after,
        page: "http://localhost:5173",
        unlisted: "http://localhost.evil.example:5173",
        page_credentials: false,
        warnings: &[],
    },
    Shape {
        name: "b. one origin, cookies",
        before: session_before,
        after: session_after,
        page: "https://app.example",
        unlisted: "https://evil.example",
        page_credentials: true,
        warnings: &["ForbiddenRequestHeader", "ForbiddenResponseHeader"],
    },
    Shape {
        name: "c. any origin, credentials",
        before: any_origin_credentials_before,
        after: any_origin_credentials_after,
        page: "https://app.example",
        unlisted: "https://evil.example",
        page_credentials: true,
        warnings: &["MaxAgeCapped { seconds: 604800 }"],
    },
    Shape {
        name: "d. permissive public API",
        before: public_api_before,
        after: public_api_after,
        page: "https://app.example",
        unlisted: "https://evil.example",
        page_credentials: false,
        warnings: &[],
    },
    Shape {
        name: "e. environment list",
        before: env_list_before,
        after: env_list_after,
        page: "https://admin.example",
        unlisted: "https://evil.example",
        page_credentials: true,
        warnings: &[],
    },
];

/// Where a request comes from.
#[derive(Clone, Copy)]
enum Sender {
    Page,
    Unlisted,
    /// An opaque origin: a sandboxed iframe, a `file:` page, a redirect across origins.
    Null,
    /// No `Origin`: the server's own pages' `GET`s, `curl`, a server-side client.
    SameOrigin,
}

/// The request's credentials mode, which decides how the browser reads the answer.
#[derive(Clone, Copy)]
enum Credentials {
    /// What the shape's page uses.
    Page,
    Include,
    Omit,
}

#[derive(Clone, Copy)]
enum Kind {
    /// `OPTIONS` asking for `method` with the non-safelisted `headers`.
    Preflight { method: &'static str, headers: &'static [&'static str] },
    /// The request itself.
    Actual { method: &'static str, path: &'static str, content_type: Option<&'static str> },
}

struct Ask {
    name: &'static str,
    sender: Sender,
    credentials: Credentials,
    kind: Kind,
}

const fn preflight(name: &'static str, method: &'static str, headers: &'static [&'static str]) -> Ask {
    Ask {
        name,
        sender: Sender::Page,
        credentials: Credentials::Page,
        kind: Kind::Preflight { method, headers },
    }
}

const fn get(name: &'static str, sender: Sender, credentials: Credentials, path: &'static str) -> Ask {
    Ask { name, sender, credentials, kind: Kind::Actual { method: "GET", path, content_type: None } }
}

/// A JSON `POST`: a method every shape allows, with a header that needs the preflight.
const PREFLIGHT_POST_JSON: Kind = Kind::Preflight { method: "POST", headers: &["content-type"] };

/// The same sixteen requests for every shape.
const MATRIX: [Ask; 16] = [
    // A `POST` whose body is a stream, or an XHR with upload listeners: preflighted with no
    // header to ask about.
    preflight("preflight POST, no headers", "POST", &[]),
    preflight("preflight GET asking authorization", "GET", &["authorization"]),
    preflight("preflight GET asking x-custom", "GET", &["x-custom"]),
    preflight("preflight POST asking content-type", "POST", &["content-type"]),
    preflight("preflight PUT asking content-type", "PUT", &["content-type"]),
    preflight("preflight DELETE", "DELETE", &[]),
    get("GET without cookies", Sender::Page, Credentials::Omit, "/items"),
    get("GET with cookies", Sender::Page, Credentials::Include, "/items"),
    Ask {
        name: "form POST",
        sender: Sender::Page,
        credentials: Credentials::Page,
        kind: Kind::Actual {
            method: "POST",
            path: "/items",
            content_type: Some("application/x-www-form-urlencoded"),
        },
    },
    get("GET from the unlisted origin", Sender::Unlisted, Credentials::Page, "/items"),
    Ask {
        name: "preflight POST from the unlisted origin",
        sender: Sender::Unlisted,
        credentials: Credentials::Page,
        kind: PREFLIGHT_POST_JSON,
    },
    get("GET from null", Sender::Null, Credentials::Page, "/items"),
    Ask {
        name: "preflight POST from null",
        sender: Sender::Null,
        credentials: Credentials::Page,
        kind: PREFLIGHT_POST_JSON,
    },
    get("GET of a missing path", Sender::Page, Credentials::Page, "/missing"),
    get("GET without Origin", Sender::SameOrigin, Credentials::Page, "/items"),
    // The request the PUT preflight was for, whose `x-request-id` the page reads.
    Ask {
        name: "PUT reading x-request-id",
        sender: Sender::Page,
        credentials: Credentials::Page,
        kind: Kind::Actual { method: "PUT", path: "/items", content_type: Some("application/json") },
    },
];

/// What the page can do with one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// A preflight: whether the browser goes on to send the request.
    Preflight { sends: bool },
    /// The request itself: whether the handler ran, whether the page may read the response,
    /// and which of the handler's two non-safelisted headers it sees. (`Set-Cookie`, which
    /// shape b lists, is never seen: browsers filter it out of every response a page gets.)
    Response { handler_ran: bool, readable: bool, request_id: bool, internal: bool },
    /// A request whose preflight failed: the browser never sends it.
    NotSent,
}

const SENDS: Outcome = Outcome::Preflight { sends: true };
const DOES_NOT_SEND: Outcome = Outcome::Preflight { sends: false };
const UNREADABLE: Outcome =
    Outcome::Response { handler_ran: true, readable: false, request_id: false, internal: false };
const READS_ALL: Outcome =
    Outcome::Response { handler_ran: true, readable: true, request_id: true, internal: true };
const READS_REQUEST_ID: Outcome =
    Outcome::Response { handler_ran: true, readable: true, request_id: true, internal: false };

/// A browser-visible difference the migration brings, on purpose.
struct Difference {
    shape: &'static str,
    ask: &'static str,
    actix_cors: Outcome,
    cors_actix: Outcome,
    /// Why the change is intended; MIGRATING.md tells users the same.
    why: &'static str,
}

const PREFIX_PREDICATE: &str = "the pattern `http://localhost:*` matches the loopback host only; the \
                                prefix predicate also let in `http://localhost.evil.example`";
const ONLY_TRUSTED: &str = "credentials go only to the origins listed instead of `*`: actix-cors \
                            echoed every origin, handing every site the user's session";
const NULL_WITH_CREDENTIALS: &str = "`null` is any sandboxed iframe or `file:` page; echoing it with \
                                     credentials handed them the user's session";
const PERMISSIVE_COOKIES: &str = "`*` is never readable with cookies; `Cors::permissive()` echoed \
                                  every origin with credentials, handing every site the session";

const DIFFERENCES: [Difference; 7] = [
    Difference {
        shape: "a. loopback predicate",
        ask: "GET from the unlisted origin",
        actix_cors: Outcome::Response {
            handler_ran: true,
            readable: true,
            request_id: false,
            internal: false,
        },
        cors_actix: UNREADABLE,
        why: PREFIX_PREDICATE,
    },
    Difference {
        shape: "a. loopback predicate",
        ask: "preflight POST from the unlisted origin",
        actix_cors: SENDS,
        cors_actix: DOES_NOT_SEND,
        why: PREFIX_PREDICATE,
    },
    Difference {
        shape: "c. any origin, credentials",
        ask: "GET from the unlisted origin",
        actix_cors: READS_REQUEST_ID,
        cors_actix: UNREADABLE,
        why: ONLY_TRUSTED,
    },
    Difference {
        shape: "c. any origin, credentials",
        ask: "preflight POST from the unlisted origin",
        actix_cors: SENDS,
        cors_actix: DOES_NOT_SEND,
        why: ONLY_TRUSTED,
    },
    Difference {
        shape: "c. any origin, credentials",
        ask: "GET from null",
        actix_cors: READS_REQUEST_ID,
        cors_actix: UNREADABLE,
        why: NULL_WITH_CREDENTIALS,
    },
    Difference {
        shape: "c. any origin, credentials",
        ask: "preflight POST from null",
        actix_cors: SENDS,
        cors_actix: DOES_NOT_SEND,
        why: NULL_WITH_CREDENTIALS,
    },
    Difference {
        shape: "d. permissive public API",
        ask: "GET with cookies",
        actix_cors: READS_ALL,
        cors_actix: UNREADABLE,
        why: PERMISSIVE_COOKIES,
    },
];

/// A status change no browser shows a page, but a test asserting statuses sees.
struct StatusChange {
    actix_cors: u16,
    cors_actix: u16,
    when: &'static str,
}

const STATUS_CHANGES: [StatusChange; 3] = [
    StatusChange { actix_cors: 200, cors_actix: 204, when: "a preflight both allow" },
    StatusChange { actix_cors: 400, cors_actix: 403, when: "a preflight both refuse" },
    StatusChange {
        actix_cors: 200,
        cors_actix: 403,
        when: "a preflight only cors-actix refuses (the differences above)",
    },
];

/// The handler behind `/items`, for every method: two non-safelisted headers, one of which
/// (`x-request-id`) the configurations expose, and the session cookie.
async fn items() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("x-request-id", "7"))
        .insert_header(("x-internal", "1"))
        .insert_header((header::SET_COOKIE, "session=2; Secure; HttpOnly"))
        .body("items")
}

/// Each request of [`MATRIX`] sent to `app`, as a browser would send it for `shape`'s page:
/// the status of the last answer and what the page can do with the answers.
async fn outcomes<S, B>(app: &S, shape: &Shape) -> Vec<(u16, Outcome)>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let mut seen = Vec::new();
    for ask in &MATRIX {
        let origin = match ask.sender {
            Sender::Page => Some(shape.page),
            Sender::Unlisted => Some(shape.unlisted),
            Sender::Null => Some("null"),
            Sender::SameOrigin => None,
        };
        let credentials = match ask.credentials {
            Credentials::Page => shape.page_credentials,
            Credentials::Include => true,
            Credentials::Omit => false,
        };
        let outcome = match (ask.kind, origin) {
            (Kind::Preflight { method, headers }, Some(origin)) => {
                let (status, sends) = preflight_fetch(app, origin, method, headers, credentials).await;
                (status, Outcome::Preflight { sends })
            }
            (Kind::Preflight { .. }, None) => unreachable!("{}: a preflight has an origin", ask.name),
            (Kind::Actual { method, path, content_type }, origin) => {
                actual_fetch(app, origin, method, path, content_type, credentials).await
            }
        };
        seen.push(outcome);
    }
    seen
}

/// Fetch "CORS-preflight fetch": the `OPTIONS` a browser sends (never with cookies) and
/// whether the browser then sends the request.
async fn preflight_fetch<S, B>(
    app: &S,
    origin: &str,
    method: &str,
    headers: &[&str],
    credentials: bool,
) -> (u16, bool)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let mut request = TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/items")
        .insert_header((header::ORIGIN, origin))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method));
    if !headers.is_empty() {
        request = request.insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, headers.join(",")));
    }
    let (status, answer) = status_and_headers(app, request).await;
    (status, preflight_check(status, &answer, origin, method, headers, credentials).is_ok())
}

/// A request a page makes with `fetch`: preflighted first when its method or content type is
/// not CORS-safelisted, and not sent at all when that preflight fails.
async fn actual_fetch<S, B>(
    app: &S,
    origin: Option<&str>,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    credentials: bool,
) -> (u16, Outcome)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    const SAFELISTED_CONTENT_TYPES: [&str; 3] =
        ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];
    if let Some(origin) = origin {
        let safelisted_method = ["GET", "HEAD", "POST"].contains(&method);
        let unsafe_headers: &[&str] =
            match content_type.filter(|content_type| !SAFELISTED_CONTENT_TYPES.contains(content_type)) {
                Some(_) => &["content-type"],
                None => &[],
            };
        if !safelisted_method || !unsafe_headers.is_empty() {
            let (status, sends) = preflight_fetch(app, origin, method, unsafe_headers, credentials).await;
            if !sends {
                return (status, Outcome::NotSent);
            }
        }
    }
    let mut request =
        TestRequest::default().method(Method::from_bytes(method.as_bytes()).expect("a method")).uri(path);
    if let Some(origin) = origin {
        request = request.insert_header((header::ORIGIN, origin));
    }
    if credentials {
        request = request.insert_header((header::COOKIE, "session=1"));
    }
    if let Some(content_type) = content_type {
        request = request.insert_header((header::CONTENT_TYPE, content_type)).set_payload("a=1");
    }
    let (status, answer) = status_and_headers(app, request).await;
    // Only the handler sets `x-request-id`, whether or not the page may read it.
    let handler_ran = answer.contains_key("x-request-id");
    let Some(origin) = origin else {
        // Same-origin: no CORS check, the page reads everything.
        return (status, Outcome::Response { handler_ran, readable: true, request_id: true, internal: true });
    };
    let readable = cors_check(&answer, origin, credentials).is_ok();
    let sees = |name| readable && answer.contains_key(name) && header_exposed(&answer, name, credentials);
    let outcome = Outcome::Response {
        handler_ran,
        readable,
        request_id: sees("x-request-id"),
        internal: sees("x-internal"),
    };
    (status, outcome)
}

#[actix_web::test]
async fn a_browser_sees_only_the_listed_differences() {
    let mut differences = BTreeSet::new();
    let mut status_changes = BTreeSet::new();
    for shape in &SHAPES {
        let policy = (shape.after)().build().unwrap_or_else(|error| panic!("{}: {error}", shape.name));
        let warnings: Vec<String> =
            policy.warnings().iter().map(|warning| format!("{:?}", warning.kind())).collect();
        assert_eq!(warnings, shape.warnings, "{}", shape.name);

        let before =
            test::init_service(App::new().wrap((shape.before)()).route("/items", web::to(items))).await;
        let after =
            test::init_service(App::new().wrap(Cors::new(policy)).route("/items", web::to(items))).await;
        let before = outcomes(&before, shape).await;
        let after = outcomes(&after, shape).await;

        let page_reads =
            after.iter().any(|(_, outcome)| matches!(outcome, Outcome::Response { readable: true, .. }));
        assert!(
            page_reads && after.contains(&(204, SENDS)),
            "{}: the page must work after the migration",
            shape.name
        );

        for ((ask, (status_before, was)), (status_after, is)) in MATRIX.iter().zip(&before).zip(&after) {
            if was != is {
                differences.insert((shape.name, ask.name, *was, *is));
            }
            if status_before != status_after {
                status_changes.insert((*status_before, *status_after));
            }
        }
    }

    let listed: BTreeSet<_> =
        DIFFERENCES.iter().map(|row| (row.shape, row.ask, row.actix_cors, row.cors_actix)).collect();
    let unlisted: Vec<_> = differences.difference(&listed).collect();
    let gone: Vec<_> = DIFFERENCES
        .iter()
        .filter(|row| !differences.contains(&(row.shape, row.ask, row.actix_cors, row.cors_actix)))
        .map(|row| (row.shape, row.ask, row.why))
        .collect();
    assert!(
        unlisted.is_empty() && gone.is_empty(),
        "differences found but not listed (shape, request, actix-cors, cors-actix): {unlisted:#?}\n\
         listed but not found (shape, request, why it was listed): {gone:#?}"
    );

    let unlisted: Vec<_> = status_changes
        .iter()
        .filter(|&&(was, is)| !STATUS_CHANGES.iter().any(|row| (row.actix_cors, row.cors_actix) == (was, is)))
        .collect();
    let gone: Vec<_> = STATUS_CHANGES
        .iter()
        .filter(|row| !status_changes.contains(&(row.actix_cors, row.cors_actix)))
        .collect();
    assert!(
        unlisted.is_empty() && gone.is_empty(),
        "status changes found but not listed (actix-cors, cors-actix): {unlisted:?}\n\
         listed but not found: {:?}",
        gone.iter().map(|row| (row.actix_cors, row.cors_actix, row.when)).collect::<Vec<_>>()
    );
}

#[test]
fn any_origin_with_credentials_taken_literally_does_not_build() {
    let error = any_origin_credentials_literal().build().expect_err("`*` with credentials");
    assert!(
        error.problems().iter().any(|problem| format!("{:?}", problem.kind()) == "AnyOriginWithCredentials"),
        "{error}"
    );
}
