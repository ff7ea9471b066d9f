//! The `Cors` middleware as a real browser enforces it: headless Chromium loads a page from
//! one origin whose script runs cross-origin `fetch` cases against actix-web servers on other
//! origins, and the tests assert what the Fetch standard says the page may read, plus how many
//! requests and preflights each server saw.
//!
//! Every test is `#[ignore]`d because it needs Chromium; run them with
//! `cargo test -p cors-actix-tests --test browser -- --include-ignored`. The browser is
//! `/usr/bin/chromium` unless the `CHROMIUM` environment variable names another binary.
//!
//! How the browser is driven: one `chromium --headless --dump-dom --virtual-time-budget=…` run
//! per test (no WebDriver, no DevTools client). Virtual time does not advance while a network
//! fetch is pending, so the DOM is dumped only once the page's script has settled; the page
//! then carries its results as JSON in `<pre id="results">` and `done` in `<p id="status">`.
//! A run that has not printed its DOM within [`REAL_TIME_LIMIT`] is killed.
//!
//! Origins: pages are served from `http://127.0.0.1:PORT`, APIs from `http://localhost:PORT`,
//! so every fetch is cross-origin; both are loopback, so Chromium's Private/Local Network
//! Access checks do not apply.

use std::{
    collections::BTreeMap,
    fmt::{self, Write as _},
    fs::{self, File},
    io::{self, Read},
    net::{SocketAddr, TcpListener},
    path::{Path, PathBuf},
    process::{self, Command, Stdio},
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc, Arc, Mutex, PoisonError,
    },
    thread::{self, JoinHandle},
    time::{Duration, Instant},
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
    put, web, App, HttpRequest, HttpResponse, HttpServer,
};
use cors_actix::{cors, Cors, Policy, PolicyBuilder};

/// The longest one Chromium run may take, in real time, before it is killed.
const REAL_TIME_LIMIT: Duration = Duration::from_secs(60);

/// Virtual milliseconds the page gets. Pending fetches pause virtual time and an idle page
/// fast-forwards it, so this bounds runaway timers, not network round trips.
const VIRTUAL_TIME_BUDGET_MS: u32 = 30_000;

/// What `String(error)` says for a fetch the browser refused (CORS or network).
const FAILED_TO_FETCH: &str = "TypeError: Failed to fetch";

/// The page template; `/*CASES*/` becomes the JSON list of cases.
const PAGE_TEMPLATE: &str = include_str!("browser/page.html");

// ---------------------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------------------

