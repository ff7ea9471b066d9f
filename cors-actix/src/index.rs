//! Which `#[cors]` route a request is for, found before routing: what an app-wide `Cors` needs
//! to answer a route's preflights from the route's policy.
//!
//! Two verbs: [`register`] when a `#[cors]` route is mounted, [`AppRoutes::find`] for a
//! request. Nothing else in the crate knows how they work.
//!
//! # What actix can tell a middleware, and what follows
//!
//! A preflight must be answered before routing: forwarding it inward to see who takes it
//! would run the handler of a resource registered without a method guard (or the default
//! service), and an authentication middleware between the layer and the routes would refuse
//! it. Before routing, the one per-app structure a middleware can read is actix's
//! `ResourceMap`: the tree of every resource's path pattern and name, scope by scope, in
//! registration order. It does not hold guards. A service can add to it only through
//! `AppService::register_service`, which also adds to routing.
//!
//! So a `#[cors]` route registers itself with a *nested* `ResourceMap` node of its own
//! (`register_service(.., Some(node))`), the form actix uses for scopes: routing sees exactly
//! the route's pattern and guards, as for any resource, so no other request pays for it.
//! The node holds one child that matches the rest of the path (empty) under the route's
//! name, so that `url_for` and lookups by path still find the route, and one external entry
//! whose name every route of the app shares and whose URL carries the app's index number.
//! actix copies the names of nested nodes up to the app's root, so an app-wide layer finds
//! its app's index with one `url_for` at its first request, and keeps it.
//!
//! For a request to `path` with method `M` (for a preflight, the method it asks for), the
//! index asks the `ResourceMap` for the full pattern of the first resource whose pattern
//! matches (scope prefixes included), which is the resource routing reaches first when guards
//! pass. The `#[cors]` routes of the app with that same full pattern, in registration order,
//! are the candidates; the first that handles `M` governs, as routing skips a route whose
//! method guard fails. Each route's full pattern is learned once, from its own node, which
//! knows its scopes.
//!
//! # The rules this gives, where the map cannot see
//!
//! - A resource without `#[cors]` whose pattern matches first takes the request, whatever
//!   method it handles: its guards are not in the map. (Register the `#[cors]` route first.)
//!   One with the very same pattern is taken to be told apart by method guards, as two routes
//!   on one path are.
//! - Guards on scopes are not in the map either: of two scopes with the same prefix, told
//!   apart only by guards, the first one's routes are found.
//! - A path that `NormalizePath` would change (repeated slashes, a trailing slash) and that
//!   matches no resource as it is is looked up as `NormalizePath` inside the layer would make
//!   it (its `Trim` and `MergeOnly` modes; `Always`, which adds a slash to every path, is not
//!   followed).
//!
//! An actual request is always governed by the layer nearest the resource that serves it,
//! and a route's `reject` always holds: both are decided after routing, by the route's own
//! layer, whatever the index says.

use std::{
    any::Any,
    cell::{Cell, OnceCell, RefCell},
    rc::{Rc, Weak},
};

use actix_web::dev::{AppService, ResourceDef, ResourceMap, ServiceRequest};

use crate::RouteCors;

/// The name of the entry, in every `#[cors]` route's node, that leads to the app's index.
const INDEX_NAME: &str = "\u{1}cors-actix:index";
/// The URL of that entry, followed by the index's number.
const INDEX_URL: &str = "cors-actix://index/";

/// The `#[cors]` routes of one app (one app per worker: each builds its own).
#[derive(Debug)]
pub(crate) struct AppRoutes {
    number: u64,
    /// The app's default service factory: the app's identity while its routes are being
    /// registered (every scope of an app shares it). Kept so that no later app is given the
    /// same address while this index exists.
    app: Rc<dyn Any>,
    routes: RefCell<Vec<Route>>,
}

#[derive(Debug)]
struct Route {
    route: &'static RouteCors,
    /// The route's own node in the app's `ResourceMap`; the map owns it.
    node: Weak<ResourceMap>,
    /// The route's full pattern (its scopes' prefixes, then its own), once learned.
    full_pattern: OnceCell<String>,
}

