//! Which origins a policy allows, and how a request's `Origin` is matched against them.

use std::{
    collections::HashSet,
    fmt,
    future::Future,
    hash::{BuildHasherDefault, Hasher},
    pin::Pin,
    sync::Arc,
};

use actix_web::{dev::RequestHead, http::header::HeaderValue};
use cors_actix_grammar::{Origin, OriginError, OriginSpec, OwnedOriginPattern};
use regex_lite::Regex;

use super::origin_check::{AsyncChecks, CheckSettings, OriginCheck};

/// A predicate deciding at request time whether an origin is allowed. It receives the
/// `Origin` header (already checked to be a serialized origin, never `null`) and the request.
pub(crate) type OriginPredicate = Arc<dyn Fn(&HeaderValue, &RequestHead) -> bool + Send + Sync>;

/// An asynchronous origin check, for allow-lists kept in a database or another service. It
/// receives what an [`OriginPredicate`] receives and returns a future that says whether the
/// origin is allowed; the future owns what it needs (clone the origin into it).
pub(crate) type AsyncOriginPredicate =
    Arc<dyn Fn(&HeaderValue, &RequestHead) -> OriginCheckFuture + Send + Sync>;

/// The future of one [`AsyncOriginPredicate`] call. Not `Send`: actix-web runs a request on
/// one worker thread from start to end.
pub(crate) type OriginCheckFuture = Pin<Box<dyn Future<Output = bool>>>;

/// The allowed origins of a policy.
#[derive(Clone, Default)]
pub(crate) struct AllowOrigins {
    any: bool,
    /// Exact serialized origins, and `null` when listed; looked up by the header's bytes.
    exact: HashSet<Box<[u8]>, BuildHasherDefault<OriginHasher>>,
    patterns: Vec<OwnedOriginPattern>,
    regexes: Vec<Regex>,
    predicates: Vec<OriginPredicate>,
    /// Asked last, only about well-formed origins that nothing above allowed. Shared by every
    /// clone, with their cache and the count of their store calls in flight.
    async_checks: Option<Arc<AsyncChecks>>,
}

/// What the origin check concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OriginVerdict {
    /// Any origin is allowed: answer `*`.
    Any,
    /// This origin is allowed: answer with it.
    Allowed,
    /// Well formed, and allowed by no synchronous rule: the asynchronous checks decide.
    Pending,
    /// Not allowed, and why.
    Refused(OriginRefusal),
}

/// Why an origin was not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OriginRefusal {
    /// The header is not a serialized origin.
    Malformed(OriginError),
    /// `null`, and the policy does not list `null`.
    NullNotListed,
    /// An origin the policy does not allow. When no pattern of the policy could match it
    /// and the policy has no regex or predicate, it is refused without being parsed, so it
    /// may also be malformed: [`OriginRefusal::explained`] tells.
    NotAllowed,
    /// The policy's asynchronous origin check did not answer within its deadline
    /// ([`PolicyBuilder::origin_check_deadline`](crate::PolicyBuilder::origin_check_deadline)).
    CheckMissedDeadline,
    /// The policy already had as many asynchronous origin checks in flight as it allows
    /// ([`PolicyBuilder::origin_check_limit`](crate::PolicyBuilder::origin_check_limit)), so
    /// this one was refused without asking.
    CheckLimitReached,
}

impl OriginRefusal {
    /// The refusal with, for [`OriginRefusal::NotAllowed`], whether `origin` (the header's
    /// bytes) was malformed: what the debug log says. Costs a parse.
    pub fn explained(self, origin: &[u8]) -> Self {
        match (self, Origin::parse_bytes(origin)) {
            (Self::NotAllowed, Err(error)) => Self::Malformed(error),
            (refusal, _) => refusal,
        }
    }
}

impl AllowOrigins {
    /// Whether no origin can ever be allowed: a policy for a same-origin app, kept for its
    /// cross-origin request protection and WebSocket check.
    pub(crate) fn allows_none(&self) -> bool {
        !self.any
            && self.exact.is_empty()
            && self.patterns.is_empty()
            && self.regexes.is_empty()
            && self.predicates.is_empty()
            && self.async_checks.is_none()
    }

    /// Adds configured origins (`*`, `null`, exact origins, patterns), already checked by
    /// the grammar's `check_policy`: one that does not parse is left out.
    pub(crate) fn add_specs(&mut self, inputs: &[String]) {
        for input in inputs {
            match OriginSpec::parse(input) {
                Ok(OriginSpec::Any) => self.any = true,
                Ok(OriginSpec::Null) => {
                    self.exact.insert(Box::from(&b"null"[..]));
                }
                Ok(OriginSpec::Exact(_)) => {
                    self.exact.insert(Box::from(input.as_bytes()));
                }
                Ok(OriginSpec::Pattern(pattern)) => {
                    let owned = pattern.to_owned_pattern();
                    if !self.patterns.contains(&owned) {
                        self.patterns.push(owned);
                    }
                }
                Err(_) => {}
            }
        }
    }

    /// Adds origin regexes, already checked by the grammar's `check_policy` (with the same
    /// engine): one that does not compile is left out, and a repeat (a warning) is kept once.
    pub(crate) fn add_regexes(&mut self, inputs: &[String]) {
        for (index, input) in inputs.iter().enumerate() {
            if inputs[..index].contains(input) {
                continue;
            }
            if let Ok(regex) = Regex::new(input) {
                self.regexes.push(regex);
            }
        }
    }

