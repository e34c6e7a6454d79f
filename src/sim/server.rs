//! HTTPS serving: TLS accept loop, hyper (HTTP/1.1 and h2) over the axum router.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{any, get, post};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use rustls::ServerConfig;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use super::graph_http::{DropConnection, graph};
use super::state::SimState;
use super::{authorize, devicecode, exchange_http, identity, token, upload};

/// The sim's routes.
pub(crate) fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/_sim/stats", get(identity::stats))
        .route(
            "/common/discovery/instance",
            get(identity::instance_discovery),
        )
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(identity::openid_configuration),
        )
        .route("/{tenant}/discovery/v2.0/keys", get(identity::jwks))
        .route("/{tenant}/discovery/keys", get(identity::jwks))
        .route("/{tenant}/oauth2/v2.0/token", post(token::token))
        .route("/{tenant}/oauth2/v2.0/authorize", get(authorize::authorize))
        .route(
            "/{tenant}/oauth2/v2.0/devicecode",
            post(devicecode::devicecode),
        )
        .route("/_sim/devicecode/{action}", post(devicecode::hook))
        .route("/_sim/signin/revoke", post(devicecode::revoke))
        .route("/v1.0/{*rest}", any(graph))
        .route("/beta/{*rest}", any(graph))
        .route("/api/v2.0/{*rest}", any(upload::upload))
        .route(
            "/adminapi/beta/{tenant}/InvokeCommand",
            post(exchange_http::invoke),
        )
        .with_state(state)
}

/// Error that makes hyper close the connection without a response (fault injection).
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

/// Accepts connections until `shutdown` turns true; open connections are then aborted.
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Arc<ServerConfig>,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let acceptor = TlsAcceptor::from(tls);
    let tower = TowerToHyperService::new(router);
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let _ = tcp.set_nodelay(true);
                let (acceptor, tower) = (acceptor.clone(), tower.clone());
                conns.spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else { return };
                    let svc = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                        let fut = hyper::service::Service::call(&tower, req);
                        async move {
                            let resp = match fut.await {
                                Ok(r) => r,
                                Err(never) => match never {},
                            };
                            if resp.extensions().get::<DropConnection>().is_some() {
                                Err(Dropped)
                            } else {
                                Ok(resp)
                            }
                        }
                    });
                    let _ = Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(tls), svc)
                        .await;
                });
            }
        }
    }
    conns.abort_all();
}
