//! Starting and stopping a sim: binding, the CA file, the ready line, signals.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::SimError;
use super::ca_dir::CaDir;
use super::scenario::Scenario;
use super::server;
use super::state::SimState;
use super::stats::SimStats;
use super::tls;
use super::tokens_jwt::Signer;

/// A running sim. Dropping it stops the server (and removes the CA file's folder).
pub struct SimHandle {
    /// Authority base URL, e.g. `https://127.0.0.1:43123` (tenant goes after it).
    pub authority: String,
    /// Graph base URL (without `/v1.0`); also the token audience and scope resource.
    pub graph: String,
    /// The CA certificate (PEM) that signed the server certificate.
    pub ca_pem: String,
    /// The same CA written to a file in a temporary folder owned by the handle.
    pub ca_file: PathBuf,
    /// The scenario's tenant GUID.
    pub tenant_id: String,
    /// The bound socket address.
    pub addr: SocketAddr,
    state: Arc<SimState>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    /// The CA file's folder, removed when the handle is dropped.
    _dir: CaDir,
}

impl SimHandle {
    /// The one JSON line printed when ready.
    pub fn ready_line(&self) -> String {
        #[derive(serde::Serialize)]
        struct Ready<'a> {
            authority: &'a str,
            graph: &'a str,
            ca_file: &'a Path,
            tenant_id: &'a str,
        }
        let ready = Ready {
            authority: &self.authority,
            graph: &self.graph,
            ca_file: &self.ca_file,
            tenant_id: &self.tenant_id,
        };
        serde_json::to_string(&ready).unwrap_or_default()
    }

    /// The counters (same data as `GET /_sim/stats`).
    pub async fn stats(&self) -> SimStats {
        self.state.snapshot()
    }

    /// Signs arbitrary claims with the sim's token key (RS256, same `kid`), for tests of how
    /// Graph treats expired or wrong-audience tokens.
    pub async fn sign_claims(&self, claims: &serde_json::Value) -> Result<String, SimError> {
        let signer = self.state.signer().await;
        signer
            .ok_or_else(|| SimError::Crypto("no signing key".into()))?
            .sign(claims)
    }

    /// Stops serving and removes the CA file.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
        // `dir` removes the CA folder when it is dropped, right after this.
    }
}

fn io(what: &str) -> impl FnOnce(std::io::Error) -> SimError + '_ {
    move |source| SimError::Io {
        what: what.to_string(),
        source,
    }
}

/// Starts a sim for `scenario` on `listen` (port 0 picks a free port).
pub async fn start(scenario: Scenario, listen: SocketAddr) -> Result<SimHandle, SimError> {
    let material = tls::generate()?;
    let (signer_tx, signer) = watch::channel(None);
    tokio::task::spawn_blocking(move || {
        if let Ok(s) = Signer::generate() {
            let _ = signer_tx.send(Some(Arc::new(s)));
        }
    });
    let listener = TcpListener::bind(listen)
        .await
        .map_err(io("binding the listen address"))?;
    let addr = listener
        .local_addr()
        .map_err(io("reading the bound address"))?;
    let host: IpAddr = if addr.ip().is_unspecified() {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        addr.ip()
    };
    let base = format!("https://{}", SocketAddr::new(host, addr.port()));
    let dir = CaDir::create(&std::env::temp_dir()).map_err(io("creating the CA folder"))?;
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &material.ca_pem).map_err(io("writing the CA file"))?;
    let tenant_id = scenario.tenant_id.clone();
    let state = Arc::new(SimState::new(scenario, base.clone(), base.clone(), signer));
    let (tx, rx) = watch::channel(false);
    let app = server::router(state.clone());
    let task = tokio::spawn(server::serve(listener, material.server, app, rx));
    Ok(SimHandle {
        authority: base.clone(),
        graph: base,
        ca_pem: material.ca_pem,
        ca_file,
        tenant_id,
        addr,
        state,
        shutdown: tx,
        task: Some(task),
        _dir: dir,
    })
}

/// `mailscope sim --scenario FILE [--listen ADDR]`: start, print the ready line on stdout,
/// serve until SIGINT/SIGTERM.
pub async fn serve_until_signal(scenario_path: &Path, listen: SocketAddr) -> Result<(), SimError> {
    let scenario = Scenario::from_file(scenario_path)?;
    // Signal handlers exist before the ready line: a caller may signal right after reading it.
    let signals = Signals::install()?;
    let handle = start(scenario, listen).await?;
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", handle.ready_line()).map_err(io("writing the ready line"))?;
        out.flush().map_err(io("writing the ready line"))?;
    }
    signals.wait().await;
    handle.shutdown().await;
    Ok(())
}

/// SIGINT and SIGTERM listeners (Ctrl-C elsewhere).
struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn install() -> Result<Signals, SimError> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            int: signal(SignalKind::interrupt()).map_err(io("listening for SIGINT"))?,
            term: signal(SignalKind::terminate()).map_err(io("listening for SIGTERM"))?,
        })
    }

    #[cfg(unix)]
    async fn wait(mut self) {
        tokio::select! {
            _ = self.int.recv() => {}
            _ = self.term.recv() => {}
        }
    }

    #[cfg(not(unix))]
    fn install() -> Result<Signals, SimError> {
        Ok(Signals {})
    }

    #[cfg(not(unix))]
    async fn wait(self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Entry for the binary's `sim` subcommand: runs [`serve_until_signal`] on its own runtime.
pub fn run_blocking(scenario: &Path, listen: SocketAddr) -> Result<(), SimError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(io("starting the runtime"))?;
    rt.block_on(serve_until_signal(scenario, listen))
}
