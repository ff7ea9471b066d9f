//! Parse, check, then expand. On any error the handler is emitted beside the errors as a
//! service that registers nothing (its route attribute taken off), so that code mounting it
//! still compiles and ours are the only errors the user sees.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Attribute, ItemFn};

use crate::{
    ctxt::Ctxt,
    policy_args::{DefaultMethods, PolicyArgs, RawArgs},
    route_attr::{is_routes, route_kind, RouteAttr, RouteKind},
};

/// `policy! { ... }`: a `Policy` expression, or, as `policy! { static NAME = { ... } }`, a
/// policy defined once for several routes (`#[cors(policy = NAME)]`).
pub(crate) fn policy(input: TokenStream) -> TokenStream {
    if let Ok(item) = syn::parse2::<SharedItem>(input.clone()) {
        return shared_policy(item);
    }
    let cx = Ctxt::new();
    let args = match syn::parse2::<RawArgs>(input) {
        Ok(raw) => PolicyArgs::from_raw(&cx, raw, Span::call_site()),
        Err(error) => {
            cx.syn_error(error);
            PolicyArgs::default()
        }
    };
    match cx.check() {
        Ok(()) => args.build_tokens(DefaultMethods::Route(&[])),
        Err(error) => {
            let error = error.to_compile_error();
            // Still an expression of type `Policy`, so that no error follows from ours.
            quote! {{ #error ::core::unreachable!() }}
        }
    }
}

/// `#[attrs] vis static NAME = { keys };`
struct SharedItem {
    attrs: Vec<Attribute>,
    vis: syn::Visibility,
    name: syn::Ident,
    keys: TokenStream,
}

impl syn::parse::Parse for SharedItem {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        input.parse::<syn::Token![static]>()?;
        let name = input.parse()?;
        input.parse::<syn::Token![=]>()?;
        let content;
        syn::braced!(content in input);
        let keys = content.parse()?;
        let _: Option<syn::Token![;]> = input.parse()?;
        Ok(Self { attrs, vis, name, keys })
    }
}

/// A `SharedPolicy` static: checked now, built for each route that names it with the
/// route's methods when it names none.
fn shared_policy(item: SharedItem) -> TokenStream {
    let SharedItem { attrs, vis, name, keys } = item;
    let cx = Ctxt::new();
    let args = match syn::parse2::<RawArgs>(keys) {
        Ok(raw) => PolicyArgs::from_raw(&cx, raw, name.span()),
        Err(error) => {
            cx.syn_error(error);
            PolicyArgs::default()
        }
    };
    if args.is_shared() {
        cx.error_spanned_by(&name, "a shared policy is defined by its keys, not by naming another one");
    }
    let (error, build) = match cx.check() {
        Ok(()) => (None, args.build_tokens(DefaultMethods::Runtime(quote!(__route_methods)))),
        // Still a `SharedPolicy`, so that the routes naming it add no error to ours.
        Err(error) => (Some(error.to_compile_error()), quote!(::core::unreachable!())),
    };
    quote! {
        #error
        #(#attrs)*
        #vis static #name: ::cors_actix::SharedPolicy =
            ::cors_actix::SharedPolicy::new(|__route_methods: &[&'static str]| #build);
    }
}

/// `#[cors(...)]` on a route handler.
pub(crate) fn cors(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: ItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            let error = syn::Error::new(
                Span::call_site(),
                "`#[cors]` goes on a route handler function, above its route attribute: \
                 `#[cors(...)] #[get(\"/path\")] async fn handler() ...`; if the route attribute is above \
                 `#[cors]`, move `#[cors]` up",
            );
            return with_input(error, input);
        }
    };
    let cx = Ctxt::new();
    let policy = match syn::parse2::<RawArgs>(args) {
        Ok(raw) => PolicyArgs::from_raw(&cx, raw, Span::call_site()),
        Err(error) => {
            cx.syn_error(error);
            PolicyArgs::default()
        }
    };
    let route = find_route(&cx, &item);
    if item.sig.asyncness.is_none() {
        cx.error_spanned_by(item.sig.fn_token, "a route handler with `#[cors]` must be an `async fn`");
    }
    match (cx.check(), route) {
        (Ok(()), Some((index, route))) => expand_route(item, index, &route, &policy),
        (Err(error), _) => fallback(error, item),
        // `find_route` reports every way of returning `None`; this arm is for completeness.
        (Ok(()), None) => {
            fallback(syn::Error::new(Span::call_site(), "`#[cors]` found no route attribute"), item)
        }
    }
}

/// What is emitted beside the errors: the handler as a service that registers nothing, with
/// the route attribute (and any other `#[cors]`) taken off. Code that mounts it still
/// compiles, and neither the route macro nor rustc adds errors to ours.
fn fallback(error: syn::Error, mut handler: ItemFn) -> TokenStream {
    let error = error.to_compile_error();
    let mut route_macros = Vec::new();
    handler.attrs.retain(|attr| {
        if route_kind(attr).is_some() {
            route_macros.push(name_route_macro(attr.path()));
            return false;
        }
        if is_routes(attr) {
            return false;
        }
        attr.path().segments.last().is_none_or(|last| last.ident != "cors")
    });
    let name = &handler.sig.ident;
    let vis = &handler.vis;
    let docs: Vec<&Attribute> = handler.attrs.iter().filter(|attr| attr.path().is_ident("doc")).collect();
    quote! {
        #error
        #(#docs)*
        #[allow(non_camel_case_types)]
        #vis struct #name;

        impl ::actix_web::dev::HttpServiceFactory for #name {
            fn register(self, _: &mut ::actix_web::dev::AppService) {
                #(#route_macros)*
                #[allow(dead_code)]
                #handler
            }
        }
    }
}

