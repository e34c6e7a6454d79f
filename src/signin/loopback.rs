//! The loopback listener the browser comes back to: `http://localhost:PORT/` on 127.0.0.1
//! (and `[::1]` on the same port when it is free, since browsers may resolve `localhost` to
//! either). Each connection is read on its own task, so a browser's idle pre-connection never
//! holds up the real answer. Requests for other paths get 404; an answer whose `state` is not
//! this sign-in's is refused and the wait goes on.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::error::SigninError;
use crate::secrets::Secret;

/// The most a request head may hold.
const MAX_HEAD: usize = 16 * 1024;
/// How long one connection may take to send its request.
const READ_LIMIT: Duration = Duration::from_secs(10);

/// What the browser brought back.
enum Outcome {
    Code(Secret),
    Error { error: String, description: String },
}

/// A bound listener.
pub(crate) struct Loopback {
    v4: TcpListener,
    v6: Option<TcpListener>,
    port: u16,
}

impl Loopback {
    /// Binds 127.0.0.1 on a free port (and [::1] on the same port if possible).
    pub(crate) async fn open() -> Result<Loopback, SigninError> {
        let v4 = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .map_err(|e| SigninError::Loopback(e.to_string()))?;
        let port = v4
            .local_addr()
            .map_err(|e| SigninError::Loopback(e.to_string()))?
            .port();
        let v6 = TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, port)))
            .await
            .ok();
        Ok(Loopback { v4, v6, port })
    }

    /// `http://localhost:PORT/` (Entra matches loopback redirects on any port).
    pub(crate) fn redirect_uri(&self) -> String {
        format!("http://localhost:{}/", self.port)
    }

    /// Waits for the browser's answer with `state`; returns the code.
    pub(crate) async fn wait(self, state: &str, limit: Duration) -> Result<Secret, SigninError> {
        let (tx, mut rx) = mpsc::channel::<Outcome>(4);
        let deadline = tokio::time::sleep(limit);
        tokio::pin!(deadline);
        loop {
            let accepted = tokio::select! {
                _ = &mut deadline => {
                    return Err(SigninError::BrowserTimeout { seconds: limit.as_secs() });
                }
                Some(outcome) = rx.recv() => {
                    return match outcome {
                        Outcome::Code(code) => Ok(code),
                        Outcome::Error { error, description } => {
                            Err(SigninError::Authorize { error, description })
                        }
                    };
                }
                a = self.v4.accept() => a,
                a = accept_v6(self.v6.as_ref()) => a,
            };
            if let Ok((stream, _)) = accepted {
                let (tx, state) = (tx.clone(), state.to_string());
                tokio::spawn(async move {
                    if let Some(outcome) = serve(stream, &state).await {
                        let _ = tx.send(outcome).await;
                    }
                });
            }
        }
    }
}

async fn accept_v6(l: Option<&TcpListener>) -> std::io::Result<(TcpStream, SocketAddr)> {
    match l {
        Some(l) => l.accept().await,
        None => std::future::pending().await,
    }
}

/// Reads the request head (bounded in size and time).
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(2048);
    let read = async {
        let mut chunk = [0u8; 2048];
        loop {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
            if buf.windows(4).any(|w| w == b"\r\n\r\n") {
                return Some(());
            }
            if buf.len() > MAX_HEAD {
                return None;
            }
        }
    };
    tokio::time::timeout(READ_LIMIT, read).await.ok()??;
    let text = String::from_utf8_lossy(&buf);
    text.lines().next().map(String::from)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn respond(stream: &mut TcpStream, status: &str, title: &str, text: &str) {
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>mailscope</title></head><body style=\"font-family:sans-serif;margin:3em\"><h1>{}</h1><p>{}</p></body></html>",
        escape(title),
        escape(text)
    );
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Answers one connection; `Some` when it carried this sign-in's answer.
async fn serve(mut stream: TcpStream, state: &str) -> Option<Outcome> {
    let line = read_head(&mut stream).await?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?, parts.next()?);
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if method != "GET" || path != "/" {
        respond(&mut stream, "404 Not Found", "Not found", "").await;
        return None;
    }
    let mut code = None;
    let mut got_state = None;
    let mut error = None;
    let mut description = String::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "code" => code = Some(Secret::new(v.into_owned())),
            "state" => got_state = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            "error_description" => description = v.into_owned(),
            _ => {}
        }
    }
    if got_state.as_deref() != Some(state) {
        respond(
            &mut stream,
            "400 Bad Request",
            "Not this sign-in",
            "This answer does not belong to the sign-in mailscope is waiting for. Return to mailscope.",
        )
        .await;
        return None;
    }
    if let Some(error) = error {
        respond(
            &mut stream,
            "200 OK",
            "Sign-in did not complete",
            &format!("{error}: {description} You can close this tab and return to mailscope."),
        )
        .await;
        return Some(Outcome::Error { error, description });
    }
    let Some(code) = code else {
        respond(
            &mut stream,
            "400 Bad Request",
            "No code",
            "The answer carried no code.",
        )
        .await;
        return None;
    };
    respond(
        &mut stream,
        "200 OK",
        "Signed in",
        "mailscope has your sign-in. You can close this tab and return to the terminal.",
    )
    .await;
    Some(Outcome::Code(code))
}