/// The policy the "allowed" cases are written against, allowing `page_origin`.
fn api_policy(page_origin: &str) -> PolicyBuilder {
    Policy::builder()
        .allow_origins([page_origin])
        .allow_methods(["GET", "POST", "PUT", "DELETE"])
        .allow_headers(["content-type", "x-api-key"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(600)
}

/// Requests that [`api_policy`] allows, each on its own path so that neither the counters
/// nor Chromium's preflight cache (keyed by URL) mix them up. Names are `{label}/{case}`.
fn allowed_cases(label: &str, api: &ApiServer) -> Vec<Case> {
    let case = |name: &str, method: &'static str, path: &str| {
        Case::new(format!("{label}/{name}"), method, api.url(path))
    };
    vec![
        case("simple_get", "GET", "/simple"),
        case("credentialed_get", "GET", "/credentialed").credentials(),
        case("json_post", "POST", "/json").header("content-type", "application/json").body(r#"{"n":1}"#),
        case("put", "PUT", "/put"),
        case("delete", "DELETE", "/delete"),
        case("allowed_header", "GET", "/allowed-header").header("x-api-key", "k1"),
        case("exposed_header", "GET", "/exposed").read_header("x-request-id"),
    ]
}

/// Asserts the outcomes of [`allowed_cases`] against a working server.
fn assert_allowed_cases_readable(results: &Results, label: &str, api: &ApiServer) {
    let name = |case: &str| format!("{label}/{case}");
    results.assert_readable(&name("simple_get"), "GET /simple", None);
    results.assert_readable(&name("credentialed_get"), "GET /credentialed", None);
    results.assert_readable(&name("json_post"), r#"POST /json body={"n":1}"#, None);
    results.assert_readable(&name("put"), "PUT /put", None);
    results.assert_readable(&name("delete"), "DELETE /delete", None);
    results.assert_readable(&name("allowed_header"), "GET /allowed-header key=k1", None);
    results.assert_readable(&name("exposed_header"), "GET /exposed", Some("req /exposed"));

    // Safelisted requests go straight out; the others are preflighted exactly once.
    let counts = &api.counts;
    for (method, path, preflights) in [
        ("GET", "/simple", 0),
        ("GET", "/credentialed", 0),
        ("POST", "/json", 1),
        ("PUT", "/put", 1),
        ("DELETE", "/delete", 1),
        ("GET", "/allowed-header", 1),
        ("GET", "/exposed", 0),
    ] {
        assert_eq!(counts.preflights(path), preflights, "preflights of {path}: {counts:?}");
        assert_eq!(counts.handled(method, path), 1, "{method} {path} handled: {counts:?}");
    }
}

#[test]
#[ignore = "needs chromium"]
fn allowed_origin_reads_exactly_what_the_policy_allows() {
    let page = PageServer::start();
    let main = ApiServer::start(Backend::Cors(api_policy(&page.origin)));
    let no_credentials = ApiServer::start(Backend::Cors(api_policy(&page.origin).allow_credentials(false)));
    let no_cache = ApiServer::start(Backend::Cors(api_policy(&page.origin).max_age(0)));

    let mut cases = allowed_cases("main", &main);
    cases.extend([
        Case::new("main/refused_header", "GET", main.url("/refused-header")).header("x-secret", "s"),
        Case::new("main/refused_method", "PATCH", main.url("/patch")),
        Case::new("main/unexposed_header", "GET", main.url("/unexposed")).read_header("x-internal"),
        // Two identical preflighted requests: `Access-Control-Max-Age: 600` lets the
        // second reuse the first one's preflight.
        Case::new("main/cached_1", "PUT", main.url("/cached")).header("x-api-key", "k2"),
        Case::new("main/cached_2", "PUT", main.url("/cached")).header("x-api-key", "k2"),
        Case::new("no_credentials/plain_get", "GET", no_credentials.url("/plain")),
        Case::new("no_credentials/credentialed_get", "GET", no_credentials.url("/credentialed"))
            .credentials(),
        // `Access-Control-Max-Age: 0`: each request needs its own preflight.
        Case::new("no_cache/uncached_1", "PUT", no_cache.url("/uncached")).header("x-api-key", "k3"),
        Case::new("no_cache/uncached_2", "PUT", no_cache.url("/uncached")).header("x-api-key", "k3"),
    ]);
    let results = page.run(&cases);

    assert_allowed_cases_readable(&results, "main", &main);

    // A header outside `allow_headers`: the preflight is refused, the request never sent.
    results.assert_rejected("main/refused_header");
    assert_eq!(main.counts.preflights("/refused-header"), 1, "{:?}", main.counts);
    assert_eq!(main.counts.requests("GET", "/refused-header"), 0, "{:?}", main.counts);
    assert_eq!(main.counts.handled("GET", "/refused-header"), 0, "{:?}", main.counts);

    // A method outside `allow_methods`: likewise.
    results.assert_rejected("main/refused_method");
    assert_eq!(main.counts.preflights("/patch"), 1, "{:?}", main.counts);
    assert_eq!(main.counts.handled("PATCH", "/patch"), 0, "{:?}", main.counts);

    // The handler sends `x-internal` too, but it is not in `expose_headers`.
    results.assert_readable("main/unexposed_header", "GET /unexposed", None);

    // max_age(600): one preflight for two requests.
    results.assert_readable("main/cached_1", "PUT /cached key=k2", None);
    results.assert_readable("main/cached_2", "PUT /cached key=k2", None);
    assert_eq!(main.counts.preflights("/cached"), 1, "{:?}", main.counts);
    assert_eq!(main.counts.handled("PUT", "/cached"), 2, "{:?}", main.counts);

    // Without `allow_credentials`, a credentialed request is sent (it is safelisted) and
    // handled, but the browser refuses the page the response.
    results.assert_readable("no_credentials/plain_get", "GET /plain", None);
    results.assert_rejected("no_credentials/credentialed_get");
    assert_eq!(no_credentials.counts.handled("GET", "/credentialed"), 1, "{:?}", no_credentials.counts);

    // max_age(0): two preflights for two requests.
    results.assert_readable("no_cache/uncached_1", "PUT /uncached key=k3", None);
    results.assert_readable("no_cache/uncached_2", "PUT /uncached key=k3", None);
    assert_eq!(no_cache.counts.preflights("/uncached"), 2, "{:?}", no_cache.counts);
    assert_eq!(no_cache.counts.handled("PUT", "/uncached"), 2, "{:?}", no_cache.counts);
}

#[test]
#[ignore = "needs chromium"]
fn disallowed_origin_reads_nothing() {
    let allowed_page = PageServer::start();
    let third_page = PageServer::start();
    assert_ne!(allowed_page.origin, third_page.origin);
    let main = ApiServer::start(Backend::Cors(api_policy(&allowed_page.origin)));
    // A control: an API that does allow the third page, so its rejections below cannot be
    // a page that does not work.
    let control = ApiServer::start(Backend::Cors(api_policy(&third_page.origin)));

    let mut cases = allowed_cases("main", &main);
    cases.push(Case::new("control/simple_get", "GET", control.url("/simple")));
    let results = third_page.run(&cases);

    for name in [
        "main/simple_get",
        "main/credentialed_get",
        "main/json_post",
        "main/put",
        "main/delete",
        "main/allowed_header",
        "main/exposed_header",
    ] {
        results.assert_rejected(name);
    }
    results.assert_readable("control/simple_get", "GET /simple", None);

    // Safelisted requests reach the handler (`OnMismatch::Omit`), only the read is blocked;
    // preflighted ones stop at the refused preflight.
    let counts = &main.counts;
    for path in ["/simple", "/credentialed", "/exposed"] {
        assert_eq!(counts.handled("GET", path), 1, "{path}: {counts:?}");
        assert_eq!(counts.preflights(path), 0, "{path}: {counts:?}");
    }
    for (method, path) in
        [("POST", "/json"), ("PUT", "/put"), ("DELETE", "/delete"), ("GET", "/allowed-header")]
    {
        assert_eq!(counts.preflights(path), 1, "{path}: {counts:?}");
        assert_eq!(counts.requests(method, path), 0, "{method} {path}: {counts:?}");
        assert_eq!(counts.handled(method, path), 0, "{method} {path}: {counts:?}");
    }
    assert!(!allowed_page.was_served(), "the page must have come from the third origin only");
}

/// The harness can fail: the same cases against servers that get CORS wrong come back
/// rejected, although the servers saw and answered the requests.
#[test]
#[ignore = "needs chromium"]
fn harness_detects_broken_servers() {
    let page = PageServer::start();
    let no_cors = ApiServer::start(Backend::NoCors);
    let wrong_origin = ApiServer::start(Backend::WrongOrigin);

    let mut cases = allowed_cases("no_cors", &no_cors);
    cases.extend(allowed_cases("wrong_origin", &wrong_origin));
    let results = page.run(&cases);

    for label in ["no_cors", "wrong_origin"] {
        for case in [
            "simple_get",
            "credentialed_get",
            "json_post",
            "put",
            "delete",
            "allowed_header",
            "exposed_header",
        ] {
            results.assert_rejected(&format!("{label}/{case}"));
        }
    }
    // The requests did arrive: the rejections are the browser's, not the network's.
    for api in [&no_cors, &wrong_origin] {
        assert_eq!(api.counts.handled("GET", "/simple"), 1, "{:?}", api.counts);
        assert_eq!(api.counts.preflights("/put"), 1, "{:?}", api.counts);
    }
    // Without CORS middleware the preflight reached the handler (and got a plain 200).
    assert_eq!(no_cors.counts.handled("OPTIONS", "/put"), 1, "{:?}", no_cors.counts);
    assert_eq!(no_cors.counts.handled("PUT", "/put"), 0, "{:?}", no_cors.counts);
    // The wrong `Access-Control-Allow-Origin` on the preflight stopped the actual request.
    assert_eq!(wrong_origin.counts.handled("PUT", "/put"), 0, "{:?}", wrong_origin.counts);
}

// ---------------------------------------------------------------------------------------
// Cases and outcomes
// ---------------------------------------------------------------------------------------

/// One `fetch` the page makes.
#[derive(Debug, Clone)]
struct Case {
    name: String,
    url: String,
    method: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    body: Option<&'static str>,
    credentials: bool,
    read_header: Option<&'static str>,
}

impl Case {
    fn new(name: impl Into<String>, method: &'static str, url: String) -> Self {
        Self {
            name: name.into(),
            url,
            method,
            headers: Vec::new(),
            body: None,
            credentials: false,
            read_header: None,
        }
    }

    fn header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    fn body(mut self, body: &'static str) -> Self {
        self.body = Some(body);
        self
    }

    /// `credentials: 'include'`.
    fn credentials(mut self) -> Self {
        self.credentials = true;
        self
    }

    /// Read this response header through `response.headers.get(...)`.
    fn read_header(mut self, name: &'static str) -> Self {
        self.read_header = Some(name);
        self
    }

    /// The case as a JSON object for the page's script. `<` is escaped so that nothing in
    /// a case can close the `<script>` it is inlined into.
    fn to_json(&self) -> String {
        let headers: serde_json::Map<String, serde_json::Value> =
            self.headers.iter().map(|(name, value)| ((*name).to_owned(), (*value).into())).collect();
        serde_json::json!({
            "name": self.name,
            "url": self.url,
            "method": self.method,
            "headers": headers,
            "body": self.body,
            "credentials": self.credentials,
            "read_header": self.read_header,
        })
        .to_string()
        .replace('<', "\\u003c")
    }
}

/// What the page saw of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// `fetch` resolved: the page could read the status, the body and, if asked for, one
    /// header (`None` when `headers.get` returned `null`).
    Resolved { status: u16, body: String, header: Option<String> },
    /// `fetch` rejected, with `String(error)`.
    Rejected(String),
}

/// The outcomes of one page run, in case order.
struct Results(Vec<(String, Outcome)>);

impl Results {
    fn get(&self, name: &str) -> &Outcome {
        match self.0.iter().find(|(case, _)| case == name) {
            Some((_, outcome)) => outcome,
            None => panic!("no result for case {name}: {self:?}"),
        }
    }

    fn assert_readable(&self, name: &str, body: &str, header: Option<&str>) {
        let expected =
            Outcome::Resolved { status: 200, body: body.to_owned(), header: header.map(str::to_owned) };
        assert_eq!(self.get(name), &expected, "case {name}; all results: {self:?}");
    }

    fn assert_rejected(&self, name: &str) {
        let expected = Outcome::Rejected(FAILED_TO_FETCH.to_owned());
        assert_eq!(self.get(name), &expected, "case {name}; all results: {self:?}");
    }
}

impl fmt::Debug for Results {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter().map(|(name, outcome)| (name, outcome))).finish()
    }
}

