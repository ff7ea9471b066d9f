//! A policy read from a TOML file with serde (cors-actix's `serde` feature), and read again
//! whenever the file changes. Every problem of the file is reported at start-up as
//! `file:line:column: key: problem`, with the fix where there is one.
//!
//! ```text
//! cargo run --example config_file -- examples/cors.toml
//! cargo run --example config_file -- examples/cors-broken.toml   # refused: every problem, at its line
//! CORS_ALLOWED_ORIGINS="https://app.example, http://localhost:*" cargo run --example config_file -- examples/cors.toml
//! ```
//!
//! `CORS_ALLOWED_ORIGINS`, when set, replaces the file's origins (a deployment's environment
//! overriding a checked-in file); a problem of those origins names the variable, not the file.
//!
//! While the server runs, edit the file and save it: the example watches the file's
//! directory, and a change that settles for 150 ms is read and checked again, and the new
//! policy takes over for every worker without a restart (cors-actix's `reload` feature). To
//! try it, copy the file, start the server on the copy, and allow another origin:
//!
//! ```text
//! cp examples/cors.toml /tmp/cors.toml && cargo run --example config_file -- /tmp/cors.toml
//! sed -i 's|"https://app.example",|"https://app.example", "https://shop.example",|' /tmp/cors.toml
//! curl -i -X OPTIONS http://127.0.0.1:8080/ -H 'Origin: https://shop.example' -H 'Access-Control-Request-Method: GET'
//! ```
//!
//! A rewrite in place, an editor's save through a temporary file renamed over the original,
//! and a Kubernetes ConfigMap update (the file a symlink through `..data`, which the kubelet
//! swaps for a new directory) are all seen, because the directory is watched rather than the
//! file, and the content is compared before anything is reloaded. `SIGHUP` (`kill -HUP <pid>`;
//! the example prints the command) reads the file again too. A file with a problem, or one
//! caught half-written, is reported and the policy in force stays; the next good save takes
//! over. Each reload is reported. Only the directory of the path given is watched: when that
//! path is a symlink to a file elsewhere (other than through `..data`), give the file's own
//! path, or send `SIGHUP` after an edit.

use std::{
    ffi::OsStr,
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
    process::ExitCode,
    sync::{mpsc, Arc, Mutex, PoisonError},
    time::Duration,
};

use actix_web::{dev::Server, web, App, HttpServer};
use cors_actix::{problem::Key, Cors, Policy, PolicyConfig, PolicyHandle};
use notify::{
    event::{AccessKind, AccessMode},
    EventKind, RecursiveMode, Watcher,
};

/// The environment variable whose origins replace the file's.
const ORIGINS_VARIABLE: &str = "CORS_ALLOWED_ORIGINS";

/// How long the file's directory must stay quiet before the file is read: an editor's save
/// or a ConfigMap update is several events, and is read once, whole.
pub(crate) const QUIET: Duration = Duration::from_millis(150);

/// Where the policy comes from: a TOML file, and the origins that the environment may put in
/// place of the file's.
#[derive(Debug, Clone)]
pub(crate) struct ConfigSource {
    pub(crate) path: PathBuf,
    /// The value of `CORS_ALLOWED_ORIGINS`, read once at start-up: a running process's
    /// environment does not change.
    pub(crate) origins_from_env: Option<String>,
}

