//! The macros and the runtime builder give the same verdict on every policy: one table of
//! policies, each written as `policy!` keys (parsed and checked as the macro does) and as a
//! `PolicyBuilder` chain, and for each the same problems, in the same order, as the table
//! expects. Since `policy!` and `#[cors]` expand to a builder chain, agreement here is what
//! lets `build_checked` skip the check at run time.

use cors_actix::{Policy, PolicyBuilder};
use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::{
    ctxt::Ctxt,
    policy_args::{PolicyArgs, RawArgs},
};

/// One policy, as both sides take it.
#[derive(Clone, Copy)]
struct Case {
    origins: &'static [&'static str],
    regexes: &'static [&'static str],
    predicate: bool,
    async_predicate: bool,
    methods: Option<&'static [&'static str]>,
    headers: &'static [&'static str],
    expose: &'static [&'static str],
    credentials: bool,
    max_age: Option<u64>,
    protection: bool,
    public_origins: &'static [&'static str],
}

/// A valid policy, for cases that change one thing.
const BASE: Case = Case {
    origins: &["https://app.example"],
    regexes: &[],
    predicate: false,
    async_predicate: false,
    methods: None,
    headers: &[],
    expose: &[],
    credentials: false,
    max_age: None,
    protection: false,
    public_origins: &[],
};

