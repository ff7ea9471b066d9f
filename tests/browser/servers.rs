//! The servers of the suite: the page, and API servers with the `Cors` middleware, without it,
//! with a broken hand-written CORS layer, or with `#[cors]` routes only; each counts what
//! reached it, outside any CORS layer.

use std::{
    collections::BTreeMap,
    fmt::{self, Write as _},
    io,
    net::{SocketAddr, TcpListener},
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc, Arc, Mutex, PoisonError,
    },
    thread::{self, JoinHandle},
    time::Duration,
};

use actix_web::{
    body::{BoxBody, MessageBody},
    dev::{ServerHandle, ServiceRequest, ServiceResponse},
    get,
    http::{
        header::{self, HeaderValue},
        Method,
    },
    middleware::{from_fn, Next},
    put, route, web, App, HttpRequest, HttpResponse, HttpServer,
};
use cors_actix::{cors, Cors, PolicyBuilder};

use crate::{
    cases::{parse_outcomes, Case, Results},
    sockets::echo_socket,
    webdriver::{Browser, LoadedPage},
};

/// The page template; `/*CASES*/` becomes the JSON list of cases.
const PAGE_TEMPLATE: &str = include_str!("page.html");

/// An actix-web server on its own thread and `System`, stopped and joined on drop.
pub(crate) struct Server {
    pub(crate) port: u16,
    handle: ServerHandle,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl Server {
    /// Runs the server `build` makes from a fresh `127.0.0.1:0` listener. `build` returns
    /// the server's `addrs()` too.
    pub(crate) fn spawn<F>(build: F) -> Self
    where
        F: FnOnce(Vec<TcpListener>) -> io::Result<(Vec<SocketAddr>, actix_web::dev::Server)> + Send + 'static,
    {
        let listeners = vec![loopback_listener().expect("bind a loopback port")];
        let (tx, rx) = mpsc::channel();
        let thread = thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let (addrs, server) = match build(listeners) {
                    Ok(built) => built,
                    Err(error) => {
                        let message = error.to_string();
                        let _ = tx.send(Err(error));
                        return Err(io::Error::other(message));
                    }
                };
                let _ = tx.send(Ok((addrs, server.handle())));
                server.await
            })
        });
        let (addrs, handle) = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the server thread reports its start")
            .expect("start the server");
        let port = addrs.first().expect("a bound address").port();
        assert!(addrs.iter().all(|addr| addr.port() == port), "one port: {addrs:?}");
        Self { port, handle, thread: Some(thread) }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // `stop` sends the command at once; the thread ends when the server has stopped.
        drop(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            let result = thread.join();
            if !thread::panicking() {
                result.expect("server thread panicked").expect("server ran");
            }
        }
    }
}

/// A listener on `127.0.0.1:0`. Only the IPv4 loopback is used: Chromium is told to resolve
/// `localhost` there too (see [`Browser::start`]).
pub(crate) fn loopback_listener() -> io::Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", 0))
}

/// Configures an `HttpServer` for a test: one worker, no signal handling, quick shutdown,
/// listening on `listeners`; returns its addresses and the running server.
macro_rules! run_on {
    ($server:expr, $listeners:expr) => {{
        let mut server = $server.workers(1).disable_signals().shutdown_timeout(1);
        for listener in $listeners {
            server = server.listen(listener)?;
        }
        Ok((server.addrs(), server.run()))
    }};
}
pub(crate) use run_on;

/// Serves the page at `/` on `http://127.0.0.1:PORT`.
pub(crate) struct PageServer {
    pub(crate) origin: String,
    html: Arc<Mutex<String>>,
    served: Arc<AtomicUsize>,
    _server: Server,
}

/// The page server's state.
#[derive(Clone)]
struct PageState {
    html: Arc<Mutex<String>>,
    served: Arc<AtomicUsize>,
}

async fn page(state: web::Data<PageState>) -> HttpResponse {
    state.served.fetch_add(1, Ordering::SeqCst);
    let html = state.html.lock().unwrap_or_else(PoisonError::into_inner).clone();
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html)
}

impl PageServer {
    pub(crate) fn start() -> Self {
        let state = PageState { html: Arc::default(), served: Arc::default() };
        let data = web::Data::new(state.clone());
        let server = Server::spawn(move |listeners| {
            run_on!(
                HttpServer::new(move || App::new().app_data(data.clone()).route("/", web::get().to(page))),
                listeners
            )
        });
        Self {
            origin: format!("http://127.0.0.1:{}", server.port),
            html: state.html,
            served: state.served,
            _server: server,
        }
    }

    pub(crate) fn was_served(&self) -> bool {
        self.served.load(Ordering::SeqCst) > 0
    }

    /// Serves `html` at `/` and loads it in `browser` until it says it is done.
    pub(crate) fn load(&self, browser: &Browser, html: String) -> LoadedPage {
        *self.html.lock().unwrap_or_else(PoisonError::into_inner) = html;
        browser.load_until_done(&format!("{}/", self.origin))
    }

