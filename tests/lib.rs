//! What the integration tests share: a handler-call counter (so that "no handler ran" is
//! asserted, not assumed), a counted handler, and an authentication middleware shaped like
//! the usual ones.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header,
    middleware::Next,
    web, Error, HttpResponse,
};

/// Counts handler runs; share one through `web::Data` and read it after the requests.
#[derive(Clone, Debug, Default)]
pub struct Calls(Arc<AtomicUsize>);

impl Calls {
    /// How many handlers ran so far.
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    /// Records one handler run.
    pub fn hit(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A handler that counts its runs and answers `counted` with an `x-request-id` header.
pub async fn counted(calls: web::Data<Calls>) -> HttpResponse {
    calls.hit();
    HttpResponse::Ok().insert_header(("x-request-id", "42")).body("counted")
}

/// Refuses requests without `Authorization` by returning `Err(401)`, as authentication
/// middlewares usually do.
pub async fn require_auth(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if req.headers().contains_key(header::AUTHORIZATION) {
        next.call(req).await
    } else {
        Err(actix_web::error::ErrorUnauthorized("no credentials"))
    }
}
