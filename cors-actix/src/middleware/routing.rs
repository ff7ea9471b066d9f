//! How nested CORS layers find out which of them governs a request.
//!
//! Only actix's routing evaluates guards (method, `Host`, header and custom guards on
//! resources and scopes), and no structure a middleware can read shows them. So when a
//! layer's answer depends on which resource serves a request, it lets actix route first:
//! it calls its inner service with a copy of the request (a *routing pass*). Routing in
//! actix happens inside `call`, and handlers are lazy, so every `#[cors]` route and every
//! `Cors` layer the copy reaches records itself in the copy ([`Probe::claim`]); the last one
//! recorded is the innermost, and governs. The inner future is then dropped without being
//! polled: no handler runs.
//!
//! Once the governing layer is known, the request itself travels as usual: the outer layer
//! puts a [`Claim`] in it, and the nearest layer inside takes the claim away, and with it the
//! duty to decorate the response.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
    sync::Arc,
};

use actix_web::{
    dev::{Service, ServiceRequest},
    http::Method,
    HttpMessage,
};

use super::refusals::Refusals;
use crate::{route::PreflightCopy, Policy};

/// The claim between nested layers on a request they pass on, in the request's extensions.
/// A layer that may have CORS layers inside puts it there before passing a cross-origin
/// request on; the nearest layer inside takes it away, and so becomes the one that decorates
/// the response. A layer that finds its claim still there after the response decorates it
/// itself.
#[derive(Debug, Clone, Copy)]
pub(super) struct Claim;

/// Marks an error response some layer already decorated, so that the layers around it
/// leave it alone (an error carries no request, so the claim cannot be read there).
#[derive(Debug, Clone, Copy)]
pub(super) struct DecoratedError;

/// A routing pass in progress, carried by the copy (in its extensions).
#[derive(Debug)]
pub(super) struct Probe {
    /// The innermost layer the copy reached so far.
    governor: RefCell<Option<Governor>>,
}

/// The layer that governs a request: its policy, and how its refusals are reported.
#[derive(Debug, Clone)]
pub(super) struct Governor {
    pub(super) policy: Arc<Policy>,
    pub(super) refusals: Refusals,
}

/// What the copy carries: the probe is shared with the layer that made the copy, which reads
/// it once the copy is gone.
#[derive(Debug)]
struct OnCopy(Rc<Probe>);

thread_local! {
    /// How many copies are alive on this thread. Requests are served, and copies routed, on
    /// one thread; while there is none, no request can be a copy, and no layer looks.
    static COPIES: Cell<usize> = const { Cell::new(0) };
}

impl OnCopy {
    fn new(probe: Rc<Probe>) -> Self {
        COPIES.with(|copies| copies.set(copies.get() + 1));
        Self(probe)
    }
}

impl Drop for OnCopy {
    fn drop(&mut self) {
        COPIES.with(|copies| copies.set(copies.get() - 1));
    }
}

impl Probe {
    /// The probe of a request that is a routing pass's copy.
    #[inline]
    pub(super) fn of(req: &ServiceRequest) -> Option<Rc<Self>> {
        if COPIES.with(Cell::get) == 0 {
            return None;
        }
        req.extensions().get::<OnCopy>().map(|on_copy| Rc::clone(&on_copy.0))
    }

    /// Records that the copy reached a layer with `policy`. Layers are reached from the
    /// outside in, so the last one recorded governs; the refusal options of the layers it
    /// passed through apply where it has none of its own.
    pub(super) fn claim(&self, policy: Arc<Policy>, refusals: &Refusals) {
        let mut governor = self.governor.borrow_mut();
        let refusals = match governor.as_ref() {
            Some(outer) => refusals.inherit(&outer.refusals),
            None => refusals.clone(),
        };
        *governor = Some(Governor { policy, refusals });
    }
}

/// Routes a copy of `req` through `service` and returns the innermost layer it reached, if
/// any. `preflight_method`: for a preflight, the method it asks for, which the copy carries
/// in place of `OPTIONS`, so that method guards choose as they will for the actual request.
///
/// The copy is a request of its own (never a clone of `req`'s shared parts, which a
/// middleware such as `NormalizePath` could not then change): the same head (method, URI,
/// version, headers, peer address) and the same match state (what scopes around this layer
/// already matched), but none of the app data, connection data or extensions of `req`.
pub(super) fn route_copy<S>(
    service: &S,
    req: &ServiceRequest,
    preflight_method: Option<Method>,
) -> Option<Governor>
where
    S: Service<ServiceRequest>,
{
    let probe = Rc::new(Probe { governor: RefCell::new(None) });
    let mut copy = actix_web::test::TestRequest::default().to_srv_request();
    let head = copy.head_mut();
    head.clone_from(req.head());
    let preflight = preflight_method.is_some();
    if let Some(method) = preflight_method {
        head.method = method;
    }
    copy.match_info_mut().clone_from(req.match_info());
    let mut extensions = copy.extensions_mut();
    extensions.insert(OnCopy::new(Rc::clone(&probe)));
    if preflight {
        extensions.insert(PreflightCopy);
    }
    drop(extensions);
    // Routing happens in `call`; the future, which would run the handler, is never polled.
    drop(service.call(copy));
    probe.governor.take()
}