    /// Loads the page with `cases` in `browser` and returns what it read and what Chromium
    /// logged.
    pub(crate) fn run(&self, browser: &Browser, cases: &[Case]) -> Results {
        let mut names: Vec<_> = cases.iter().map(|case| case.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), cases.len(), "case names must be unique");

        let json = format!("[{}]", cases.iter().map(Case::to_json).collect::<Vec<_>>().join(",\n"));
        assert_eq!(PAGE_TEMPLATE.matches("/*CASES*/").count(), 1);
        let page = self.load(browser, PAGE_TEMPLATE.replace("/*CASES*/", &json));
        let outcomes = parse_outcomes(&page.results)
            .unwrap_or_else(|error| panic!("{error}; results: {}", page.results));
        let run: Vec<_> = outcomes.iter().map(|(name, _)| name.as_str()).collect();
        let wanted: Vec<_> = cases.iter().map(|case| case.name.as_str()).collect();
        assert_eq!(run, wanted, "the page ran every case, in order");
        Results {
            outcomes: cases
                .iter()
                .zip(outcomes)
                .map(|(case, (name, outcome))| (name, case.url.clone(), outcome))
                .collect(),
            page_origin: self.origin.clone(),
            console: page.console,
        }
    }
}

/// Requests per method and path, preflights apart, plus handler runs.
#[derive(Clone, Default)]
pub(crate) struct Counts(Arc<Mutex<BTreeMap<String, usize>>>);

impl Counts {
    pub(crate) fn add(&self, key: String) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner).entry(key).or_default() += 1;
    }

    fn get(&self, key: &str) -> usize {
        let map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(key).copied().unwrap_or(0)
    }

    /// `OPTIONS` requests with `Access-Control-Request-Method` to `path`.
    pub(crate) fn preflights(&self, path: &str) -> usize {
        self.get(&format!("preflight {path}"))
    }

    /// Other requests that reached the server, handled or not.
    pub(crate) fn requests(&self, method: &str, path: &str) -> usize {
        self.get(&format!("request {method} {path}"))
    }

    /// Runs of the handler.
    pub(crate) fn handled(&self, method: &str, path: &str) -> usize {
        self.get(&format!("handled {method} {path}"))
    }
}

impl fmt::Debug for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.lock().unwrap_or_else(PoisonError::into_inner).iter()).finish()
    }
}

/// How an API server handles CORS.
pub(crate) enum Backend {
    /// `Cors::new` with this policy (boxed: a builder is much larger than the other variants).
    Cors(Box<PolicyBuilder>),
    /// No CORS middleware at all.
    NoCors,
    /// Hand-written CORS headers that are right except `Access-Control-Allow-Origin`.
    WrongOrigin,
    /// Hand-written CORS headers that name the right origin and little else ([`partly_right`]).
    PartlyRight,
    /// Only `#[cors]` routes ([`route_put`], [`route_get`]), no app-wide `Cors`.
    Routes,
    /// An app-wide `Cors` open to every origin, header and method around [`echo`], and one
    /// route opted out of it with `origins = []` ([`route_admin`]).
    OptedOut,
    /// An echo WebSocket at `/ws` ([`echo_socket`]) behind `Cors::new` with this policy.
    Socket(Box<PolicyBuilder>),
}

/// An API on `http://localhost:PORT` answering every method and path with [`echo`].
pub(crate) struct ApiServer {
    base: String,
    pub(crate) counts: Counts,
    _server: Server,
}