thread_local! {
    /// The indexes of the apps built on this thread that are still alive. An app is built,
    /// and serves, on one thread.
    static INDEXES: RefCell<Vec<Rc<AppRoutes>>> = const { RefCell::new(Vec::new()) };
    static NUMBERS: Cell<u64> = const { Cell::new(0) };
}

/// Registers a `#[cors]` route of the app being built, and returns the node to register it
/// with (`AppService::register_service(rdef, guards, service, Some(node))`). `rdef` is the
/// route's resource definition, named.
pub(crate) fn register(
    route: &'static RouteCors,
    rdef: &ResourceDef,
    config: &AppService,
) -> Rc<ResourceMap> {
    let app: Rc<dyn Any> = config.default_service();
    let index = INDEXES.with_borrow_mut(|indexes| {
        indexes.retain(|index| index.is_alive());
        if let Some(index) = indexes.iter().find(|index| Rc::ptr_eq(&index.app, &app)) {
            return Rc::clone(index);
        }
        let number = NUMBERS.with(|numbers| numbers.replace(numbers.get() + 1));
        let index = Rc::new(AppRoutes { number, app, routes: RefCell::new(Vec::new()) });
        indexes.push(Rc::clone(&index));
        index
    });

    let mut node = ResourceMap::new(rdef.clone());
    let mut rest = ResourceDef::new("");
    if let Some(name) = rdef.name() {
        rest.set_name(name);
    }
    node.add(&mut rest, None);
    let mut entry = ResourceDef::new(format!("{INDEX_URL}{}", index.number));
    entry.set_name(INDEX_NAME);
    node.add(&mut entry, None);
    let node = Rc::new(node);

    index.routes.borrow_mut().push(Route {
        route,
        node: Rc::downgrade(&node),
        full_pattern: OnceCell::new(),
    });
    node
}

impl AppRoutes {
    /// The index of the app serving `req`, if the app mounts `#[cors]` routes.
    pub(crate) fn of(req: &ServiceRequest) -> Option<Rc<Self>> {
        let url = req.resource_map().url_for(req.request(), INDEX_NAME, std::iter::empty::<&str>()).ok()?;
        let number: u64 = url.path().strip_prefix('/')?.parse().ok()?;
        INDEXES.with_borrow(|indexes| indexes.iter().find(|index| index.number == number).cloned())
    }

    /// Whether the app is still alive (its map still holds a route node).
    fn is_alive(&self) -> bool {
        self.routes.borrow().iter().any(|route| route.node.strong_count() > 0)
    }

    /// The `#[cors]` route a request to `path` with `method` would be routed to, as far as
    /// the app's `ResourceMap` shows (see the module docs for what it cannot show).
    ///
    /// `normalize`: whether to try a path that matches nothing as `NormalizePath` inside the
    /// layer would route it. For a preflight that only risks answering with the route's
    /// policy, and the actual request is decided where it is routed. For an actual request it
    /// would let a path that reaches another resource (or none) be judged by the route's
    /// policy when no `NormalizePath` is there, so it is not done.
    pub(crate) fn find(
        &self,
        map: &ResourceMap,
        path: &str,
        method: &[u8],
        normalize: bool,
    ) -> Option<&'static RouteCors> {
        let routes = self.routes.borrow();
        let handles =
            |route: &&Route| route.route.methods().iter().any(|handled| handled.as_bytes() == method);
        // Most paths are no route's: that is told from the literal start of the routes' own
        // full patterns, without asking the map (which runs a regex per dynamic pattern).
        let is_candidate = |path: &str| routes.iter().filter(handles).any(|route| route.may_take(path));
        // `NormalizePath` inside the layer: a path it would change, and that matches no
        // resource as it is, is looked up as it would be routed.
        let changes = normalize && (path.contains("//") || (path.len() > 1 && path.ends_with('/')));
        if !changes && !is_candidate(path) {
            return None;
        }
        let full_pattern = match map.match_pattern(path) {
            Some(full_pattern) => full_pattern,
            None if changes => normalized(path)
                .into_iter()
                .filter(|path| is_candidate(path))
                .find_map(|path| map.match_pattern(&path))?,
            None => return None,
        };
        routes
            .iter()
            .filter(|route| route.full_pattern(Some(path)) == Some(full_pattern.as_str()))
            .find(handles)
            .map(|route| route.route)
    }
}

