//! Tests of the bounded asynchronous origin checks: the deadline, the limit of checks in
//! flight, the cache, and what the builder says about their settings.

use std::{
    future::{poll_fn, Future},
    pin::Pin,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    task::{Poll, Waker},
    time::Duration,
};

use actix_web::{dev::RequestHead, http::header::HeaderValue, test::TestRequest};
use cors_actix_grammar::{ProblemKind, WarningKind};

use super::{CheckedOrigin, OriginCheck};
use crate::{policy::OriginRefusal, request::CorsRequest, Policy, PolicyBuilder};

/// A door the store's answers wait behind until a test opens it; one never opened is a store
/// that hangs.
#[derive(Default)]
struct Gate {
    state: Mutex<(bool, Vec<Waker>)>,
}

impl Gate {
    fn open(&self) {
        let mut state = self.state.lock().unwrap();
        state.0 = true;
        state.1.drain(..).for_each(Waker::wake);
    }

    fn wait(self: Arc<Self>) -> impl Future<Output = ()> {
        poll_fn(move |cx| {
            let mut state = self.state.lock().unwrap();
            if state.0 {
                Poll::Ready(())
            } else {
                state.1.push(cx.waker().clone());
                Poll::Pending
            }
        })
    }
}

/// A tenant store that allows `https://shop.example` and counts the times it is asked (when
/// its future first runs, not when the check makes it). Its answer about the shop waits for
/// the gate; about any other origin it answers at once.
#[derive(Default)]
struct Store {
    calls: AtomicUsize,
    gate: Arc<Gate>,
}

