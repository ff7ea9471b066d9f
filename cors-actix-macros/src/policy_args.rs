//! The policy keys shared by `#[cors(...)]` and `policy! { ... }`: parsed, then checked
//! with the same grammar the runtime builder uses, every error spanned on its token.

use cors_actix_grammar::{check_policy, warn_policy, PolicyInput, PolicyProblem};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::{
    ext::IdentExt,
    parse::{Parse, ParseStream},
    punctuated::Punctuated,
    spanned::Spanned,
    Expr, ExprLit, Ident, Lit, LitBool, LitInt, LitStr, Token,
};

use crate::ctxt::Ctxt;

/// Every key, in the order the documentation lists them.
const KEYS: [&str; 14] = [
    "policy",
    "origins",
    "origin_regex",
    "origin_fn",
    "origin_async",
    "methods",
    "headers",
    "expose",
    "credentials",
    "max_age",
    "private_network",
    "on_mismatch",
    "cross_origin_protection",
    "public_origins",
];

/// `key = value`, as written.
pub(crate) struct Entry {
    key: Ident,
    value: Expr,
}

impl Parse for Entry {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key = input.call(Ident::parse_any)?;
        input.parse::<Token![=]>()?;
        let value = input.parse()?;
        Ok(Self { key, value })
    }
}

/// The whole argument list.
pub(crate) struct RawArgs {
    entries: Punctuated<Entry, Token![,]>,
}

impl Parse for RawArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        Ok(Self { entries: Punctuated::parse_terminated(input)? })
    }
}

/// The checked policy arguments.
#[derive(Default)]
pub(crate) struct PolicyArgs {
    origins: Vec<LitStr>,
    origin_regexes: Vec<LitStr>,
    origin_fn: Option<Expr>,
    origin_async: Option<Expr>,
    /// The list as written, and its strings.
    methods: Option<(Expr, Vec<LitStr>)>,
    /// `methods` is not a list of strings (already an error), so its emptiness means nothing.
    methods_unreadable: bool,
    headers: Vec<LitStr>,
    expose: Vec<LitStr>,
    credentials: bool,
    /// The literal, and its value (`u64::MAX` when it does not fit: too long all the same).
    max_age: Option<(LitInt, u64)>,
    private_network: bool,
    reject: bool,
    /// `cross_origin_protection = true`, as written.
    cross_origin_protection: Option<LitBool>,
    public_origins: Vec<LitStr>,
    /// `policy = NAME`: a policy defined once with `policy! { static NAME = { .. } }`.
    shared: Option<syn::Path>,
    /// What builds but is probably not meant, with the tokens it is about: emitted as
    /// compiler warnings on those tokens.
    warnings: Vec<(TokenStream, String)>,
}

/// Where the methods of a policy that names none come from.
pub(crate) enum DefaultMethods<'a> {
    /// A route's own, known to the macro.
    Route(&'a [String]),
    /// A slice the expansion has at run time (a shared policy's route, or none).
    Runtime(TokenStream),
}

