//! The policy: validated once, with every header value rendered once, then only read.

mod decide;
mod headers;
mod methods;
mod origin_check;
mod origins;
mod protection;
mod response;

use std::{fmt, future::Future, sync::Arc, time::Duration};

use actix_web::http::{header::HeaderValue, Method};
use cors_actix_grammar::{check_policy, warn_policy, PolicyInput};

pub use self::decide::Rule;
pub use self::decide::{AllowOrigin, Decision, PreflightAnswer, Reason, Refusal};
pub(crate) use self::decide::{Escaped, ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK};
pub(crate) use self::headers::{AllowHeaders, ExposeHeaders, HeadersRefusal};
pub(crate) use self::methods::AllowMethods;
#[cfg(feature = "cache")]
use self::origin_check::CacheSettings;
use self::origin_check::CheckSettings;
pub(crate) use self::origin_check::{CheckedOrigin, OriginCheck};
pub use self::origins::OriginRefusal;
pub(crate) use self::origins::{AllowOrigins, AsyncOriginPredicate, OriginPredicate, OriginVerdict};
pub use self::protection::CrossOriginRefusal;
pub(crate) use self::response::Decoration;
use self::response::{MaxAge, VaryValues};
use crate::error::{PolicyError, Problem, Warning};

/// The origins of [`PolicyBuilder::local_development`]: this machine, any port.
const LOOPBACK_ORIGINS: [&str; 6] = [
    "http://localhost:*",
    "http://127.0.0.1:*",
    "http://[::1]:*",
    "https://localhost:*",
    "https://127.0.0.1:*",
    "https://[::1]:*",
];

/// What to do with an actual (non-preflight) request from an origin the policy does not allow.
///
/// A WebSocket handshake (`Upgrade: websocket`) from such an origin is refused with `403`
/// either way, before the handler: browsers open cross-origin WebSockets without asking,
/// with the user's cookies, and nothing keeps the page from the socket once it is open.
/// Handshakes without `Origin` (not from a browser) and from the server's own origin pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize), serde(rename_all = "lowercase"))]
pub enum OnMismatch {
    /// Run the handler and send its response without CORS headers: the browser then
    /// refuses to let the page read it. This is what the Fetch protocol expects of a server.
    #[default]
    Omit,
    /// Answer `403 Forbidden` without running the handler. Use it where a handler has side
    /// effects that a cross-site "simple" request (a form-encoded `POST`, say) must not
    /// trigger. Same-origin requests, which carry `Origin` too, are never refused.
    Reject,
}

/// A CORS policy: which origins may read responses, with which methods and headers.
///
/// Built once by [`Policy::builder`] (for values read at run time) or by the `policy!` and
/// `#[cors]` macros (checked at compile time), then shared read-only by every worker.
/// Every response header value is rendered when the policy is built; answering a request
/// only copies them.
///
/// ```
/// use cors_actix::Policy;
///
/// let policy = Policy::builder()
///     .allow_origins(["https://app.example", "https://*.app.example"])
///     .allow_methods(["GET", "POST", "DELETE"])
///     .allow_headers(["content-type", "x-api-key"])
///     .expose_headers(["x-request-id"])
///     .allow_credentials(true)
///     .max_age(600)
///     .build()?;
/// assert!(policy.allows_credentials());
/// # Ok::<_, cors_actix::PolicyError>(())
/// ```
#[derive(Clone)]
pub struct Policy {
    pub(crate) origins: AllowOrigins,
    pub(crate) methods: AllowMethods,
    pub(crate) allow_headers: AllowHeaders,
    pub(crate) expose_headers: ExposeHeaders,
    pub(crate) credentials: bool,
    pub(crate) max_age: Option<MaxAge>,
    pub(crate) private_network: bool,
    pub(crate) on_mismatch: OnMismatch,
    pub(crate) cross_origin_protection: bool,
    /// The origins browsers reach this server by, when configured: same-origin requests are
    /// recognized by them rather than by `Host`.
    pub(crate) public_origins: Vec<HeaderValue>,
    /// What it allows that is probably not meant; logged when it was built.
    pub(crate) warnings: Vec<Warning>,
    /// What the answers depend on, for `Vary`.
    pub(crate) vary: VaryValues,
}

