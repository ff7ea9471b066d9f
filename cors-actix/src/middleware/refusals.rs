//! How a layer reports the refusals it decides: the debug log (or a `tracing` event), the
//! application's hook, and in development the explanation header.
//!
//! A report is made only when someone asks for it: the log is listened to, the layer (or one
//! around it) has a hook or gives explanations. A layer answering the refusal itself (`403`)
//! reports at once; one whose refusal lets the handler run reports when the app's response is
//! known, and only if the response is its to decorate (a layer inside that governs the request
//! reports its own decision instead).

use std::{
    borrow::Cow,
    fmt,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use actix_web::{
    dev::ServiceRequest,
    http::{header::HeaderValue, StatusCode},
    HttpMessage, HttpRequest, HttpResponse,
};

use crate::{
    explain::{self, Explanation},
    policy::{AllowOrigin, Decision, Refusal},
    request::CorsRequest,
    route::RouteCors,
    Policy, Verdict,
};

/// How a layer reports the refusals it decides: in the debug log, naming the `#[cors]` route
/// whose policy refused, to the application's hook, and, in development, in a response header.
#[derive(Debug, Clone, Default)]
pub(super) struct Refusals {
    pub(super) route: Option<&'static RouteCors>,
    pub(super) explain: bool,
    /// The response to a request cross-origin request protection refuses, when not `403`.
    pub(super) cross_origin_refusal: Option<fn(&HttpRequest) -> HttpResponse>,
    /// Called with the explanation of every refusal the layer decides.
    pub(super) on_refusal: Option<OnRefusal>,
}

/// The application's hook for refusals ([`Cors::on_refusal`](crate::Cors::on_refusal)).
#[derive(Clone)]
pub(super) struct OnRefusal(pub(super) Arc<dyn Fn(&Explanation) + Send + Sync>);

impl fmt::Debug for OnRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OnRefusal(..)")
    }
}

/// What a layer asks of the refusals of the layers inside it: a `Cors` with
/// [`explain_refusals`](crate::Cors::explain_refusals),
/// [`on_refusal`](crate::Cors::on_refusal) or
/// [`on_cross_origin_refusal`](crate::Cors::on_cross_origin_refusal) around `#[cors]` routes
/// passes them on, so that the routes' own refusals answer as its do. Put in the request only
/// by a layer with such options: the others pay nothing.
#[derive(Debug, Clone)]
struct PassedOn(Refusals);

/// Whether some `Cors` in this process was built to report refusals (a hook, explanations).
/// Until one is, an allowed request never looks for what would report it: that look costs
/// it one load, and the log's own level check.
static REPORTED: AtomicBool = AtomicBool::new(false);

impl Refusals {
    /// Whether layers inside are to answer refusals as this one does.
    pub(super) fn has_options(&self) -> bool {
        self.reports() || self.cross_origin_refusal.is_some()
    }

    /// Whether this layer reports refusals to the application (a hook, explanations).
    fn reports(&self) -> bool {
        self.explain || self.on_refusal.is_some()
    }

    /// Notes, when a layer is built, that it reports refusals.
    pub(super) fn note_built(&self) {
        if self.reports() {
            REPORTED.store(true, Ordering::Relaxed);
        }
    }

    /// Hands this layer's options to the layers inside, in the request.
    pub(super) fn pass_on(&self, req: &ServiceRequest) {
        req.extensions_mut().insert(PassedOn(Refusals { route: None, ..self.clone() }));
    }

    /// These refusals with an outer layer's options where this layer has none.
    pub(super) fn inherit(&self, outer: &Self) -> Self {
        Self {
            route: self.route,
            explain: self.explain || outer.explain,
            cross_origin_refusal: self.cross_origin_refusal.or(outer.cross_origin_refusal),
            on_refusal: self.on_refusal.clone().or_else(|| outer.on_refusal.clone()),
        }
    }

    /// These refusals with what an outer layer passed on in the request. Read only when
    /// refusing, or when someone may want to hear of an allowed request's credentials.
    pub(super) fn with_outer(&self, req: &HttpRequest) -> Cow<'_, Self> {
        match req.extensions().get::<PassedOn>() {
            Some(PassedOn(outer)) => Cow::Owned(self.inherit(outer)),
            None => Cow::Borrowed(self),
        }
    }

    /// Whether a report of an allowed request could be wanted: the log is listened to, or
    /// some layer reports refusals. A few instructions when neither holds.
    #[inline]
    pub(super) fn may_be_wanted() -> bool {
        REPORTED.load(Ordering::Relaxed) || listening()
    }
}

