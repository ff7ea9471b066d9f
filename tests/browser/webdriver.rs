//! Driving headless Chromium through ChromeDriver (see the crate docs): a [`Browser`] per test,
//! pages loaded in it until their script says it is done, and what Chromium logged to the
//! console of each.

use std::{
    fs,
    future::Future,
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{self, Child, Command, Stdio},
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc,
    },
    thread,
    time::{Duration, Instant},
};

use actix_web::rt::{time::timeout, Runtime};
use fantoccini::{
    wd::{Capabilities, WebDriverCompatibleCommand},
    Client, ClientBuilder,
};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::console::{Console, LogEntry};

/// The longest ChromeDriver may take to say which port it listens on, and a new session to
/// start. Generous: the machine may be busy building or running other tests.
const START_LIMIT: Duration = Duration::from_secs(60);

/// The longest a page may take, in real time, to load and say it is done.
const PAGE_LIMIT: Duration = Duration::from_secs(60);

/// How long to wait between two looks at a page that is not done yet.
const POLL_INTERVAL: Duration = Duration::from_millis(25);

/// The longest one WebDriver command may take before the test fails.
const COMMAND_LIMIT: Duration = Duration::from_secs(60);

/// A ChromeDriver process on `127.0.0.1` with a port of its own, killed on drop.
struct ChromeDriver {
    child: Child,
    port: u16,
}

impl ChromeDriver {
    /// Starts ChromeDriver (`$CHROMEDRIVER`, or `/usr/bin/chromedriver`) on a port the system
    /// picks, which it prints once it listens.
    ///
    /// ChromeDriver takes the port on `127.0.0.1` and then the same one on `::1`, where another
    /// process may hold it; it then exits without listening, and is started again.
    fn start() -> Self {
        let binary = std::env::var_os("CHROMEDRIVER").unwrap_or_else(|| "/usr/bin/chromedriver".into());
        let mut said = Vec::new();
        for _ in 0..3 {
            match Self::start_once(&binary) {
                Ok(driver) => return driver,
                Err(lines) => {
                    eprintln!("{} stopped before it listened, saying: {lines:?}", binary.to_string_lossy());
                    said.push(lines.join("\n"));
                }
            }
        }
        panic!("{} never listened; it said:\n{}", binary.to_string_lossy(), said.join("\n--\n"));
    }

    /// One try of [`start`](Self::start): the driver once it listens, or what it printed
    /// before it stopped.
    fn start_once(binary: &std::ffi::OsStr) -> Result<Self, Vec<String>> {
        let mut child = Command::new(binary)
            .args(["--port=0", "--log-level=SEVERE"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|error| panic!("start {}: {error}", binary.to_string_lossy()));
        let stdout = child.stdout.take().expect("piped stdout");
        // Built before the port is known, so that its drop kills the process whatever happens.
        let mut driver = Self { child, port: 0 };
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut lines = Vec::new();
            let mut listening = false;
            // Read on to the end, so that ChromeDriver never blocks on a full pipe.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // ChromeDriver's own words: "ChromeDriver was started successfully on port 40355."
                let port = line
                    .strip_prefix("ChromeDriver was started successfully on port ")
                    .and_then(|rest| rest.trim_end_matches('.').parse::<u16>().ok());
                match port {
                    Some(port) if !listening => {
                        listening = true;
                        let _ = tx.send(Ok(port));
                    }
                    _ => lines.push(line),
                }
            }
            if !listening {
                let _ = tx.send(Err(lines));
            }
        });
        match rx.recv_timeout(START_LIMIT) {
            Ok(Ok(port)) => {
                driver.port = port;
                Ok(driver)
            }
            Ok(Err(lines)) => Err(lines),
            Err(_) => panic!("{} did not say its port within {START_LIMIT:?}", binary.to_string_lossy()),
        }
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Headless Chromium in a fresh profile, driven through its own ChromeDriver, with its console
/// recorded. Dropping it ends the WebDriver session (which quits Chromium), then ChromeDriver,
/// also when a test panics.
pub(crate) struct Browser {
    /// Taken by `drop`, which ends the session; the fields then drop in this order, so that
    /// ChromeDriver is gone before its profile directory is removed.
    client: Option<Client>,
    runtime: Runtime,
    _driver: ChromeDriver,
    _profile: TempDir,
}

/// One page that said it was done: the text of its `<pre id="results">` and what Chromium
/// logged to its console while it ran.
pub(crate) struct LoadedPage {
    pub(crate) results: String,
    pub(crate) console: Console,
}