#[cfg(test)]
mod tests {
    use std::{cell::RefCell, future::ready, net::SocketAddr, rc::Rc};

    use actix_service::fn_service;
    use actix_web::{
        dev::ServiceRequest,
        http::{header, Method},
        test::TestRequest,
        HttpMessage, HttpResponse,
    };

    use super::*;

    /// What a service saw of the request it was called with, in `call` itself.
    #[derive(Debug, Default, PartialEq)]
    struct Seen {
        method: String,
        uri: String,
        origin: Option<String>,
        peer: Option<SocketAddr>,
        unmatched: String,
        marked_preflight: bool,
        request_extension: bool,
    }

    #[derive(Debug, Clone, Copy)]
    struct OnRequest;

    fn see(req: &ServiceRequest) -> Seen {
        Seen {
            method: req.method().to_string(),
            uri: req.uri().to_string(),
            origin: req.headers().get(header::ORIGIN).map(|value| value.to_str().unwrap().to_owned()),
            peer: req.peer_addr(),
            unmatched: req.match_info().unprocessed().to_owned(),
            marked_preflight: req.extensions().contains::<PreflightCopy>(),
            request_extension: req.extensions().contains::<OnRequest>(),
        }
    }

    #[actix_web::test]
    async fn the_copy_has_the_requested_method_the_head_and_the_match_state_and_nothing_else() {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let service = {
            let seen = Rc::clone(&seen);
            fn_service(move |req: ServiceRequest| {
                seen.borrow_mut().push(see(&req));
                ready(Ok::<_, actix_web::Error>(req.into_response(HttpResponse::Ok().finish())))
            })
        };
        let peer: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        let mut req = TestRequest::default()
            .method(Method::OPTIONS)
            .uri("/api/items/7?page=2")
            .peer_addr(peer)
            .insert_header((header::ORIGIN, "https://app.example"))
            .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "PUT"))
            .to_srv_request();
        // As if a scope `/api` around the layer had matched already.
        req.match_info_mut().skip(4);
        req.extensions_mut().insert(OnRequest);

        assert!(route_copy(&service, &req, Some(Method::PUT)).is_none(), "nothing claimed it");
        assert!(route_copy(&service, &req, None).is_none());
        let expected = |method: &str, marked_preflight| Seen {
            method: method.to_owned(),
            uri: "/api/items/7?page=2".to_owned(),
            origin: Some("https://app.example".to_owned()),
            peer: Some(peer),
            unmatched: "/items/7".to_owned(),
            marked_preflight,
            request_extension: false,
        };
        assert_eq!(*seen.borrow(), [expected("PUT", true), expected("OPTIONS", false)]);
        assert_eq!(req.method(), Method::OPTIONS, "the request itself is left as it was");
    }

    #[actix_web::test]
    async fn the_innermost_claim_governs_with_the_options_of_the_layers_around_it() {
        let outer = Arc::new(Policy::builder().allow_origin("https://outer.example").build().unwrap());
        let inner = Arc::new(Policy::builder().allow_origin("https://inner.example").build().unwrap());
        let service = {
            let (outer, inner) = (Arc::clone(&outer), Arc::clone(&inner));
            fn_service(move |req: ServiceRequest| {
                let probe = Probe::of(&req).expect("the copy carries its probe");
                probe.claim(Arc::clone(&outer), &Refusals { explain: true, ..Refusals::default() });
                probe.claim(Arc::clone(&inner), &Refusals::default());
                ready(Ok::<_, actix_web::Error>(req.into_response(HttpResponse::Ok().finish())))
            })
        };
        let req = TestRequest::get().uri("/x").to_srv_request();
        assert!(Probe::of(&req).is_none(), "a request is no copy");
        let governor = route_copy(&service, &req, None).expect("claimed");
        assert!(Arc::ptr_eq(&governor.policy, &inner));
        assert!(governor.refusals.explain, "the outer layer's option applies where the inner has none");
    }
}
