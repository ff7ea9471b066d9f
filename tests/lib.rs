//! What the integration tests share: a handler-call counter (so that "no handler ran" is
//! asserted, not assumed), a counted handler, [`TestApp`] to initialise an app under test
//! with its counter, [`Seen`] for what a response showed, and an authentication middleware
//! shaped like the usual ones. Requests are built with `cors_actix::test`'s builders.

use std::{
    collections::BTreeMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
};

use actix_http::Request;
use actix_web::{
    body::MessageBody,
    dev::{Service, ServiceFactory, ServiceRequest, ServiceResponse},
    http::header,
    middleware::Next,
    test, web, App, Error, HttpResponse,
};
use cors_actix::{Cors, Policy, PolicyBuilder};

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

/// A server of two workers on a loopback port, serving `GET /items` (`200 items`) behind
/// `cors`: for [`serve_while`], in tests of what several workers share.
pub fn items_server(cors: Cors) -> (Vec<std::net::SocketAddr>, actix_web::dev::Server) {
    let server = actix_web::HttpServer::new(move || {
        App::new().wrap(cors.clone()).route("/items", web::to(|| async { HttpResponse::Ok().body("items") }))
    })
    .workers(2)
    .bind(("127.0.0.1", 0))
    .expect("bind a loopback port");
    let addresses = server.addrs();
    (addresses, server.run())
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

/// Initialises apps under test with a [`Calls`] in their data, which [`counted`] and the
/// tests' own handlers take as `web::Data<Calls>`, and gives the counter back with the
/// service, so that "no handler ran" is asserted, not assumed:
///
/// ```
/// use actix_web::{test, web, App};
/// use cors_actix::{policy, test::preflight, Cors};
/// use cors_actix_tests::{counted, TestApp};
///
/// # actix_web::rt::System::new().block_on(async {
/// let (app, calls) = TestApp::init(
///     App::new()
///         .wrap(Cors::new(policy! { origins = ["https://app.example"] }))
///         .route("/items", web::to(counted)),
/// )
/// .await;
/// let request = preflight("/items", "https://app.example", "GET").to_request();
/// let response = test::call_service(&app, request).await;
/// assert_eq!(response.status(), 204);
/// assert_eq!(calls.count(), 0);
/// # });
/// ```
///
/// The app is any `App::new()...` chain: its own routes, scopes, middlewares and data. Call
/// the service with `test::call_service(&app, request)` or, to see an `Err` as it is,
/// `app.call(request)`.
#[derive(Debug)]
pub struct TestApp;

impl TestApp {
    /// Initialises `app` with a new [`Calls`] in its data; returns the service and the counter.
    pub async fn init<T, B>(
        app: App<T>,
    ) -> (impl Service<Request, Response = ServiceResponse<B>, Error = Error>, Calls)
    where
        T: ServiceFactory<
                ServiceRequest,
                Config = (),
                Response = ServiceResponse<B>,
                Error = Error,
                InitError = (),
            > + 'static,
        B: MessageBody,
    {
        let calls = Calls::default();
        let service = Self::init_counting(app, &calls).await;
        (service, calls)
    }

    /// Initialises `app` with `calls` in its data: for apps that share one counter, or a
    /// counter made before the app.
    pub async fn init_counting<T, B>(
        app: App<T>,
        calls: &Calls,
    ) -> impl Service<Request, Response = ServiceResponse<B>, Error = Error>
    where
        T: ServiceFactory<
                ServiceRequest,
                Config = (),
                Response = ServiceResponse<B>,
                Error = Error,
                InitError = (),
            > + 'static,
        B: MessageBody,
    {
        test::init_service(app.app_data(web::Data::new(calls.clone()))).await
    }

    /// The usual app: `/items`, the [`counted`] handler for every method, behind `cors` (a
    /// [`Cors`], a [`Policy`] or a [`PolicyBuilder`]) app-wide.
    pub async fn items(
        cors: impl IntoCors,
    ) -> (impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = Error>, Calls) {
        Self::init(App::new().wrap(cors.into_cors()).route("/items", web::to(counted))).await
    }
}

/// What [`TestApp::items`] puts in front of its routes.
pub trait IntoCors {
    /// The layer.
    fn into_cors(self) -> Cors;
}

impl IntoCors for Cors {
    fn into_cors(self) -> Cors {
        self
    }
}

impl IntoCors for Policy {
    fn into_cors(self) -> Cors {
        Cors::new(self)
    }
}

/// The policy the builder builds.
///
/// # Panics
/// When the builder finds a problem: a test's policy must be valid.
impl IntoCors for PolicyBuilder {
    fn into_cors(self) -> Cors {
        Cors::new(self.build().expect("a valid test policy"))
    }
}

/// The preflight `Vary` of a policy that depends on the origin, without Private Network Access.
pub const PREFLIGHT_VARY: &str = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

/// What a response showed, reduced to what CORS is about: compared whole, a test states the
/// status, whether a handler ran, every CORS header and every `Vary` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The status code.
    pub status: u16,
    /// Whether a handler ran for the request.
    pub handler_ran: bool,
    /// Every `access-control-*` header, by name; [`Seen::read`] refuses a repeated one.
    pub cors: BTreeMap<String, String>,
    /// Every `Vary` line, in order.
    pub vary: Vec<String>,
}

impl Seen {
    /// Reads `response`, for a request that ran a handler or not.
    ///
    /// # Errors
    /// An `access-control-*` header sent more than once, or a `Vary` that is not visible
    /// ASCII, said in words.
    pub fn read(response: &ServiceResponse<impl MessageBody>, handler_ran: bool) -> Result<Self, String> {
        let mut cors = BTreeMap::new();
        for name in response.headers().keys() {
            if name.as_str().starts_with("access-control-") {
                let values: Vec<_> = response.headers().get_all(name).collect();
                if values.len() != 1 {
                    return Err(format!("{name} sent {} times", values.len()));
                }
                cors.insert(
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(values[0].as_bytes()).into_owned(),
                );
            }
        }
        let vary = response
            .headers()
            .get_all(header::VARY)
            .map(|value| {
                value.to_str().map(str::to_owned).map_err(|_| format!("Vary {value:?} is not visible ASCII"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { status: response.status().as_u16(), handler_ran, cors, vary })
    }

    /// A `cors` map from `(name, value)` pairs.
    pub fn cors(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect()
    }

    /// A refused actual request under `omit`: the handler ran, nothing may be read.
    pub fn refused_actual() -> Self {
        Self { status: 200, handler_ran: true, cors: BTreeMap::new(), vary: vec!["Origin".to_owned()] }
    }

    /// A refused preflight: `403`, no handler, no CORS header, the preflight `Vary`.
    pub fn refused_preflight() -> Self {
        Self { status: 403, handler_ran: false, cors: BTreeMap::new(), vary: vec![PREFLIGHT_VARY.to_owned()] }
    }
}

/// The repository README's examples, compiled and run as doc tests so that they stay true
/// (the crates' own READMEs are tested by their crates).
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct RepositoryReadme;
