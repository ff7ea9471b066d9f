//! The policy keys shared by `#[cors(...)]` and `policy! { ... }`: parsed, then checked
//! with the same grammar the runtime builder uses, every error spanned on its token.

use cors_actix_grammar::{check_policy, warn_policy, Key, PolicyInput, ProblemKind};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::{
    ext::IdentExt,
    parse::{Parse, ParseStream},
    punctuated::Punctuated,
    spanned::Spanned,
    Expr, ExprLit, Ident, Lit, LitBool, LitInt, LitStr, Token,
};

use crate::{attr::Attr, ctxt::Ctxt};

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

/// A string literal and its value: one value of the policy, as the grammar's checker reads it
/// and the expansion hands it to the builder.
#[derive(Clone)]
pub(crate) struct Written {
    lit: LitStr,
    value: String,
}

impl Written {
    fn new(lit: LitStr) -> Self {
        Self { value: lit.value(), lit }
    }
}

impl AsRef<str> for Written {
    fn as_ref(&self) -> &str {
        &self.value
    }
}

impl ToTokens for Written {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.lit.to_tokens(tokens);
    }
}

/// The checked policy arguments.
#[derive(Default)]
pub(crate) struct PolicyArgs {
    /// What the grammar's checker reads: each value with its literal.
    input: PolicyInput<Written>,
    origin_fn: Option<Expr>,
    origin_async: Option<Expr>,
    /// The `methods` list as written, where an empty list is reported.
    methods_list: Option<Expr>,
    /// `methods` is not a list of strings (already an error), so its emptiness means nothing.
    methods_unreadable: bool,
    /// The `max_age` literal, where a value over the limit is warned about.
    max_age: Option<LitInt>,
    private_network: bool,
    reject: bool,
    /// `cross_origin_protection = true`, as written.
    cross_origin_protection: Option<LitBool>,
    /// `policy = NAME`: a policy defined once with `policy! { static NAME = { .. } }`.
    shared: Option<syn::Path>,
    /// The keys whose setting as a whole a problem or warning can be about (the origins, and
    /// what only a cross-origin reader sees), as written, where it points when their value has
    /// no better token.
    keys: Vec<(Key, Ident)>,
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

/// Each key's value as parsed, each set at most once.
struct Attrs {
    shared: Attr<Option<syn::Path>>,
    origins: Attr<Vec<Written>>,
    origin_regexes: Attr<Vec<Written>>,
    origin_fn: Attr<Option<Expr>>,
    origin_async: Attr<Option<Expr>>,
    /// The list as written, and its strings.
    methods: Attr<(Expr, Vec<Written>)>,
    headers: Attr<Vec<Written>>,
    expose: Attr<Vec<Written>>,
    credentials: Attr<bool>,
    /// The literal, and its value (`u64::MAX` when it does not fit: cut all the same).
    max_age: Attr<Option<(LitInt, u64)>>,
    private_network: Attr<bool>,
    /// `"reject"` (true) or `"omit"`.
    on_mismatch: Attr<bool>,
    cross_origin_protection: Attr<Option<LitBool>>,
    public_origins: Attr<Vec<Written>>,
}

impl Attrs {
    fn new() -> Self {
        Self {
            shared: Attr::none(Key::Policy),
            origins: Attr::none(Key::Origins),
            origin_regexes: Attr::none(Key::OriginRegex),
            origin_fn: Attr::none(Key::OriginFn),
            origin_async: Attr::none(Key::OriginAsync),
            methods: Attr::none(Key::Methods),
            headers: Attr::none(Key::Headers),
            expose: Attr::none(Key::Expose),
            credentials: Attr::none(Key::Credentials),
            max_age: Attr::none(Key::MaxAge),
            private_network: Attr::none(Key::PrivateNetwork),
            on_mismatch: Attr::none(Key::OnMismatch),
            cross_origin_protection: Attr::none(Key::CrossOriginProtection),
            public_origins: Attr::none(Key::PublicOrigins),
        }
    }

