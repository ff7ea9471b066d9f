//! Cross-Origin Resource Sharing for [actix-web], correct to the [Fetch standard]'s CORS
//! protocol as browsers enforce it.
//!
//! A browser lets a page read a response from another origin only if the response says
//! so with `Access-Control-Allow-*` headers; for requests that could do more than a plain
//! form could, it first asks with a *preflight* (`OPTIONS` + `Access-Control-Request-Method`).
//! This crate answers preflights and decorates responses from a [`Policy`] that is checked
//! and rendered once, when it is built.
//!
//! # App-wide: a policy and the middleware
//!
//! ```
//! use actix_web::{test, web, App, HttpResponse};
//! use cors_actix::{Cors, Policy};
//!
//! # actix_web::rt::System::new().block_on(async {
//! let policy = Policy::builder()
//!     .allow_origins(["https://app.example", "https://*.app.example"])
//!     .allow_methods(["GET", "PUT"])
//!     .allow_headers(["content-type"])
//!     .allow_credentials(true)
//!     .max_age(600)
//!     .build()
//!     .expect("a valid policy");
//!
//! let app = test::init_service(
//!     App::new()
//!         .wrap(Cors::new(policy))
//!         .route("/items", web::get().to(HttpResponse::Ok)),
//! )
//! .await;
//!
//! let request = test::TestRequest::get()
//!     .uri("/items")
//!     .insert_header(("Origin", "https://eu.app.example"))
//!     .to_request();
//! let response = test::call_service(&app, request).await;
//! assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), "https://eu.app.example");
//! assert_eq!(response.headers().get("access-control-allow-credentials").unwrap(), "true");
//! assert_eq!(response.headers().get("vary").unwrap(), "Origin");
//! # });
//! ```
//!
//! [`Cors`] wraps an `App`, a `Scope` or a `Resource`; put it outside (`wrap` it after) any
//! authentication middleware, since preflights carry no credentials.
//!
//! # In a server: build once, clone per worker
//!
//! `HttpServer::new` calls its factory once per worker, and the factory cannot return a
//! [`PolicyError`]: build the policy before it, in `main`, and move a [`Cors`] into the
//! closure, which gives each worker a clone. The clones share one policy (to share a policy
//! between several layers, build each with [`Cors::from_shared`] from one `Arc<Policy>`).
//! A `PolicyError` converts into a `std::io::Error` (kind `InvalidInput`), so `build()?`
//! stops a `main` that returns `std::io::Result<()>` before the server starts, with every
//! problem in the message.
//!
//! ```no_run
//! use actix_web::{web, App, HttpResponse, HttpServer};
//! use cors_actix::{Cors, Policy};
//!
//! #[actix_web::main]
//! async fn main() -> std::io::Result<()> {
//!     let policy = Policy::builder()
//!         .allow_origins(["https://app.example", "https://*.app.example"])
//!         .allow_methods(["GET", "PUT"])
//!         .build()?;
//!     let cors = Cors::new(policy);
//!
//!     HttpServer::new(move || {
//!         App::new()
//!             .wrap(cors.clone())
//!             .route("/items", web::get().to(HttpResponse::Ok))
//!     })
//!     .bind(("127.0.0.1", 8080))?
//!     .run()
//!     .await
//! }
//! ```
//!
//! # Per route: `#[cors]`, checked at compile time
//!
//! ```
//! use actix_web::{get, App, HttpResponse};
//! use cors_actix::{cors, policy, Cors};
//!
//! #[cors(origins = ["https://partner.example"], credentials = true)]
//! #[get("/reports/{id}")]
//! async fn report() -> HttpResponse {
//!     HttpResponse::Ok().body("report")
//! }
//!
//! // The route's own policy wins for the route; the app-wide one for everything else.
//! let app = App::new()
//!     .wrap(Cors::new(policy! { origins = ["https://app.example"] }))
//!     .service(report);
//! ```
//!
//! A mistake in `#[cors]` or [`policy!`] (an origin with a trailing slash, `*` with
//! credentials, a lower-case method, ...) is a compile error on the token, with the fix.
//! Which policy governs a request when layers and routes meet is set out in [`Cors`].
//!
//! # From configuration: every problem at once
//!
//! [`PolicyBuilder::build`] returns a [`PolicyError`] listing every problem, each with its fix
//! where there is one. With the `serde` feature, [`PolicyConfig`] reads the same keys from a
//! configuration file and reports each problem under its key.
//!
//! ```
//! let error = cors_actix::Policy::builder()
//!     .allow_origins(["https://app.example/", "*"])
//!     .allow_credentials(true)
//!     .build()
//!     .unwrap_err();
//! assert_eq!(error.problems().len(), 3);
//! assert!(error.to_string().contains("did you mean `https://app.example`?"));
//! ```
//!
//! An allow-list kept in a database or a tenant service is asked with
//! [`PolicyBuilder::allow_origin_async`], only about origins nothing else allowed, within a
//! deadline and a limit of checks in flight.
//!
//! For a front-end dev server on your machine, start from
//! [`PolicyBuilder::local_development`] (every loopback origin, any port) rather than
//! allowing any origin. Coming from actix-cors, `MIGRATING.md` (in this crate's package and
//! its repository) maps every builder method and says which answers change.
//!
//! # Testing your setup as a browser would
//!
//! [`test`](mod@test) builds the requests a browser sends and judges the answers with the Fetch
//! standard's CORS check, so a test says what a page could do:
//!
//! ```
//! use actix_web::{test, web, App, HttpResponse};
//! use cors_actix::{test as cors_test, Cors};
//!
//! # actix_web::rt::System::new().block_on(async {
//! let policy = cors_actix::policy! { origins = ["https://app.example"], methods = ["PUT"] };
//! let app = test::init_service(App::new().wrap(Cors::new(policy)).route("/items", web::to(HttpResponse::Ok))).await;
//! let preflight = cors_test::preflight("/items", "https://app.example", "PUT").to_request();
//! cors_test::assert_preflight_allowed(&test::call_service(&app, preflight).await, "https://app.example", "PUT", &[]);
//! let request = cors_test::cross_origin(actix_web::http::Method::GET, "/items", "https://evil.example").to_request();
//! cors_test::assert_refused(&test::call_service(&app, request).await, "https://evil.example");
//! # });
//! ```
//!
//! # Features
//!
//! - `macros` (default): the `#[cors]` attribute and [`policy!`], re-exported from
//!   `cors-actix-macros`.
//! - `serde`: [`PolicyConfig`], a policy read from a configuration file under the keys of
//!   `#[cors]`, with each problem reported under its key ([`ConfigError`]).
//! - `tracing`: each refusal is a `tracing` event with fields (`origin`, `method`,
//!   `requested_headers`, `path`, `rule`, `preflight`, `forbidden`, `route`) instead of a `log`
//!   line (target `cors_actix`, debug level); without a tracing subscriber it still reaches a
//!   `log` logger.
//! - `reload`: [`Cors::reloadable`] and [`PolicyHandle`], a policy replaced while the server
//!   runs, for every worker at once.
//! - `cache`: [`PolicyBuilder::cache_origin_checks`], a bounded cache of the asynchronous
//!   origin check's answers (built on `moka`), shared by every worker and clone of the policy,
//!   with one call to the store for all the requests from one origin meanwhile;
//!   [`Policy::forget_origin`] drops one answer.
//!
//! [actix-web]: https://docs.rs/actix-web
//! [Fetch standard]: https://fetch.spec.whatwg.org/#http-cors-protocol
//! [`policy!`]: crate::policy
//! [`PolicyConfig`]: https://docs.rs/cors-actix/latest/cors_actix/struct.PolicyConfig.html
//! [`ConfigError`]: https://docs.rs/cors-actix/latest/cors_actix/struct.ConfigError.html
//! [`Cors::reloadable`]: https://docs.rs/cors-actix/latest/cors_actix/struct.Cors.html#method.reloadable
//! [`PolicyHandle`]: https://docs.rs/cors-actix/latest/cors_actix/struct.PolicyHandle.html
//! [`PolicyBuilder::cache_origin_checks`]: https://docs.rs/cors-actix/latest/cors_actix/struct.PolicyBuilder.html#method.cache_origin_checks
//! [`Policy::forget_origin`]: https://docs.rs/cors-actix/latest/cors_actix/struct.Policy.html#method.forget_origin