/// Each case with the problems expected of it (the kinds of the builder's problems), in order.
const TABLE: &[(Case, &[&str])] = &[
    // Origins, one at a time.
    (BASE, &[]),
    (Case { origins: &["https://*.app.example"], ..BASE }, &[]),
    (Case { origins: &["http://localhost:*", "https://[::1]:*"], ..BASE }, &[]),
    (Case { origins: &["null"], ..BASE }, &[]),
    (Case { origins: &["*"], ..BASE }, &[]),
    (Case { origins: &["https://app.example/"], ..BASE }, &["Origin"]),
    (Case { origins: &["https://App.Example"], ..BASE }, &["Origin"]),
    (Case { origins: &["app.example"], ..BASE }, &["Origin"]),
    (Case { origins: &["https://app.example:443"], ..BASE }, &["Origin"]),
    (Case { origins: &["https://app.example/path"], ..BASE }, &["Origin"]),
    (Case { origins: &["https://app.example?x"], ..BASE }, &["Origin"]),
    (Case { origins: &["https://user@app.example"], ..BASE }, &["Origin"]),
    (Case { origins: &["http://[::ffff:127.0.0.1]"], ..BASE }, &["Origin"]),
    (Case { origins: &["https://*.com"], ..BASE }, &["Origin"]),
    (Case { origins: &["https://*example.com"], ..BASE }, &["Origin"]),
    (Case { origins: &[""], ..BASE }, &["Origin"]),
    // Repeats.
    (Case { origins: &["https://app.example", "https://app.example"], ..BASE }, &["OriginRepeated"]),
    (
        Case { origins: &["https://a.example", "https://b.example", "https://a.example"], ..BASE },
        &["OriginRepeated"],
    ),
    (Case { origins: &["*", "*"], ..BASE }, &["OriginRepeated"]),
    (Case { origins: &["https://*.app.example", "https://*.app.example"], ..BASE }, &["OriginRepeated"]),
    (Case { origins: &["app.example", "app.example"], ..BASE }, &["Origin", "Origin", "OriginRepeated"]),
    // `*`, and no origin at all.
    (Case { origins: &["*", "https://app.example"], ..BASE }, &["AnyOriginMixed"]),
    (Case { origins: &["*"], regexes: &[r"^https://app\.example$"], ..BASE }, &["AnyOriginMixed"]),
    (Case { origins: &["*"], predicate: true, ..BASE }, &["AnyOriginMixed"]),
    (Case { origins: &["https://bad/", "*"], ..BASE }, &["Origin", "AnyOriginMixed"]),
    (Case { origins: &["*"], credentials: true, ..BASE }, &["AnyOriginWithCredentials"]),
    (
        Case { origins: &["https://app.example", "*"], credentials: true, ..BASE },
        &["AnyOriginMixed", "AnyOriginWithCredentials"],
    ),
    (Case { origins: &[], ..BASE }, &["NoOrigin"]),
    (Case { origins: &[], protection: true, ..BASE }, &[]),
    (Case { origins: &[], protection: true, credentials: true, ..BASE }, &[]),
    (Case { origins: &[], headers: &["content-type"], credentials: true, ..BASE }, &["NoOrigin"]),
    (Case { origins: &[], predicate: true, ..BASE }, &[]),
    (Case { origins: &[], async_predicate: true, ..BASE }, &[]),
    (Case { origins: &["*"], async_predicate: true, ..BASE }, &["AnyOriginMixed"]),
    (Case { origins: &[], regexes: &[r"^https://[a-z]+\.app\.example$"], ..BASE }, &[]),
    // Regexes.
    (Case { regexes: &[r"https://app\.example$"], ..BASE }, &["RegexNotAnchored"]),
    (Case { regexes: &[r"^https://app\.example"], ..BASE }, &["RegexNotAnchored"]),
    (Case { regexes: &[r"^https://app\.example\$"], ..BASE }, &["RegexNotAnchored"]),
    (Case { regexes: &[r"^https://a\.example|https://b\.example$"], ..BASE }, &["RegexNotAnchored"]),
    (Case { regexes: &[r"^https://(app$"], ..BASE }, &["RegexSyntax"]),
    (Case { regexes: &[r"^https://\p{Greek}$"], ..BASE }, &["RegexSyntax"]),
    (Case { regexes: &["^https://.*$"], ..BASE }, &[]),
    (Case { regexes: &["^https://.*$"], credentials: true, ..BASE }, &["AnyOriginRegexWithCredentials"]),
    (
        Case { regexes: &[r"^https?://[a-z]+\.[a-z]+$"], credentials: true, ..BASE },
        &["AnyOriginRegexWithCredentials"],
    ),
    (Case { regexes: &[r"^https://[a-z]+\.app\.example$"], credentials: true, ..BASE }, &[]),
    (
        Case { regexes: &["^https://.*$", "https://x$"], credentials: true, ..BASE },
        &["AnyOriginRegexWithCredentials", "RegexNotAnchored"],
    ),
    // Methods.
    (Case { methods: Some(&[]), ..BASE }, &["NoMethodListed"]),
    (Case { methods: Some(&["GET", "PUT"]), ..BASE }, &[]),
    (Case { methods: Some(&["PUT", "PUT"]), ..BASE }, &[]),
    (Case { methods: Some(&["*"]), ..BASE }, &[]),
    (Case { methods: Some(&["*"]), credentials: true, ..BASE }, &[]),
    (Case { methods: Some(&["PROPFIND"]), ..BASE }, &[]),
    (Case { methods: Some(&["patch"]), ..BASE }, &["Method"]),
    (Case { methods: Some(&["Delete"]), ..BASE }, &["Method"]),
    (Case { methods: Some(&["CONNECT", "TRACE", "TRACK"]), ..BASE }, &["Method", "Method", "Method"]),
    (Case { methods: Some(&["GE T"]), ..BASE }, &["Method"]),
    (Case { methods: Some(&[""]), ..BASE }, &["Method"]),
    // Allowed request headers.
    (Case { headers: &["content-type", "x-api-key"], ..BASE }, &[]),
    (Case { headers: &["X-Api-Key", "x-api-key"], ..BASE }, &[]),
    (Case { headers: &["*"], ..BASE }, &[]),
    (Case { headers: &["*", "authorization"], credentials: true, ..BASE }, &[]),
    (Case { headers: &["cookie"], ..BASE }, &["AllowedHeader"]),
    (Case { headers: &["x bad"], ..BASE }, &["AllowedHeader"]),
    (Case { headers: &["x:y", ""], ..BASE }, &["AllowedHeader", "AllowedHeader"]),
    // Exposed response headers.
    (Case { expose: &["x-request-id", "ETag"], ..BASE }, &[]),
    (Case { expose: &["*"], ..BASE }, &[]),
    (Case { expose: &["set-cookie"], ..BASE }, &["ExposedHeader"]),
    (Case { expose: &["a:b"], ..BASE }, &["ExposedHeader"]),
    (Case { expose: &["*"], credentials: true, ..BASE }, &["AnyExposedHeaderWithCredentials"]),
    (Case { expose: &["x-request-id"], credentials: true, ..BASE }, &[]),
    // Max-age.
    (Case { max_age: Some(0), ..BASE }, &[]),
    (Case { max_age: Some(86_400), ..BASE }, &[]),
    (Case { max_age: Some(86_401), ..BASE }, &["MaxAgeTooLong"]),
    (Case { max_age: Some(u64::MAX), ..BASE }, &["MaxAgeTooLong"]),
    // Cross-origin request protection and the server's public origins.
    (Case { protection: true, ..BASE }, &[]),
    (
        Case { protection: true, public_origins: &["https://api.example", "http://localhost:8080"], ..BASE },
        &[],
    ),
    (Case { origins: &["*"], protection: true, ..BASE }, &["ProtectionWithAnyOrigin"]),
    // `null`, which any site can produce, is never trusted by the protection.
    (
        Case { origins: &["https://app.example", "null"], protection: true, ..BASE },
        &["ProtectionWithNullOrigin"],
    ),
    (Case { origins: &["null"], protection: true, ..BASE }, &["ProtectionWithNullOrigin"]),
    (
        Case { origins: &["null", "null"], protection: true, ..BASE },
        &["OriginRepeated", "ProtectionWithNullOrigin"],
    ),
    (
        Case { origins: &["*", "null"], protection: true, ..BASE },
        &["AnyOriginMixed", "ProtectionWithNullOrigin", "ProtectionWithAnyOrigin"],
    ),
    (Case { origins: &["NULL"], protection: true, ..BASE }, &["Origin"]),
    (Case { origins: &["null"], public_origins: &["https://api.example"], ..BASE }, &[]),
    (Case { public_origins: &["https://api.example/"], ..BASE }, &["PublicOrigin"]),
    (Case { public_origins: &["API.example"], ..BASE }, &["PublicOrigin"]),
    (Case { public_origins: &["https://*.api.example"], ..BASE }, &["PublicOriginNotExact"]),
    (Case { public_origins: &["*", "null"], ..BASE }, &["PublicOriginNotExact", "PublicOriginNotExact"]),
    (
        Case { public_origins: &["https://api.example", "https://api.example"], ..BASE },
        &["PublicOriginRepeated"],
    ),
    // Wildcards over public suffixes: refused with credentials (without, a warning; below).
    (
        Case { origins: &["https://*.github.io"], credentials: true, ..BASE },
        &["PublicSuffixWildcardWithCredentials"],
    ),
    (
        Case { origins: &["https://*.co.uk", "https://*.shop.co.uk"], credentials: true, ..BASE },
        &["PublicSuffixWildcardWithCredentials"],
    ),
    (Case { origins: &["https://*.myorg.github.io"], credentials: true, ..BASE }, &[]),
    (Case { origins: &["https://*.vercel.app"], ..BASE }, &[]),
    // Everything at once, in the checker's order.
    (
        Case {
            origins: &["https://App.Example/", "*", "https://App.Example/"],
            regexes: &["^https://.*$"],
            predicate: true,
            async_predicate: false,
            methods: Some(&["delete"]),
            headers: &["x api"],
            expose: &["*"],
            credentials: true,
            max_age: Some(100_000),
            protection: true,
            public_origins: &["https://api.example/"],
        },
        &[
            "Origin",
            "Origin",
            "OriginRepeated",
            "AnyOriginRegexWithCredentials",
            "AnyOriginMixed",
            "AnyOriginWithCredentials",
            "Method",
            "AllowedHeader",
            "AnyExposedHeaderWithCredentials",
            "MaxAgeTooLong",
            "ProtectionWithAnyOrigin",
            "PublicOrigin",
        ],
    ),
];

