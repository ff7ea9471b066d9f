//! Driving headless Chromium: one `--dump-dom` run per page load (see the crate docs).

use std::{
    fs::{self, File},
    io::Read,
    path::{Path, PathBuf},
    process::{self, Command, Stdio},
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc,
    },
    thread,
    time::{Duration, Instant},
};

/// The longest one Chromium run may take, in real time, before it is killed.
const REAL_TIME_LIMIT: Duration = Duration::from_secs(60);

/// Virtual milliseconds the page gets. Pending fetches pause virtual time and an idle page
/// fast-forwards it, so this bounds runaway timers, not network round trips.
const VIRTUAL_TIME_BUDGET_MS: u32 = 30_000;

/// When Chromium dumps the DOM of a page.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DumpAt {
    /// Once the page has spent [`VIRTUAL_TIME_BUDGET_MS`] of virtual time, which stands still
    /// while a fetch is pending: for pages whose script waits on fetches only.
    VirtualTimeSpent,
    /// At the page's load event, in real time, for a page that delays that event itself until
    /// its script is done (its WebSockets hold no virtual time once open, and a page holding
    /// virtual time with a pending request saw some handshakes never complete).
    LoadEvent,
}

/// Loads `url` in a fresh headless Chromium and returns the DOM it dumps at `dump_at` (see
/// the crate docs).
pub(crate) fn chromium_dump_dom(url: &str, dump_at: DumpAt) -> String {
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
            // `localhost` (and `*.localhost`) origins are served on 127.0.0.1 only; without
            // this Chromium tries `::1` first.
            "--host-resolver-rules=MAP localhost 127.0.0.1, MAP *.localhost 127.0.0.1",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(match dump_at {
            DumpAt::VirtualTimeSpent => Some(format!("--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}")),
            DumpAt::LoadEvent => None,
        })
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
pub(crate) fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}