/// Finds and reads the route attribute, reporting a missing or repeated one and a second
/// `#[cors]`.
fn find_route(cx: &Ctxt, item: &ItemFn) -> Option<(usize, RouteAttr)> {
    let mut found: Option<(usize, &Attribute, RouteKind)> = None;
    for (index, attr) in item.attrs.iter().enumerate() {
        if attr.path().segments.last().is_some_and(|last| last.ident == "cors") {
            cx.error_spanned_by(attr, "`#[cors]` is given twice on this handler; merge the two into one");
        } else if is_routes(attr) {
            cx.error_spanned_by(
                attr,
                "`#[cors]` does not combine with `#[routes]`; use one `#[route(\"/path\", method = \"GET\", method = \"POST\")]`",
            );
        } else if let Some(kind) = route_kind(attr) {
            if found.is_some() {
                cx.error_spanned_by(attr, "a handler with `#[cors]` takes one route attribute");
            } else {
                found = Some((index, attr, kind));
            }
        }
    }
    let Some((index, attr, kind)) = found else {
        cx.syn_error(syn::Error::new(
            Span::call_site(),
            "`#[cors]` needs a route attribute below it, as in `#[cors(origins = [...])] #[get(\"/items\")]`; \
             if the route attribute is written above `#[cors]`, move `#[cors]` up",
        ));
        return None;
    };
    if let (name, Some(method)) = kind {
        if let Err(error) = cors_actix_grammar::check_method(method) {
            cx.error_spanned_by(attr, format!("`#[cors]` cannot apply to `#[{name}]`: {error}"));
        }
    }
    RouteAttr::parse(cx, attr, kind).map(|route| (index, route))
}

fn expand_route(
    mut handler: ItemFn,
    route_index: usize,
    route: &RouteAttr,
    policy: &PolicyArgs,
) -> TokenStream {
    let route_attr = handler.attrs.remove(route_index);
    let route_macro = name_route_macro(route_attr.path());
    let name = &handler.sig.ident;
    let name_text = name.to_string();
    let vis = &handler.vis;
    let docs: Vec<&Attribute> = handler.attrs.iter().filter(|attr| attr.path().is_ident("doc")).collect();
    let path = &route.path;
    let resource_name = route.name.as_ref().map_or_else(|| name_text.clone(), syn::LitStr::value);
    let methods = &route.methods;
    let guards = &route.guards;
    let wraps = &route.wraps;
    let build_policy = policy.build_tokens(DefaultMethods::Route(methods));
    quote! {
        #(#docs)*
        #[allow(non_camel_case_types)]
        #vis struct #name;

        impl ::actix_web::dev::HttpServiceFactory for #name {
            fn register(self, __config: &mut ::actix_web::dev::AppService) {
                #route_macro
                #handler

                static __CORS_ROUTE: ::cors_actix::RouteCors = ::cors_actix::RouteCors::new(
                    ::core::concat!(::core::module_path!(), "::", #name_text),
                    #resource_name,
                    #path,
                    &[#(#methods),*],
                    || ::std::sync::Arc::new(#build_policy),
                );
                let __service = ::actix_web::web::route().to(#name);
                #(let __service = ::cors_actix::__private::wrap(__service, #wraps);)*
                let __service =
                    ::cors_actix::__private::wrap(__service, ::cors_actix::Cors::for_route(&__CORS_ROUTE));
                ::cors_actix::__private::mount(
                    &__CORS_ROUTE,
                    ::std::vec![
                        #(::std::boxed::Box::new(::actix_web::guard::fn_guard(#guards))
                            as ::std::boxed::Box<dyn ::actix_web::guard::Guard>),*
                    ],
                    __service,
                    __config,
                );
            }
        }
    }
}

/// `#[cors]` reads the route attribute instead of letting it expand. Applying the same
/// macro to a tiny unused handler keeps the user's import of it used, and makes a missing
/// import the usual "cannot find attribute `get`" error.
fn name_route_macro(path: &syn::Path) -> TokenStream {
    let is_route = path.segments.last().is_some_and(|last| last.ident == "route");
    let arguments = if is_route { quote!("/", method = "GET") } else { quote!("/") };
    quote! {
        #[allow(dead_code, non_camel_case_types)]
        #[#path(#arguments)]
        async fn __cors_actix_route_attribute() -> &'static str {
            ""
        }
    }
}

fn with_input(error: syn::Error, input: TokenStream) -> TokenStream {
    let error = error.to_compile_error();
    quote! { #error #input }
}