impl PolicyArgs {
    /// Parses and checks `raw`, recording every problem in `cx`. `span` is where errors
    /// about the whole policy (nothing allowed at all) point.
    pub(crate) fn from_raw(cx: &Ctxt, raw: RawArgs, span: Span) -> Self {
        let mut args = PolicyArgs::default();
        let mut seen: Vec<String> = Vec::new();
        // When an origin key has a malformed value or a key is unknown (a typo of `origins`,
        // often), "no origin is allowed" would only repeat that error.
        let mut origins_unreadable = false;
        for Entry { key, value } in raw.entries {
            let name = key.to_string();
            if !KEYS.contains(&name.as_str()) {
                let hint = did_you_mean(&name).map(|k| format!("did you mean `{k}`? ")).unwrap_or_default();
                cx.error_spanned_by(
                    &key,
                    format!("unknown key `{name}`; {hint}expected one of: {}", KEYS.join(", ")),
                );
                origins_unreadable = true;
                continue;
            }
            if seen.contains(&name) {
                cx.error_spanned_by(&key, format!("`{name}` is given more than once"));
                continue;
            }
            seen.push(name.clone());
            match name.as_str() {
                "policy" => match &value {
                    Expr::Path(path) if path.qself.is_none() => args.shared = Some(path.path.clone()),
                    _ => cx.error_spanned_by(
                        &value,
                        "`policy` expects the name of a policy defined with `policy! { static NAME = { ... } }`",
                    ),
                },
                "origins" => {
                    args.origins = string_list(cx, &value, "origins", r#"["https://app.example"]"#);
                    origins_unreadable |= !is_string_list(&value);
                }
                "origin_regex" => {
                    args.origin_regexes =
                        string_list(cx, &value, "origin_regex", r#"["^https://[a-z]+\\.app\\.example$"]"#);
                    origins_unreadable |= !is_string_list(&value);
                }
                "origin_fn" => match &value {
                    Expr::Path(_) | Expr::Closure(_) => args.origin_fn = Some(value),
                    _ => {
                        cx.error_spanned_by(&value, "`origin_fn` expects the path of a predicate `fn(&HeaderValue, &RequestHead) -> bool`");
                        origins_unreadable = true;
                    }
                },
                "origin_async" => match &value {
                    Expr::Path(_) | Expr::Closure(_) => args.origin_async = Some(value),
                    _ => {
                        cx.error_spanned_by(&value, "`origin_async` expects the path of a check `fn(&HeaderValue, &RequestHead) -> impl Future<Output = bool> + 'static`");
                        origins_unreadable = true;
                    }
                },
                "methods" => {
                    let methods = string_list(cx, &value, "methods", r#"["GET", "PUT"]"#);
                    args.methods_unreadable = !is_string_list(&value);
                    args.methods = Some((value, methods));
                }
                "headers" => args.headers = string_list(cx, &value, "headers", r#"["content-type"]"#),
                "expose" => args.expose = string_list(cx, &value, "expose", r#"["x-request-id"]"#),
                "credentials" => {
                    args.credentials = boolean(cx, &value, "credentials").is_some_and(|lit| lit.value);
                }
                "private_network" => {
                    args.private_network = boolean(cx, &value, "private_network").is_some_and(|lit| lit.value)
                }
                "max_age" => args.max_age = max_age(cx, &value),
                "on_mismatch" => args.reject = on_mismatch(cx, &value),
                "cross_origin_protection" => {
                    args.cross_origin_protection =
                        boolean(cx, &value, "cross_origin_protection").filter(|lit| lit.value);
                }
                "public_origins" => {
                    args.public_origins =
                        string_list(cx, &value, "public_origins", r#"["https://api.example"]"#);
                }
                _ => unreachable!("every key of KEYS is handled"),
            }
        }
        if args.shared.is_some() {
            // A shared policy is checked where it is defined; a route adds nothing to it.
            for other in seen.iter().filter(|key| *key != "policy") {
                cx.syn_error(syn::Error::new(
                    span,
                    format!("`policy = ...` names a whole policy, so `{other}` cannot be added to it here; define another policy with `policy! {{ static NAME = {{ ... }} }}`"),
                ));
            }
            return args;
        }
        args.warnings = args.check(cx, span, origins_unreadable);
        args
    }

    /// The warnings found, with the tokens each is about.
    #[cfg(test)]
    pub(crate) fn warnings(&self) -> &[(TokenStream, String)] {
        &self.warnings
    }

    /// Whether the policy is a shared one (`policy = NAME`).
    pub(crate) fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// Runs the grammar's `check_policy`, the builder's own, on the literals as written, and
    /// spans each problem on its literal; returns the grammar's warnings with their tokens.
    fn check(&self, cx: &Ctxt, span: Span, origins_unreadable: bool) -> Vec<(TokenStream, String)> {
        let origins = values(&self.origins);
        let origin_regexes = values(&self.origin_regexes);
        let methods = self.methods.as_ref().map(|(list, lits)| (list, lits, values(lits)));
        let headers = values(&self.headers);
        let expose = values(&self.expose);
        let public_origins = values(&self.public_origins);
        let input = PolicyInput {
            origins: placed(&self.origins, &origins),
            origin_regexes: placed(&self.origin_regexes, &origin_regexes),
            has_origin_predicate: self.origin_fn.is_some() || self.origin_async.is_some(),
            methods: methods
                .as_ref()
                .map(|(list, lits, values)| (*list as &dyn ToTokens, placed(lits, values))),
            allow_headers: placed(&self.headers, &headers),
            expose_headers: placed(&self.expose, &expose),
            credentials: self.credentials,
            max_age: self.max_age.as_ref().map(|(lit, seconds)| (lit as &dyn ToTokens, *seconds)),
            cross_origin_protection: self.cross_origin_protection.as_ref().map(|lit| lit as &dyn ToTokens),
            public_origins: placed(&self.public_origins, &public_origins),
        };
        check_policy(&input, &mut |at, problem| match (at, problem) {
            // Already reported as what it is: a malformed value or an unknown key.
            (None, PolicyProblem::NoOrigin) if origins_unreadable => {}
            (Some(_), PolicyProblem::NoMethodListed) if self.methods_unreadable => {}
            (None, problem @ PolicyProblem::NoOrigin) => cx.syn_error(syn::Error::new(
                span,
                format!("{problem}: add `origins = [...]`, `origin_regex`, `origin_fn` or `origin_async`"),
            )),
            (None, problem) => cx.syn_error(syn::Error::new(span, problem)),
            (Some(tokens), problem) => cx.error_spanned_by(tokens, problem),
        });
        let mut warnings = Vec::new();
        warn_policy(&input, &mut |tokens, warning| {
            warnings.push((tokens.to_token_stream(), warning.to_string()));
        });
        warnings
    }

    /// The builder chain for this policy, ending in the compile-time-checked build (or, for
    /// `policy = NAME`, the shared policy made for the route's methods). `default_methods`
    /// is used when the policy does not name its methods.
    pub(crate) fn build_tokens(&self, default_methods: DefaultMethods<'_>) -> TokenStream {
        if let Some(shared) = &self.shared {
            let methods: &[String] = match &default_methods {
                DefaultMethods::Route(methods) => methods,
                DefaultMethods::Runtime(_) => &[],
            };
            // Spanned on the name, so that a name that is not a `SharedPolicy` is rustc's
            // error on the user's token.
            return quote_spanned! {shared.span()=>
                ::cors_actix::SharedPolicy::for_route(&#shared, &[#(#methods),*])
            };
        }
        let origins = &self.origins;
        let regexes = &self.origin_regexes;
        let origin_fn = self.origin_fn.iter().map(|predicate| {
            quote_spanned! {predicate.span()=> .allow_origin_fn(#predicate) }
        });
        let origin_async = self.origin_async.iter().map(|check| {
            quote_spanned! {check.span()=> .allow_origin_async(#check) }
        });
        let methods = match (&self.methods, &default_methods) {
            (Some((_, methods)), _) => quote!(#(.allow_method(#methods))*),
            (None, DefaultMethods::Route(methods)) => quote!(#(.allow_method(#methods))*),
            (None, DefaultMethods::Runtime(_)) => quote!(),
        };
        // A shared policy's route methods are known only at run time, and a policy used
        // app-wide has none: then the builder's defaults apply, as an empty list would be
        // refused.
        let runtime_methods = match (&self.methods, &default_methods) {
            (None, DefaultMethods::Runtime(slice)) => quote! {
                let __builder = if #slice.is_empty() {
                    __builder
                } else {
                    __builder.allow_methods(#slice.iter().copied())
                };
            },
            _ => quote!(),
        };
        let headers = &self.headers;
        let expose = &self.expose;
        let credentials = self.credentials;
        let private_network = self.private_network;
        let max_age = self.max_age.iter().map(|(_, seconds)| seconds);
        let on_mismatch = if self.reject { quote!(Reject) } else { quote!(Omit) };
        let protection = self.cross_origin_protection.is_some();
        let public_origins = &self.public_origins;
        // Stable Rust lets a macro warn only through a lint: the use of a deprecated item,
        // spanned on the token the warning is about, whose note is the warning.
        let warnings = self.warnings.iter().map(|(tokens, message)| {
            let span = tokens.clone().into_iter().next().map_or_else(Span::call_site, |token| token.span());
            let note = format!("CORS policy: {message}");
            quote_spanned! {span=>
                #[deprecated(note = #note)]
                #[allow(non_camel_case_types)]
                struct cors_policy_warning;
                let _ = cors_policy_warning;
            }
        });
        quote! {{
            #(#warnings)*
            let __builder = ::cors_actix::Policy::builder()
                #(.allow_origin(#origins))*
                #(.allow_origin_regex(#regexes))*
                #(#origin_fn)*
                #(#origin_async)*
                #methods
                #(.allow_header(#headers))*
                #(.expose_header(#expose))*
                .allow_credentials(#credentials)
                #(.max_age(#max_age))*
                .allow_private_network(#private_network)
                .on_mismatch(::cors_actix::OnMismatch::#on_mismatch)
                .cross_origin_protection(#protection)
                #(.public_origin(#public_origins))*;
            #runtime_methods
            ::cors_actix::__private::build_checked(__builder)
        }}
    }
}

/// Each literal's value.
fn values(lits: &[LitStr]) -> Vec<String> {
    lits.iter().map(LitStr::value).collect()
}

/// Each value with its literal, as the grammar's checker takes them.
fn placed<'a>(lits: &'a [LitStr], values: &'a [String]) -> Vec<(&'a dyn ToTokens, &'a str)> {
    lits.iter().map(|lit| lit as &dyn ToTokens).zip(values.iter().map(String::as_str)).collect()
}

/// Whether `value` has the shape of a string list, valid or not.
fn is_string_list(value: &Expr) -> bool {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Str(_), .. }) => true,
        Expr::Array(array) => {
            array.elems.iter().all(|e| matches!(e, Expr::Lit(ExprLit { lit: Lit::Str(_), .. })))
        }
        _ => false,
    }
}

/// `"x"` or `["x", "y"]`.
fn string_list(cx: &Ctxt, value: &Expr, key: &str, example: &str) -> Vec<LitStr> {
    let wrong = || format!("`{key}` expects a string or a list of strings, as in `{key} = {example}`");
    match value {
        Expr::Path(path) => {
            cx.error_spanned_by(
                path,
                format!(
                    "`{key}` is checked at compile time, so it must be written here: the macro cannot read \
                     what a constant holds. To share a policy between routes, define it once with \
                     `policy! {{ static NAME = {{ ... }} }}` and write `#[cors(policy = NAME)]`; for \
                     values known only at run time, use `Policy::builder()`"
                ),
            );
            Vec::new()
        }
        Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) => vec![lit.clone()],
        Expr::Array(array) => array
            .elems
            .iter()
            .filter_map(|element| match element {
                Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) => Some(lit.clone()),
                other => {
                    cx.error_spanned_by(other, wrong());
                    None
                }
            })
            .collect(),
        other => {
            cx.error_spanned_by(other, wrong());
            Vec::new()
        }
    }
}

fn boolean(cx: &Ctxt, value: &Expr, key: &str) -> Option<LitBool> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Bool(lit), .. }) => Some(lit.clone()),
        other => {
            cx.error_spanned_by(other, format!("`{key}` expects `true` or `false`"));
            None
        }
    }
}

/// The literal and its value; its limit is the grammar's rule, checked with the rest.
fn max_age(cx: &Ctxt, value: &Expr) -> Option<(LitInt, u64)> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Int(lit), .. }) => {
            Some((lit.clone(), lit.base10_parse::<u64>().unwrap_or(u64::MAX)))
        }
        Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Neg(_)) => {
            cx.error_spanned_by(value, "`max_age` is a number of seconds and cannot be negative");
            None
        }
        other => {
            cx.error_spanned_by(other, "`max_age` expects a number of seconds, as in `max_age = 600`");
            None
        }
    }
}

/// `"omit"` (false) or `"reject"` (true).
fn on_mismatch(cx: &Ctxt, value: &Expr) -> bool {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) if lit.value() == "omit" => false,
        Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) if lit.value() == "reject" => true,
        other => {
            cx.error_spanned_by(other, "`on_mismatch` expects `\"omit\"` (run the handler, send no CORS headers) or `\"reject\"` (answer 403)");
            false
        }
    }
}

/// The known key closest to `unknown`, if it is close enough to be a typo.
fn did_you_mean(unknown: &str) -> Option<&'static str> {
    KEYS.iter()
        .map(|key| (edit_distance(unknown, key), *key))
        .filter(|&(distance, key)| distance <= 2.max(key.len() / 3))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, key)| key)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_a_suggestion() {
        assert_eq!(did_you_mean("origin"), Some("origins"));
        assert_eq!(did_you_mean("header"), Some("headers"));
        assert_eq!(did_you_mean("maxage"), Some("max_age"));
        assert_eq!(did_you_mean("credential"), Some("credentials"));
        assert_eq!(did_you_mean("exposed_headers"), None);
        assert_eq!(did_you_mean("zzz"), None);
    }
}
