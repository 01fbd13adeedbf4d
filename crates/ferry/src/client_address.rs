//! The client's address behind a trusted reverse proxy: replaces the connection's peer
//! address (axum's `ConnectInfo`, which the login guard, the per-address rate limit and
//! the login history read) with the client `X-Forwarded-For` names, when the connection
//! comes from a proxy the administrator trusts (`--trusted-proxies`). Otherwise the header
//! is ignored, so nobody can choose their own address.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use ferry_http::AppState;

pub async fn real_client_address(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if !state.trusted_proxies.is_empty()
        && let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>()
    {
        let forwarded: Vec<&str> = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let client = state.trusted_proxies.client(peer.ip(), &forwarded);
        let port = peer.port();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(client, port)));
    }
    next.run(request).await
}
