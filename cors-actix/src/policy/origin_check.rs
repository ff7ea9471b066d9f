//! The asynchronous origin checks of a policy, bounded: each request's check has a deadline, at
//! most so many call the store at once, and, with the `cache` feature, their answers are kept
//! for a while, one store call serving every request for the same origin meanwhile.
//!
//! Everything here lives on the asynchronous branch: a policy without an asynchronous check
//! holds none of it, and a request it decides never reaches it.

use std::{
    fmt,
    future::Future,
    pin::Pin,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    task::{Context, Poll},
    time::Duration,
};

use actix_web::{dev::RequestHead, http::header::HeaderValue};
use cors_actix_grammar::{Key, Place, ProblemKind, WarningKind};

use super::origins::{AsyncOriginPredicate, OriginCheckFuture, OriginRefusal};
use crate::error::{Problem, Warning};

/// How long a request waits for the store by default. A browser's preflight, and the page
/// behind it, wait on the check; a store slower than a second is down as far as CORS goes.
pub(crate) const DEFAULT_DEADLINE: Duration = Duration::from_secs(1);

/// How many store calls a policy has in flight at most by default: far more than a healthy
/// store has pending from one server, few enough that a flood of unknown origins cannot pile
/// up connections or queries on it.
pub(crate) const DEFAULT_LIMIT: usize = 64;

/// How long an allowed origin stays cached by default: a tenant removed from the store loses
/// access within five minutes, or at once with `Policy::forget_origin`.
#[cfg(feature = "cache")]
pub(crate) const DEFAULT_ALLOWED_TTL: Duration = Duration::from_secs(5 * 60);

/// How long a refused origin stays cached by default: a tenant added to the store gets access
/// within a minute, or at once with `Policy::forget_origin`.
#[cfg(feature = "cache")]
pub(crate) const DEFAULT_REFUSED_TTL: Duration = Duration::from_secs(60);

/// A deadline past which one would have no effect; see the grammar's constant.
pub(crate) const LONGEST_USEFUL_DEADLINE: Duration =
    Duration::from_secs(cors_actix_grammar::LONGEST_USEFUL_ORIGIN_CHECK_DEADLINE_SECS);

/// How the asynchronous checks run, as the builder set it: each setting `None` until given
/// (then its default applies), so that what was given can be warned about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CheckSettings {
    pub(crate) deadline: Option<Duration>,
    pub(crate) limit: Option<usize>,
    pub(crate) cache: Option<CacheSettings>,
    /// The times to live of an allowed answer and of a refused one.
    pub(crate) ttl: Option<(Duration, Duration)>,
}

/// The cache of the checks' answers, when turned on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CacheSettings {
    pub(crate) capacity: u64,
}

impl CheckSettings {
    fn deadline(&self) -> Duration {
        self.deadline.unwrap_or(DEFAULT_DEADLINE)
    }

    fn limit(&self) -> usize {
        self.limit.unwrap_or(DEFAULT_LIMIT)
    }

    /// How long an allowed answer and a refused one are kept.
    #[cfg(feature = "cache")]
    fn ttl(&self) -> (Duration, Duration) {
        self.ttl.unwrap_or((DEFAULT_ALLOWED_TTL, DEFAULT_REFUSED_TTL))
    }

    /// Reports what can never work: a zero deadline or limit.
    pub(crate) fn check(&self, problems: &mut Vec<Problem>) {
        let place = Place::whole(Key::OriginAsync);
        if self.deadline().is_zero() {
            problems.push(Problem::new(place, None, ProblemKind::ZeroOriginCheckDeadline));
        }
        if self.limit() == 0 {
            problems.push(Problem::new(place, None, ProblemKind::ZeroOriginCheckLimit));
        }
    }

    /// Reports what has no effect: settings without a check to apply to, a deadline past
    /// the one a proxy gives the server, a cache with room for nothing.
    pub(crate) fn warn(&self, has_checks: bool, warnings: &mut Vec<Warning>) {
        let place = Place::whole(Key::OriginAsync);
        if !has_checks {
            if *self != Self::default() {
                warnings.push(Warning::new(place, None, WarningKind::OriginCheckSettingsUnused));
            }
            return;
        }
        if self.deadline() > LONGEST_USEFUL_DEADLINE {
            let millis = self.deadline().as_millis();
            warnings.push(Warning::new(place, None, WarningKind::LongOriginCheckDeadline { millis }));
        }
        match self.cache {
            Some(CacheSettings { capacity: 0 }) => {
                warnings.push(Warning::new(place, None, WarningKind::EmptyOriginCheckCache));
            }
            None if self.ttl.is_some() => {
                warnings.push(Warning::new(place, None, WarningKind::OriginCheckTtlWithoutCache));
            }
            _ => {}
        }
    }
}