impl Case {
    /// The keys of `policy! { ... }` for this case.
    fn macro_keys(&self) -> TokenStream {
        let Case {
            origins,
            regexes,
            predicate,
            async_predicate,
            methods,
            headers,
            expose,
            credentials,
            max_age,
            protection,
            public_origins,
        } = *self;
        let predicate = predicate.then(|| quote!(origin_fn = |_, _| true,));
        let async_predicate = async_predicate.then(|| quote!(origin_async = |_, _| async { true },));
        let methods = methods.map(|methods| quote!(methods = [#(#methods),*],));
        let max_age = max_age.map(|seconds| quote!(max_age = #seconds,));
        quote! {
            origins = [#(#origins),*],
            origin_regex = [#(#regexes),*],
            #predicate
            #async_predicate
            #methods
            headers = [#(#headers),*],
            expose = [#(#expose),*],
            credentials = #credentials,
            #max_age
            cross_origin_protection = #protection,
            public_origins = [#(#public_origins),*],
        }
    }

    /// The macro's errors for this case, as the compiler would print them.
    fn macro_verdict(&self) -> Vec<String> {
        let cx = Ctxt::new();
        let raw: RawArgs = syn::parse2(self.macro_keys()).expect("the table's keys parse");
        let _args = PolicyArgs::from_raw(&cx, raw, Span::call_site());
        match cx.check() {
            Ok(()) => Vec::new(),
            Err(errors) => errors.into_iter().map(|error| error.to_string()).collect(),
        }
    }

    fn builder(&self) -> PolicyBuilder {
        let mut builder = Policy::builder()
            .allow_origins(self.origins.iter().copied())
            .allow_headers(self.headers)
            .expose_headers(self.expose)
            .allow_credentials(self.credentials)
            .cross_origin_protection(self.protection)
            .public_origins(self.public_origins.iter().copied());
        for regex in self.regexes {
            builder = builder.allow_origin_regex(*regex);
        }
        if self.predicate {
            builder = builder.allow_origin_fn(|_, _| true);
        }
        if self.async_predicate {
            builder = builder.allow_origin_async(|_, _| async { true });
        }
        if let Some(methods) = self.methods {
            builder = builder.allow_methods(methods);
        }
        if let Some(seconds) = self.max_age {
            builder = builder.max_age(seconds);
        }
        builder
    }

    /// The builder's problems for this case: each one's kind and its message.
    fn builder_verdict(&self) -> Vec<(String, String)> {
        match self.builder().build() {
            Ok(_) => Vec::new(),
            Err(error) => error
                .problems()
                .iter()
                .map(|problem| {
                    let debug = format!("{:?}", problem.kind());
                    let variant = debug.split([' ', '{', '(']).next().unwrap_or_default().to_owned();
                    (variant, problem.to_string())
                })
                .collect(),
        }
    }
}

/// The same problem seen from both sides: the builder's line names the value in front of
/// the grammar's words, and the macro shows them under the value, adding its own hint where
/// the problem is the whole policy's.
fn same_problem(macro_message: &str, builder_line: &str) -> bool {
    builder_line.ends_with(macro_message) || macro_message.starts_with(builder_line)
}

#[test]
fn the_macros_and_the_builder_give_the_same_verdict_on_every_policy() {
    for (case, expected) in TABLE {
        let keys = case.macro_keys().to_string();
        let from_builder = case.builder_verdict();
        let variants: Vec<&str> = from_builder.iter().map(|(variant, _)| variant.as_str()).collect();
        assert_eq!(&variants, expected, "the builder, on {keys}");
        let from_macro = case.macro_verdict();
        assert_eq!(
            from_macro.len(),
            from_builder.len(),
            "{keys}: macro {from_macro:#?}, builder {from_builder:#?}"
        );
        for (macro_message, (_, builder_line)) in from_macro.iter().zip(&from_builder) {
            assert!(
                same_problem(macro_message, builder_line),
                "{keys}: macro `{macro_message}`, builder `{builder_line}`"
            );
        }
    }
}

#[test]
fn the_table_covers_every_rule() {
    let reported: Vec<&str> = TABLE.iter().flat_map(|(_, expected)| expected.iter().copied()).collect();
    for rule in [
        "Origin",
        "OriginRepeated",
        "RegexNotAnchored",
        "RegexSyntax",
        "AnyOriginMixed",
        "NoOrigin",
        "AnyOriginWithCredentials",
        "AnyOriginRegexWithCredentials",
        "NoMethodListed",
        "Method",
        "AllowedHeader",
        "ExposedHeader",
        "AnyExposedHeaderWithCredentials",
        "MaxAgeTooLong",
        "ProtectionWithAnyOrigin",
        "ProtectionWithNullOrigin",
        "PublicOrigin",
        "PublicOriginNotExact",
        "PublicOriginRepeated",
        "PublicSuffixWildcardWithCredentials",
    ] {
        assert!(reported.contains(&rule), "no case of the table breaks `{rule}`");
    }
    assert!(TABLE.iter().filter(|(_, expected)| expected.is_empty()).count() >= 20, "and valid ones");
}

/// What builds but is probably not meant is a warning on both sides, with the same words:
/// a compiler warning on the literal from the macros, `Policy::warnings` from the builder.
#[test]
fn the_macros_and_the_builder_warn_alike() {
    let cases: [(&[&str], bool, &[&str]); 4] = [
        (&["https://*.vercel.app", "https://app.example"], false, &["vercel.app"]),
        (&["https://*.co.uk", "https://*.github.io"], false, &["co.uk", "github.io"]),
        (&["https://*.myorg.github.io"], false, &[]),
        (&["https://*.app.example"], true, &[]),
    ];
    for (origins, credentials, suffixes) in cases {
        let case = Case { origins, credentials, ..BASE };
        let cx = Ctxt::new();
        let raw: RawArgs = syn::parse2(case.macro_keys()).expect("the keys parse");
        let args = PolicyArgs::from_raw(&cx, raw, Span::call_site());
        cx.check().expect("no problem");
        let from_macro: Vec<&str> = args.warnings().iter().map(|(_, message)| message.as_str()).collect();
        let policy = case.builder().build().expect("no problem");
        let from_builder: Vec<String> = policy.warnings().iter().map(ToString::to_string).collect();
        assert_eq!(from_macro.len(), suffixes.len(), "{origins:?}");
        assert_eq!(from_builder.len(), suffixes.len(), "{origins:?}");
        for ((macro_message, builder_line), suffix) in from_macro.iter().zip(&from_builder).zip(suffixes) {
            assert!(
                builder_line.ends_with(macro_message),
                "macro `{macro_message}`, builder `{builder_line}`"
            );
            assert!(macro_message.starts_with(&format!("`{suffix}` is a public suffix")), "{macro_message}");
        }
    }
}
