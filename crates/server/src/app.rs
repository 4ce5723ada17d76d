//! The application: shared state, the layered router, and a server that can be started on
//! any address (port 0 in tests) and stopped gracefully.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::Request;
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use switchboard_numbering::Inventory;
use switchboard_store::Store;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use crate::carrier::Carrier;
use crate::clock::Clock;
use crate::error::{ApiError, REQUEST_PATH};
use crate::jobs::Jobs;
use crate::routes;

/// Request extension marking a connection served over TLS (for absolute URLs' scheme).
#[derive(Debug, Clone, Copy)]
pub struct Tls;

/// What every handler reaches. Extractors clone it several times a request, so it is one
/// `Arc` (one atomic count moved per clone, not one per service).
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl AppState {
    pub fn new(services: Services) -> Self {
        AppState(Arc::new(services))
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

pub struct Services {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    /// The admin API exists only when this is set.
    pub admin_token: Option<Arc<str>>,
    pub jobs: Arc<Jobs>,
    /// The numbers the simulated carrier offers.
    pub inventory: Arc<Inventory>,
    /// The simulated carrier's rates and scenarios.
    pub carrier: Arc<Carrier>,
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Keeps the request path at hand for error bodies (20404 echoes it).
async fn remember_path(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    REQUEST_PATH.scope(path, next.run(req)).await
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    // The panic message is already in the log (the default hook); clients get Twilio's 500.
    ApiError::Internal.into_response()
}

pub fn router(state: AppState) -> Router {
    let mut app = routes::api();
    if state.admin_token.is_some() {
        app = app.merge(routes::admin().route_layer(from_fn_with_state(
            state.clone(),
            routes::admin::require_token,
        )));
    }
    with_layers(app, state)
}

/// What every route gets: Twilio-shaped 404 and 405, the request path for error bodies,
/// panics turned into Twilio's 500, and request tracing.
pub fn with_layers(app: Router<AppState>, state: AppState) -> Router {
    app.fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn(remember_path))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// A certificate chain and its private key, PEM files (`serve --tls-cert --tls-key`).
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: std::path::PathBuf,
    pub key: std::path::PathBuf,
}

pub struct ServerConfig {
    pub listen: SocketAddr,
    /// Serve HTTPS instead of HTTP.
    pub tls: Option<TlsFiles>,
    pub admin_token: Option<String>,
    pub inventory: Arc<Inventory>,
    pub carrier: Arc<Carrier>,
}

/// A started server: its address, and how to stop it.
pub struct RunningServer {
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    jobs: JoinHandle<()>,
}

/// Bind, start the background work, and serve until stopped.
pub async fn start(
    config: ServerConfig,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<RunningServer> {
    let (shutdown, rx) = watch::channel(false);
    let jobs = Arc::new(Jobs::new(
        store.clone(),
        clock.clone(),
        config.carrier.clone(),
    ));
    let jobs_task = jobs.clone().spawn_loop(rx.clone());
    let state = AppState::new(Services {
        store,
        clock,
        admin_token: config.admin_token.filter(|t| !t.is_empty()).map(Arc::from),
        jobs: jobs.clone(),
        inventory: config.inventory,
        carrier: config.carrier,
    });
    let mut stop = rx;
    let config_tls = config.tls.is_some();
    let (addr, server) = match config.tls {
        None => {
            let listener = tokio::net::TcpListener::bind(config.listen).await?;
            let addr = listener.local_addr()?;
            let server = tokio::spawn(
                axum::serve(listener, router(state))
                    .with_graceful_shutdown(async move {
                        let _ = stop.changed().await;
                    })
                    .into_future(),
            );
            (addr, server)
        }
        Some(tls) => {
            // rustls needs a process-wide crypto provider; ring builds with only a C
            // compiler. A second install (another server in the process) changes nothing.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let tls_config =
                axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key).await?;
            let listener = std::net::TcpListener::bind(config.listen)?;
            listener.set_nonblocking(true)?;
            let addr = listener.local_addr()?;
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                let _ = stop.changed().await;
                stopper.graceful_shutdown(Some(std::time::Duration::from_secs(30)));
            });
            let app = router(state).layer(axum::Extension(Tls));
            let server = tokio::spawn(async move {
                axum_server::from_tcp_rustls(listener, tls_config)?
                    .handle(handle)
                    .serve(app.into_make_service())
                    .await
            });
            (addr, server)
        }
    };
    let scheme = if config_tls { "https" } else { "http" };
    jobs.set_base_url(format!("{scheme}://{addr}"));
    Ok(RunningServer {
        addr,
        shutdown,
        server,
        jobs: jobs_task,
    })
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stop accepting, let in-flight requests finish, stop background work.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(true);
        self.server.await??;
        self.jobs.await?;
        Ok(())
    }

    /// Serve until SIGINT or SIGTERM, then stop gracefully.
    pub async fn run_until_signal(self) -> anyhow::Result<()> {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight requests");
        self.stop().await
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