/// Whether refusals are logged: a `tracing` subscriber (feature `tracing`) or a `log` logger
/// takes debug events of the target `cors_actix`.
#[inline]
fn listening() -> bool {
    #[cfg(feature = "tracing")]
    if tracing::enabled!(target: "cors_actix", tracing::Level::DEBUG) {
        return true;
    }
    log::log_enabled!(target: "cors_actix", log::Level::Debug)
}

/// Who answered a refused request: this crate (`403`, or the app's refusal page in its
/// place), or the app (the handler, or an inner service), which ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AnsweredBy {
    Cors,
    App,
}

#[cfg(feature = "tracing")]
impl AnsweredBy {
    fn as_str(self) -> &'static str {
        match self {
            Self::Cors => "cors",
            Self::App => "app",
        }
    }
}

/// A refusal someone asked to hear of, with what each of them needs. Made only then.
pub(super) struct Report {
    explanation: Explanation,
    route: Option<&'static RouteCors>,
    /// Whether the log was listened to when the refusal was decided.
    log: bool,
    explain: bool,
    on_refusal: Option<OnRefusal>,
    /// The event's fields that the explanation does not hold.
    #[cfg(feature = "tracing")]
    fields: EventFields,
}

/// What a `tracing` event says beside the explanation.
#[cfg(feature = "tracing")]
struct EventFields {
    requested_headers: String,
    refused_method: Option<String>,
    refused_header: Option<String>,
}

impl Report {
    /// The report of `refusal`, if anyone asks for it. What explains a refusal (a parse of
    /// the origin, an allocation) is paid for only then.
    pub(super) fn of_refusal(
        request: &CorsRequest<'_>,
        policy: &Policy,
        refusals: &Refusals,
        refusal: Refusal<'_>,
    ) -> Option<Self> {
        let log = listening();
        if !log && !refusals.reports() {
            return None;
        }
        let explanation = Explanation::of(policy, request, Decision::Refused(refusal));
        Some(Self::new(explanation, request, Some(refusal), refusals, log))
    }

    /// The report of an allowed actual request whose response a page that sent it with
    /// credentials cannot read, if anyone asks for it: the credentials rule, which the browser
    /// applies and the policy does not.
    #[cold]
    #[inline(never)]
    pub(super) fn of_credentials(
        req: &HttpRequest,
        request: &CorsRequest<'_>,
        policy: &Policy,
        refusals: &Refusals,
        allow_origin: AllowOrigin<'_>,
    ) -> Option<Box<Self>> {
        if !explain::unreadable_with_credentials(policy, request, allow_origin) {
            return None;
        }
        let log = listening();
        let refusals = refusals.with_outer(req);
        if !log && !refusals.reports() {
            return None;
        }
        let explanation = Explanation::of(policy, request, Decision::Actual(allow_origin));
        debug_assert_eq!(explanation.verdict, Verdict::Unreadable);
        Some(Box::new(Self::new(explanation, request, None, &refusals, log)))
    }

    fn new(
        explanation: Explanation,
        request: &CorsRequest<'_>,
        refusal: Option<Refusal<'_>>,
        refusals: &Refusals,
        log: bool,
    ) -> Self {
        #[cfg(not(feature = "tracing"))]
        let _ = (request, refusal);
        Self {
            #[cfg(feature = "tracing")]
            fields: EventFields::of(request, refusal, log),
            explanation,
            route: refusals.route,
            log,
            explain: refusals.explain,
            on_refusal: refusals.on_refusal.clone(),
        }
    }

    /// Tells whoever asked: logs the refusal with the status `answered_by` answered, calls
    /// the hook, and returns the explanation as a header value when the layer gives them.
    pub(super) fn finish(self, status: StatusCode, answered_by: AnsweredBy) -> Option<HeaderValue> {
        if self.log {
            self.log_refusal(status, answered_by);
        }
        if let Some(OnRefusal(hook)) = &self.on_refusal {
            hook(&self.explanation);
        }
        // Client bytes in it are escaped, so it is always a valid value.
        self.explain.then(|| HeaderValue::from_str(&self.explanation.to_string()).ok()).flatten()
    }