/// What the asynchronous checks concluded about one origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CheckedOrigin {
    /// A check allowed it.
    Allowed,
    /// No check allowed it ([`OriginRefusal::NotAllowed`]), or none could answer in time
    /// ([`OriginRefusal::CheckMissedDeadline`], [`OriginRefusal::CheckLimitReached`]).
    Refused(OriginRefusal),
}

impl From<bool> for CheckedOrigin {
    fn from(allowed: bool) -> Self {
        if allowed {
            Self::Allowed
        } else {
            Self::Refused(OriginRefusal::NotAllowed)
        }
    }
}

/// A policy's asynchronous origin checks with their bounds, shared by every clone of the policy
/// (and so by every worker).
pub(crate) struct AsyncChecks {
    predicates: Vec<AsyncOriginPredicate>,
    deadline: Duration,
    limit: usize,
    in_flight: AtomicUsize,
    /// Answers by [`cache_key`]: the origin and the host it was asked for.
    #[cfg(feature = "cache")]
    cache: Option<moka::future::Cache<Box<[u8]>, bool>>,
}

impl AsyncChecks {
    pub(crate) fn new(predicates: Vec<AsyncOriginPredicate>, settings: &CheckSettings) -> Self {
        Self {
            predicates,
            deadline: settings.deadline(),
            limit: settings.limit(),
            in_flight: AtomicUsize::new(0),
            #[cfg(feature = "cache")]
            cache: settings.cache.map(|cache| {
                moka::future::Cache::builder()
                    .max_capacity(cache.capacity)
                    // For `forget`, which drops an origin's answers for every host.
                    .support_invalidation_closures()
                    .expire_after({
                        let (allowed, refused) = settings.ttl();
                        AnswerExpiry { allowed, refused }
                    })
                    .build()
            }),
        }
    }

    /// Starts the checks of an origin, in the order they were added; the first that allows it
    /// settles the answer. With a cache, a cached answer is taken instead, and a lookup of an
    /// origin already being asked about waits for that call's answer.
    pub(crate) fn start(self: &Arc<Self>, origin: &HeaderValue, head: &RequestHead) -> OriginCheck {
        // Every future is made now, while the request head is at hand; an async block does
        // nothing until it is polled, so the ones after a `true`, and all of them on a cache
        // hit, never run.
        let mut pending: Vec<_> = self.predicates.iter().map(|predicate| predicate(origin, head)).collect();
        pending.reverse();
        let ask = Arc::clone(self).ask(InTurn { pending });
        #[cfg(feature = "cache")]
        if self.cache.is_some() {
            if let Some(key) = cache_key(origin, head) {
                return OriginCheck::new(Arc::clone(self).cached(key, ask));
            }
        }
        OriginCheck::new(async move {
            match ask.await {
                Ok(allowed) => CheckedOrigin::from(allowed),
                Err(refusal) => CheckedOrigin::Refused(refusal),
            }
        })
    }

    /// The cached answer about `origin`, or `ask`'s, which is then cached; a lookup of an
    /// origin another request is already asking about waits for that call's answer, on
    /// whichever worker it runs, and shares its error too.
    #[cfg(feature = "cache")]
    async fn cached(
        self: Arc<Self>,
        key: Box<[u8]>,
        ask: impl Future<Output = Result<bool, OriginRefusal>>,
    ) -> CheckedOrigin {
        let answer = match &self.cache {
            Some(cache) => cache.try_get_with(key, ask).await.map_err(|refusal| *refusal),
            None => ask.await,
        };
        match answer {
            Ok(allowed) => CheckedOrigin::from(allowed),
            Err(refusal) => CheckedOrigin::Refused(refusal),
        }
    }

    /// One call to the store: refused at once past the limit, and cut at the deadline. Either
    /// way it is an error, which the cache does not keep.
    async fn ask(self: Arc<Self>, checks: InTurn) -> Result<bool, OriginRefusal> {
        let Some(_slot) = Slot::take(&self.in_flight, self.limit) else {
            return Err(OriginRefusal::CheckLimitReached);
        };
        actix_web::rt::time::timeout(self.deadline, checks)
            .await
            .map_err(|_| OriginRefusal::CheckMissedDeadline)
    }

    /// Drops the cached answers about `origin`, for every host, if there are any. Effective at
    /// once: a lookup never returns an answer dropped here, though the cache frees its room
    /// later.
    #[cfg(feature = "cache")]
    pub(crate) fn forget(&self, origin: &str) {
        if let Some(cache) = &self.cache {
            let prefix = cache_key_prefix(origin.as_bytes());
            // Refused only by a cache built without invalidation closures; this one has them.
            let _ = cache.invalidate_entries_if(move |key, _| key.starts_with(&prefix));
        }
    }