#![cfg_attr(docsrs, feature(doc_cfg))]

// The modules in the order a request meets them: the layer receives it (`middleware`), reads
// its head once (`request`), routes a copy first when the answer depends on the resource
// (`middleware/routing`), lets the policy decide (`policy`, with its origins, methods, headers
// and cross-origin protection), turns the decision into a response or the headers to write
// (`middleware/outcome`, `policy/response`, `vary`), reports a refusal (`middleware/refusals`,
// `explain`), and carries it out (`middleware/future`). Around them: how a policy is built and
// checked (`policy`, `error`, `config`), per-route policies (`route`), reloading (`reload`),
// and the browser model for tests (`test`).
#[cfg(feature = "serde")]
mod config;
mod error;
mod explain;
mod middleware;
mod policy;
mod reload;
mod request;
mod route;
pub mod test;
mod vary;

pub use crate::{
    error::{PolicyError, Problem, Warning},
    explain::{Explanation, Verdict},
    middleware::Cors,
    policy::{OnMismatch, Policy, PolicyBuilder, Rule},
    request::RequestKind,
    route::{routes, RouteCors, SharedPolicy},
};

/// What a [`Problem`] or a [`Warning`] is about: the setting ([`Key`](problem::Key)) and the
/// kind of problem, as the checker that the macros and the builder share reports it.
pub mod problem {
    pub use crate::error::{Finding, Key, ProblemKind, WarningKind};
}