    /// How many regexes are kept.
    #[cfg(test)]
    pub(crate) fn regex_count(&self) -> usize {
        self.regexes.len()
    }

    pub(crate) fn add_predicates(&mut self, predicates: &[OriginPredicate]) {
        self.predicates.extend(predicates.iter().cloned());
    }

    /// Sets the asynchronous checks, asked in this order, and how they run.
    pub(crate) fn set_async_checks(&mut self, predicates: &[AsyncOriginPredicate], settings: &CheckSettings) {
        self.async_checks =
            (!predicates.is_empty()).then(|| Arc::new(AsyncChecks::new(predicates.to_vec(), settings)));
    }

    /// Starts the asynchronous checks of an origin; see [`AsyncChecks::start`].
    pub(crate) fn check_async(&self, origin: &HeaderValue, head: &RequestHead) -> OriginCheck {
        match &self.async_checks {
            Some(checks) => checks.start(origin, head),
            None => OriginCheck::none(),
        }
    }

    /// The asynchronous checks, if the policy has any.
    #[cfg(any(feature = "cache", test))]
    pub(crate) fn async_checks(&self) -> Option<&AsyncChecks> {
        self.async_checks.as_deref()
    }

    /// True when the response depends on the request's `Origin` (anything but plain `*`).
    pub(crate) fn varies_with_origin(&self) -> bool {
        !self.any
    }

    pub(crate) fn is_any(&self) -> bool {
        self.any
    }

    /// Matches a request's `Origin`. Exact origins are one hash lookup; the header is
    /// parsed only when patterns, regexes or predicates have to look at it.
    pub(crate) fn verdict(&self, origin: &HeaderValue, head: &RequestHead) -> OriginVerdict {
        if self.any {
            return OriginVerdict::Any;
        }
        let bytes = origin.as_bytes();
        if self.exact.contains(bytes) {
            return OriginVerdict::Allowed;
        }
        if bytes == b"null" {
            return OriginVerdict::Refused(OriginRefusal::NullNotListed);
        }
        // An origin that no pattern could match, with no regex or predicate to ask, is refused
        // without a parse: saying whether it was even well-formed is left to the debug log
        // (`OriginRefusal::explained`), which is rarely on.
        if self.regexes.is_empty()
            && self.predicates.is_empty()
            && self.async_checks.is_none()
            && !self.patterns.iter().any(|pattern| pattern.as_pattern().may_match(bytes))
        {
            return OriginVerdict::Refused(OriginRefusal::NotAllowed);
        }
        let parsed = match Origin::parse_bytes(bytes) {
            Ok(parsed) => parsed,
            Err(error) => return OriginVerdict::Refused(OriginRefusal::Malformed(error)),
        };
        let text = match origin.to_str() {
            Ok(text) => text,
            Err(_) => return OriginVerdict::Refused(OriginRefusal::Malformed(OriginError::NotAscii)),
        };
        let allowed = self.patterns.iter().any(|pattern| pattern.as_pattern().matches(&parsed))
            || self.regexes.iter().any(|regex| regex.is_match(text))
            || self.predicates.iter().any(|predicate| predicate(origin, head));
        if allowed {
            OriginVerdict::Allowed
        } else if self.async_checks.is_some() {
            OriginVerdict::Pending
        } else {
            OriginVerdict::Refused(OriginRefusal::NotAllowed)
        }
    }
}

impl fmt::Debug for AllowOrigins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut exact: Vec<_> = self.exact.iter().map(|origin| String::from_utf8_lossy(origin)).collect();
        exact.sort();
        f.debug_struct("AllowOrigins")
            .field("any", &self.any)
            .field("exact", &exact)
            .field("patterns", &self.patterns.iter().map(|p| p.as_pattern()).collect::<Vec<_>>())
            .field("regexes", &self.regexes.iter().map(Regex::as_str).collect::<Vec<_>>())
            .field("predicates", &self.predicates.len())
            .field("async_checks", &self.async_checks)
            .finish()
    }
}

impl fmt::Display for OriginRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(error) => write!(f, "malformed Origin: {error}"),
            Self::NullNotListed => f.write_str("origin `null` is not listed"),
            Self::NotAllowed => f.write_str("origin not allowed"),
            Self::CheckMissedDeadline => {
                f.write_str("the asynchronous origin check missed its deadline, so the origin is refused")
            }
            Self::CheckLimitReached => f.write_str(
                "the policy had its limit of asynchronous origin checks in flight, so the origin was refused without asking",
            ),
        }
    }
}

/// FxHash (rustc's hasher): a multiply and a rotate per word. The set is built from
/// configuration, never from requests, so its bucket layout is fixed and a client can only
/// probe it; that rules out the collision flooding a keyed hash protects against, and a
/// lookup hashes far less than SipHash would (BENCHMARKS.md has the figures).
#[derive(Default, Clone, Copy)]
pub(crate) struct OriginHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl OriginHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for OriginHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        // A multiply mixes a word into the high bits only, and hashbrown picks the bucket from
        // the low bits: rotate the well-mixed bits down (as rustc-hash 2 does), or origins that
        // differ only in their middle crowd into a few buckets (10 000 of them made a lookup
        // 2.5 times slower than 1 000).
        self.0.rotate_left(26)
    }
}
