//! `Cors::reloadable`: a policy replaced while a real server (two workers) answers requests
//! from several client threads. Every answer comes whole from one policy or the other (never
//! an origin neither allows, never a 5xx), each worker takes the new policy for the requests
//! that start after the swap, and a configuration with a problem never replaces the one in
//! force.

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
};

use cors_actix::{Cors, Policy, PolicyHandle};
use cors_actix_tests::{items_server, raw_request, serve_while};

const FIRST: &str = "https://first.example";
const SECOND: &str = "https://second.example";
const NEITHER: &str = "https://evil.example";

fn allowing(origin: &str) -> Policy {
    Policy::builder().allow_origin(origin).allow_method("PUT").build().expect("valid policy")
}

/// What the server answered a `GET` from `origin`: the status, and the
/// `Access-Control-Allow-Origin` if any.
fn get(address: SocketAddr, origin: &str) -> (u16, Option<String>) {
    let request =
        format!("GET /items HTTP/1.1\r\nHost: {address}\r\nOrigin: {origin}\r\nConnection: close\r\n\r\n");
    let head = raw_request(address, request.as_bytes());
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let allow_origin =
        head.lines().find_map(|line| line.strip_prefix("access-control-allow-origin: ")).map(str::to_owned);
    (status, allow_origin)
}

#[test]
fn a_replaced_policy_governs_every_worker_and_no_answer_is_torn() {
    let (cors, handle) = Cors::reloadable(allowing(FIRST));
    serve_while(
        move || items_server(cors),
        move |addresses| {
            let address = addresses[0];
            // actix's acceptor hands new connections to the workers in turn: eight requests,
            // each on its own connection, reach both.
            let all_say = |origin: &str, allowed: bool| {
                for _ in 0..8 {
                    let (status, allow_origin) = get(address, origin);
                    assert_eq!(status, 200);
                    assert_eq!(allow_origin.as_deref(), allowed.then_some(origin), "{origin}");
                }
            };
            all_say(FIRST, true);
            all_say(SECOND, false);
            drop(handle.replace(allowing(SECOND)));
            all_say(FIRST, false);
            all_say(SECOND, true);

            let counts = swap_under_load(address, &handle);
            eprintln!(
                "reload under load: {} requests from 4 threads, {} swaps, {} answered by the first policy, {} by the second, 0 torn",
                counts.requests, counts.swaps, counts.first, counts.second
            );
            assert!(counts.swaps > 0 && counts.requests == 4 * REQUESTS_PER_THREAD);

            drop(handle.replace(allowing(NEITHER)));
            all_say(FIRST, false);
            all_say(SECOND, false);
            all_say(NEITHER, true);
        },
    );
}

const REQUESTS_PER_THREAD: usize = 300;

struct Counts {
    requests: usize,
    swaps: usize,
    first: usize,
    second: usize,
}

/// Four threads send `REQUESTS_PER_THREAD` requests each, from both origins and a third
/// that neither policy allows, while this thread swaps the two policies as fast as it can.
fn swap_under_load(address: SocketAddr, handle: &PolicyHandle) -> Counts {
    let done = Arc::new(AtomicBool::new(false));
    let (first, second) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let clients: Vec<_> = (0..4)
        .map(|thread| {
            let (first, second) = (Arc::clone(&first), Arc::clone(&second));
            std::thread::spawn(move || {
                for request in 0..REQUESTS_PER_THREAD {
                    let origin = [FIRST, SECOND, NEITHER][(thread + request) % 3];
                    let (status, allow_origin) = get(address, origin);
                    assert_eq!(status, 200, "{origin}");
                    match allow_origin.as_deref() {
                        None => {}
                        Some(FIRST) if origin == FIRST => drop(first.fetch_add(1, Ordering::Relaxed)),
                        Some(SECOND) if origin == SECOND => drop(second.fetch_add(1, Ordering::Relaxed)),
                        Some(other) => panic!("a request from {origin} was answered for {other}"),
                    }
                }
            })
        })
        .collect();
    let swapper = {
        let (handle, done) = (handle.clone(), Arc::clone(&done));
        std::thread::spawn(move || {
            let mut swaps = 0;
            while !done.load(Ordering::Relaxed) {
                drop(handle.replace(allowing(if swaps % 2 == 0 { FIRST } else { SECOND })));
                swaps += 1;
                std::thread::yield_now();
            }
            swaps
        })
    };
    for client in clients {
        client.join().expect("every answer came whole from one policy");
    }
    done.store(true, Ordering::Relaxed);
    let swaps = swapper.join().expect("the swapper ran");
    Counts {
        requests: 4 * REQUESTS_PER_THREAD,
        swaps,
        first: first.load(Ordering::Relaxed),
        second: second.load(Ordering::Relaxed),
    }
}

/// A configuration with a problem does not build, so it never reaches the handle: the policy
/// in force stays, the same `Arc`.
#[test]
fn a_policy_with_a_problem_never_replaces_the_one_in_force() {
    let (_cors, handle) = Cors::reloadable(allowing(FIRST));
    let before = handle.current();
    let refused =
        Policy::builder().allow_origins([FIRST, "https://second.example/"]).allow_credentials(true).build();
    let error = refused.map(|policy| handle.replace(policy)).expect_err("a trailing slash is a problem");
    assert!(error.to_string().contains("did you mean `https://second.example`?"), "{error}");
    assert!(Arc::ptr_eq(&before, &handle.current()));
}
