//! Procedural macros of `cors-actix`: the `#[cors(...)]` route attribute and `policy!`.
//! Use them through `cors_actix::{cors, policy}`.
//!
//! Both parse their keys, check the policy with the checker the runtime builder runs
//! (`cors_actix_grammar::check_policy` and `warn_policy`), report every mistake at once as a
//! compile error on the offending token, and only then expand, with what only has no effect
//! as a compiler warning on its token.

mod attr;
mod ctxt;
mod expand;
mod policy_args;
mod route_attr;
#[cfg(test)]
mod shared_verdicts;

use proc_macro::TokenStream;

/// Gives a route handler its own CORS policy, checked at compile time.
///
/// Write it **above** the route attribute — `#[get]`, `#[post]`, `#[put]`, `#[delete]`,
/// `#[patch]`, `#[head]` or `#[route(.., method = .., method = ..)]` — which it reads and
/// replaces: the service it emits keeps the route's path, `name`, `guard`s and `wrap`s, and
/// is mounted with `App::service` or `Scope::service` as usual.
///
/// ```
/// use actix_web::{get, put, web, App, HttpResponse, Responder};
/// use cors_actix::{cors, policy, Cors};
///
/// #[cors(
///     origins = ["https://app.example", "https://*.app.example"],
///     headers = ["content-type", "x-api-key"],
///     expose = ["x-request-id"],
///     credentials = true,
///     max_age = 600,
/// )]
/// #[get("/items/{id}")]
/// async fn item(id: web::Path<u32>) -> impl Responder {
///     HttpResponse::Ok().insert_header(("x-request-id", "1")).body(format!("item {id}"))
/// }
///
/// #[cors(origins = "*")]
/// #[get("/health")]
/// async fn health() -> &'static str {
///     "ok"
/// }
///
/// # actix_web::rt::System::new().block_on(async {
/// let app = actix_web::test::init_service(
///     App::new()
///         .wrap(Cors::new(policy! { origins = ["https://admin.example"] }))
///         .service(item)
///         .service(web::scope("/v1").service(health)),
/// )
/// .await;
///
/// // The preflight for GET /items/7 is answered from `item`'s own policy.
/// let preflight = actix_web::test::TestRequest::default()
///     .method(actix_web::http::Method::OPTIONS)
///     .uri("/items/7")
///     .insert_header(("Origin", "https://eu.app.example"))
///     .insert_header(("Access-Control-Request-Method", "GET"))
///     .to_request();
/// let response = actix_web::test::call_service(&app, preflight).await;
/// assert_eq!(response.status(), 204);
/// assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), "https://eu.app.example");
/// assert_eq!(response.headers().get("access-control-max-age").unwrap(), "600");
/// # });
/// ```
///
/// # Keys
///
/// | key | value | default |
/// |---|---|---|
/// | `policy` | the name of a policy defined with `policy! { static NAME = { ... } }`; then no other key | — |
/// | `origins` | a string or list: exact origins (`"https://app.example"`), patterns (`"https://*.app.example"`, `"http://localhost:*"`), `"*"` (any), `"null"` | — |
/// | `origin_regex` | a string or list of regexes anchored with `^...$` | — |
/// | `origin_fn` | path of a `fn(&HeaderValue, &RequestHead) -> bool` | — |
/// | `origin_async` | path of a `fn(&HeaderValue, &RequestHead) -> impl Future<Output = bool> + 'static`, asked last (an allow-list in a database), within one second and at most 64 in flight, as `PolicyBuilder::allow_origin_async` | — |
/// | `methods` | a non-empty list of methods (`Access-Control-Allow-Methods`), or `"*"` (any: answered `*`, or with the method asked for when `credentials = true`) | the route's own |
/// | `headers` | list of request headers, or `"*"` (any but `Authorization`) | none |
/// | `expose` | list of response headers, or `"*"` | none |
/// | `credentials` | `true` / `false` | `false` |
/// | `max_age` | seconds; over 86400 (one day), which browsers cut, 86400 is sent and the compiler warns | unset (browsers use 5 s) |
/// | `private_network` | `true` / `false` | `false` |
/// | `on_mismatch` | `"omit"` (handler runs, no CORS headers) / `"reject"` (`403`) | `"omit"` |
/// | `cross_origin_protection` | `true` / `false`: refuse state-changing requests from sites the policy does not allow (`403`, before the handler) | `false` |
/// | `public_origins` | list of the origins browsers reach the server by, when a proxy changes `Host` | none |
///
/// At least one of `origins`, `origin_regex`, `origin_fn`, `origin_async` is required.
/// `policy!` takes the
/// same keys. The values are checked at compile time, so they are written in the attribute:
/// to share one policy between routes, define it once and name it:
///
/// ```
/// use actix_web::{get, post, HttpResponse};
/// use cors_actix::{cors, policy};
///
/// policy! { static PARTNERS = { origins = ["https://partner.example"], credentials = true } }
///
/// #[cors(policy = PARTNERS)]
/// #[get("/orders")]
/// async fn orders() -> HttpResponse { HttpResponse::Ok().finish() }
///
/// #[cors(policy = PARTNERS)] // a shared policy without `methods` takes the route's: POST here
/// #[post("/orders")]
/// async fn place_order() -> HttpResponse { HttpResponse::Created().finish() }
/// ```
///
/// # Preflights
///
/// actix-web puts a route's method guard on its resource, so an `OPTIONS` preflight would
/// never reach a `#[get]` handler's resource. The emitted resource is guarded with "a
/// preflight asking for one of the route's methods, or one of its methods and the route's
/// own `guard`s" (a preflight carries none of the actual request's headers), and wrapped —
/// outside any `wrap` of the route — in the route's CORS layer, which answers the preflight
/// with `204` or `403` without running the handler. With an app-wide [`Cors`] as well, the
/// app-wide layer answers the route's preflights from the route's policy (before any
/// authentication middleware), leaves the route's responses alone, and answers every other
/// preflight itself; the `Cors` documentation says how it finds the route.
///
/// # Compile errors
///
/// Errors are what can never work or trusts more than it says. Each is spanned on the
/// offending token, and all errors of one attribute are reported together: unknown keys
/// (with a did-you-mean) and repeated keys; values of the wrong kind, and origins given other
/// than as string literals; origins that are not what a browser sends — with a path, trailing
/// slash, default port, upper-case host, no scheme, `user@`, a query, an IPv4-mapped IPv6
/// address — with the corrected origin suggested; bad wildcards (`https://*example.com`,
/// `https://*.com`, `*://..`), and wildcards over a public suffix with credentials; `"*"`
/// beside other origins; `"*"` or a regex matching any origin together with credentials;
/// regexes that do not compile, are not anchored, or alternate at the top level (`^a$|^b$`);
/// an empty `methods` list; methods and header names that are not tokens; lower-case
/// standard methods, in `#[cors]` or in the route attribute; a route attribute for a method
/// browsers never send (`#[trace]`, `#[connect]`); `"*"` exposed headers with credentials; a
/// negative or non-integer `max_age`; an unknown `on_mismatch`; an invalid `public_origins`
/// entry;
/// `policy = NAME` beside other keys; no origin at all;
/// `cross_origin_protection = true` with `"*"` (which trusts every site) or with `"null"`
/// listed (which any site can produce; the error points at `"null"`); `#[cors]` without a
/// route attribute below it, on a non-`async` fn, or given twice.
///
/// # Compiler warnings
///
/// What only has no effect, or is probably not meant, compiles, and the compiler warns on the
/// token, in the words `Policy::warnings` uses for a policy built at run time: a value listed
/// twice in any list (the first is kept); methods and headers browsers never send or expose
/// (`"TRACE"`, `"cookie"`, `"host"`, `"set-cookie"`); a `max_age` over 86400 seconds, which
/// browsers cut (86400 is sent); a wildcard over a public suffix without credentials
/// (`"https://*.vercel.app"`). The warnings are `deprecated` lints on an item named
/// `cors_policy_warning`, so `#![deny(deprecated)]` (or `deny(warnings)`) makes them errors.
///
/// [`Cors`]: https://docs.rs/cors-actix/latest/cors_actix/struct.Cors.html
#[proc_macro_attribute]
pub fn cors(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::cors(args.into(), input.into()).into()
}

