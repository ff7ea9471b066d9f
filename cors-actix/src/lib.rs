//! Cross-Origin Resource Sharing for [actix-web], correct to the [Fetch standard]'s CORS
//! protocol as browsers enforce it.
//!
//! A browser lets a page read a response from another origin only if the response says
//! so with `Access-Control-Allow-*` headers; for requests that could do more than a plain
//! form could, it first asks with a *preflight* (`OPTIONS` + `Access-Control-Request-Method`).
//! This crate answers preflights and decorates responses from a [`Policy`] that is checked
//! and rendered once, when it is built.
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
//! [actix-web]: https://docs.rs/actix-web
//! [Fetch standard]: https://fetch.spec.whatwg.org/#http-cors-protocol

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "serde")]
mod config;
mod decision;
mod error;
mod index;
mod middleware;
mod policy;
mod route;
pub mod test;
mod vary;

pub use crate::{
    decision::{
        AllowOrigin, Decision, PreflightAnswer, Reason, Rejection, ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
        ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK,
    },
    error::{PolicyError, Problem},
    middleware::{Cors, CorsFuture, CorsMiddleware},
    policy::{OnMismatch, OriginPredicate, OriginRefusal, Policy, PolicyBuilder},
    route::{routes, RouteCors},
};

/// What the macros' expansions use. Not public API.
#[doc(hidden)]
pub mod __private {
    use actix_web::{
        dev::{ServiceFactory, ServiceRequest, ServiceResponse, Transform},
        Error,
    };

    pub use crate::route::{mount, route_guard};

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

    /// Builds a policy whose every value the macro already checked with the same grammar.
    /// Runs when an app is built (never while answering a request); a refusal here would be
    /// a disagreement between the macro's checks and the builder's, i.e. a bug to report.
    pub fn build_checked(builder: crate::PolicyBuilder) -> crate::Policy {
        match builder.build() {
            Ok(policy) => policy,
            Err(error) => {
                panic!("cors-actix bug: a policy checked at compile time was refused when built: {error}")
            }
        }
    }
}

#[cfg(feature = "macros")]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
pub use cors_actix_macros::{cors, policy};

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub use crate::config::{ConfigError, PolicyConfig};

/// The README's examples, compiled and run as doc tests so that they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// MIGRATING.md's examples, likewise.
#[doc = include_str!("../../MIGRATING.md")]
#[cfg(doctest)]
pub struct MigratingDoctests;