impl Store {
    /// A store whose answers wait for `open`.
    fn held() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// A store that answers at once.
    fn open() -> Arc<Self> {
        let store = Self::held();
        store.gate.open();
        store
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// The builder of a policy asking this store.
    fn policy(self: &Arc<Self>) -> PolicyBuilder {
        let store = Arc::clone(self);
        Policy::builder().allow_origin("https://app.example").allow_origin_async(
            move |origin: &HeaderValue, _: &RequestHead| {
                let (store, origin) = (Arc::clone(&store), origin.clone());
                async move {
                    store.calls.fetch_add(1, Ordering::SeqCst);
                    if origin != "https://shop.example" {
                        return false;
                    }
                    Arc::clone(&store.gate).wait().await;
                    true
                }
            },
        )
    }
}

fn build(builder: PolicyBuilder) -> Policy {
    builder.build().expect("test policy is valid")
}

/// The check of a `GET` from `origin`.
fn check(policy: &Policy, origin: &str) -> OriginCheck {
    let request = TestRequest::get().insert_header(("origin", origin)).to_srv_request();
    policy.check_origin(&CorsRequest::of(request.head()))
}

/// Polls `check` once, as a request's task would.
async fn poll_once(check: &mut OriginCheck) -> Poll<CheckedOrigin> {
    poll_fn(|cx| Poll::Ready(Pin::new(&mut *check).poll(cx))).await
}

fn run<F: Future>(future: F) -> F::Output {
    actix_web::rt::System::new().block_on(future)
}

fn in_flight(policy: &Policy) -> usize {
    policy.origins.async_checks().expect("an async check").in_flight()
}

const MISSED: CheckedOrigin = CheckedOrigin::Refused(OriginRefusal::CheckMissedDeadline);
const LIMITED: CheckedOrigin = CheckedOrigin::Refused(OriginRefusal::CheckLimitReached);
const NOT_ALLOWED: CheckedOrigin = CheckedOrigin::Refused(OriginRefusal::NotAllowed);

#[test]
fn a_store_that_never_answers_is_refused_at_the_deadline() {
    let store = Store::held();
    let policy = build(store.policy().origin_check_deadline(Duration::from_millis(20)));
    assert_eq!(run(check(&policy, "https://shop.example")), MISSED);
    assert_eq!(store.calls(), 1);
    assert_eq!(in_flight(&policy), 0, "the missed call gives its place back");
}

#[test]
fn a_store_that_answers_in_time_decides() {
    let store = Store::open();
    let policy = build(store.policy());
    assert_eq!(run(check(&policy, "https://shop.example")), CheckedOrigin::Allowed);
    assert_eq!(run(check(&policy, "https://evil.example")), NOT_ALLOWED);
    assert_eq!(store.calls(), 2, "without a cache every request asks");
}

#[test]
fn past_the_limit_a_check_is_refused_at_once_and_after_a_release_one_runs_again() {
    let store = Store::held();
    let policy = build(store.policy().origin_check_limit(3));
    run(async {
        let mut held: Vec<_> = (0..3).map(|_| check(&policy, "https://shop.example")).collect();
        for check in &mut held {
            assert!(poll_once(check).await.is_pending());
        }
        assert_eq!((store.calls(), in_flight(&policy)), (3, 3));

        let mut over = check(&policy, "https://shop.example");
        assert_eq!(poll_once(&mut over).await, Poll::Ready(LIMITED), "refused at once, not queued");
        assert_eq!(store.calls(), 3, "the store is not asked past the limit");

        store.gate.open();
        for check in held {
            assert_eq!(check.await, CheckedOrigin::Allowed);
        }
        assert_eq!(in_flight(&policy), 0);
        assert_eq!(check(&policy, "https://shop.example").await, CheckedOrigin::Allowed);
        assert_eq!(store.calls(), 4);
    });
}

#[test]
fn a_dropped_check_gives_its_place_back() {
    let store = Store::held();
    let policy = build(store.policy().origin_check_limit(1));
    run(async {
        let mut first = check(&policy, "https://shop.example");
        assert!(poll_once(&mut first).await.is_pending());
        assert_eq!(in_flight(&policy), 1);
        drop(first);
        assert_eq!(in_flight(&policy), 0);
        let mut second = check(&policy, "https://shop.example");
        assert!(poll_once(&mut second).await.is_pending(), "asks the store, not refused");
    });
}

#[test]
fn the_builder_refuses_a_zero_deadline_or_limit() {
    let store = Store::open();
    let error =
        store.policy().origin_check_deadline(Duration::ZERO).origin_check_limit(0).build().unwrap_err();
    let kinds: Vec<_> = error.problems().iter().map(|problem| problem.kind().clone()).collect();
    assert_eq!(kinds, [ProblemKind::ZeroOriginCheckDeadline, ProblemKind::ZeroOriginCheckLimit]);
    assert!(error.to_string().contains("a deadline of zero"), "{error}");
}

#[test]
fn the_builder_warns_of_settings_without_effect() {
    let store = Store::open();
    let long = build(store.policy().origin_check_deadline(Duration::from_secs(61)));
    let kinds: Vec<_> = long.warnings().iter().map(|warning| warning.kind().clone()).collect();
    assert_eq!(kinds, [WarningKind::LongOriginCheckDeadline { millis: 61_000 }]);
    assert!(build(store.policy().origin_check_deadline(Duration::from_secs(60))).warnings().is_empty());

    let unused = build(Policy::builder().allow_origin("https://app.example").origin_check_limit(8));
    let kinds: Vec<_> = unused.warnings().iter().map(|warning| warning.kind().clone()).collect();
    assert_eq!(kinds, [WarningKind::OriginCheckSettingsUnused]);
    assert!(build(Policy::builder().allow_origin("https://app.example")).warnings().is_empty());
}

#[test]
fn the_new_refusals_are_origin_refusals_with_their_own_words() {
    use crate::policy::{Reason, Rule};
    for refusal in [OriginRefusal::CheckMissedDeadline, OriginRefusal::CheckLimitReached] {
        assert_eq!(Reason::Origin(refusal).rule(), Rule::Origin.as_str());
    }
    assert!(OriginRefusal::CheckMissedDeadline.to_string().contains("missed its deadline"));
    assert!(OriginRefusal::CheckLimitReached.to_string().contains("in flight"));
}

#[test]
fn the_explanation_of_an_origin_left_to_the_check_names_its_bounds() {
    let policy = build(Store::open().policy());
    let request = TestRequest::get().insert_header(("origin", "https://shop.example")).to_srv_request();
    let explanation = policy.explain(request.head()).to_string();
    assert!(explanation.contains("asynchronous origin check decides"), "{explanation}");
    assert!(explanation.contains("misses its deadline"), "{explanation}");
    assert!(explanation.contains("limit of checks in flight"), "{explanation}");
}

#[cfg(feature = "cache")]
mod cache {
    use std::thread;