impl Policy {
    /// Starts a policy. Nothing is allowed until origins are added.
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder::default()
    }

    /// Whether responses carry `Access-Control-Allow-Credentials: true`.
    pub fn allows_credentials(&self) -> bool {
        self.credentials
    }

    /// Whether any origin is allowed (`*`).
    pub fn allows_any_origin(&self) -> bool {
        self.origins.is_any()
    }

    /// The methods named in `Access-Control-Allow-Methods`, in configured order (without
    /// `*`).
    pub fn allowed_methods(&self) -> &[Method] {
        self.methods.methods()
    }

    /// Whether every method is allowed (`*`: answered `*`, or, with credentials, with the
    /// method the preflight asks for).
    pub fn allows_any_method(&self) -> bool {
        self.methods.is_any()
    }

    /// The request headers listed as allowed (lower case), without `*`.
    pub fn allowed_headers(&self) -> &[String] {
        self.allow_headers.names()
    }

    /// Whether any request header is allowed, `Authorization` included (`*`, answered by
    /// mirroring the request's list).
    pub fn allows_any_header(&self) -> bool {
        self.allow_headers.is_any()
    }

    /// The response headers listed as exposed (lower case), without `*`.
    pub fn exposed_headers(&self) -> &[String] {
        self.expose_headers.names()
    }

    /// Whether every response header is exposed (`*`).
    pub fn exposes_any_header(&self) -> bool {
        self.expose_headers.is_any()
    }

    /// `Access-Control-Max-Age` in seconds as sent, if set: at most 86400, what browsers
    /// honour at most (a longer one given to [`PolicyBuilder::max_age`] is cut to it, with a
    /// warning).
    pub fn max_age(&self) -> Option<u32> {
        self.max_age.as_ref().map(MaxAge::seconds)
    }

    /// Whether Private Network Access preflights are allowed.
    pub fn allows_private_network(&self) -> bool {
        self.private_network
    }

    /// What happens to actual requests from origins that are not allowed.
    pub fn on_mismatch(&self) -> OnMismatch {
        self.on_mismatch
    }

    /// What the policy says that has no effect, or allows that is probably not meant, found
    /// when it was built (and then logged at warn level): a value listed twice, a method or
    /// header browsers never send or expose, a max-age over a day (which browsers cut), a
    /// wildcard over a public suffix. Empty for a policy built by `#[cors]` or `policy!`,
    /// whose warnings are the compiler's.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Whether responses depend on the request's `Origin` (and so carry `Vary: Origin`).
    pub fn varies_with_origin(&self) -> bool {
        self.vary.actual().is_some()
    }

    /// Drops the [cached](PolicyBuilder::cache_origin_checks) answers of the asynchronous
    /// origin check about `origin` (a serialized origin, `https://shop.example`), for every
    /// host, so that the next request from it asks the store again: call it when a tenant's
    /// origin is added to the store or removed from it. Effective at once, for every clone of
    /// the policy (they share the cache). Does nothing for an origin that is not cached, and
    /// for a policy without a cache.
    ///
    /// An answer the store is giving while this runs may still be cached afterwards: call it
    /// after the store has changed.
    #[cfg(feature = "cache")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
    pub fn forget_origin(&self, origin: &str) {
        if let Some(checks) = self.origins.async_checks() {
            checks.forget(origin);
        }
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("origins", &self.origins)
            .field("methods", &self.methods.header())
            .field("allow_headers", &self.allow_headers)
            .field("expose_headers", &self.expose_headers.header())
            .field("credentials", &self.credentials)
            .field("max_age", &self.max_age())
            .field("private_network", &self.private_network)
            .field("on_mismatch", &self.on_mismatch)
            .field("cross_origin_protection", &self.cross_origin_protection)
            .field("public_origins", &self.public_origins)
            .finish()
    }
}

