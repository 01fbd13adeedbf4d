//! `ferry serve`: open the stores, make sure the admin exists, serve until told to stop.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::serve::ListenerExt;
use ferry_core::{CoreSettings, Ferry, SystemClock};
use ferry_http::AppState;
use tokio::net::TcpListener;

use crate::app::{SHUTDOWN_GRACE, app};
use crate::settings::ServeSettings;
use crate::wiring::open_ferry_with;

/// How often the sweep looks for blobs no version names, and how old they must be.
const SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);
const SWEEP_MIN_AGE_MS: i64 = 60 * 60 * 1000;

pub async fn serve(settings: ServeSettings) -> anyhow::Result<()> {
    let core = CoreSettings {
        api_key_requests_per_minute: settings.api_key_rate_limit,
        api_requests_per_minute: settings.api_rate_limit,
        ..CoreSettings::default()
    };
    let ferry = open_ferry_with(&settings.stores, Arc::new(SystemClock), core).await?;
    let cleaned = ferry
        .clean_staging()
        .await
        .context("cannot clean the staging area")?;
    if cleaned > 0 {
        tracing::info!(cleaned, "removed unfinished uploads left by an earlier run");
    }
    if let Some(password) = ferry
        .ensure_admin(settings.admin_password.clone())
        .await
        .context("cannot set up the admin account")?
    {
        // Shown once: it is stored only as a hash.
        println!("Created the administrator 'admin' with password: {password}");
        println!("(shown once; set FERRY_ADMIN_PASSWORD to choose it)");
    }
    let listener = TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let sweeper = tokio::spawn(sweep_forever(ferry.clone()));
    tracing::info!(
        listen = %settings.listen,
        public_url = %settings.public_url,
        database = ferry.meta_backend(),
        "ferry is serving"
    );
    let state = AppState::new(ferry, settings.public_url.clone())
        .with_trusted_proxies(settings.trusted_proxies.clone());
    let result = run(listener, state, shutdown_signal()).await;
    sweeper.abort();
    result
}

/// Serves on `listener` until `shutdown` resolves, then lets requests in flight finish for
/// at most `SHUTDOWN_GRACE` (idle keep-alive connections and long transfers could hold the
/// drain open forever).
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    // With the peer address, so logins can be counted per client (the brute-force guard).
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    // Replies are often written in more than one piece (headers, then a streamed body):
    // with Nagle's algorithm on, the second piece waits for the client's delayed ACK, up to
    // 40 ms per request.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    let server = axum::serve(listener, service).with_graceful_shutdown(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let mut stopped = stop_rx.clone();
    let hard_stop = async move {
        let _ = stopped.wait_for(|s| *s).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        result = server => result.context("server failed"),
        () = hard_stop => {
            tracing::warn!("requests still running after the grace period; stopping anyway");
            Ok(())
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

async fn sweep_forever(ferry: Ferry) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    every.tick().await;
    loop {
        every.tick().await;
        // Expired chunked uploads first: their parts' blobs then go in the same round.
        match ferry.sweep_uploads().await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "swept expired chunked uploads"),
            Err(e) => tracing::warn!(error = %e, "chunked upload sweep failed"),
        }
        match ferry.sweep_blobs(SWEEP_MIN_AGE_MS).await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "swept unreferenced blobs"),
            Err(e) => tracing::warn!(error = %e, "blob sweep failed"),
        }
        // Windows of addresses and tokens that never came back.
        if let Err(e) = ferry.sweep_rate_windows().await {
            tracing::warn!(error = %e, "rate window sweep failed");
        }
    }
}
