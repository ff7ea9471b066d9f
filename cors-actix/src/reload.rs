//! Where a layer reads its policy from: fixed when the layer is made, or, with the `reload`
//! feature, swapped while the server runs.

use std::{borrow::Cow, sync::Arc};

use crate::Policy;

/// The policy of a [`Cors`](crate::Cors) layer.
#[derive(Debug, Clone)]
pub(crate) enum PolicySource {
    /// Read-only for the layer's life: every request reads the same `Arc`.
    Fixed(Arc<Policy>),
    /// Replaced through a [`PolicyHandle`], for every worker at once.
    #[cfg(feature = "reload")]
    Live(Arc<arc_swap::ArcSwap<Policy>>),
}

impl PolicySource {
    /// The policy in force now. A request keeps the one it started with to its end, even if it
    /// is replaced meanwhile.
    #[inline]
    pub(crate) fn current(&self) -> Cow<'_, Arc<Policy>> {
        match self {
            Self::Fixed(policy) => Cow::Borrowed(policy),
            #[cfg(feature = "reload")]
            Self::Live(swap) => Cow::Owned(swap.load_full()),
        }
    }
}

/// Replaces the policy of a [`Cors`](crate::Cors) made with
/// [`Cors::reloadable`](crate::Cors::reloadable), atomically and for every worker, without a
/// restart: for allow-lists read from a file (when a watch sees it change, or at `SIGHUP`) or
/// a settings service. Cheap to clone; requests already under way finish with the policy they
/// started with.
///
/// A replacement is a [`Policy`], which exists only once it is built and checked: a
/// configuration with a problem fails to build, and the policy in force stays. A file caught
/// half-written by a watch is one such: the policy in force stays until the write's next
/// event reads it whole.
///
/// ```
/// use actix_web::{web, App, HttpResponse};
/// use cors_actix::{Cors, Policy};
///
/// let (cors, handle) = Cors::reloadable(Policy::builder().allow_origin("https://app.example").build()?);
/// let app = App::new().wrap(cors).route("/", web::get().to(HttpResponse::Ok));
///
/// // Later, from a file watch, a signal handler or an admin endpoint:
/// match Policy::builder().allow_origins(["https://app.example", "https://shop.example/"]).build() {
///     Ok(policy) => drop(handle.replace(policy)),
///     Err(error) => eprintln!("kept the policy in force: {error}"),
/// }
/// assert!(handle.current().allowed_headers().is_empty());
/// # Ok::<_, cors_actix::PolicyError>(())
/// ```
#[cfg(feature = "reload")]
#[cfg_attr(docsrs, doc(cfg(feature = "reload")))]
#[derive(Debug, Clone)]
pub struct PolicyHandle(Arc<arc_swap::ArcSwap<Policy>>);

#[cfg(feature = "reload")]
impl PolicyHandle {
    pub(crate) fn new(policy: Policy) -> (Self, PolicySource) {
        let swap = Arc::new(arc_swap::ArcSwap::from_pointee(policy));
        (Self(Arc::clone(&swap)), PolicySource::Live(swap))
    }

    /// The policy in force.
    pub fn current(&self) -> Arc<Policy> {
        self.0.load_full()
    }

    /// Puts `policy` in force for every request that starts from now on, and returns the one
    /// it replaces.
    pub fn replace(&self, policy: Policy) -> Arc<Policy> {
        self.0.swap(Arc::new(policy))
    }
}
