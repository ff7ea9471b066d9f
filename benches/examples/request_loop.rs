//! Sends one kind of request N times through one variant of the app, in process, on one
//! thread: the program `callgrind.sh` counts instructions of (run it at two values of N and
//! divide the difference, so that start-up cancels).
//!
//! ```text
//! cargo run --release -p cors-actix-benches --example request_loop -- VARIANT CASE N
//! cargo run --release -p cors-actix-benches --example request_loop -- decide CASE N
//! cargo run --release -p cors-actix-benches --example request_loop -- headers OP N
//! ```
//!
//! `VARIANT` is `no-cors`, `actix-cors`, `app-wide` or `per-route`; `decide` runs only
//! `Policy::decide` on the request's head; `mixed`, `composed` and `floor` are the extra apps of
//! [`Variant`]. `CASE` is `simple-allowed`, `simple-disallowed`, `preflight-allowed`,
//! `preflight-rejected` or `no-origin`.
//!
//! `headers` measures what one operation on actix's response `HeaderMap` costs: a pooled
//! response with the handler's two headers, then `OP` four times on four new names
//! (`none`, `insert`, `append`, `contains-append` (a lookup, then an append) or `get`).

use std::{hint::black_box, process::ExitCode};

use actix_web::{
    http::{
        header::{self, HeaderName, HeaderValue},
        StatusCode,
    },
    rt::System,
    test, HttpResponse,
};
use cors_actix_benches::{run, with_app, Case, Variant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [variant, case, n] = args.as_slice() else {
        eprintln!("usage: request_loop VARIANT|decide CASE N");
        return ExitCode::FAILURE;
    };
    if variant == "headers" {
        return match n.parse::<u64>() {
            Ok(n) if ["none", "insert", "append", "contains-append", "get"].contains(&case.as_str()) => {
                println!("headers {case} x{n}: {}", header_ops(case, n));
                ExitCode::SUCCESS
            }
            _ => {
                eprintln!("unknown header operation `{case}` or bad count `{n}`");
                ExitCode::FAILURE
            }
        };
    }
    let (Some(case), Ok(n)) = (Case::parse(case), n.parse::<u64>()) else {
        eprintln!("unknown case `{case}` or bad count `{n}`");
        return ExitCode::FAILURE;
    };

    if variant == "decide" {
        let policy = cors_actix_benches::policy();
        let request = case.test_request().to_srv_request();
        let mut checksum = 0u64;
        for _ in 0..n {
            let decision = cors_actix::__private::decide(&policy, black_box(request.head()));
            checksum += u64::from(matches!(black_box(decision), cors_actix::__private::Decision::Actual(_)));
        }
        println!("decide {} x{n}: {checksum}", case.name());
        return ExitCode::SUCCESS;
    }

    let Some(variant) = Variant::parse(variant) else {
        eprintln!("unknown variant `{variant}`");
        return ExitCode::FAILURE;
    };
    let statuses = System::new().block_on(async move {
        with_app!(variant, |make| {
            let app = test::init_service(make()).await;
            // One request first, so that whatever is set up lazily is set up in both runs.
            run(&app, case, 1).await;
            run(&app, case, n).await
        })
    });
    println!("{} {} x{n}: mean status {}", variant.name(), case.name(), statuses / n.max(1));
    ExitCode::SUCCESS
}

/// `op` on four names a pooled response does not have yet, `n` times; returns a checksum.
fn header_ops(op: &str, n: u64) -> usize {
    let names = [
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        header::VARY,
    ];
    let value = HeaderValue::from_static("https://app.example");
    let mut checksum = 0;
    for _ in 0..n {
        let mut response = HttpResponse::new(StatusCode::OK);
        let headers = response.headers_mut();
        headers.insert(HeaderName::from_static("x-request-id"), HeaderValue::from_static("1"));
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        for name in &names {
            let name = black_box(name.clone());
            match op {
                "insert" => drop(headers.insert(name, value.clone())),
                "append" => headers.append(name, value.clone()),
                "contains-append" if !headers.contains_key(&name) => headers.append(name, value.clone()),
                "get" => checksum += usize::from(headers.get(&name).is_some()),
                _ => {}
            }
        }
        checksum += black_box(response).headers().len();
    }
    checksum
}