    /// How many store calls are in flight.
    #[cfg(test)]
    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }
}

impl fmt::Debug for AsyncChecks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("AsyncChecks");
        debug
            .field("checks", &self.predicates.len())
            .field("deadline", &self.deadline)
            .field("limit", &self.limit);
        #[cfg(feature = "cache")]
        debug.field("cache", &self.cache.as_ref().and_then(|cache| cache.policy().max_capacity()));
        debug.finish()
    }
}

/// One of a policy's store calls in flight: taken below the limit, given back when dropped,
/// however the call ends (answered, cut at the deadline, or dropped with its request).
struct Slot<'a>(&'a AtomicUsize);

impl<'a> Slot<'a> {
    fn take(in_flight: &'a AtomicUsize, limit: usize) -> Option<Self> {
        in_flight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |count| (count < limit).then_some(count + 1))
            .ok()
            .map(|_| Self(in_flight))
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The checks of one origin, asked one after the other until one allows it.
struct InTurn {
    /// The checks still to ask, the next one last.
    pending: Vec<OriginCheckFuture>,
}

impl Future for InTurn {
    type Output = bool;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        while let Some(check) = self.pending.last_mut() {
            if std::task::ready!(check.as_mut().poll(cx)) {
                self.pending.clear();
                return Poll::Ready(true);
            }
            self.pending.pop();
        }
        Poll::Ready(false)
    }
}

/// The key of a cached answer: the origin, then the host the request is for (its `Host`, or
/// the URI's authority in HTTP/2). A check may read the host to find the tenant whose origins
/// apply, so an answer given for one host is never taken for another. `None` for a host
/// longer than any a browser sends: its answer is not cached, so that a flood of made-up
/// hosts cannot make each cached answer large (the origin is already bounded).
#[cfg(feature = "cache")]
fn cache_key(origin: &HeaderValue, head: &RequestHead) -> Option<Box<[u8]>> {
    let host = match head.headers.get(actix_web::http::header::HOST) {
        Some(host) => host.as_bytes(),
        None => head.uri.authority().map_or(&b""[..], |authority| authority.as_str().as_bytes()),
    };
    if host.len() > LONGEST_CACHED_HOST {
        return None;
    }
    let mut key = cache_key_prefix(origin.as_bytes());
    key.extend_from_slice(host);
    Some(key.into_boxed_slice())
}

/// The longest host a cached answer is kept for: a domain name of 253 bytes, or an IPv6
/// address in brackets, with a port.
#[cfg(feature = "cache")]
const LONGEST_CACHED_HOST: usize = 253 + ":65535".len();

/// What every key of one origin begins with: the origin and a line feed, which neither an
/// origin nor a header value holds.
#[cfg(feature = "cache")]
fn cache_key_prefix(origin: &[u8]) -> Vec<u8> {
    let mut prefix = Vec::with_capacity(origin.len() + 1 + LONGEST_CACHED_HOST);
    prefix.extend_from_slice(origin);
    prefix.push(b'\n');
    prefix
}

/// How long a cached answer is kept: an allowed origin and a refused one each their time.
#[cfg(feature = "cache")]
struct AnswerExpiry {
    allowed: Duration,
    refused: Duration,
}

#[cfg(feature = "cache")]
impl moka::Expiry<Box<[u8]>, bool> for AnswerExpiry {
    fn expire_after_create(
        &self,
        _key: &Box<[u8]>,
        allowed: &bool,
        _created_at: std::time::Instant,
    ) -> Option<Duration> {
        Some(if *allowed { self.allowed } else { self.refused })
    }
}

/// The asynchronous origin checks of a policy under way for one request: a future that resolves
/// to what they concluded. Made by [`Policy::check_origin`](crate::Policy::check_origin).
#[must_use = "a future does nothing unless polled"]
pub(crate) struct OriginCheck {
    /// `None`: nothing to ask.
    check: Option<Pin<Box<dyn Future<Output = CheckedOrigin>>>>,
}

impl OriginCheck {
    fn new(check: impl Future<Output = CheckedOrigin> + 'static) -> Self {
        Self { check: Some(Box::pin(check)) }
    }

    /// A check with nothing to ask: the origin is not allowed.
    pub(crate) fn none() -> Self {
        Self { check: None }
    }
}

impl Future for OriginCheck {
    type Output = CheckedOrigin;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<CheckedOrigin> {
        match &mut self.check {
            Some(check) => check.as_mut().poll(cx),
            None => Poll::Ready(CheckedOrigin::Refused(OriginRefusal::NotAllowed)),
        }
    }
}

impl fmt::Debug for OriginCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OriginCheck").field("asks", &self.check.is_some()).finish()
    }
}

#[cfg(test)]
mod tests;