impl ConfigSource {
    /// The file `path`, with the origins of `CORS_ALLOWED_ORIGINS` if it is set.
    pub(crate) fn from_env(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into(), origins_from_env: std::env::var(ORIGINS_VARIABLE).ok() }
    }

    /// The file's text as it is now.
    pub(crate) fn read(&self) -> Result<String, LoadError> {
        std::fs::read_to_string(&self.path).map_err(|error| LoadError::Read(self.path.clone(), error))
    }

    /// The policy that `text`, the file's content, and the environment make, with a
    /// warning line for each setting that has no effect.
    pub(crate) fn policy_of(&self, text: &str) -> Result<Loaded, LoadError> {
        let mut config: PolicyConfig = toml::from_str(text)
            .map_err(|error| LoadError::Parse(Located::parse_error(self, text, &error)))?;
        if let Some(list) = &self.origins_from_env {
            let origins: Vec<String> =
                list.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect();
            // An empty variable is a deployment mistake, refused as "no origin is allowed",
            // not the deliberate `origins = []` of a file.
            config.origins = (!origins.is_empty()).then_some(origins);
        }
        let policy = config.build().map_err(|error| {
            let problems = error
                .problems()
                .map(|(_, problem)| self.locate(text, problem.key(), problem.index(), problem))
                .collect();
            LoadError::Refused { path: self.path.clone(), problems, error }
        })?;
        let warnings = policy
            .warnings()
            .iter()
            .map(|warning| self.locate(text, warning.key(), warning.index(), warning))
            .collect();
        Ok(Loaded { policy, warnings })
    }

    /// Where the value at `key[index]` came from, then the key as `ConfigError` names it
    /// (`origins[1]`), then `what`.
    fn locate(&self, text: &str, key: Key, index: Option<usize>, what: impl fmt::Display) -> Located {
        let place = if key == Key::Origins && self.origins_from_env.is_some() {
            Place::Environment(ORIGINS_VARIABLE)
        } else {
            Place::File { path: self.path.clone(), position: position_of(text, key, index) }
        };
        let message = match index {
            Some(index) => format!("{key}[{index}]: {what}"),
            None => format!("{key}: {what}"),
        };
        Located { place, message }
    }
}

/// The line and column (from 1) where `text`, a TOML policy, writes the value at
/// `key[index]`: the list's element, or the key's value when it is not a list (a single
/// string is a list of one). `None` when the file does not write the key (a problem of a
/// default) or is not TOML.
pub(crate) fn position_of(text: &str, key: Key, index: Option<usize>) -> Option<(usize, usize)> {
    let table = toml::de::DeTable::parse(text).ok()?;
    let value = table.get_ref().iter().find(|(name, _)| name.get_ref() == key.as_str())?.1;
    let span = match (value.get_ref(), index) {
        (toml::de::DeValue::Array(items), Some(index)) => items.get(index).unwrap_or(value).span(),
        _ => value.span(),
    };
    Some(position_at(text, span.start))
}

/// The line and column (from 1, the column in characters) of the byte `offset` of `text`.
fn position_at(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    /// The file, at this line and column if it writes the value.
    File { path: PathBuf, position: Option<(usize, usize)> },
    /// This environment variable.
    Environment(&'static str),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File { path, position: None } => write!(f, "{}", path.display()),
            Self::File { path, position: Some((line, column)) } => {
                write!(f, "{}:{line}:{column}", path.display())
            }
            Self::Environment(variable) => write!(f, "environment variable {variable}"),
        }
    }
}

/// One message, with where to fix what it is about: `examples/cors-broken.toml:2:36:
/// origins[1]: ...`, as compilers write theirs, so that an editor can jump to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    pub(crate) place: Place,
    pub(crate) message: String,
}

impl Located {
    /// A TOML error at its line and column, with the line quoted and the value underlined.
    fn parse_error(source: &ConfigSource, text: &str, error: &toml::de::Error) -> Self {
        let message = error.message().trim_end().to_owned();
        let Some(span) = error.span() else {
            let place = Place::File { path: source.path.clone(), position: None };
            return Self { place, message };
        };
        let start = span.start.min(text.len());
        let (line, column) = position_at(text, start);
        let line_start = text[..start].rfind('\n').map_or(0, |newline| newline + 1);
        let line_text = text[line_start..].lines().next().unwrap_or("");
        // One caret at least: the span of an error at the end of the file is empty.
        let end = span.end.clamp(start, line_start + line_text.len());
        let underline = "^".repeat(text[start..end].chars().count().max(1));
        let message =
            format!("{message}\n    {line_text}\n    {:indent$}{underline}", "", indent = column - 1);
        Self { place: Place::File { path: source.path.clone(), position: Some((line, column)) }, message }
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// A policy built from the file, and what in it has no effect.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub(crate) policy: Policy,
    pub(crate) warnings: Vec<Located>,
}

/// Why the file gave no policy: the application's own errors, with which the CORS
/// configuration's composes (it is their `source`).
#[derive(Debug)]
pub(crate) enum LoadError {
    Read(PathBuf, std::io::Error),
    Parse(Located),
    /// The policy's problems, each at the place of its value.
    Refused {
        path: PathBuf,
        problems: Vec<Located>,
        error: cors_actix::ConfigError,
    },
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Read(_, error) => Some(error),
            Self::Parse(_) => None,
            Self::Refused { error, .. } => Some(error),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read(path, error) => write!(f, "cannot read {}: {error}", path.display()),
            Self::Parse(located) => write!(f, "{located}"),
            Self::Refused { path, problems, .. } => {
                let count = problems.len();
                let plural = if count == 1 { "" } else { "s" };
                write!(f, "the CORS policy of {} is refused ({count} problem{plural}):", path.display())?;
                problems.iter().try_for_each(|problem| write!(f, "\n  {problem}"))
            }
        }
    }
}