/// The service and future of [`Cors`]: named in its `Transform` implementation, never by users.
#[doc(hidden)]
pub use crate::middleware::{CorsFuture, CorsMiddleware};

/// What the macros' expansions use. Not public API.
#[doc(hidden)]
pub mod __private {
    use actix_web::{
        dev::{ServiceFactory, ServiceRequest, ServiceResponse, Transform},
        Error,
    };

    pub use crate::{
        policy::{
            AllowOrigin, CrossOriginRefusal, Decision, OriginRefusal, PreflightAnswer, Reason, Refusal,
        },
        route::{mount, route_guard},
    };

    /// What the policy decides about a request head, without actix's service stack: for the
    /// crate's own property tests and benchmarks.
    pub fn decide<'r>(policy: &crate::Policy, head: &'r actix_web::dev::RequestHead) -> Decision<'r> {
        policy.decide(&crate::request::CorsRequest::of(head))
    }

    /// Wraps a route's service in a middleware, as `Resource::wrap` does: the last wrapped
    /// is the outermost.
    pub fn wrap<F, M, B, B2>(
        service: F,
        middleware: M,
    ) -> impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<B2>,
        Error = Error,
        InitError = (),
    >
    where
        F: ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<B>,
            Error = Error,
            InitError = (),
        >,
        M: Transform<
            F::Service,
            ServiceRequest,
            Response = ServiceResponse<B2>,
            Error = Error,
            InitError = (),
        >,
    {
        actix_service::apply(middleware, service)
    }

    /// Builds a policy whose every value the macro already checked, with the grammar's
    /// `check_policy` that [`PolicyBuilder::build`](crate::PolicyBuilder::build) runs too.
    /// Runs when an app is built (never while answering a request), and cannot fail: the
    /// check is not run again, as it would give the same verdict. Debug builds run it anyway
    /// and say so loudly if it ever disagreed, which would be a bug in the macros.
    pub fn build_checked(builder: crate::PolicyBuilder) -> crate::Policy {
        debug_assert!(
            builder.clone().build().is_ok(),
            "cors-actix bug: a policy checked at compile time was refused when built: {:?}",
            builder.clone().build().err()
        );
        builder.assemble()
    }
}

#[cfg(feature = "macros")]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
pub use cors_actix_macros::{cors, policy};

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub use crate::config::{ConfigError, PolicyConfig};

#[cfg(feature = "reload")]
pub use crate::reload::PolicyHandle;

/// The examples of this crate's README (its page on crates.io), compiled and run as doc tests
/// so that they stay true. Both files are in the package, so the doc tests also run on the
/// crate as published.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// MIGRATING.md's examples, likewise.
#[doc = include_str!("../MIGRATING.md")]
#[cfg(doctest)]
pub struct MigratingDoctests;