impl Browser {
    /// Starts ChromeDriver and, through it, Chromium (`$CHROMIUM`, or `/usr/bin/chromium`).
    pub(crate) fn start() -> Self {
        let driver = ChromeDriver::start();
        let profile = TempDir::new();
        let runtime = Runtime::new().expect("a runtime for the WebDriver client");
        let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
        let capabilities = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": binary,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-extensions",
                    // Keeps a frame from another site in its page's process, where ChromeDriver
                    // records its console too (it does not for an out-of-process frame). CORS
                    // is enforced by the network service alike either way.
                    "--disable-site-isolation-trials",
                    // `localhost` (and `*.localhost`) origins are served on 127.0.0.1 only;
                    // without this Chromium tries `::1` first.
                    "--host-resolver-rules=MAP localhost 127.0.0.1, MAP *.localhost 127.0.0.1",
                    format!("--user-data-dir={}", profile.0.display()),
                ],
            },
            // Every console message, the CORS errors Chromium prints among them, for `/se/log`.
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let capabilities: Capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("a JSON object"),
        };
        let webdriver = format!("http://127.0.0.1:{}", driver.port);
        let client = runtime
            .block_on(async {
                timeout(
                    START_LIMIT,
                    ClientBuilder::new(HttpConnector::new()).capabilities(capabilities).connect(&webdriver),
                )
                .await
            })
            .unwrap_or_else(|_| panic!("no WebDriver session within {START_LIMIT:?}"))
            .unwrap_or_else(|error| panic!("start a WebDriver session with {binary}: {error}"));
        Self { client: Some(client), runtime, _driver: driver, _profile: profile }
    }

    /// Runs one WebDriver exchange to its end, within [`COMMAND_LIMIT`].
    fn run<T, E: std::fmt::Display, F>(&self, what: &str, command: impl FnOnce(Client) -> F) -> T
    where
        F: Future<Output = Result<T, E>>,
    {
        let client = self.client.clone().expect("a live session");
        match self.runtime.block_on(async { timeout(COMMAND_LIMIT, command(client)).await }) {
            Ok(Ok(value)) => value,
            Ok(Err(error)) => panic!("WebDriver: {what}: {error}"),
            Err(_) => panic!("WebDriver: {what}: no answer within {COMMAND_LIMIT:?}"),
        }
    }

    /// Runs `script` (a function body; `return` gives its value) in the current page.
    pub(crate) fn execute(&self, script: &str) -> serde_json::Value {
        let script = script.to_owned();
        self.run("execute a script", |client| async move { client.execute(&script, Vec::new()).await })
    }

    /// Loads `url` and waits, polling in real time up to [`PAGE_LIMIT`], until the page's
    /// `<p id="status">` says `done`; fails the test at once if it says `harness error…`. Returns
    /// the page's results and what it logged: each page's console is read once it is done, and
    /// reading empties it, so the next page starts with a console of its own.
    pub(crate) fn load_until_done(&self, url: &str) -> LoadedPage {
        // A message left from an earlier page is not this page's.
        let _ = self.console();
        let target = url.to_owned();
        self.run("navigate", |client| async move { client.goto(&target).await });
        let deadline = Instant::now() + PAGE_LIMIT;
        loop {
            let status = self.execute("return document.getElementById('status')?.textContent ?? null;");
            match status.as_str() {
                Some("done") => break,
                Some(status) if status.starts_with("harness error") => {
                    panic!("the page {url} failed: {status}; console: {:?}", self.console())
                }
                _ if Instant::now() >= deadline => panic!(
                    "the page {url} did not say done within {PAGE_LIMIT:?} (status {status}); console: {:?}",
                    self.console()
                ),
                _ => thread::sleep(POLL_INTERVAL),
            }
        }
        let results = self.execute("return document.getElementById('results').textContent;");
        let results = results.as_str().expect("the results are text").to_owned();
        LoadedPage { results, console: self.console() }
    }

    /// What the browser logged to the console since the last look (ChromeDriver's log
    /// endpoint, which hands each entry out once).
    pub(crate) fn console(&self) -> Console {
        let entries =
            self.run("read the browser log", |client| async move { client.issue_cmd(BrowserLog).await });
        let entries = entries.as_array().expect("the log is a list");
        Console(
            entries
                .iter()
                .map(|entry| LogEntry {
                    level: entry["level"].as_str().unwrap_or_default().to_owned(),
                    message: entry["message"].as_str().unwrap_or_default().to_owned(),
                })
                .collect(),
        )
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            // Ends the session, and with it Chromium. A session that does not end in time is
            // left to ChromeDriver's kill below.
            let _ = self.runtime.block_on(async { timeout(COMMAND_LIMIT, client.close()).await });
        }
    }
}

/// ChromeDriver's own command for a log: `POST /session/{id}/se/log` with `{"type": "browser"}`.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
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
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