impl ApiServer {
    pub(crate) fn start(backend: Backend) -> Self {
        let counts = Counts::default();
        let data = web::Data::new(counts.clone());
        let server = match backend {
            Backend::Cors(policy) => cors_server(*policy, data, |routes| {
                routes.route("/{path:.*}", web::to(echo));
            }),
            Backend::NoCors => Server::spawn(move |listeners| {
                run_on!(
                    HttpServer::new(move || App::new()
                        .app_data(data.clone())
                        .route("/{path:.*}", web::to(echo))
                        .wrap(from_fn(count_requests))),
                    listeners
                )
            }),
            Backend::WrongOrigin => Server::spawn(move |listeners| {
                run_on!(
                    HttpServer::new(move || App::new()
                        .app_data(data.clone())
                        .route("/{path:.*}", web::to(echo))
                        .wrap(from_fn(wrong_origin))
                        .wrap(from_fn(count_requests))),
                    listeners
                )
            }),
            Backend::PartlyRight => Server::spawn(move |listeners| {
                run_on!(
                    HttpServer::new(move || App::new()
                        .app_data(data.clone())
                        .route("/{path:.*}", web::to(echo))
                        .wrap(from_fn(partly_right))
                        .wrap(from_fn(count_requests))),
                    listeners
                )
            }),
            Backend::Routes => Server::spawn(move |listeners| {
                run_on!(
                    HttpServer::new(move || App::new()
                        .app_data(data.clone())
                        .service(route_put)
                        .service(route_get)
                        .wrap(from_fn(count_requests))),
                    listeners
                )
            }),
            Backend::OptedOut => {
                let open =
                    cors_actix::Policy::builder().allow_any_origin().allow_any_header().allow_method("*");
                cors_server(open, data, |routes| {
                    routes.service(route_admin).route("/{path:.*}", web::to(echo));
                })
            }
            Backend::Socket(policy) => cors_server(*policy, data, |routes| {
                routes.route("/ws", web::get().to(echo_socket));
            }),
        };
        Self { base: format!("http://localhost:{}", server.port), counts, _server: server }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// A server with `Cors::new(policy)` around the routes `routes` adds.
fn cors_server(
    policy: PolicyBuilder,
    counts: web::Data<Counts>,
    routes: fn(&mut web::ServiceConfig),
) -> Server {
    let policy = Arc::new(policy.build().expect("a valid test policy"));
    Server::spawn(move |listeners| {
        run_on!(
            HttpServer::new(move || App::new()
                .app_data(counts.clone())
                .configure(routes)
                .wrap(Cors::from_shared(policy.clone()))
                .wrap(from_fn(count_requests))),
            listeners
        )
    })
}

/// Counts every request that reaches the server, outside any CORS middleware.
async fn count_requests(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let counts = request.app_data::<web::Data<Counts>>().expect("counts in app data");
    let key = if request.method() == Method::OPTIONS
        && request.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        format!("preflight {}", request.path())
    } else {
        format!("request {} {}", request.method(), request.path())
    };
    counts.add(key);
    next.call(request).await
}

/// The handler: counts its run and answers `METHOD PATH[ key=X-API-KEY][ body=BODY]`, with
/// an exposed `x-request-id` and an unexposed `x-internal` header.
async fn echo(request: HttpRequest, body: web::Bytes, counts: web::Data<Counts>) -> HttpResponse {
    let (method, path) = (request.method().as_str(), request.path());
    counts.add(format!("handled {method} {path}"));
    let mut text = format!("{method} {path}");
    if let Some(key) = request.headers().get("x-api-key") {
        let _ = write!(text, " key={}", key.to_str().unwrap_or("<non-ASCII>"));
    }
    if !body.is_empty() {
        let _ = write!(text, " body={}", String::from_utf8_lossy(&body));
    }
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("x-request-id", format!("req {path}")))
        .insert_header(("x-internal", "not exposed"))
        .body(text)
}

/// A `#[cors]` route; the page is served from `http://127.0.0.1` on some port.
#[cors(origins = ["http://127.0.0.1:*"], headers = ["x-api-key"], expose = ["x-request-id"], max_age = 600)]
#[put("/route/put")]
async fn route_put(request: HttpRequest, body: web::Bytes, counts: web::Data<Counts>) -> HttpResponse {
    echo(request, body, counts).await
}

/// A second `#[cors]` route, with a policy of its own.
#[cors(origins = ["http://127.0.0.1:*"])]
#[get("/route/get")]
async fn route_get(request: HttpRequest, body: web::Bytes, counts: web::Data<Counts>) -> HttpResponse {
    echo(request, body, counts).await
}

/// A route opted out of the app's open policy: no other origin reads it or preflights it.
#[cors(origins = [])]
#[route("/route/admin", method = "GET", method = "PUT")]
async fn route_admin(request: HttpRequest, body: web::Bytes, counts: web::Data<Counts>) -> HttpResponse {
    echo(request, body, counts).await
}

/// A broken CORS layer: allows everything the cases need, but names an origin that is not
/// the page's in `Access-Control-Allow-Origin`.
async fn wrong_origin(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    const ORIGIN: HeaderValue = HeaderValue::from_static("http://127.0.0.1:1");
    if request.method() == Method::OPTIONS {
        let response = HttpResponse::NoContent()
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN))
            .insert_header((header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, PUT, DELETE"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, "content-type, x-api-key"))
            .finish();
        return Ok(request.into_response(response));
    }
    let mut response = next.call(request).await?.map_into_boxed_body();
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN);
    headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("x-request-id"));
    Ok(response)
}

/// The path whose preflight [`partly_right`] fails with `500`.
pub(crate) const PREFLIGHT_FAILS: &str = "/preflight-fails";

/// A CORS layer that names the requesting origin in `Access-Control-Allow-Origin` but gets the
/// rest wrong: its preflights allow `GET, POST` and `content-type` only, the one for
/// [`PREFLIGHT_FAILS`] answers `500`, and no answer allows credentials.
async fn partly_right(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let origin = request.headers().get(header::ORIGIN).cloned();
    if request.method() == Method::OPTIONS {
        let mut response = if request.path() == PREFLIGHT_FAILS {
            HttpResponse::InternalServerError()
        } else {
            HttpResponse::NoContent()
        };
        if let Some(origin) = origin {
            response.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin));
        }
        let response = response
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, "content-type"))
            .finish();
        return Ok(request.into_response(response));
    }
    let mut response = next.call(request).await?.map_into_boxed_body();
    if let Some(origin) = origin {
        response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    Ok(response)
}
