//! An echo WebSocket behind an app-wide policy that allows one page origin.
//!
//! A browser opens a WebSocket to whatever server a page names, sends the cookies it holds
//! for that server with the handshake (those their `SameSite` lets through), and keeps
//! nothing from the page once the socket is open: any site could talk to this server as its
//! logged-in visitor (cross-site WebSocket hijacking). The handshake carries the page's
//! `Origin`, though, and the `Cors` middleware answers `403` to a handshake from an origin its
//! policy refuses, before the handler upgrades the connection, whatever `on_mismatch` says.
//!
//! ```text
//! cargo run --example ws_echo
//! ```
//!
//! then open `http://localhost:8080/` (an allowed origin: the socket echoes what you send)
//! and `http://127.0.0.1:8081/` (an origin the policy does not allow: the handshake is
//! refused). The same page is served on both; it opens `ws://127.0.0.1:8080/ws`. `PORT` and
//! `OTHER_PORT` choose the ports; the example prints a `curl` handshake to try, too.
//!
//! Set `RUST_LOG=cors_actix=debug` to see why a handshake is refused.

use actix_web::{rt, web, App, HttpRequest, HttpResponse, HttpServer};
use actix_ws::AggregatedMessage;
use cors_actix::{Cors, Policy};

/// The page; `SOCKET_URL` becomes the socket's address.
const PAGE: &str = r#"<!doctype html>
<html>
<head><meta charset="utf-8"><title>cors-actix WebSocket echo</title></head>
<body>
<h1>WebSocket echo</h1>
<p>This page's origin: <code id="origin"></code>. Socket: <code>SOCKET_URL</code>.</p>
<p id="state">connecting…</p>
<form id="form"><input id="message" value="hello" autocomplete="off"> <button>send</button></form>
<ul id="echoes"></ul>
<script>
"use strict";
document.getElementById("origin").textContent = location.origin;
const state = document.getElementById("state");
const socket = new WebSocket("SOCKET_URL");
let opened = false;
socket.onopen = () => {
  opened = true;
  state.textContent = "open: the server's policy allows this origin";
};
socket.onmessage = (event) => {
  const echo = document.createElement("li");
  echo.textContent = "echo: " + event.data;
  document.getElementById("echoes").append(echo);
};
socket.onclose = (event) => {
  // A browser does not tell the page why a handshake failed; the server answered 403.
  state.textContent = opened
    ? "closed (code " + event.code + ")"
    : "refused: the server's policy does not allow this origin";
};
document.getElementById("form").onsubmit = (event) => {
  event.preventDefault();
  if (socket.readyState === WebSocket.OPEN) socket.send(document.getElementById("message").value);
};
</script>
</body>
</html>
"#;

async fn page(html: web::Data<String>) -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html.get_ref().clone())
}

/// Upgrades the connection and echoes text and binary messages until the client closes.
async fn echo(request: HttpRequest, body: web::Payload) -> actix_web::Result<HttpResponse> {
    let (response, mut session, messages) = actix_ws::handle(&request, body)?;
    let mut messages = messages.aggregate_continuations();
    rt::spawn(async move {
        while let Some(Ok(message)) = messages.recv().await {
            let sent = match message {
                AggregatedMessage::Text(text) => session.text(text).await,
                AggregatedMessage::Binary(bytes) => session.binary(bytes).await,
                AggregatedMessage::Ping(bytes) => session.pong(&bytes).await,
                AggregatedMessage::Pong(_) => Ok(()),
                AggregatedMessage::Close(reason) => {
                    let _ = session.close(reason).await;
                    return;
                }
            };
            if sent.is_err() {
                return;
            }
        }
        // The stream ended or broke without a close frame: close from this side.
        let _ = session.close(None).await;
    });
    Ok(response)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let port =
        |name: &str, default: u16| std::env::var(name).ok().and_then(|p| p.parse().ok()).unwrap_or(default);
    let (port, other_port) = (port("PORT", 8080), port("OTHER_PORT", 8081));

    // `localhost` and `127.0.0.1` are different origins: the page loaded as
    // `http://localhost:PORT` is cross-origin to the socket, and allowed.
    let page_origin = format!("http://localhost:{port}");
    let socket_url = format!("ws://127.0.0.1:{port}/ws");
    let policy = Policy::builder()
        .allow_origin(&page_origin)
        .build()
        .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidInput, error))?;

    println!("cors-actix WebSocket echo at {socket_url}");
    println!("  {page_origin}/   <- an allowed origin: the socket echoes what you send");
    println!("  http://127.0.0.1:{other_port}/   <- an origin the policy does not allow: refused");
    println!("or play the browser from another terminal (a handshake from an origin the policy refuses):");
    println!(
        "  curl -i http://127.0.0.1:{port}/ws -H 'Origin: https://evil.example' -H 'Connection: Upgrade' \\\n    \
         -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='"
    );
    println!("  (403 Forbidden; with -H 'Origin: {page_origin}' instead, 101 Switching Protocols)");

    let cors = Cors::new(policy);
    let html = web::Data::new(PAGE.replace("SOCKET_URL", &socket_url));
    HttpServer::new(move || {
        App::new()
            .wrap(cors.clone())
            .app_data(html.clone())
            .route("/", web::get().to(page))
            .route("/ws", web::get().to(echo))
    })
    .workers(2)
    .bind(("127.0.0.1", port))?
    .bind(("127.0.0.1", other_port))?
    .run()
    .await
}