/// Reads the page's `results` JSON: `[{name, outcome: "resolved", status, body, header} |
/// {name, outcome: "rejected", error}]`.
fn parse_results(json: &str) -> Result<Results, String> {
    let items: Vec<serde_json::Value> = serde_json::from_str(json).map_err(|error| error.to_string())?;
    let mut results = Vec::new();
    for item in &items {
        let string = |key: &str| item.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
        let name = string("name").ok_or("a result without a name")?;
        let outcome = match string("outcome").as_deref() {
            Some("resolved") => Outcome::Resolved {
                status: item
                    .get("status")
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|status| u16::try_from(status).ok())
                    .ok_or_else(|| format!("{name}: no status"))?,
                body: string("body").ok_or_else(|| format!("{name}: no body"))?,
                header: string("header"),
            },
            Some("rejected") => {
                Outcome::Rejected(string("error").ok_or_else(|| format!("{name}: no error"))?)
            }
            other => return Err(format!("{name}: unknown outcome {other:?}")),
        };
        results.push((name, outcome));
    }
    Ok(Results(results))
}

// ---------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------

/// An actix-web server on its own thread and `System`, stopped and joined on drop.
struct Server {
    port: u16,
    handle: ServerHandle,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl Server {
    /// Runs the server `build` makes from a fresh `127.0.0.1:0` listener. `build` returns
    /// the server's `addrs()` too.
    fn spawn<F>(build: F) -> Self
    where
        F: FnOnce(Vec<TcpListener>) -> io::Result<(Vec<SocketAddr>, actix_web::dev::Server)> + Send + 'static,
    {
        Self::spawn_on(loopback_listener().expect("bind a loopback port"), build)
    }

    /// As [`Server::spawn`], on a listener bound beforehand (when origins must be known
    /// before the servers that use them are built).
    fn spawn_on<F>(listener: TcpListener, build: F) -> Self
    where
        F: FnOnce(Vec<TcpListener>) -> io::Result<(Vec<SocketAddr>, actix_web::dev::Server)> + Send + 'static,
    {
        let listeners = vec![listener];
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
/// `localhost` there too (see [`chromium_dump_dom`]).
fn loopback_listener() -> io::Result<TcpListener> {
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

/// Serves the page at `/` on `http://127.0.0.1:PORT`.
struct PageServer {
    origin: String,
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
    fn start() -> Self {
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

    fn was_served(&self) -> bool {
        self.served.load(Ordering::SeqCst) > 0
    }

    /// Loads the page with `cases` in Chromium and returns what it read.
    fn run(&self, cases: &[Case]) -> Results {
        let mut names: Vec<_> = cases.iter().map(|case| case.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), cases.len(), "case names must be unique");

        let json = format!("[{}]", cases.iter().map(Case::to_json).collect::<Vec<_>>().join(",\n"));
        assert_eq!(PAGE_TEMPLATE.matches("/*CASES*/").count(), 1);
        *self.html.lock().unwrap_or_else(PoisonError::into_inner) = PAGE_TEMPLATE.replace("/*CASES*/", &json);

        let dom = chromium_dump_dom(&format!("{}/", self.origin));
        let status = between(&dom, "<p id=\"status\">", "</p>");
        assert_eq!(status, Some("done"), "the page did not finish; DOM:\n{dom}");
        let json = between(&dom, "<pre id=\"results\">", "</pre>").expect("a results element");
        let results = parse_results(json).unwrap_or_else(|error| panic!("{error}; results: {json}"));
        let run: Vec<_> = results.0.iter().map(|(name, _)| name.as_str()).collect();
        let wanted: Vec<_> = cases.iter().map(|case| case.name.as_str()).collect();
        assert_eq!(run, wanted, "the page ran every case, in order");
        results
    }
}

/// Requests per method and path, preflights apart, plus handler runs.
#[derive(Clone, Default)]
struct Counts(Arc<Mutex<BTreeMap<String, usize>>>);

impl Counts {
    fn add(&self, key: String) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner).entry(key).or_default() += 1;
    }

    fn get(&self, key: &str) -> usize {
        let map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(key).copied().unwrap_or(0)
    }

    /// `OPTIONS` requests with `Access-Control-Request-Method` to `path`.
    fn preflights(&self, path: &str) -> usize {
        self.get(&format!("preflight {path}"))
    }

    /// Other requests that reached the server, handled or not.
    fn requests(&self, method: &str, path: &str) -> usize {
        self.get(&format!("request {method} {path}"))
    }

    /// Runs of the handler.
    fn handled(&self, method: &str, path: &str) -> usize {
        self.get(&format!("handled {method} {path}"))
    }
}

impl fmt::Debug for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.lock().unwrap_or_else(PoisonError::into_inner).iter()).finish()
    }
}