impl Route {
    /// The route's full pattern, learned from its node the first time it can be: the node
    /// knows its parents (the scopes), and reports the full pattern for any path its own
    /// pattern matches. Such a path is made from the pattern itself or, for segments with a
    /// regex of their own, from a few likely values; failing those, it is the part of a
    /// looked-up `path` after some prefix (the scopes' part), once a request brings one.
    fn full_pattern(&self, path: Option<&str>) -> Option<&str> {
        if let Some(full) = self.full_pattern.get() {
            return Some(full);
        }
        let node = self.node.upgrade()?;
        let from_samples = || sample_paths(self.route.path()).find_map(|sample| node.match_pattern(&sample));
        let from_path = || {
            let path = path?;
            let starts = path.match_indices('/').map(|(index, _)| index).chain([path.len()]);
            starts.filter_map(|start| path.get(start..)).find_map(|rest| node.match_pattern(rest))
        };
        let full = from_samples().or_else(from_path)?;
        Some(self.full_pattern.get_or_init(|| full))
    }

    /// Whether the route could take `path`: the path starts with the literal text of the
    /// route's full pattern before its first dynamic segment. A byte comparison that rules
    /// out most paths; the full pattern is compared after the map has matched the path.
    fn may_take(&self, path: &str) -> bool {
        self.full_pattern(Some(path)).is_some_and(|full| {
            let literal = full.split('{').next().unwrap_or(full);
            if literal.len() == full.len() {
                path == full
            } else {
                path.starts_with(literal)
            }
        })
    }
}

/// Paths that a route's own pattern (relative to its scope) may match: the pattern itself
/// (a `{name}` segment matches its own text), then the pattern with every dynamic segment
/// given one of a few values.
fn sample_paths(pattern: &str) -> impl Iterator<Item = String> {
    let pattern = leading_slash(pattern);
    let rdef = ResourceDef::new(pattern.as_str());
    let filled = ["1", "x", "a", "0", ""].into_iter().filter_map(move |value| {
        let mut path = String::new();
        rdef.resource_path_from_iter(&mut path, std::iter::repeat(value)).then_some(path)
    });
    std::iter::once(pattern).chain(filled)
}

fn leading_slash(pattern: &str) -> String {
    if pattern.is_empty() || pattern.starts_with('/') {
        pattern.to_owned()
    } else {
        format!("/{pattern}")
    }
}

/// What `NormalizePath` would make of `path`: repeated slashes merged, then without and
/// with a trailing slash (its `Trim` and `MergeOnly` modes). Only the forms that differ.
fn normalized(path: &str) -> Vec<String> {
    let mut trimmed = String::with_capacity(path.len() + 1);
    for segment in path.split('/').filter(|segment| !segment.is_empty()) {
        trimmed.push('/');
        trimmed.push_str(segment);
    }
    let appended = format!("{trimmed}/");
    if trimmed.is_empty() {
        trimmed.push('/');
    }
    let mut forms = Vec::with_capacity(2);
    for form in [trimmed, appended] {
        if form != path && !forms.contains(&form) {
            forms.push(form);
        }
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalized_forms() {
        assert_eq!(normalized("/items/7/"), ["/items/7"]);
        assert_eq!(normalized("//items//7"), ["/items/7", "/items/7/"]);
        assert_eq!(normalized("/items/7"), ["/items/7/"]);
        assert_eq!(normalized("/"), Vec::<String>::new());
    }

    #[test]
    fn sample_paths_match_their_patterns() {
        for pattern in ["/items/{id}", "/files/{tail}*", "/p/{v:.*}", "/n/{id:\\d+}", "", "rel/{a}/{b}"] {
            let rdef = ResourceDef::new(leading_slash(pattern));
            assert!(sample_paths(pattern).any(|sample| rdef.is_match(&sample)), "{pattern}");
        }
    }
}
