//! How a layer reports the refusals it decides: the debug log (or a `tracing` event), and
//! in development the explanation header.

use actix_web::{dev::ServiceRequest, http::header::HeaderValue, HttpMessage, HttpRequest, HttpResponse};

use crate::{
    explain::Explanation,
    policy::{Decision, Refusal},
    request::CorsRequest,
    route::RouteCors,
    Policy,
};

/// How a layer reports the refusals it decides: in the debug log, naming the `#[cors]` route
/// whose policy refused, and, in development, in a response header.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Refusals {
    pub(super) route: Option<&'static RouteCors>,
    pub(super) explain: bool,
    /// The response to a request cross-origin request protection refuses, when not `403`.
    pub(super) cross_origin_refusal: Option<fn(&HttpRequest) -> HttpResponse>,
}

/// What a layer asks of the refusals of the layers inside it: a `Cors` with
/// [`explain_refusals`](crate::Cors::explain_refusals) or
/// [`on_cross_origin_refusal`](crate::Cors::on_cross_origin_refusal) around `#[cors]` routes
/// passes them on, so that the routes' own refusals answer as its do. Put in the request only
/// by a layer with such options: the others pay nothing.
#[derive(Debug, Clone, Copy)]
struct PassedOn(Refusals);

impl Refusals {
    /// Whether layers inside are to answer refusals as this one does.
    pub(super) fn has_options(&self) -> bool {
        self.explain || self.cross_origin_refusal.is_some()
    }

    /// Hands this layer's options to the layers inside, in the request.
    pub(super) fn pass_on(&self, req: &ServiceRequest) {
        req.extensions_mut().insert(PassedOn(Refusals { route: None, ..*self }));
    }

    /// These refusals with an outer layer's options where this layer has none.
    pub(super) fn inherit(self, outer: Self) -> Self {
        Self {
            explain: self.explain || outer.explain,
            cross_origin_refusal: self.cross_origin_refusal.or(outer.cross_origin_refusal),
            ..self
        }
    }

    /// These refusals with what an outer layer passed on in the request. Read only when
    /// refusing.
    pub(super) fn with_outer(self, req: &HttpRequest) -> Self {
        match req.extensions().get::<PassedOn>() {
            Some(PassedOn(outer)) => self.inherit(*outer),
            None => self,
        }
    }
}

/// Logs a refusal at debug level, and returns its explanation as a header value when the
/// layer gives them. What explains a refusal (a parse of the origin, an allocation) is paid
/// for only when someone listens.
pub(super) fn report_refusal(
    req: &HttpRequest,
    request: &CorsRequest<'_>,
    policy: &Policy,
    refusals: Refusals,
    refusal: Refusal<'_>,
) -> Option<HeaderValue> {
    #[cfg(feature = "tracing")]
    let listening = tracing::enabled!(target: "cors_actix", tracing::Level::DEBUG);
    #[cfg(not(feature = "tracing"))]
    let listening = false;
    let logging = listening || log::log_enabled!(target: "cors_actix", log::Level::Debug);
    if !logging && !refusals.explain {
        return None;
    }
    let explanation = Explanation::of(policy, request, Decision::Refused(refusal));
    if logging {
        log_refusal(req, request, refusals.route, &refusal, &explanation);
    }
    // Client bytes in it are escaped, so it is always a valid value.
    refusals.explain.then(|| HeaderValue::from_str(&explanation.to_string()).ok()).flatten()
}

fn log_refusal(
    req: &HttpRequest,
    request: &CorsRequest<'_>,
    route: Option<&RouteCors>,
    refusal: &Refusal<'_>,
    explanation: &Explanation,
) {
    // Which policy refused: a `#[cors]` route's (named by its handler) or a layer's.
    let handler = route.map_or("", RouteCors::handler);
    let by = if route.is_some() { "; policy of route " } else { "" };
    #[cfg(feature = "tracing")]
    {
        let requested_headers = match request.preflight.map(|asked| asked.headers()) {
            Some(crate::request::RequestedHeaders::One(list)) => list.as_bytes(),
            _ => b"",
        };
        tracing::debug!(
            target: "cors_actix",
            preflight = refusal.preflight,
            method = explanation.method,
            path = req.path(),
            origin = explanation.origin.as_deref().unwrap_or_default(),
            requested_headers = %crate::policy::Escaped(requested_headers),
            rule = refusal.reason.rule(),
            forbidden = refusal.forbid,
            route = handler,
            "{explanation}{by}{handler}",
        );
    }
    #[cfg(not(feature = "tracing"))]
    {
        let _ = (req, request, refusal);
        log::debug!(target: "cors_actix", "{explanation}{by}{handler}");
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