/// What reading the file again did.
#[derive(Debug)]
pub(crate) enum Reload {
    /// The file says what it said at the last read: nothing was done.
    Unchanged,
    /// The file's policy is in force now.
    Replaced { path: PathBuf, warnings: Vec<Located> },
    /// The file gave no policy; the one in force stays.
    Kept(LoadError),
}

impl fmt::Display for Reload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unchanged => f.write_str("the file is unchanged"),
            Self::Replaced { path, warnings } => {
                warnings.iter().try_for_each(|warning| writeln!(f, "warning: {warning}"))?;
                write!(f, "reloaded the policy of {}", path.display())
            }
            Self::Kept(error) => write!(f, "error: {error}\nthe policy in force stays"),
        }
    }
}

/// Puts the file's policy in force through `handle` when the file's content changes.
pub(crate) struct Reloader {
    source: ConfigSource,
    handle: PolicyHandle,
    /// The content of the last read, good or not: an event that leaves it as it was (the
    /// directory's other files, a `touch`, a ConfigMap update of another key) reloads
    /// nothing and reports nothing.
    last_read: Mutex<Option<String>>,
}

impl Reloader {
    /// `text` is the content whose policy `handle` holds.
    pub(crate) fn new(source: ConfigSource, handle: PolicyHandle, text: String) -> Self {
        Self { source, handle, last_read: Mutex::new(Some(text)) }
    }

    /// The file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.source.path
    }

    /// Reads the file and puts its policy in force, changed or not (`SIGHUP`).
    pub(crate) fn reload(&self) -> Reload {
        self.read_and_replace(false)
    }

    /// [`reload`](Self::reload), unless the file's content is that of the last read.
    pub(crate) fn reload_if_changed(&self) -> Reload {
        self.read_and_replace(true)
    }

    fn read_and_replace(&self, only_if_changed: bool) -> Reload {
        // Held to the end, so that a `SIGHUP` and a change are read one after the other.
        let mut last_read = self.last_read.lock().unwrap_or_else(PoisonError::into_inner);
        let text = match self.source.read() {
            Ok(text) => text,
            Err(error) => {
                *last_read = None;
                return Reload::Kept(error);
            }
        };
        if only_if_changed && last_read.as_deref() == Some(text.as_str()) {
            return Reload::Unchanged;
        }
        let loaded = self.source.policy_of(&text);
        *last_read = Some(text);
        match loaded {
            Ok(Loaded { policy, warnings }) => {
                drop(self.handle.replace(policy));
                Reload::Replaced { path: self.source.path.clone(), warnings }
            }
            Err(error) => Reload::Kept(error),
        }
    }
}

/// Watches the directory of the reloader's file, and reloads once the events that may have
/// changed the file settle for [`QUIET`]; `report` is given every reload that did something.
/// The watch lasts as long as the returned watcher.
///
/// The directory, not the file: an editor's save renames a new file over the old one, and a
/// ConfigMap update renames a new `..data` symlink over the old one, and a watch on the
/// file would stay on the inode that went away.
pub(crate) fn watch(
    reloader: Arc<Reloader>,
    mut report: impl FnMut(Reload) + Send + 'static,
) -> notify::Result<notify::RecommendedWatcher> {
    let directory = match reloader.path().parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = reloader.path().file_name().map(OsStr::to_owned).unwrap_or_default();
    let (events, received) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(events)?;
    watcher.watch(&directory, RecursiveMode::NonRecursive)?;
    std::thread::spawn(move || {
        // Ends when the watcher is dropped, which drops the sending side.
        while let Ok(event) = received.recv() {
            if !concerns(&event, &name) {
                continue;
            }
            if !settle(&received, QUIET) {
                return;
            }
            match reloader.reload_if_changed() {
                Reload::Unchanged => {}
                reload => report(reload),
            }
        }
    });
    Ok(watcher)
}