    use super::*;

    fn cached(store: &Arc<Store>) -> Policy {
        build(store.policy().cache_origin_checks(100))
    }

    #[test]
    fn an_answer_is_asked_once_whether_allowed_or_refused() {
        let store = Store::open();
        let policy = cached(&store);
        run(async {
            for _ in 0..3 {
                assert_eq!(check(&policy, "https://shop.example").await, CheckedOrigin::Allowed);
                assert_eq!(check(&policy, "https://evil.example").await, NOT_ALLOWED);
            }
        });
        assert_eq!(store.calls(), 2);
    }

    #[test]
    fn every_clone_of_the_policy_shares_the_cache() {
        let store = Store::open();
        let policy = cached(&store);
        let clone = policy.clone();
        run(async {
            assert_eq!(check(&policy, "https://shop.example").await, CheckedOrigin::Allowed);
            assert_eq!(check(&clone, "https://shop.example").await, CheckedOrigin::Allowed);
        });
        assert_eq!(store.calls(), 1);
    }

    #[test]
    fn a_forgotten_origin_is_asked_again() {
        let store = Store::open();
        let policy = cached(&store);
        run(async {
            assert_eq!(check(&policy, "https://evil.example").await, NOT_ALLOWED);
            assert_eq!(check(&policy, "https://shop.example").await, CheckedOrigin::Allowed);
            policy.clone().forget_origin("https://evil.example");
            assert_eq!(check(&policy, "https://evil.example").await, NOT_ALLOWED);
            assert_eq!(check(&policy, "https://shop.example").await, CheckedOrigin::Allowed);
        });
        assert_eq!(store.calls(), 3, "only the forgotten origin is asked again");
    }

    /// The check of a `GET` from `origin` to the server at `host`.
    fn check_at(policy: &Policy, origin: &str, host: &str) -> OriginCheck {
        let request = TestRequest::get()
            .insert_header(("origin", origin))
            .insert_header(("host", host))
            .to_srv_request();
        policy.check_origin(&CorsRequest::of(request.head()))
    }

    /// A store of tenants found by host: `https://shop.example` may read `shop.api.example`
    /// only. Counts its calls.
    fn by_host(calls: &Arc<AtomicUsize>) -> Policy {
        let calls = Arc::clone(calls);
        build(
            Policy::builder()
                .allow_origin_async(move |origin: &HeaderValue, head: &RequestHead| {
                    let calls = Arc::clone(&calls);
                    let allowed = origin == "https://shop.example"
                        && head.headers.get("host").is_some_and(|host| host == "shop.api.example");
                    async move {
                        calls.fetch_add(1, Ordering::SeqCst);
                        allowed
                    }
                })
                .cache_origin_checks(100),
        )
    }

    #[test]
    fn an_answer_for_one_host_is_never_taken_for_another() {
        let calls = Arc::new(AtomicUsize::new(0));
        let policy = by_host(&calls);
        run(async {
            for _ in 0..2 {
                let shop = check_at(&policy, "https://shop.example", "shop.api.example").await;
                assert_eq!(shop, CheckedOrigin::Allowed);
                let other = check_at(&policy, "https://shop.example", "books.api.example").await;
                assert_eq!(other, NOT_ALLOWED, "not the shop host's answer");
            }
        });
        assert_eq!(calls.load(Ordering::SeqCst), 2, "once per origin and host");
        run(async {
            policy.forget_origin("https://shop.example");
            check_at(&policy, "https://shop.example", "shop.api.example").await;
            check_at(&policy, "https://shop.example", "books.api.example").await;
        });
        assert_eq!(calls.load(Ordering::SeqCst), 4, "forgotten for every host");
    }

