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
    http::{header, Method},
    middleware::Next,
    test::TestRequest,
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

/// A CORS preflight as a browser sends it: `OPTIONS` with `Origin` and
/// `Access-Control-Request-Method`.
pub fn preflight(uri: &str, origin: &str, method: &str) -> TestRequest {
    TestRequest::default()
        .method(Method::OPTIONS)
        .uri(uri)
        .insert_header((header::ORIGIN, origin.to_owned()))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method.to_owned()))
}

/// A cross-origin actual request: `method` with `Origin`.
pub fn actual(method: Method, uri: &str, origin: &str) -> TestRequest {
    TestRequest::default().method(method).uri(uri).insert_header((header::ORIGIN, origin.to_owned()))
}

/// Every value of the response header `name`, in order (so that a duplicate shows).
pub fn header_values(response: &ServiceResponse<impl MessageBody>, name: &str) -> Vec<String> {
    response
        .headers()
        .get_all(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .collect()
}

/// Every `Access-Control-Allow-Origin` the response carries (more than one would be a bug).
pub fn allow_origin_values(response: &ServiceResponse<impl MessageBody>) -> Vec<String> {
    header_values(response, "access-control-allow-origin")
}

/// Sends raw bytes as one HTTP/1.1 request over a real socket and returns the response head
/// (status line and headers, lower-cased), or what arrived before the server closed.
pub fn raw_request(address: std::net::SocketAddr, request: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).expect("server accepts");
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("set a timeout");
    stream.write_all(request).expect("send the request");
    let mut response = Vec::new();
    let mut buffer = [0; 4096];
    while !response.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => response.extend_from_slice(&buffer[..read]),
        }
    }
    let end = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(response.len());
    String::from_utf8_lossy(&response[..end]).to_ascii_lowercase()
}

/// Starts the server `start` builds (it returns the bound addresses and the running server)
/// on this thread's actix system, runs `client` with the addresses on another thread, then
/// stops the server; panics if the client did.
pub fn serve_while(
    start: impl FnOnce() -> (Vec<std::net::SocketAddr>, actix_web::dev::Server),
    client: impl FnOnce(Vec<std::net::SocketAddr>) + Send + 'static,
) {
    let system = actix_web::rt::System::new();
    let (addresses, server) = start();
    let handle = server.handle();
    let client = std::thread::spawn(move || client(addresses));
    system.block_on(async move {
        let stopper = actix_web::rt::spawn(async move {
            let result = actix_web::rt::task::spawn_blocking(move || client.join()).await;
            handle.stop(true).await;
            result
        });
        server.await.expect("the server ran");
        stopper.await.expect("the stopper ran").expect("joined the client").expect("client assertions hold");
    });
}
