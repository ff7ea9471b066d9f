//! The `config_file` example's reload, through its own server on a real socket: the file is
//! rewritten under the running server the ways editors, deployment tools and people do (in
//! place, possibly caught half-written; a temporary file renamed over it; a Kubernetes
//! ConfigMap's `..data` symlink swapped; a burst of writes), and a preflight from an origin
//! that only the new file allows must get its `Access-Control-Allow-Origin`. A file with a
//! problem is reported at its line and the policy in force stays until a good one takes
//! over. Then the example's messages: each problem at its file, line and column and under its
//! key, or under the environment variable its value came from.

use std::{
    ffi::OsStr,
    fs,
    io::Write,
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::{mpsc, Arc},
    time::{Duration, Instant},
};

use cors_actix::{problem::Key, Cors};
use cors_actix_tests::{raw_request, serve_while};

/// The example's server, reloader and watch, built here as its `main` builds them.
#[allow(dead_code)] // `main`, its `SIGHUP` handler and its printing are the example's.
#[path = "../examples/config_file.rs"]
mod config_file;

use config_file::{concerns, position_of, settle, watch, ConfigSource, Reload, Reloader, QUIET};

const OLD: &str = "https://old.example";
const NEW: &str = "https://new.example";

/// How long a change may take to be in force, or a reload to be reported: a real-time bound
/// for polling, far above the watch's quiet time, so that a busy machine does not fail it.
const LIMIT: Duration = Duration::from_secs(20);

/// A policy file allowing `origin`.
fn allowing(origin: &str) -> String {
    format!("# The policy under test.\norigins = [\"{origin}\"]\nmethods = [\"GET\", \"PUT\"]\n")
}

/// A directory of the test's own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(case: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("cors-actix-config-reload-{}-{case}", std::process::id()));
        drop(fs::remove_dir_all(&path));
        fs::create_dir_all(&path).expect("create the test's directory");
        Self(path)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        drop(fs::remove_dir_all(&self.0));
    }
}

/// The reloads that did something, as the watch reported them.
struct Reports(mpsc::Receiver<Reload>);

impl Reports {
    /// The next report, within [`LIMIT`].
    fn next(&self) -> Reload {
        self.0.recv_timeout(LIMIT).unwrap_or_else(|_| panic!("no reload reported within {LIMIT:?}"))
    }

    /// Waits for the refusal of a file whose report contains `expected`. A rewrite in place
    /// truncates before it writes, so a read between the two finds an empty file, refused
    /// too; a replaced policy before it is a failure.
    fn refused(&self, expected: &str) {
        loop {
            match self.next() {
                Reload::Kept(error) if error.to_string().contains(expected) => return,
                Reload::Kept(_) => {}
                other => panic!("expected a refusal with `{expected}`, got: {other}"),
            }
        }
    }

    /// Waits for a replaced policy, past the refusals of what a rewrite in place looks like
    /// half done.
    fn replaced(&self) {
        while let Reload::Kept(_) = self.next() {}
    }
}

/// The `Access-Control-Allow-Origin` of the server's answer to a preflight from `origin`.
fn allowed_origin(address: SocketAddr, origin: &str) -> Option<String> {
    let request = format!(
        "OPTIONS / HTTP/1.1\r\nHost: {address}\r\nOrigin: {origin}\r\n\
         Access-Control-Request-Method: PUT\r\nConnection: close\r\n\r\n"
    );
    let head = raw_request(address, request.as_bytes());
    head.lines().find_map(|line| line.strip_prefix("access-control-allow-origin: ").map(str::to_owned))
}