/// Builds a [`Policy`] from values known only at run time (config files, environment).
///
/// Setters only record; [`PolicyBuilder::build`] checks everything at once and reports
/// every problem in a [`PolicyError`]. Nothing here panics.
#[derive(Clone, Default, Debug)]
#[must_use]
pub struct PolicyBuilder {
    /// What the grammar's checker reads, as given: `build` hands it over as it is. Its
    /// `methods` stay `None` until methods are given (then the defaults apply); an empty
    /// list given is an error, not the defaults.
    input: PolicyInput<String>,
    origin_predicates: Predicates<OriginPredicate>,
    async_origin_predicates: Predicates<AsyncOriginPredicate>,
    /// The deadline, limit and cache of the asynchronous checks.
    origin_checks: CheckSettings,
    private_network: bool,
    on_mismatch: OnMismatch,
}

/// Origin predicates, which `Debug` shows by their number.
#[derive(Clone)]
struct Predicates<P>(Vec<P>);

impl<P> Default for Predicates<P> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<P> fmt::Debug for Predicates<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.len().fmt(f)
    }
}

impl PolicyBuilder {
    /// A starting point for development against a front-end dev server on the same machine
    /// (`http://localhost:5173` and the like): every loopback origin on any port
    /// (`http://localhost:*`, `http://127.0.0.1:*`, `http://[::1]:*`, and the same over
    /// `https`), any method, any request header (mirrored, `Authorization` included), and
    /// credentials.
    ///
    /// Safe by construction: only pages served from this machine can read responses. (This is
    /// what to use instead of actix-cors's `Cors::permissive()`, which lets every site on the
    /// web read responses with the user's cookies.) Add to it like to any builder:
    ///
    /// ```
    /// use cors_actix::Policy;
    ///
    /// let policy = cors_actix::PolicyBuilder::local_development()
    ///     .allow_header("authorization")
    ///     .expose_header("x-request-id")
    ///     .build()?;
    /// assert!(policy.allows_credentials() && policy.allows_any_method());
    /// # Ok::<_, cors_actix::PolicyError>(())
    /// ```
    pub fn local_development() -> Self {
        Policy::builder()
            .allow_origins(LOOPBACK_ORIGINS)
            .allow_method("*")
            .allow_any_header()
            .allow_credentials(true)
    }

    /// Allows one origin: an exact serialized origin (`https://app.example`), a pattern
    /// (`https://*.app.example`, `http://localhost:*`), `null` (opaque origins, only ever
    /// matched when listed; not with cross-origin request protection), or `*` (any origin,
    /// answered with `*`; not with credentials).
    ///
    /// Exact origins are compared byte for byte, as browsers serialize them: lower case,
    /// no default port, no trailing slash. A string that cannot match anything is an error
    /// at [`build`](Self::build), with the corrected origin suggested; one given twice is a
    /// warning (the repeat has no effect).
    pub fn allow_origin(mut self, origin: impl Into<String>) -> Self {
        self.input.origins.push(origin.into());
        self
    }

