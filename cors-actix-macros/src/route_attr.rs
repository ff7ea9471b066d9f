//! The actix route attribute below `#[cors]` (`#[get("/x", name = .., guard = .., wrap = ..)]`,
//! `#[route("/x", method = "GET", method = "POST")]`), read so that `#[cors]` can emit the
//! service itself with every argument kept.

use cors_actix_grammar::check_method;
use syn::{punctuated::Punctuated, Attribute, Expr, ExprLit, Lit, LitStr, MetaNameValue, Token};

use crate::ctxt::Ctxt;

/// Route attributes `#[cors]` can sit above, and the method each stands for (`None`: `route`).
const ROUTE_ATTRIBUTES: [RouteKind; 10] = [
    ("get", Some("GET")),
    ("post", Some("POST")),
    ("put", Some("PUT")),
    ("delete", Some("DELETE")),
    ("patch", Some("PATCH")),
    ("head", Some("HEAD")),
    ("options", Some("OPTIONS")),
    ("trace", Some("TRACE")),
    ("connect", Some("CONNECT")),
    ("route", None),
];

/// A route attribute's name and the method it stands for (`None` for `route`).
pub(crate) type RouteKind = (&'static str, Option<&'static str>);

/// What the route attribute says.
pub(crate) struct RouteAttr {
    pub(crate) path: LitStr,
    pub(crate) methods: Vec<String>,
    pub(crate) name: Option<LitStr>,
    pub(crate) guards: Vec<syn::Path>,
    pub(crate) wraps: Vec<Expr>,
}

/// The attribute's last path segment, when it names a route attribute (`get`,
/// `actix_web::get`, ...).
pub(crate) fn route_kind(attr: &Attribute) -> Option<RouteKind> {
    let last = attr.path().segments.last()?;
    ROUTE_ATTRIBUTES.iter().copied().find(|(name, _)| last.ident == name)
}

/// Whether the attribute is `#[routes]`, which `#[cors]` does not combine with.
pub(crate) fn is_routes(attr: &Attribute) -> bool {
    attr.path().segments.last().is_some_and(|last| last.ident == "routes")
}

impl RouteAttr {
    pub(crate) fn parse(cx: &Ctxt, attr: &Attribute, kind: RouteKind) -> Option<Self> {
        let parsed = attr.parse_args_with(|input: syn::parse::ParseStream<'_>| {
            let path: LitStr = input.parse()?;
            let options = if input.is_empty() {
                Punctuated::new()
            } else {
                input.parse::<Token![,]>()?;
                Punctuated::<MetaNameValue, Token![,]>::parse_terminated(input)?
            };
            Ok((path, options))
        });
        let (path, options) = match parsed {
            Ok(parsed) => parsed,
            Err(error) => {
                cx.syn_error(error);
                return None;
            }
        };
        let (attr_name, method) = kind;
        let mut route = RouteAttr {
            path,
            methods: method.map(str::to_owned).into_iter().collect(),
            name: None,
            guards: Vec::new(),
            wraps: Vec::new(),
        };
        for option in options {
            let Expr::Lit(ExprLit { lit: Lit::Str(value), .. }) = &option.value else {
                cx.error_spanned_by(&option.value, "expected a string literal");
                continue;
            };
            if option.path.is_ident("name") {
                route.name = Some(value.clone());
            } else if option.path.is_ident("guard") {
                match value.parse() {
                    Ok(guard) => route.guards.push(guard),
                    Err(error) => cx.syn_error(error),
                }
            } else if option.path.is_ident("wrap") {
                match value.parse() {
                    Ok(wrap) => route.wraps.push(wrap),
                    Err(error) => cx.syn_error(error),
                }
            } else if option.path.is_ident("method") && attr_name == "route" {
                let method = value.value();
                if let Err(error) = check_method(&method) {
                    cx.error_spanned_by(value, error);
                } else if route.methods.contains(&method) {
                    cx.error_spanned_by(value, format!("HTTP method defined more than once: `{method}`"));
                } else {
                    route.methods.push(method);
                }
            } else {
                let allowed =
                    if attr_name == "route" { "name, guard, wrap, method" } else { "name, guard, wrap" };
                cx.error_spanned_by(
                    &option.path,
                    format!("unknown key of `#[{attr_name}]`; allowed: {allowed}"),
                );
            }
        }
        if route.methods.is_empty() {
            cx.error_spanned_by(attr, "`#[route(..)]` needs at least one `method = \"...\"`");
            return None;
        }
        Some(route)
    }
}