/// Polls until a preflight from `origin` is allowed, and checks that `gone` no longer is: the
/// new policy is in force, whole.
fn wait_until_allowed(address: SocketAddr, origin: &str, gone: &str) {
    let deadline = Instant::now() + LIMIT;
    while allowed_origin(address, origin).as_deref() != Some(origin) {
        assert!(Instant::now() < deadline, "{origin} was not allowed within {LIMIT:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(allowed_origin(address, gone), None, "{gone} is still allowed beside {origin}");
}

/// Checks that the policy in force is still the one that allows `origin` only.
fn still_allowed(address: SocketAddr, origin: &str, refused: &str) {
    assert_eq!(allowed_origin(address, origin).as_deref(), Some(origin));
    assert_eq!(allowed_origin(address, refused), None);
}

/// Runs the example's server on the policy of `path` (which must allow [`OLD`]), with the
/// file watched as the example watches it, and `client` with its address and the reports.
fn serve_watched(path: &Path, client: impl FnOnce(SocketAddr, Reports) + Send + 'static) {
    let source = ConfigSource { path: path.to_owned(), origins_from_env: None };
    let text = source.read().expect("the first file is readable");
    let policy = source.policy_of(&text).expect("the first file is a policy").policy;
    let (cors, handle) = Cors::reloadable(policy);
    let (sender, received) = mpsc::channel();
    let watcher = watch(Arc::new(Reloader::new(source, handle, text)), move |reload| {
        drop(sender.send(reload));
    })
    .expect("watch the file's directory");
    serve_while(
        move || config_file::server(cors, 0).expect("bind 127.0.0.1"),
        move |addresses| {
            let _watching = watcher;
            let address = addresses[0];
            still_allowed(address, OLD, NEW);
            client(address, Reports(received));
        },
    )
}

/// A rewrite in place (truncate, then write) caught half-written is a parse error, reported,
/// and the policy in force stays; the end of the write puts the new policy in force.
#[test]
fn an_in_place_rewrite_caught_half_written_ends_on_the_new_policy() {
    let scratch = Scratch::new("in-place");
    let path = scratch.join("cors.toml");
    fs::write(&path, allowing(OLD)).expect("write the policy");
    let writing = path.clone();
    serve_watched(&path, move |address, reports| {
        let new = allowing(NEW);
        let (first, rest) = new.split_at(new.find("new.exa").expect("the origin") + "new.exa".len());
        let mut file = fs::File::create(&writing).expect("truncate the file");
        file.write_all(first.as_bytes()).expect("write its first half");
        file.flush().expect("flush");
        reports.refused("cors.toml:2:");
        still_allowed(address, OLD, NEW);
        file.write_all(rest.as_bytes()).expect("write the rest");
        drop(file);
        wait_until_allowed(address, NEW, OLD);
        reports.replaced();
    });
}

/// An editor's save: the new content goes to a temporary file, renamed over the original,
/// whose inode goes away. A second save shows that the watch outlived the first inode.
#[test]
fn an_editors_save_renamed_over_the_file_is_seen_every_time() {
    let scratch = Scratch::new("rename");
    let path = scratch.join("cors.toml");
    fs::write(&path, allowing(OLD)).expect("write the policy");
    let temporary = scratch.join(".cors.toml.swp");
    let writing = path.clone();
    serve_watched(&path, move |address, _| {
        for (origin, gone) in [(NEW, OLD), (OLD, NEW)] {
            fs::write(&temporary, allowing(origin)).expect("write the temporary file");
            fs::rename(&temporary, &writing).expect("rename it over the policy");
            wait_until_allowed(address, origin, gone);
        }
    });
}

/// A Kubernetes ConfigMap volume: `cors.toml -> ..data/cors.toml`, `..data` a symlink to a
/// timestamped directory. The kubelet writes a new timestamped directory, renames a new
/// `..data` symlink over the old one, and removes the old directory: no event names
/// `cors.toml`, and the file's own directory goes away.
#[cfg(unix)]
#[test]
fn a_configmap_update_swapping_the_data_symlink_is_seen_every_time() {
    use std::os::unix::fs::symlink;

    let scratch = Scratch::new("configmap");
    let directory = scratch.0.clone();
    // What the kubelet does: a new timestamped directory, then a new `..data` renamed over.
    let publish = move |version: &str, text: &str| {
        let timestamped = format!("..2026_12_02_01_00_0{version}.000000001");
        fs::create_dir(directory.join(&timestamped)).expect("create the timestamped directory");
        fs::write(directory.join(&timestamped).join("cors.toml"), text).expect("write the policy");
        symlink(&timestamped, directory.join("..data_tmp")).expect("link ..data_tmp");
        fs::rename(directory.join("..data_tmp"), directory.join("..data")).expect("swap ..data");
        directory.join(timestamped)
    };
    let mut current = publish("1", &allowing(OLD));
    symlink("..data/cors.toml", scratch.join("cors.toml")).expect("link cors.toml");
    serve_watched(&scratch.join("cors.toml"), move |address, _| {
        for (version, origin, gone) in [("2", NEW, OLD), ("3", OLD, NEW)] {
            let previous = std::mem::replace(&mut current, publish(version, &allowing(origin)));
            fs::remove_dir_all(previous).expect("remove the old directory");
            wait_until_allowed(address, origin, gone);
        }
    });
}

/// A file with a problem, of its policy or of its TOML, is reported at its line and under its
/// key, and the policy in force stays; the next good file takes over.
#[test]
fn a_broken_file_keeps_the_policy_in_force_until_a_good_one_takes_over() {
    let scratch = Scratch::new("broken");
    let path = scratch.join("cors.toml");
    fs::write(&path, allowing(OLD)).expect("write the policy");
    let writing = path.clone();
    serve_watched(&path, move |address, reports| {
        for (broken, expected) in [
            (
                allowing("https://new.example/"),
                "cors.toml:2:12: origins[0]: origin `https://new.example/`: an origin has no trailing slash",
            ),
            (
                "origins = 3\n".to_owned(),
                "cors.toml:1:11: invalid type: integer `3`, expected `origins` to be a string or a list of strings",
            ),
        ] {
            fs::write(&writing, &broken).expect("write the broken file");
            reports.refused(expected);
            still_allowed(address, OLD, NEW);
        }
        fs::write(&writing, allowing(NEW)).expect("write the good file");
        wait_until_allowed(address, NEW, OLD);
        reports.replaced();
    });
}

/// Writes in a burst are read once they settle: the last is in force, and the policy was not
/// rebuilt for each.
#[test]
fn a_burst_of_writes_ends_on_the_last_one() {
    const WRITES: usize = 20;
    let scratch = Scratch::new("burst");
    let path = scratch.join("cors.toml");
    fs::write(&path, allowing(OLD)).expect("write the policy");
    let writing = path.clone();
    serve_watched(&path, move |address, reports| {
        for write in 1..WRITES {
            fs::write(&writing, allowing(&format!("https://draft{write}.example"))).expect("write a draft");
        }
        fs::write(&writing, allowing(NEW)).expect("write the last one");
        wait_until_allowed(address, NEW, OLD);
        // The reload that put the last file in force reports after it; later events find the
        // file unchanged and report nothing.
        let mut reloads = vec![reports.next()];
        reloads.extend(reports.0.try_iter());
        assert!(reloads.len() < WRITES, "{} reloads for {WRITES} writes", reloads.len());
    });
}

/// Events already queued when the watch looks are taken as one change.
#[test]
fn queued_events_settle_into_one_change() {
    let (sender, received) = mpsc::channel();
    for event in 0..5 {
        sender.send(event).expect("queue an event");
    }
    assert!(settle(&received, QUIET), "the watch goes on");
    assert!(received.try_recv().is_err(), "every queued event was taken");
    sender.send(5).expect("queue an event");
    drop(sender);
    assert!(!settle(&received, QUIET), "the watch ended");
}

/// The events that may change the file: on its name or on `..data`, reads aside; every error
/// of the watch.
#[test]
fn the_events_that_may_change_the_file_are_taken() {
    use notify::event::{AccessKind, AccessMode, CreateKind, EventKind, ModifyKind, RenameMode};

    let name = OsStr::new("cors.toml");
    let event = |kind: EventKind, paths: &[&str]| {
        let event =
            paths.iter().fold(notify::Event::new(kind), |event, path| event.add_path(PathBuf::from(path)));
        Ok(event)
    };
    let rename = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
    for (taken, event) in [
        (true, event(EventKind::Modify(ModifyKind::Any), &["/etc/app/cors.toml"])),
        (true, event(EventKind::Access(AccessKind::Close(AccessMode::Write)), &["/etc/app/cors.toml"])),
        (true, event(rename, &["/etc/app/.cors.toml.swp", "/etc/app/cors.toml"])),
        (true, event(rename, &["/etc/app/..data_tmp", "/etc/app/..data"])),
        (true, Err(notify::Error::generic("events were lost"))),
        (false, event(EventKind::Access(AccessKind::Open(AccessMode::Any)), &["/etc/app/cors.toml"])),
        (false, event(EventKind::Access(AccessKind::Close(AccessMode::Read)), &["/etc/app/cors.toml"])),
        (false, event(EventKind::Create(CreateKind::File), &["/etc/app/other.toml"])),
        (false, event(EventKind::Create(CreateKind::Folder), &["/etc/app/..2026_12_02_01_00_02.1"])),
    ] {
        assert_eq!(concerns(&event, name), taken, "{event:?}");
    }
}

/// Each value's line and column: a list's element, a single string as the list of one, a
/// key without a list; nothing for a key the file does not write or a file that is not TOML.
#[test]
fn a_key_is_mapped_to_the_line_and_column_of_its_value() {
    let text = "# comment\n\norigins = [\n  \"https://a.example\",\n    \"https://b.example\",\n]\n\
                methods = \"GET\"\nmax_age = 600\nheaders = [\"x-a\", \"x-b\"]\n";
    assert_eq!(position_of(text, Key::Origins, Some(0)), Some((4, 3)));
    assert_eq!(position_of(text, Key::Origins, Some(1)), Some((5, 5)));
    assert_eq!(position_of(text, Key::Origins, None), Some((3, 11)));
    assert_eq!(position_of(text, Key::Methods, Some(0)), Some((7, 11)));
    assert_eq!(position_of(text, Key::MaxAge, None), Some((8, 11)));
    assert_eq!(position_of(text, Key::Headers, Some(1)), Some((9, 19)));
    assert_eq!(position_of(text, Key::Expose, Some(0)), None, "not in the file");
    assert_eq!(position_of("origins = [", Key::Origins, Some(0)), None, "not TOML");
    assert_eq!(
        position_of("origins = [\"ü\", \"b\"]", Key::Origins, Some(1)),
        Some((1, 17)),
        "in characters"
    );
}

/// The example's own broken file, as its start-up prints it: every problem at its line and
/// column, under its key.
#[test]
fn every_problem_of_the_broken_example_is_named_at_its_line_and_key() {
    let source = ConfigSource { path: "examples/cors-broken.toml".into(), origins_from_env: None };
    let error = source.policy_of(include_str!("../examples/cors-broken.toml")).expect_err("refused");
    let message = error.to_string();
    let places: Vec<&str> = message
        .lines()
        .skip(1)
        .map(|line| line.trim_start().splitn(3, ": ").take(2).last().map_or("", |key| key))
        .collect();
    assert_eq!(places, ["origins[0]", "origins[1]", "origins[2]", "origins[2]", "methods[0]", "expose[0]"]);
    for line in [
        "  examples/cors-broken.toml:2:12: origins[0]: origin `https://app.example/`",
        "  examples/cors-broken.toml:2:36: origins[1]: origin `https://*.com`",
        "  examples/cors-broken.toml:3:12: methods[0]: method `get`",
        "  examples/cors-broken.toml:4:10: expose[0]: cannot combine",
    ] {
        assert!(message.contains(line), "{line}\n{message}");
    }
    assert!(message.starts_with("the CORS policy of examples/cors-broken.toml is refused (6 problems):"));
}

/// Origins from `CORS_ALLOWED_ORIGINS` are named by the variable; the file's other keys by
/// their line.
#[test]
fn a_problem_of_the_environments_origins_names_the_variable() {
    let source = ConfigSource {
        path: "policy.toml".into(),
        origins_from_env: Some("https://a.example, https://b.example/".to_owned()),
    };
    let message = source
        .policy_of("origins = [\"https://file.example\"]\nmethods = [\"get\"]\n")
        .expect_err("refused")
        .to_string();
    assert!(
        message.contains(
            "\n  environment variable CORS_ALLOWED_ORIGINS: origins[1]: origin `https://b.example/`"
        ),
        "{message}"
    );
    assert!(message.contains("\n  policy.toml:2:12: methods[0]: method `get`"), "{message}");
    assert!(!message.contains("policy.toml:1"), "the file's origins are not in force: {message}");
}

/// A value of the wrong type, and a TOML error, at their line and column, with the line
/// quoted and the value underlined; the messages name keys, never a type of the crate.
#[test]
fn a_value_of_the_wrong_type_is_named_at_its_line_by_its_key() {
    let source = ConfigSource { path: "policy.toml".into(), origins_from_env: None };
    for (text, expected) in [
        (
            "origins = \"https://a.example\"\nmethods = [\n  \"GET\",\n  3,\n]\n",
            "policy.toml:4:3: invalid type: integer `3`, expected `methods[1]` to be a string\n      3,\n      ^",
        ),
        (
            "credentials = \"yes\"\n",
            "policy.toml:1:15: invalid type: string \"yes\", expected `credentials` to be true or false\n    \
             credentials = \"yes\"\n                  ^^^^^",
        ),
        (
            "origins = [\"https://a.example\",\nmax_age = 600\n",
            "policy.toml:2:9: unexpected `=` in array, expected value, `]`\n    max_age = 600\n            ^",
        ),
    ] {
        let message = source.policy_of(text).expect_err(text).to_string();
        assert_eq!(message, expected);
        for ours in ["PolicyConfig", "OnMismatch", "Vec", "Option"] {
            assert!(!message.contains(ours), "{message} names `{ours}`");
        }
    }
}