/// Whether `event` may have changed the file named `name`: any change to it or to the
/// `..data` symlink of a ConfigMap volume, and any error of the watch (events may have been
/// lost). Reads are left out, the watcher's own included.
pub(crate) fn concerns(event: &notify::Result<notify::Event>, name: &OsStr) -> bool {
    let Ok(event) = event else { return true };
    let read = matches!(event.kind, EventKind::Access(kind) if kind != AccessKind::Close(AccessMode::Write));
    !read
        && event
            .paths
            .iter()
            .any(|path| path.file_name().is_some_and(|file| file == name || file == OsStr::new("..data")))
}

/// Waits until no event arrives for `quiet`, taking every event that arrives before; `false`
/// if the watch ended meanwhile.
pub(crate) fn settle<T>(received: &mpsc::Receiver<T>, quiet: Duration) -> bool {
    loop {
        match received.recv_timeout(quiet) {
            Ok(_) => {}
            Err(mpsc::RecvTimeoutError::Timeout) => return true,
            Err(mpsc::RecvTimeoutError::Disconnected) => return false,
        }
    }
}

/// Reads the file again at every `SIGHUP`, changed or not.
#[cfg(unix)]
async fn reload_on_hangup(reloader: Arc<Reloader>) {
    use actix_web::rt::signal::unix::{signal, SignalKind};
    let Ok(mut hangups) = signal(SignalKind::hangup()) else {
        eprintln!("warning: cannot listen for SIGHUP");
        return;
    };
    while hangups.recv().await.is_some() {
        announce(reloader.reload());
    }
}

/// Prints what a reload did: a new policy on standard output, a refused file on standard
/// error.
fn announce(reload: Reload) {
    match reload {
        Reload::Unchanged => {}
        Reload::Replaced { .. } => println!("{reload}"),
        Reload::Kept(_) => eprintln!("{reload}"),
    }
}

/// The example's server: `/` answers `hello` behind `cors`, on `127.0.0.1:port` (`0`: any
/// free port).
pub(crate) fn server(cors: Cors, port: u16) -> std::io::Result<(Vec<SocketAddr>, Server)> {
    let server = HttpServer::new(move || {
        App::new().wrap(cors.clone()).route("/", web::get().to(|| async { "hello" }))
    })
    .workers(2)
    .bind(("127.0.0.1", port))?;
    let addresses = server.addrs();
    Ok((addresses, server.run()))
}

#[actix_web::main]
async fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("error: give the policy's TOML file as the first argument (examples/cors.toml)");
        return ExitCode::from(2);
    };
    let source = ConfigSource::from_env(path);
    let loaded = source.read().and_then(|text| Ok((source.policy_of(&text)?, text)));
    let (Loaded { policy, warnings }, text) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    // What only has no effect (a repeated origin, a max-age browsers cut) is not an error.
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);
    let (cors, handle) = Cors::reloadable(policy);
    let (addresses, server) = match server(cors, port) {
        Ok(bound) => bound,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let address = addresses.first().map_or_else(|| format!("127.0.0.1:{port}"), ToString::to_string);
    let path = source.path.display().to_string();
    println!("cors-actix config_file on http://{address}/ with the policy of {path}");
    println!("try: curl -i http://{address}/ -H 'Origin: https://eu.app.example'   (allowed)");
    println!("     curl -i http://{address}/ -H 'Origin: https://evil.example'      (no CORS headers)");

    let reloader = Arc::new(Reloader::new(source, handle, text));
    let _watcher = match watch(Arc::clone(&reloader), announce) {
        Ok(watcher) => {
            println!("edit {path} and save it: the policy is reloaded");
            Some(watcher)
        }
        Err(error) => {
            eprintln!("warning: cannot watch {path} ({error}); reload with SIGHUP");
            None
        }
    };
    #[cfg(unix)]
    {
        println!("or reload it by hand: kill -HUP {}", std::process::id());
        actix_web::rt::spawn(reload_on_hangup(reloader));
    }
    #[cfg(not(unix))]
    drop(reloader);
    let result = server.await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