/// How an API server handles CORS.
enum Backend {
    /// `Cors::new` with this policy.
    Cors(PolicyBuilder),
    /// No CORS middleware at all.
    NoCors,
    /// Hand-written CORS headers that are right except `Access-Control-Allow-Origin`.
    WrongOrigin,
    /// Only `#[cors]` routes ([`route_put`], [`route_get`]), no app-wide `Cors`.
    Routes,
}

/// An API on `http://localhost:PORT` answering every method and path with [`echo`].
struct ApiServer {
    base: String,
    counts: Counts,
    _server: Server,
}

impl ApiServer {
    fn start(backend: Backend) -> Self {
        let counts = Counts::default();
        let data = web::Data::new(counts.clone());
        let server = match backend {
            Backend::Cors(policy) => {
                let policy = Arc::new(policy.build().expect("a valid test policy"));
                Server::spawn(move |listeners| {
                    run_on!(
                        HttpServer::new(move || App::new()
                            .app_data(data.clone())
                            .route("/{path:.*}", web::to(echo))
                            .wrap(Cors::from_shared(policy.clone()))
                            .wrap(from_fn(count_requests))),
                        listeners
                    )
                })
            }
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
        };
        Self { base: format!("http://localhost:{}", server.port), counts, _server: server }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
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

// ---------------------------------------------------------------------------------------
// Chromium
// ---------------------------------------------------------------------------------------

/// Loads `url` in a fresh headless Chromium and returns the DOM it dumps once the page has
/// settled (see the module docs).
fn chromium_dump_dom(url: &str) -> String {
    let dir = TempDir::new();
    let profile = dir.path().join("profile");
    let stderr_path = dir.path().join("chromium.stderr");
    let binary = std::env::var_os("CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into());
    let mut child = Command::new(&binary)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            // `localhost` origins are served on 127.0.0.1 only; without this Chromium tries
            // `::1` first.
            "--host-resolver-rules=MAP localhost 127.0.0.1",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}"))
        .arg("--dump-dom")
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(File::create(&stderr_path).expect("create the stderr file"))
        .spawn()
        .unwrap_or_else(|error| panic!("start {}: {error}", binary.to_string_lossy()));

    let deadline = Instant::now() + REAL_TIME_LIMIT;
    let mut stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut dom = String::new();
        let _ = tx.send(stdout.read_to_string(&mut dom).map(|_| dom));
    });
    let dom = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()));
    // The DOM is printed just before exit; wait for the exit within the same deadline.
    let status = loop {
        match child.try_wait().expect("poll chromium") {
            Some(status) => break Some(status),
            None if dom.is_ok() && Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let stderr_tail = || {
        let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
        let lines: Vec<_> = stderr.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    };
    match (dom, status) {
        (Ok(Ok(dom)), Some(status)) if status.success() => dom,
        (dom, status) => panic!(
            "chromium on {url} failed (exit {status:?}, stdout {dom:?}, limit {REAL_TIME_LIMIT:?}); \
             stderr tail:\n{}",
            stderr_tail()
        ),
    }
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("cors-actix-browser-{}-{}", process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        let path = std::env::temp_dir().join(name);
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create a temp dir");
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The text between the first `start` and the next `end`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

/// `#[cors]` routes alone, without an app-wide `Cors`: each route answers its own preflights
/// (routed to it by its `method OR Preflight(method)` guard), and a preflight for a method no
/// route handles finds no CORS answer at all.
#[test]
#[ignore = "needs chromium"]
fn per_route_policies_answer_their_own_preflights() {
    let page = PageServer::start();
    let api = ApiServer::start(Backend::Routes);
    let results = page.run(&[
        Case::new("put", "PUT", api.url("/route/put")).header("x-api-key", "k9").read_header("x-request-id"),
        Case::new("put_refused_header", "PUT", api.url("/route/put")).header("x-secret", "s"),
        Case::new("get", "GET", api.url("/route/get")),
        Case::new("delete_no_route", "DELETE", api.url("/route/put")),
    ]);
    results.assert_readable("put", "PUT /route/put key=k9", Some("req /route/put"));
    results.assert_rejected("put_refused_header");
    results.assert_readable("get", "GET /route/get", None);
    results.assert_rejected("delete_no_route");
    let counts = &api.counts;
    assert_eq!(counts.preflights("/route/put"), 3, "{counts:?}");
    assert_eq!(counts.handled("PUT", "/route/put"), 1, "only the allowed PUT ran: {counts:?}");
    assert_eq!(counts.handled("DELETE", "/route/put"), 0, "{counts:?}");
    assert_eq!(counts.handled("GET", "/route/get"), 1, "{counts:?}");
}

// ---------------------------------------------------------------------------------------
// The browser demo (`cargo run --example browser_demo`)
// ---------------------------------------------------------------------------------------

#[path = "../examples/browser_demo/demo.rs"]
#[allow(unreachable_pub)]
mod demo;

/// Every row of the demo page a person looks at, checked independently of the page's own
/// verdict: what the browser let the page read, and what the API saw (server-side counts).
/// App-wide and `#[cors]` per-route policies answer side by side here.
#[test]
#[ignore = "needs chromium"]
fn demo_page_rows_behave_as_the_standard_says() {
    // (case, readable by the page, preflights, handler runs)
    const EXPECTED: [(&str, bool, usize, usize); 16] = [
        ("simple-get", true, 0, 1),
        ("credentialed-get", true, 0, 1),
        ("json-post", true, 1, 1),
        ("put", true, 1, 1),
        ("delete", true, 1, 1),
        ("header-allowed", true, 1, 1),
        ("header-refused", false, 1, 0),
        ("method-refused", false, 1, 0),
        ("exposed-header", true, 0, 1),
        ("hidden-header", true, 0, 1),
        ("public", true, 0, 1),
        ("public-credentials", false, 0, 1),
        ("admin-reject", false, 0, 0),
        ("cached-preflight", true, 1, 2),
        ("other-get", false, 0, 1),
        ("other-json-post", false, 1, 0),
    ];
    let port = |listener: &TcpListener| listener.local_addr().expect("bound").port();
    let (page, api, other) = (
        loopback_listener().expect("bind"),
        loopback_listener().expect("bind"),
        loopback_listener().expect("bind"),
    );
    let page_origin = format!("http://localhost:{}", port(&page));
    let api_origin = format!("http://127.0.0.1:{}", port(&api));
    let other_origin = format!("http://127.0.0.1:{}", port(&other));

    let counters = demo::Counters::default();
    let policy = demo::api_policy(&page_origin).expect("the demo policy is valid");
    let api_counters = counters.clone();
    let _api = Server::spawn_on(api, move |listeners| {
        run_on!(HttpServer::new(move || demo::api_app(policy.clone(), api_counters.clone())), listeners)
    });
    let page_server = |listener| {
        let (api_origin, other_origin) = (api_origin.clone(), other_origin.clone());
        Server::spawn_on(listener, move |listeners| {
            run_on!(
                HttpServer::new(move || demo::page_app(api_origin.clone(), other_origin.clone())),
                listeners
            )
        })
    };
    let (_page, _other) = (page_server(page), page_server(other));

    let dom = chromium_dump_dom(&format!("{page_origin}/"));
    assert_eq!(between(&dom, "<p id=\"status\">", "</p>"), Some("done"), "the page did not finish:\n{dom}");
    for (case, readable, preflights, runs) in EXPECTED {
        let row = between(&dom, &format!("<tr id=\"row-{case}\">"), "</tr>")
            .unwrap_or_else(|| panic!("no row {case}"));
        let did = between(row, "<td class=\"did\">", "</td>").expect("a result cell");
        let shown = if readable {
            "<span class=\"tag read\">read</span>"
        } else {
            "<span class=\"tag blocked\">blocked</span>"
        };
        assert!(did.starts_with(shown), "{case}: the browser did {did}");
        assert_eq!(counters.get(case), (preflights, runs), "{case}: (preflights, handler runs) on the API");
        assert!(row.contains("✔ as the standard says"), "{case}: the page's verdict: {row}");
    }
    assert!(dom.contains("16 of 16 cases behaved as the Fetch standard requires."), "summary:\n{dom}");
    let exposed = between(&dom, "<tr id=\"row-exposed-header\">", "</tr>").expect("row");
    assert!(exposed.contains("header: “req-42”"), "{exposed}");
    let hidden = between(&dom, "<tr id=\"row-hidden-header\">", "</tr>").expect("row");
    assert!(hidden.contains("header: null (invisible)"), "{hidden}");
}
