//! The per-route layer that enforces an [`Operation`]: bearer token, rate
//! limit of its throttling group, app permission; and the Auth group's
//! limit on the OAuth endpoints, before any user is known.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;

use crate::error::ApiError;
use crate::oauth::bearer::authenticate;
use crate::oauth::client;
use crate::permission::{Operation, ThrottlingGroup};
use crate::ratelimit::RateKey;
use crate::state::AppState;

/// Puts `route` behind the checks of `operation`.
pub fn guarded(
    route: MethodRouter<AppState>,
    state: &AppState,
    operation: Operation,
) -> MethodRouter<AppState> {
    route.route_layer(from_fn_with_state((state.clone(), operation), guard))
}

/// Throttles `route` in the Auth group, keyed by client and peer address.
pub fn auth_throttled(route: MethodRouter<AppState>, state: &AppState) -> MethodRouter<AppState> {
    route.route_layer(from_fn_with_state(state.clone(), auth_throttle))
}

async fn guard(
    State((state, operation)): State<(AppState, Operation)>,
    mut req: Request,
    next: Next,
) -> Response {
    let span = tracing::Span::current();
    span.record("operation", operation.id);
    let caller = match authenticate(&state, req.headers()).await {
        Ok(caller) => caller,
        Err(e) => return e.into_response(),
    };
    span.record("owner_id", caller.subject.extension_id);

    let key = RateKey {
        user: caller.subject.extension_id.to_string(),
        app: caller.client_id.clone(),
        group: operation.group,
    };
    let verdict = state.limiter.check(key, Instant::now());
    let missing = operation.permission.filter(|p| !caller.scope.allows(*p));
    let mut response = match (verdict.retry_after, missing) {
        (Some(retry_after), _) => ApiError::RateLimited { retry_after }.into_response(),
        (None, Some(permission)) => ApiError::MissingPermission(permission).into_response(),
        (None, None) => {
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
    };
    verdict.write_headers(response.headers_mut());
    response
}

async fn auth_throttle(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let app = client::presented(req.headers(), &Default::default())
        .ok()
        .and_then(|p| p.client_id)
        .unwrap_or_else(|| "-".to_owned());
    let key = RateKey {
        user: peer.unwrap_or_else(|| "-".to_owned()),
        app,
        group: ThrottlingGroup::Auth,
    };

    let verdict = state.limiter.check(key, Instant::now());
    let mut response = match verdict.retry_after {
        Some(retry_after) => ApiError::RateLimited { retry_after }.into_response(),
        None => next.run(req).await,
    };
    verdict.write_headers(response.headers_mut());
    response
}