    #[test]
    fn an_answer_for_a_host_no_browser_sends_is_not_cached() {
        let calls = Arc::new(AtomicUsize::new(0));
        let policy = by_host(&calls);
        let long_host = "a".repeat(300);
        run(async {
            for _ in 0..3 {
                assert_eq!(check_at(&policy, "https://shop.example", &long_host).await, NOT_ALLOWED);
            }
        });
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn concurrent_lookups_of_one_origin_make_one_call() {
        let store = Store::held();
        let policy = cached(&store);
        run(async {
            let mut checks: Vec<_> = (0..8).map(|_| check(&policy, "https://shop.example")).collect();
            for check in &mut checks {
                assert!(poll_once(check).await.is_pending());
            }
            store.gate.open();
            for check in checks {
                assert_eq!(check.await, CheckedOrigin::Allowed);
            }
        });
        assert_eq!(store.calls(), 1);
    }

    #[test]
    fn a_lookup_on_another_thread_waits_for_the_call_in_flight() {
        let store = Store::held();
        let policy = Arc::new(cached(&store));
        let first = {
            let policy = Arc::clone(&policy);
            thread::spawn(move || run(check(&policy, "https://shop.example")))
        };
        while store.calls() == 0 {
            thread::yield_now();
        }
        let second = {
            let policy = Arc::clone(&policy);
            thread::spawn(move || run(check(&policy, "https://shop.example")))
        };
        store.gate.open();
        assert_eq!(first.join().unwrap(), CheckedOrigin::Allowed);
        assert_eq!(second.join().unwrap(), CheckedOrigin::Allowed);
        assert_eq!(store.calls(), 1, "the second thread took the first one's answer");
    }

    #[test]
    fn a_missed_deadline_is_not_cached_and_every_waiter_is_refused() {
        let store = Store::held();
        let policy =
            build(store.policy().cache_origin_checks(100).origin_check_deadline(Duration::from_millis(20)));
        run(async {
            let mut checks: Vec<_> = (0..4).map(|_| check(&policy, "https://shop.example")).collect();
            for check in &mut checks {
                assert!(poll_once(check).await.is_pending());
            }
            for check in checks {
                assert_eq!(check.await, MISSED);
            }
            assert_eq!(store.calls(), 1, "the waiters shared the call and its refusal");
            store.gate.open();
            assert_eq!(check(&policy, "https://shop.example").await, CheckedOrigin::Allowed);
        });
        assert_eq!(store.calls(), 2, "the miss was not cached");
    }

    #[test]
    fn the_limit_is_not_cached_and_cache_hits_take_no_place() {
        let store = Store::held();
        let policy = build(store.policy().cache_origin_checks(100).origin_check_limit(1));
        run(async {
            assert_eq!(check(&policy, "https://evil.example").await, NOT_ALLOWED);
            let mut holder = check(&policy, "https://shop.example");
            assert!(poll_once(&mut holder).await.is_pending());
            assert_eq!(check(&policy, "https://evil.example").await, NOT_ALLOWED, "a hit takes no place");
            assert_eq!(check(&policy, "https://other.example").await, LIMITED);
            store.gate.open();
            assert_eq!(holder.await, CheckedOrigin::Allowed);
            assert_eq!(check(&policy, "https://other.example").await, NOT_ALLOWED, "asked this time");
        });
        assert_eq!(store.calls(), 3);
    }

    #[test]
    fn the_builder_warns_of_an_empty_cache_and_of_times_to_live_without_one() {
        let store = Store::open();
        let policy = build(store.policy().cache_origin_checks(0));
        let kinds: Vec<_> = policy.warnings().iter().map(|warning| warning.kind().clone()).collect();
        assert_eq!(kinds, [WarningKind::EmptyOriginCheckCache]);

        let ttl = Duration::from_secs(1);
        let policy = build(store.policy().origin_check_ttl(ttl, ttl));
        let kinds: Vec<_> = policy.warnings().iter().map(|warning| warning.kind().clone()).collect();
        assert_eq!(kinds, [WarningKind::OriginCheckTtlWithoutCache]);
        assert!(build(store.policy().origin_check_ttl(ttl, ttl).cache_origin_checks(10))
            .warnings()
            .is_empty());
    }

    #[test]
    fn a_zero_time_to_live_keeps_that_answer_out() {
        let store = Store::open();
        let policy = build(
            store.policy().cache_origin_checks(100).origin_check_ttl(Duration::from_secs(60), Duration::ZERO),
        );
        run(async {
            for _ in 0..2 {
                assert_eq!(check(&policy, "https://shop.example").await, CheckedOrigin::Allowed);
                assert_eq!(check(&policy, "https://evil.example").await, NOT_ALLOWED);
            }
        });
        assert_eq!(store.calls(), 3, "the refused origin was asked each time");
    }
}
