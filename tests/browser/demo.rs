//! The browser demo as a person runs it: the `browser_demo` example's own binary serves the
//! page, the API and the other site, and every row of the page is checked independently of
//! the page's own verdict, against what the browser let the page read, what Chromium logged
//! for each refused row, and what the API counted (its `/stats`).

use std::{
    collections::BTreeMap,
    io::{Read, Write},
    net::TcpStream,
    path::PathBuf,
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use crate::{
    console::{NO_ALLOW_ORIGIN, REFUSED_PREFLIGHT, WILDCARD_WITH_CREDENTIALS},
    servers::loopback_listener,
    webdriver::Browser,
};

/// How long the demo may take to listen once started.
const START_LIMIT: Duration = Duration::from_secs(30);

/// Builds the example as `cargo run --example browser_demo` would, with the cargo that runs
/// this suite and the same target directory, and returns the binary's path.
fn build_demo() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "-p",
            "cors-actix-examples",
            "--example",
            "browser_demo",
            "--message-format=json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stderr(Stdio::inherit())
        .output()
        .expect("run cargo");
    assert!(output.status.success(), "cargo build --example browser_demo failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .filter(|message| message["target"]["name"] == "browser_demo")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .expect("cargo names the browser_demo executable")
}

/// Three distinct free loopback ports, for the demo to bind.
fn free_ports() -> [u16; 3] {
    let listeners = [(); 3].map(|()| loopback_listener().expect("bind a loopback port"));
    listeners.map(|listener| listener.local_addr().expect("a bound address").port())
}

/// The running demo, killed on drop.
struct Demo(Child);

impl Demo {
    /// Starts the demo on free ports, and waits until all of them accept connections.
    ///
    /// The ports are free when picked, but another test's server may take one before the demo
    /// binds it; the demo then exits, and is started again on other ports.
    fn start() -> (Self, [u16; 3]) {
        for _ in 0..3 {
            let ports = free_ports();
            if let Some(demo) = Self::start_on(ports) {
                return (demo, ports);
            }
        }
        panic!("the demo could not bind free ports three times");
    }

    /// Starts the demo on `[page, api, other]`; `None` if it exited before listening on all.
    fn start_on([page, api, other]: [u16; 3]) -> Option<Self> {
        let child = Command::new(build_demo())
            .env("PAGE_PORT", page.to_string())
            .env("API_PORT", api.to_string())
            .env("OTHER_PORT", other.to_string())
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("start the browser_demo example");
        let mut demo = Self(child);
        let deadline = Instant::now() + START_LIMIT;
        for port in [page, api, other] {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                if demo.0.try_wait().expect("poll the demo").is_some() {
                    return None;
                }
                assert!(
                    Instant::now() < deadline,
                    "the demo did not listen on {port} within {START_LIMIT:?}"
                );
                thread::sleep(Duration::from_millis(50));
            }
        }
        // A port can answer for another test's server while the demo failed to bind it.
        demo.0.try_wait().expect("poll the demo").is_none().then_some(demo)
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What the API counted per case, `(preflights, handler runs)`, read from its `/stats`.
fn api_counts(api_port: u16) -> BTreeMap<String, (usize, usize)> {
    let mut stream = TcpStream::connect(("127.0.0.1", api_port)).expect("the API accepts");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("set a timeout");
    let request = format!("GET /stats HTTP/1.1\r\nHost: 127.0.0.1:{api_port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("send the request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read the response");
    let (head, body) = response.split_once("\r\n\r\n").expect("a response head");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    serde_json::from_str(body).unwrap_or_else(|error| panic!("{error}: {body}"))
}

/// The demo page's rows as the browser shows them, read once the page is done: per case, the
/// HTML of its "what the browser did" cell and the text of the whole row; and the summary.
const READ_ROWS: &str = r##"
const rows = {};
for (const row of document.querySelectorAll("#rows tr")) {
  rows[row.id.replace(/^row-/, "")] = { did: row.querySelector(".did").innerHTML, text: row.textContent };
}
return { rows, summary: document.getElementById("summary").textContent };
"##;

/// Every row of the demo page a person looks at, checked independently of the page's own
/// verdict: what the browser let the page read, what Chromium said of each row it blocked,
/// and what the API saw (server-side counts). App-wide and `#[cors]` per-route policies answer
/// side by side here.
#[test]
#[ignore = "needs chromium and chromedriver"]
fn demo_page_rows_behave_as_the_standard_says() {
    // (case, path it fetches, `None` if the page may read the answer or else what Chromium
    // gives as the reason it blocked it, preflights, handler runs)
    const EXPECTED: [(&str, &str, Option<&str>, usize, usize); 16] = [
        ("simple-get", "/api/items", None, 0, 1),
        ("credentialed-get", "/api/account", None, 0, 1),
        ("json-post", "/api/items", None, 1, 1),
        ("put", "/api/items/1", None, 1, 1),
        ("delete", "/api/items/1", None, 1, 1),
        ("header-allowed", "/api/items", None, 1, 1),
        ("header-refused", "/api/items", Some(REFUSED_PREFLIGHT), 1, 0),
        ("method-refused", "/api/items/1", Some(REFUSED_PREFLIGHT), 1, 0),
        ("exposed-header", "/api/items", None, 0, 1),
        ("hidden-header", "/api/items", None, 0, 1),
        ("public", "/api/public", None, 0, 1),
        ("public-credentials", "/api/public", Some(WILDCARD_WITH_CREDENTIALS), 0, 1),
        ("admin-reject", "/api/admin/purge", Some(NO_ALLOW_ORIGIN), 0, 0),
        ("cached-preflight", "/api/items/2", None, 1, 2),
        ("other-get", "/api/items", Some(NO_ALLOW_ORIGIN), 0, 1),
        ("other-json-post", "/api/items", Some(REFUSED_PREFLIGHT), 1, 0),
    ];
    let (_demo, [page, api, other]) = Demo::start();
    let (page_origin, api_origin, other_origin) = (
        format!("http://localhost:{page}"),
        format!("http://127.0.0.1:{api}"),
        format!("http://127.0.0.1:{other}"),
    );

    let browser = Browser::start();
    let loaded = browser.load_until_done(&format!("{page_origin}/"));
    let shown = browser.execute(READ_ROWS);
    let counts = api_counts(api);
    for (case, path, refused, preflights, runs) in EXPECTED {
        let row = &shown["rows"][case];
        let did = row["did"].as_str().unwrap_or_else(|| panic!("no row {case}: {shown}"));
        let text = row["text"].as_str().expect("a row's text");
        let tag = match refused {
            None => "<span class=\"tag read\">read</span>",
            Some(_) => "<span class=\"tag blocked\">blocked</span>",
        };
        assert!(did.starts_with(tag), "{case}: the browser did {did}");
        let url = format!("{api_origin}{path}?case={case}");
        match refused {
            None => loaded.console.assert_no_cors_error(&url),
            Some(reason) => {
                let from = if case.starts_with("other-") { &other_origin } else { &page_origin };
                loaded.console.assert_blocked(&url, from, reason);
            }
        }
        let counted = counts.get(case).copied().unwrap_or_default();
        assert_eq!(counted, (preflights, runs), "{case}: (preflights, handler runs) on the API");
        assert!(text.contains("✔ as the standard says"), "{case}: the page's verdict: {text}");
    }
    assert_eq!(shown["summary"], "16 of 16 cases behaved as the Fetch standard requires.", "summary");
    let exposed = shown["rows"]["exposed-header"]["text"].as_str().expect("row");
    assert!(exposed.contains("header: “req-42”"), "{exposed}");
    let hidden = shown["rows"]["hidden-header"]["text"].as_str().expect("row");
    assert!(hidden.contains("header: null (invisible)"), "{hidden}");
}