    /// Parses `value` as the value of `key`, given at `ident`, reporting a malformed value.
    fn set(&mut self, cx: &Ctxt, key: Key, ident: &Ident, value: Expr) {
        match key {
            Key::Policy => self.shared.set(cx, ident, shared_name(cx, &value, key)),
            Key::Origins => {
                self.origins.set(cx, ident, string_list(cx, &value, key, r#"["https://app.example"]"#));
            }
            Key::OriginRegex => {
                let example = r#"["^https://[a-z]+\\.app\\.example$"]"#;
                self.origin_regexes.set(cx, ident, string_list(cx, &value, key, example));
            }
            Key::OriginFn => {
                let predicate = "a predicate `fn(&HeaderValue, &RequestHead) -> bool`";
                self.origin_fn.set(cx, ident, function(cx, value, key, predicate));
            }
            Key::OriginAsync => {
                let check =
                    "a check `fn(&HeaderValue, &RequestHead) -> impl Future<Output = bool> + 'static`";
                self.origin_async.set(cx, ident, function(cx, value, key, check));
            }
            Key::Methods => {
                let methods = string_list(cx, &value, key, r#"["GET", "PUT"]"#);
                self.methods.set(cx, ident, (value, methods));
            }
            Key::Headers => self.headers.set(cx, ident, string_list(cx, &value, key, r#"["content-type"]"#)),
            Key::Expose => self.expose.set(cx, ident, string_list(cx, &value, key, r#"["x-request-id"]"#)),
            Key::Credentials => {
                self.credentials.set(cx, ident, boolean(cx, &value, key).is_some_and(|lit| lit.value));
            }
            Key::MaxAge => self.max_age.set(cx, ident, max_age(cx, &value, key)),
            Key::PrivateNetwork => {
                self.private_network.set(cx, ident, boolean(cx, &value, key).is_some_and(|lit| lit.value));
            }
            Key::OnMismatch => self.on_mismatch.set(cx, ident, on_mismatch(cx, &value, key)),
            Key::CrossOriginProtection => {
                let on = boolean(cx, &value, key).filter(|lit| lit.value);
                self.cross_origin_protection.set(cx, ident, on);
            }
            Key::PublicOrigins => {
                let origins = string_list(cx, &value, key, r#"["https://api.example"]"#);
                self.public_origins.set(cx, ident, origins);
            }
        }
    }

    /// The arguments, as the grammar's checker and the expansion take them.
    fn into_args(self) -> PolicyArgs {
        let keys = [
            (Key::Origins, self.origins.ident()),
            (Key::Headers, self.headers.ident()),
            (Key::Expose, self.expose.ident()),
            (Key::Credentials, self.credentials.ident()),
        ]
        .into_iter()
        .filter_map(|(key, ident)| Some((key, ident?.clone())))
        .collect();
        let origin_fn = self.origin_fn.get().flatten();
        let origin_async = self.origin_async.get().flatten();
        let (methods_list, methods) = self.methods.get().unzip();
        let max_age = self.max_age.get().flatten();
        let cross_origin_protection = self.cross_origin_protection.get().flatten();
        let origins = self.origins.get();
        PolicyArgs {
            input: PolicyInput {
                // `origins = []`, written out: no origin, on purpose.
                no_origins: origins.as_ref().is_some_and(Vec::is_empty),
                origins: origins.unwrap_or_default(),
                origin_regexes: self.origin_regexes.get().unwrap_or_default(),
                has_origin_predicate: origin_fn.is_some() || origin_async.is_some(),
                methods,
                allow_headers: self.headers.get().unwrap_or_default(),
                expose_headers: self.expose.get().unwrap_or_default(),
                credentials: self.credentials.get().unwrap_or_default(),
                max_age: max_age.as_ref().map(|(_, seconds)| *seconds),
                cross_origin_protection: cross_origin_protection.is_some(),
                public_origins: self.public_origins.get().unwrap_or_default(),
            },
            origin_fn,
            origin_async,
            methods_unreadable: methods_list.as_ref().is_some_and(|list| !is_string_list(list)),
            methods_list,
            max_age: max_age.map(|(lit, _)| lit),
            private_network: self.private_network.get().unwrap_or_default(),
            reject: self.on_mismatch.get().unwrap_or_default(),
            cross_origin_protection,
            shared: self.shared.get().flatten(),
            keys,
            warnings: Vec::new(),
        }
    }
}

impl PolicyArgs {
    /// Parses and checks `raw`, recording every problem in `cx`. `span` is where errors
    /// about the whole policy (nothing allowed at all) point.
    pub(crate) fn from_raw(cx: &Ctxt, raw: RawArgs, span: Span) -> Self {
        let mut attrs = Attrs::new();
        // The keys given beside `policy = NAME`, in order.
        let mut beside_shared: Vec<Key> = Vec::new();
        // When an origin key has a malformed value or a key is unknown (a typo of `origins`,
        // often), "no origin is allowed" would only repeat that error.
        let mut origins_unreadable = false;
        for Entry { key: ident, value } in raw.entries {
            let key = match ident.to_string().parse::<Key>() {
                Ok(key) => key,
                Err(unknown) => {
                    cx.error_spanned_by(&ident, unknown);
                    origins_unreadable = true;
                    continue;
                }
            };
            if key != Key::Policy && !beside_shared.contains(&key) {
                beside_shared.push(key);
            }
            // A malformed origin value is already an error, which "no origin is allowed"
            // would only repeat.
            origins_unreadable |= match key {
                Key::Origins | Key::OriginRegex => !is_string_list(&value),
                Key::OriginFn | Key::OriginAsync => !is_function(&value),
                _ => false,
            };
            attrs.set(cx, key, &ident, value);
        }
        let mut args = attrs.into_args();
        if args.shared.is_some() {
            // A shared policy is checked where it is defined; a route adds nothing to it.
            for other in beside_shared {
                cx.syn_error(syn::Error::new(
                    span,
                    format!("`{} = ...` names a whole policy, so `{other}` cannot be added to it here; define another policy with `policy! {{ static NAME = {{ ... }} }}`", Key::Policy),
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
    /// spans each problem on its literal; returns the grammar's warnings (its `warn_policy`)
    /// with the tokens each is about, in the builder's words.
    fn check(&self, cx: &Ctxt, span: Span, origins_unreadable: bool) -> Vec<(TokenStream, String)> {
        check_policy(&self.input, &mut |place, value, problem| {
            let tokens = match value {
                Some(lit) => Some(lit.to_token_stream()),
                None => self.tokens_of(place.key),
            };
            match (tokens, problem) {
                // Already reported as what it is: a malformed value or an unknown key.
                (None, ProblemKind::NoOrigin) if origins_unreadable => {}
                (Some(_), ProblemKind::NoMethodListed) if self.methods_unreadable => {}
                (None, problem @ ProblemKind::NoOrigin) => cx.syn_error(syn::Error::new(
                    span,
                    format!(
                        "{problem}: add `{} = [...]`, `{}`, `{}` or `{}`",
                        Key::Origins,
                        Key::OriginRegex,
                        Key::OriginFn,
                        Key::OriginAsync
                    ),
                )),
                (None, problem) => cx.syn_error(syn::Error::new(span, problem)),
                (Some(tokens), problem) => {
                    cx.error_spanned_by(tokens, problem.at_value(place, value.map(Written::as_ref)));
                }
            }
        });
        let mut warnings = Vec::new();
        warn_policy(&self.input, &mut |place, value, warning| {
            let tokens = match value {
                Some(lit) => lit.to_token_stream(),
                None => self.tokens_of(place.key).unwrap_or_default(),
            };
            warnings.push((tokens, warning.at_value(place, value.map(Written::as_ref)).to_string()));
        });
        warnings
    }

    /// The tokens of `key`'s value as a whole, where a problem or a warning about it is
    /// reported.
    fn tokens_of(&self, key: Key) -> Option<TokenStream> {
        match key {
            Key::Methods => self.methods_list.as_ref().map(ToTokens::to_token_stream),
            Key::MaxAge => self.max_age.as_ref().map(ToTokens::to_token_stream),
            Key::CrossOriginProtection => {
                self.cross_origin_protection.as_ref().map(ToTokens::to_token_stream)
            }
            // Otherwise the key as written; no origin at all is the policy's problem.
            _ => self
                .keys
                .iter()
                .find(|(written, _)| *written == key)
                .map(|(_, ident)| ident.to_token_stream()),
        }
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
        let input = &self.input;
        let origins = &input.origins;
        let regexes = &input.origin_regexes;
        let origin_fn = self.origin_fn.iter().map(|predicate| {
            quote_spanned! {predicate.span()=> .allow_origin_fn(#predicate) }
        });
        let origin_async = self.origin_async.iter().map(|check| {
            quote_spanned! {check.span()=> .allow_origin_async(#check) }
        });
        let methods = match (&input.methods, &default_methods) {
            (Some(methods), _) => quote!(#(.allow_method(#methods))*),
            (None, DefaultMethods::Route(methods)) => quote!(#(.allow_method(#methods))*),
            (None, DefaultMethods::Runtime(_)) => quote!(),
        };
        // A shared policy's route methods are known only at run time, and a policy used
        // app-wide has none: then the builder's defaults apply, as an empty list would be
        // refused.
        let runtime_methods = match (&input.methods, &default_methods) {
            (None, DefaultMethods::Runtime(slice)) => quote! {
                let __builder = if #slice.is_empty() {
                    __builder
                } else {
                    __builder.allow_methods(#slice.iter().copied())
                };
            },
            _ => quote!(),
        };
        let headers = &input.allow_headers;
        let expose = &input.expose_headers;
        let credentials = input.credentials;
        let private_network = self.private_network;
        let max_age = input.max_age.iter();
        let on_mismatch = if self.reject { quote!(Reject) } else { quote!(Omit) };
        let protection = input.cross_origin_protection;
        let public_origins = &input.public_origins;
        let no_origins = input.no_origins.then(|| quote!(.allow_no_origins()));
        // Stable Rust lets a macro warn only through a lint: the use of a deprecated item,
        // spanned on the token the warning is about, whose note is the warning. Each in its own
        // block, so that several warnings do not define the item twice.
        let warnings = self.warnings.iter().map(|(tokens, message)| {
            let span = tokens.clone().into_iter().next().map_or_else(Span::call_site, |token| token.span());
            let note = format!("CORS policy: {message}");
            quote_spanned! {span=>
                {
                    #[deprecated(note = #note)]
                    #[allow(non_camel_case_types)]
                    struct cors_policy_warning;
                    let _ = cors_policy_warning;
                }
            }
        });
        quote! {{
            #(#warnings)*
            let __builder = ::cors_actix::Policy::builder()
                #(.allow_origin(#origins))*
                #no_origins
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
fn string_list(cx: &Ctxt, value: &Expr, key: Key, example: &str) -> Vec<Written> {
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
        Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) => vec![Written::new(lit.clone())],
        Expr::Array(array) => array
            .elems
            .iter()
            .filter_map(|element| match element {
                Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) => Some(Written::new(lit.clone())),
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

fn boolean(cx: &Ctxt, value: &Expr, key: Key) -> Option<LitBool> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Bool(lit), .. }) => Some(lit.clone()),
        other => {
            cx.error_spanned_by(other, format!("`{key}` expects `true` or `false`"));
            None
        }
    }
}

/// The literal and its value; a value past what browsers honour is the grammar's warning,
/// found with the rest.
fn max_age(cx: &Ctxt, value: &Expr, key: Key) -> Option<(LitInt, u64)> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Int(lit), .. }) => {
            Some((lit.clone(), lit.base10_parse::<u64>().unwrap_or(u64::MAX)))
        }
        Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Neg(_)) => {
            cx.error_spanned_by(value, format!("`{key}` is a number of seconds and cannot be negative"));
            None
        }
        other => {
            cx.error_spanned_by(other, format!("`{key}` expects a number of seconds, as in `{key} = 600`"));
            None
        }
    }
}

/// `"omit"` (false) or `"reject"` (true).
fn on_mismatch(cx: &Ctxt, value: &Expr, key: Key) -> bool {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) if lit.value() == "omit" => false,
        Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) if lit.value() == "reject" => true,
        other => {
            cx.error_spanned_by(other, format!("`{key}` expects `\"omit\"` (run the handler, send no CORS headers) or `\"reject\"` (answer 403)"));
            false
        }
    }
}

/// `policy = NAME`: the name of a shared policy.
fn shared_name(cx: &Ctxt, value: &Expr, key: Key) -> Option<syn::Path> {
    match value {
        Expr::Path(path) if path.qself.is_none() => Some(path.path.clone()),
        _ => {
            cx.error_spanned_by(
                value,
                format!("`{key}` expects the name of a policy defined with `policy! {{ static NAME = {{ ... }} }}`"),
            );
            None
        }
    }
}

/// Whether `value` is the path of a function, or a closure.
fn is_function(value: &Expr) -> bool {
    matches!(value, Expr::Path(_) | Expr::Closure(_))
}

/// The path of a function, or a closure: an origin predicate or check, described by `what`.
fn function(cx: &Ctxt, value: Expr, key: Key, what: &str) -> Option<Expr> {
    if is_function(&value) {
        return Some(value);
    }
    cx.error_spanned_by(&value, format!("`{key}` expects the path of {what}"));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key table of `#[cors]`'s documentation, which `policy!` refers to, lists every key.
    #[test]
    fn the_documentation_lists_every_key() {
        let docs = include_str!("lib.rs");
        for key in Key::ALL {
            assert!(docs.contains(&format!("/// | `{key}` |")), "no row for `{key}` in the key table");
        }
    }

    /// A key given again is an error there, and the first is pointed at once however many
    /// repeats follow; the first value is kept.
    #[test]
    fn a_repeated_key_is_reported_at_each_repeat_and_the_first_once() {
        let cx = Ctxt::new();
        let raw: RawArgs =
            syn::parse2(quote!(origins = "https://a.example", max_age = 60, max_age = 600, max_age = 6000))
                .expect("the keys parse");
        let args = PolicyArgs::from_raw(&cx, raw, Span::call_site());
        assert_eq!(args.input.max_age, Some(60));
        let errors: Vec<String> =
            cx.check().unwrap_err().into_iter().map(|error| error.to_string()).collect();
        assert_eq!(
            errors,
            [
                "`max_age` is given more than once",
                "`max_age` is first given here; give each key once",
                "`max_age` is given more than once",
            ]
        );
    }

    /// Each warning becomes a use of its own deprecated item, in its own block (several in
    /// one policy would otherwise define the item twice), whose note is the warning.
    #[test]
    fn each_warning_is_a_deprecated_item_of_its_own_spanned_on_its_value() {
        let cx = Ctxt::new();
        let raw: RawArgs = syn::parse2(quote!(
            origins = ["https://a.example", "https://a.example"],
            headers = ["cookie"],
            max_age = 604800,
        ))
        .expect("the keys parse");
        let args = PolicyArgs::from_raw(&cx, raw, Span::call_site());
        cx.check().expect("only warnings");
        let tokens: Vec<String> = args.warnings().iter().map(|(tokens, _)| tokens.to_string()).collect();
        assert_eq!(tokens, ["\"https://a.example\"", "\"cookie\"", "604800"]);
        let expanded = args.build_tokens(DefaultMethods::Route(&[])).to_string();
        assert_eq!(expanded.matches("struct cors_policy_warning").count(), 3, "{expanded}");
        assert_eq!(expanded.matches("{ # [deprecated").count(), 3, "each in its own block: {expanded}");
        for (_, message) in args.warnings() {
            let note = format!("CORS policy: {message}");
            assert!(expanded.contains(&format!("{note:?}")), "{note}: {expanded}");
        }
        assert!(args.warnings()[2].1.starts_with("browsers cut a max-age this long"));
    }
}