    /// Allows several origins; see [`allow_origin`](Self::allow_origin).
    pub fn allow_origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.input.origins.extend(origins.into_iter().map(Into::into));
        self
    }

    /// Allows any origin, answering `Access-Control-Allow-Origin: *`. Cannot be combined
    /// with credentials.
    pub fn allow_any_origin(self) -> Self {
        self.allow_origin("*")
    }

    /// Allows no origin, on purpose: the policy refuses every preflight and lets no page of
    /// another origin read a response; same-origin requests are untouched. It is the form of
    /// `origins = []` in `#[cors]`, `policy!` and a configuration file.
    ///
    /// Two uses: opting a route out of a broader policy (an admin endpoint under an API that
    /// allows `*`, as ASP.NET's `[DisableCors]` does), and a same-origin app that wants only
    /// [`cross_origin_protection`](Self::cross_origin_protection) or the WebSocket check
    /// (which need no origin list; this says so explicitly). A policy that allows no origin
    /// without either is refused, since it is usually an origin list left empty by mistake;
    /// this together with an allowed origin is refused too.
    ///
    /// A route's policy replaces the policy around it entirely, so a route opted out under an
    /// app-wide policy with cross-origin request protection keeps the protection only when its
    /// own policy turns it on too (`origins = [], cross_origin_protection = true`).
    ///
    /// ```
    /// use cors_actix::{Cors, Policy};
    ///
    /// let admin = Policy::builder().allow_no_origins().on_mismatch(cors_actix::OnMismatch::Reject).build()?;
    /// # let _ = Cors::new(admin);
    /// assert!(Policy::builder().build().is_err(), "no origin, not on purpose");
    /// # Ok::<_, cors_actix::PolicyError>(())
    /// ```
    pub fn allow_no_origins(mut self) -> Self {
        self.input.no_origins = true;
        self
    }

    /// Allows origins matching a regex, which must be anchored (`^...$`) so that
    /// `https://app.example.evil.net` cannot slip through. The regex sees the whole
    /// `Origin` value, already checked to be a serialized origin.
    pub fn allow_origin_regex(mut self, regex: impl Into<String>) -> Self {
        self.input.origin_regexes.push(regex.into());
        self
    }

    /// Allows origins for which `predicate` returns true, for lists that change at run time.
    /// It is called only with well-formed origins, never with `null`, and only when no exact
    /// origin, pattern or regex matched.
    pub fn allow_origin_fn<F>(mut self, predicate: F) -> Self
    where
        F: Fn(&HeaderValue, &actix_web::dev::RequestHead) -> bool + Send + Sync + 'static,
    {
        self.origin_predicates.0.push(Arc::new(predicate));
        self.input.has_origin_predicate = true;
        self
    }

    /// Allows origins for which `check` resolves to true: for allow-lists kept in a database
    /// or a tenant service. The future owns what it needs (clone the origin into it) and need
    /// not be `Send`.
    ///
    /// It is asked last, and only when it can change the answer: about a well-formed origin
    /// (never `null`) that no exact origin, pattern, regex or predicate allowed, of a request
    /// that every other rule of the policy allows. Policies without it never wait.
    ///
    /// Bounded by default: a request waits at most
    /// [`origin_check_deadline`](Self::origin_check_deadline) (one second) for the answer, and
    /// at most [`origin_check_limit`](Self::origin_check_limit) (64) requests of the policy
    /// ask the store at once; past either, the origin is refused, by the `origin` rule, with
    /// the reason in the log. A browser asks again at every preflight and request, from every
    /// origin a page names, whether it exists or not: with the `cache` feature,
    /// [`cache_origin_checks`] keeps the answers for a while and asks the store once for all
    /// the requests from one origin meanwhile.
    ///
    /// [`cache_origin_checks`]: https://docs.rs/cors-actix/latest/cors_actix/struct.PolicyBuilder.html#method.cache_origin_checks
    ///
    /// ```
    /// use std::{collections::HashSet, sync::{Arc, RwLock}};
    /// use cors_actix::Policy;
    ///
    /// let tenants = Arc::new(RwLock::new(HashSet::from(["https://shop.example".to_owned()])));
    /// let policy = Policy::builder()
    ///     .allow_origin("https://app.example")
    ///     .allow_origin_async(move |origin, _head| {
    ///         let (tenants, origin) = (Arc::clone(&tenants), origin.clone());
    ///         async move {
    ///             // A database query would go here.
    ///             origin.to_str().is_ok_and(|origin| tenants.read().unwrap().contains(origin))
    ///         }
    ///     })
    ///     .build()?;
    /// # Ok::<_, cors_actix::PolicyError>(())
    /// ```
    pub fn allow_origin_async<F, Fut>(mut self, check: F) -> Self
    where
        F: Fn(&HeaderValue, &actix_web::dev::RequestHead) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + 'static,
    {
        self.async_origin_predicates.0.push(Arc::new(move |origin, head| Box::pin(check(origin, head))));
        self.input.has_origin_predicate = true;
        self
    }

    /// How long a request waits for the [asynchronous origin check](Self::allow_origin_async)
    /// before its origin is refused (the `origin` rule, with the reason "missed its
    /// deadline"), so that a hung store never holds a request. The deadline runs from the
    /// first store call of the request and covers every check it makes; with a
    /// [cache] (feature `cache`), the requests waiting for another's call to the
    /// store get that call's answer, or its refusal, when it ends. A miss is not cached.
    ///
    /// Default: one second. A browser's preflight, and the page behind it, wait on the check;
    /// a store slower than that is down as far as CORS goes. Zero is an error at
    /// [`build`](Self::build) (every such origin would be refused without an answer); over
    /// 60 seconds is a warning: that is how long a reverse proxy waits for the server by
    /// default (nginx's `proxy_read_timeout`), so the client has had its `504` by then.
    ///
    /// [cache]: https://docs.rs/cors-actix/latest/cors_actix/struct.PolicyBuilder.html#method.cache_origin_checks
    pub fn origin_check_deadline(mut self, deadline: Duration) -> Self {
        self.origin_checks.deadline = Some(deadline);
        self
    }

    /// How many calls to the store the policy's
    /// [asynchronous origin check](Self::allow_origin_async) may have in flight at once,
    /// counted over every worker and every clone of the policy. A request past the limit is
    /// refused at once (the `origin` rule, with the reason "limit ... in flight"): it does not
    /// queue, since a queue is what a flood of made-up origins fills. Answers from the
    /// [cache] (feature `cache`), and requests waiting for another's call to the
    /// store, take no place.
    ///
    /// Default: 64, far more than a healthy store has pending from one server, and few enough
    /// that a flood cannot pile up connections or queries on it. Zero is an error at
    /// [`build`](Self::build): no origin could ever be asked about.
    ///
    /// [cache]: https://docs.rs/cors-actix/latest/cors_actix/struct.PolicyBuilder.html#method.cache_origin_checks
    pub fn origin_check_limit(mut self, limit: usize) -> Self {
        self.origin_checks.limit = Some(limit);
        self
    }

    /// Keeps the answers of the [asynchronous origin check](Self::allow_origin_async) for up to
    /// `capacity` origins (the least used go first), for the times to live of
    /// [`origin_check_ttl`](Self::origin_check_ttl): by default five minutes for an allowed
    /// origin, one for a refused one. Every clone of the policy, and so every worker, shares
    /// the cache, and requests from one origin while the store is being asked about it wait
    /// for that one call's answer (on whichever worker it runs). A missed deadline or the
    /// [limit](Self::origin_check_limit) is not cached: every request waiting for that call
    /// is refused, and the next one asks again.
    ///
    /// The answer is cached by origin and host (the request's `Host`, or its URI's authority
    /// in HTTP/2), so a check may read the host to find the tenant whose origins apply, and an
    /// origin one tenant allows is never taken as allowed by another. Nothing else of the
    /// request is part of the key: a check whose answer depends on more (the path, another
    /// header) must not be cached. After adding or removing an origin in the store, call
    /// [`Policy::forget_origin`] to have it asked again at once.
    ///
    /// On a cache hit the check is still called, to make its future, but the future is dropped
    /// without being polled: keep the store query inside the future (an `async` block), as
    /// below, not in the closure.
    ///
    /// A capacity of zero is a warning at [`build`](Self::build): nothing is kept.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cors_actix::Policy;
    ///
    /// let policy = Policy::builder()
    ///     .allow_origin_async(|origin, _head| {
    ///         let origin = origin.clone();
    ///         async move { origin == "https://shop.example" } // A database query would go here.
    ///     })
    ///     .origin_check_deadline(Duration::from_millis(300))
    ///     .cache_origin_checks(10_000)
    ///     .origin_check_ttl(Duration::from_secs(600), Duration::from_secs(30))
    ///     .build()?;
    /// # Ok::<_, cors_actix::PolicyError>(())
    /// ```
    #[cfg(feature = "cache")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
    pub fn cache_origin_checks(mut self, capacity: u64) -> Self {
        self.origin_checks.cache = Some(CacheSettings { capacity });
        self
    }

    /// How long a [cached](Self::cache_origin_checks) answer is kept: `allowed` for an origin
    /// the check allowed, `refused` for one it did not. Defaults: five minutes and one minute.
    /// A refused origin is kept for less because a tenant that has just been added waits that
    /// long (unless the app calls [`Policy::forget_origin`]); a flood of made-up origins costs
    /// one store call per origin per `refused`, at most. A zero time keeps that kind of answer
    /// out of the cache (requests from one origin still share a call in flight). Without
    /// [`cache_origin_checks`](Self::cache_origin_checks) it has no effect, and is a warning at
    /// [`build`](Self::build).
    #[cfg(feature = "cache")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
    pub fn origin_check_ttl(mut self, allowed: Duration, refused: Duration) -> Self {
        self.origin_checks.ttl = Some((allowed, refused));
        self
    }

    /// Allows a method in preflights. Methods are case-sensitive tokens; the CORS-safelisted
    /// `GET`, `HEAD` and `POST` are always accepted. Default when none is given: `GET`,
    /// `HEAD`, `POST`. `"*"` allows every method: answered `*`, or, with credentials (for
    /// which browsers read `*` as a method's name), with the method the preflight asks for.
    pub fn allow_method(mut self, method: impl AsRef<str>) -> Self {
        self.input.methods.get_or_insert_with(Vec::new).push(method.as_ref().to_owned());
        self
    }

    /// Allows several methods; see [`allow_method`](Self::allow_method). Accepts `&str`,
    /// `String` or [`Method`].
    ///
    /// Giving a list replaces the default methods, so a list with no method in it is an error
    /// at [`build`](Self::build) (a policy that allows no method but the safelisted ones
    /// would say so otherwise): give at least one, or do not call this.
    pub fn allow_methods<I>(mut self, methods: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.input
            .methods
            .get_or_insert_with(Vec::new)
            .extend(methods.into_iter().map(|m| m.as_ref().to_owned()));
        self
    }

    /// Allows a request header (case-insensitive). `*` allows any header, `Authorization`
    /// included: see [`allow_any_header`](Self::allow_any_header). A name that is not a token
    /// is an error at [`build`](Self::build); one browsers never let a page send (`cookie`,
    /// `host`, `sec-*`, ...) is a warning, since listing it does nothing.
    pub fn allow_header(mut self, name: impl AsRef<str>) -> Self {
        self.input.allow_headers.push(name.as_ref().to_owned());
        self
    }

    /// Allows several request headers; see [`allow_header`](Self::allow_header). Accepts
    /// `&str`, `String` or [`HeaderName`](actix_web::http::header::HeaderName).
    pub fn allow_headers<I>(mut self, names: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.input.allow_headers.extend(names.into_iter().map(|n| n.as_ref().to_owned()));
        self
    }

    /// Allows any request header, `Authorization` included, as actix-cors and tower-http do.
    /// The preflight is answered by mirroring its `Access-Control-Request-Headers`, never with
    /// a `*`: a browser would not read a `*` as covering `Authorization` (Fetch), nor, with
    /// credentials, as anything but a header's name.
    pub fn allow_any_header(self) -> Self {
        self.allow_header("*")
    }

    /// Lets the page read a response header beyond the CORS-safelisted ones. `set-cookie`,
    /// which browsers never expose, is a warning at [`build`](Self::build).
    pub fn expose_header(mut self, name: impl AsRef<str>) -> Self {
        self.input.expose_headers.push(name.as_ref().to_owned());
        self
    }

    /// Exposes several response headers; see [`expose_header`](Self::expose_header).
    pub fn expose_headers<I>(mut self, names: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.input.expose_headers.extend(names.into_iter().map(|n| n.as_ref().to_owned()));
        self
    }

    /// Exposes every response header (`*`). Cannot be combined with credentials.
    pub fn expose_any_header(self) -> Self {
        self.expose_header("*")
    }

    /// Sends `Access-Control-Allow-Credentials: true`, so that requests made with cookies or
    /// HTTP authentication can be read. Requires explicit origins, headers and exposed headers.
    pub fn allow_credentials(mut self, allow: bool) -> Self {
        self.input.credentials = allow;
        self
    }

    /// How long, in seconds, a browser may cache a preflight answer
    /// (`Access-Control-Max-Age`). Unset, browsers cache for 5 seconds. Browsers cut longer
    /// values (Firefox at 86400 seconds, one day; Chromium at 7200, two hours), so a value
    /// over 86400 is sent as 86400, with a warning at [`build`](Self::build).
    pub fn max_age(mut self, seconds: u64) -> Self {
        self.input.max_age = Some(seconds);
        self
    }

    /// Answers Private Network Access preflights
    /// (`Access-Control-Request-Private-Network: true`) with
    /// `Access-Control-Allow-Private-Network: true`. Off by default: such preflights are refused.
    ///
    /// Legacy: Chromium put Private Network Access on hold and replaced it with Local Network
    /// Access, a permission the user grants to the page. It has no
    /// server header, so no policy can allow it; a page on a public site that calls a server on
    /// the user's machine or local network needs that permission whatever this says. Keep this
    /// option for browsers that still send the preflight.
    pub fn allow_private_network(mut self, allow: bool) -> Self {
        self.private_network = allow;
        self
    }

    /// Cross-origin request protection: refuses, with `403` before the handler, any
    /// state-changing request (a method other than `GET`, `HEAD` and `OPTIONS`) that a page
    /// on another site made the browser send, unless its origin is one this policy allows.
    /// CORS alone lets such a request reach the handler (a form `POST` needs no preflight);
    /// this closes that gap with the origins the policy already trusts, no second list and no
    /// token. Off by default.
    ///
    /// The browser's word decides: `Sec-Fetch-Site: same-origin` or `none` passes; any other
    /// `Sec-Fetch-Site` is refused unless the `Origin` is allowed; without `Sec-Fetch-Site`
    /// (older browsers), a request without `Origin` passes (not a browser), and one from the
    /// server's own origin or an allowed origin passes. Everything else, `null` included, is
    /// refused. [`build`](Self::build) refuses the protection together with `*`, which trusts
    /// every site, and with a listed `null`, which any site can make a browser send (from a
    /// sandboxed iframe or a `file:` page). Behind a proxy that changes `Host`, name the server's
    /// [`public_origin`](Self::public_origin)s, or same-origin requests from browsers too old
    /// to send `Sec-Fetch-Site` are refused. Exempt a route by giving it a `#[cors]` policy
    /// of its own without protection.
    ///
    /// A same-origin app, which lets no other site read its responses, turns the protection on
    /// in a policy that allows no origin at all:
    /// `Policy::builder().cross_origin_protection(true).build()` (or `policy! {
    /// cross_origin_protection = true }`). Every other site's state-changing requests and
    /// WebSocket handshakes are refused, and every preflight; the app's own pages work as
    /// before. Without the protection, a policy that allows no origin is refused as a mistake.
    pub fn cross_origin_protection(mut self, protect: bool) -> Self {
        self.input.cross_origin_protection = protect;
        self
    }

    /// Origins browsers reach this server by; see [`public_origin`](Self::public_origin).
    pub fn public_origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.input.public_origins.extend(origins.into_iter().map(Into::into));
        self
    }

    /// An origin browsers reach this server by (`https://api.example`), as they write it. With
    /// one or more, a request is from the server's own origin when its `Origin` is one of
    /// them, instead of when it names the `Host` the request arrived with: behind a proxy or
    /// load balancer that rewrites `Host`, that is the only way to tell. (`X-Forwarded-Host`
    /// and `Forwarded` are not read: a client can send them, unless the proxy strips them.)
    /// Used by cross-origin request protection, [`OnMismatch::Reject`] and the WebSocket
    /// check, which all let same-origin requests pass.
    pub fn public_origin(mut self, origin: impl Into<String>) -> Self {
        self.input.public_origins.push(origin.into());
        self
    }

    /// What to do with actual requests from origins that are not allowed; see [`OnMismatch`].
    pub fn on_mismatch(mut self, on_mismatch: OnMismatch) -> Self {
        self.on_mismatch = on_mismatch;
        self
    }

    /// Checks the configuration and renders every header value.
    ///
    /// # Errors
    /// A [`PolicyError`] listing every problem, that is everything that can never work or that
    /// trusts more than it says: malformed origins (with the corrected origin suggested), bad
    /// patterns, regexes that do not compile or are not anchored, methods and header names
    /// that are not tokens or lower-case standard methods, an empty method list, `*` mixed
    /// with other origins, any origin, broad regex, wildcard over a public suffix or exposed
    /// header together with credentials, no origin at all, cross-origin request protection
    /// together with `*` or a listed `null`, or a public origin that is not one exact
    /// origin, or a zero deadline or limit for the asynchronous origin check. Except for the
    /// last two, these are the rules the `#[cors]` and `policy!` macros check at compile time,
    /// from the same code.
    ///
    /// What builds but has no effect (a value listed twice, a method or header name browsers
    /// never send or expose, a max-age over 86400 seconds, which is sent as 86400, settings of
    /// an asynchronous origin check the policy does not have, a deadline for it over 60
    /// seconds, a cache for it of capacity 0) or is
    /// probably not meant (a wildcard over a public suffix such as `https://*.vercel.app`,
    /// without credentials) is logged at warn level and kept in [`Policy::warnings`]; the
    /// macros make the same findings compiler warnings.
    pub fn build(self) -> Result<Policy, PolicyError> {
        let mut problems = Vec::new();
        check_policy(&self.input, &mut |place, value, kind| {
            problems.push(Problem::new(place, value.map(String::as_str), kind));
        });
        self.origin_checks.check(&mut problems);
        if !problems.is_empty() {
            return Err(PolicyError::new(problems));
        }
        let mut warnings = Vec::new();
        warn_policy(&self.input, &mut |place, value, kind| {
            warnings.push(Warning::new(place, value.map(String::as_str), kind));
        });
        self.origin_checks.warn(!self.async_origin_predicates.0.is_empty(), &mut warnings);
        for warning in &warnings {
            log::warn!(target: "cors_actix", "CORS policy: {warning}");
        }
        let mut policy = self.assemble();
        policy.warnings = warnings;
        Ok(policy)
    }

    /// Renders a configuration that passed the grammar's checker (in `build`, or in the
    /// macros at compile time). It cannot fail; given values the checker would refuse, it
    /// leaves out the origins and regexes that do not parse and renders the rest as given.
    pub(crate) fn assemble(self) -> Policy {
        let input = self.input;
        let mut origins = AllowOrigins::default();
        origins.add_specs(&input.origins);
        origins.add_regexes(&input.origin_regexes);
        origins.add_predicates(&self.origin_predicates.0);
        origins.set_async_checks(&self.async_origin_predicates.0, &self.origin_checks);

        let methods = AllowMethods::new(input.methods.as_deref());
        let allow_headers = AllowHeaders::new(&input.allow_headers);
        let expose_headers = ExposeHeaders::new(&input.expose_headers);
        // Cut to what browsers honour, as `warn_policy` says.
        let max_age = input.max_age.map(MaxAge::new);
        let vary = VaryValues::new(origins.varies_with_origin(), self.private_network);

        Policy {
            origins,
            methods,
            allow_headers,
            expose_headers,
            credentials: input.credentials,
            max_age,
            private_network: self.private_network,
            on_mismatch: self.on_mismatch,
            cross_origin_protection: input.cross_origin_protection,
            // Checked to be serialized origins; one that is not could never match. A repeat (a
            // warning) is kept once.
            public_origins: input
                .public_origins
                .iter()
                .enumerate()
                .filter(|&(index, origin)| !input.public_origins[..index].contains(origin))
                .filter_map(|(_, origin)| HeaderValue::from_str(origin).ok())
                .collect(),
            warnings: Vec::new(),
            vary,
        }
    }
}

/// Joins validated tokens into one `a, b, c` header value.
pub(crate) fn join_header_value<'a>(parts: impl IntoIterator<Item = &'a str>) -> HeaderValue {
    let joined = parts.into_iter().collect::<Vec<_>>().join(", ");
    // Every part was checked to be an RFC 9110 token, so the value is always valid.
    shared(HeaderValue::from_str(&joined).unwrap_or_else(|_| HeaderValue::from_static("")))
}

/// A `HeaderValue` built from owned bytes allocates a shared header on its first clone; do
/// that clone now, at build time, so that copying it into responses never allocates.
fn shared(value: HeaderValue) -> HeaderValue {
    drop(value.clone());
    value
}

#[cfg(test)]
mod tests;