    fn log_refusal(&self, status: StatusCode, answered_by: AnsweredBy) {
        let explanation = &self.explanation;
        let line = Line { explanation, status, answered_by, route: self.route };
        #[cfg(feature = "tracing")]
        {
            let EventFields { requested_headers, refused_method, refused_header } = &self.fields;
            tracing::debug!(
                target: "cors_actix",
                preflight = explanation.kind == crate::RequestKind::Preflight,
                method = explanation.method,
                path = explanation.path,
                origin = explanation.origin.as_deref().unwrap_or_default(),
                requested_headers = requested_headers.as_str(),
                rule = explanation.rule.map(crate::Rule::as_str),
                forbidden = explanation.verdict == Verdict::Forbidden,
                status = status.as_u16(),
                answered_by = answered_by.as_str(),
                refused_method = refused_method.as_deref(),
                refused_header = refused_header.as_deref(),
                route = self.route.map(RouteCors::handler),
                "{line}",
            );
        }
        #[cfg(not(feature = "tracing"))]
        log::debug!(target: "cors_actix", "{line}");
    }
}

#[cfg(feature = "tracing")]
impl EventFields {
    fn of(request: &CorsRequest<'_>, refusal: Option<Refusal<'_>>, log: bool) -> Self {
        use crate::{
            policy::{Escaped, Reason},
            request::RequestedHeaders,
        };
        let mut fields =
            Self { requested_headers: String::new(), refused_method: None, refused_header: None };
        if !log {
            return fields;
        }
        if let Some(RequestedHeaders::One(list)) = request.preflight.map(|asked| asked.headers()) {
            fields.requested_headers = Escaped(list.as_bytes()).to_string();
        }
        match refusal.map(|refusal| refusal.reason) {
            Some(Reason::MalformedMethod(method) | Reason::MethodNotAllowed(method)) => {
                fields.refused_method = Some(Escaped(method).to_string());
            }
            Some(Reason::HeaderNotAllowed(name)) => fields.refused_header = Some(Escaped(name).to_string()),
            _ => {}
        }
        fields
    }
}

/// The log line of a refusal: its explanation, who answered with which status, and the
/// `#[cors]` route whose policy refused, if one did.
struct Line<'a> {
    explanation: &'a Explanation,
    status: StatusCode,
    answered_by: AnsweredBy,
    route: Option<&'a RouteCors>,
}

impl fmt::Display for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.status.as_u16();
        write!(f, "{}", self.explanation)?;
        match self.answered_by {
            AnsweredBy::Cors => write!(f, "; answered {status} by cors-actix")?,
            AnsweredBy::App => write!(f, "; the app answered {status}")?,
        }
        if let Some(route) = self.route {
            write!(f, "; policy of route {}", route.handler())?;
        }
        Ok(())
    }
}

/// Says, once per layer, that a routing pass reached no `#[cors]` route or `Cors` layer, and
/// what to do if one was meant to govern: most such passes reached a plain resource, but one
/// stopped by a middleware that awaits before calling its service looks the same.
#[cold]
pub(super) fn note_ungoverned_pass(req: &ServiceRequest) {
    let (method, path) = (req.method().as_str(), req.path());
    #[cfg(feature = "tracing")]
    tracing::debug!(
        target: "cors_actix",
        method,
        path,
        "a routing pass reached no `#[cors]` route or `Cors` layer inside this `Cors`, so its own policy \
         decides (said once per layer); if a route or layer inside should govern such requests, a \
         middleware between them awaits before calling its service: put that middleware on the routes \
         (`wrap = ..`), or outside this `Cors`",
    );
    #[cfg(not(feature = "tracing"))]
    log::debug!(
        target: "cors_actix",
        "a routing pass for {method} {path} reached no `#[cors]` route or `Cors` layer inside this `Cors`, \
         so its own policy decides (said once per layer); if a route or layer inside should govern such \
         requests, a middleware between them awaits before calling its service: put that middleware on \
         the routes (`wrap = ..`), or outside this `Cors`",
    );
}
