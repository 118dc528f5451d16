//! [`router`] assembles every route with the shared layers (tracing span,
//! CORS, body limit, RingCentral-style 404/405); [`serve`] runs it over
//! HTTP or HTTPS until a shutdown future completes.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, Request, header};
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio_rustls::rustls::ServerConfig;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

use crate::config::ApiConfig;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tls::{TlsError, TlsListener, server_config};

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The configured address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The accept loop failed.
    #[error("HTTP server failed")]
    Io(#[from] std::io::Error),
    /// Only one of `tls_cert` and `tls_key` is set.
    #[error("tls_cert and tls_key must be set together")]
    HalfTlsConfig,
    /// The certificate or key cannot be used.
    #[error(transparent)]
    Tls(#[from] TlsError),
}

/// The whole API as one router, state applied.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let routes = Router::new()
        .merge(crate::oauth::routes(&state))
        .merge(crate::routes::routes(&state))
        .fallback(|| async { ApiError::UnknownPath })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .with_state(state);

    let mut app = routes
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(TraceLayer::new_for_http().make_span_with(request_span));
    if !config.cors_allowed_origins.is_empty() {
        app = app.layer(cors(&config.cors_allowed_origins));
    }
    app
}

/// One span per request. The query string is left out: `/oauth/revoke`
/// may carry a token there.
fn request_span<B>(req: &Request<B>) -> tracing::Span {
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        operation = tracing::field::Empty,
        owner_id = tracing::field::Empty,
    )
}

/// CORS for browser apps: credentials allowed, so origins are listed, never
/// `*`; rate-limit headers exposed so the JS SDK can read `Retry-After`.
fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let expose = ["retry-after", "x-rate-limit-group", "x-rate-limit-limit"]
        .into_iter()
        .chain(["x-rate-limit-remaining", "x-rate-limit-window"])
        .map(HeaderName::from_static);
    let allow = [header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT]
        .into_iter()
        .chain(["x-user-agent", "client-id", "x-requested-with"].map(HeaderName::from_static));
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers(allow.collect::<Vec<_>>())
        .expose_headers(expose.collect::<Vec<_>>())
        .max_age(Duration::from_secs(600))
}

/// Binds `config.listen` and serves HTTP, or HTTPS when `tls_cert` and
/// `tls_key` are set, until `shutdown` completes.
pub async fn serve(
    config: &ApiConfig,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => Some(server_config(cert, key)?),
        (None, None) => None,
        _ => return Err(ServeError::HalfTlsConfig),
    };
    let addr = config.listen;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    match tls {
        Some(tls) => serve_tls_on(listener, tls, state, shutdown).await,
        None => serve_on(listener, state, shutdown).await,
    }
}

/// Serves plain HTTP on an already bound listener (tests bind port 0).
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "REST API listening (HTTP)");
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    tracing::info!(%addr, "REST API stopped");
    Ok(())
}

/// Serves HTTPS with `tls` on an already bound listener.
pub async fn serve_tls_on(
    listener: TcpListener,
    tls: Arc<ServerConfig>,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "REST API listening (HTTPS)");
    // `tap_io` is a no-op here; axum supplies the peer address as
    // `ConnectInfo<SocketAddr>` for tapped listeners, which the Auth-group
    // rate limit keys on.
    let listener = TlsListener::new(listener, tls)?.tap_io(|_| {});
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    tracing::info!(%addr, "REST API stopped");
    Ok(())
}
