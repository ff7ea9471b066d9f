//! On the wire: what actix's HTTP/1 parser does with hostile Origin headers before the policy.

use actix_web::HttpServer;
use cors_actix_tests::{raw_request, serve_while};

use super::*;

fn request_with(origin_lines: &[u8]) -> Vec<u8> {
    let mut request = b"GET /items HTTP/1.1\r\nHost: api.example\r\n".to_vec();
    request.extend_from_slice(origin_lines);
    request.extend_from_slice(b"Connection: close\r\n\r\n");
    request
}

/// Through a real server on 127.0.0.1: optional whitespace around the value is stripped by the
/// HTTP parser (so the padded allowed origin is that origin, correctly), repeated and
/// comma-joined origins are refused, obsolete line folding is a `400`, and a 64 KiB `Origin`
/// (which actix's parser accepts) is refused without an `Access-Control-Allow-Origin`.
#[test]
fn wire_level_hostile_origin_headers() {
    let start = || {
        let server = HttpServer::new(|| {
            App::new()
                .app_data(web::Data::new(Calls::default()))
                .wrap(Cors::new(exact_policy()))
                .service(web::resource("/items").to(counted))
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .expect("bind 127.0.0.1");
        (server.addrs(), server.disable_signals().shutdown_timeout(1).run())
    };
    serve_while(start, |addresses| {
        let address = addresses[0];
        let huge = [b"Origin: https://".as_slice(), &[b'a'; 64 * 1024], b".app.example\r\n"].concat();
        let cases: Vec<(Vec<u8>, &str, Option<&str>)> = vec![
            (b"Origin: https://app.example\r\n".to_vec(), "http/1.1 200", Some("https://app.example")),
            (b"Origin:   https://app.example  \r\n".to_vec(), "http/1.1 200", Some("https://app.example")),
            (b"Origin:\thttps://app.example\t\r\n".to_vec(), "http/1.1 200", Some("https://app.example")),
            (b"Origin: https://evil.example\r\n".to_vec(), "http/1.1 200", None),
            (
                b"Origin: https://app.example\r\nOrigin: https://app.example\r\n".to_vec(),
                "http/1.1 200",
                None,
            ),
            (
                b"Origin: https://evil.example\r\nOrigin: https://app.example\r\n".to_vec(),
                "http/1.1 200",
                None,
            ),
            (b"Origin: https://app.example, https://evil.example\r\n".to_vec(), "http/1.1 200", None),
            (b"Origin: https://app.example\r\n .evil.example\r\n".to_vec(), "http/1.1 400", None),
            (b"Origin: https://app.example\xff\r\n".to_vec(), "http/1.1 200", None),
            (huge, "http/1.1 200", None),
        ];
        for (lines, status, allow_origin) in cases {
            let shown = String::from_utf8_lossy(&lines[..lines.len().min(80)]).into_owned();
            let head = raw_request(address, &request_with(&lines));
            assert!(head.starts_with(status), "{shown:?}: {head}");
            let expected = allow_origin.map(|origin| format!("access-control-allow-origin: {origin}\r\n"));
            match expected {
                Some(line) => assert!(head.contains(&line), "{shown:?}: {head}"),
                None => assert!(!head.contains("access-control-"), "{shown:?}: {head}"),
            }
        }
    });
}