/// Builds a `cors_actix::Policy` from the same keys as [`macro@cors`], checked at compile
/// time, for an app-wide or scope-wide `Cors`; or, written `policy! { static NAME = { ... } }`
/// (with attributes and a visibility if wanted), defines a `cors_actix::SharedPolicy` once for
/// routes to name with `#[cors(policy = NAME)]` and apps to use with `NAME.policy()`.
///
/// ```
/// use actix_web::{web, App, HttpResponse};
/// use cors_actix::{policy, Cors};
///
/// let policy = policy! {
///     origins = ["https://app.example", "http://localhost:*"],
///     methods = ["GET", "POST", "DELETE"],
///     headers = ["content-type"],
///     max_age = 3600,
/// };
/// assert_eq!(policy.max_age(), Some(3600));
/// let app = App::new().wrap(Cors::new(policy)).route("/", web::get().to(HttpResponse::Ok));
/// ```
///
/// Methods default to the CORS-safelisted `GET`, `HEAD`, `POST`. A mistake is a compile
/// error on the token:
///
/// ```compile_fail
/// let policy = cors_actix::policy! { origins = ["https://app.example/"] };
/// ```
#[proc_macro]
pub fn policy(input: TokenStream) -> TokenStream {
    expand::policy(input.into()).into()
}
