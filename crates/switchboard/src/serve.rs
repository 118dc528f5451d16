//! `switchboard serve`: opens the store, starts SIP, media and the REST API,
//! and stops them in order when the operator asks.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use switchboard_call::CallControl;
use switchboard_media::MediaEngine;
use switchboard_sip::{SipServer, SipServerHandle};
use switchboard_store::{BlobStore, LocalBlobStore, Store};
use tokio::sync::watch;

use crate::active_calls::ActiveCallRecords;
use crate::config::Config;
use crate::{api_backend, demo, shutdown, sip_backend};

/// Runs until SIGTERM or SIGINT, then shuts down gracefully.
pub async fn serve(mut config: Config) -> Result<()> {
    derive_public_base_url(&mut config);
    config.settle()?;
    let store = open_store(&config).await?;
    let blobs: Arc<dyn BlobStore> =
        Arc::new(LocalBlobStore::new(config.store.effective_blob_dir()));
    let api_state = api_backend::api_state(config.api.clone(), store.clone(), blobs.clone())
        .context("cannot prepare the REST API")?;

    let (credentials, locations) = sip_backend::backends(&store);
    let sip = SipServer::start(config.sip.clone(), credentials.clone(), locations)
        .await
        .context("cannot start SIP")?;
    for (transport, addr) in sip.local_addrs() {
        tracing::info!(%transport, %addr, "SIP listening");
    }
    let sip = Arc::new(sip);

    let media = MediaEngine::new(config.media.clone()).context("cannot start media")?;

    // Created only once SIP and media have started, so a start that fails
    // (a port in use) does not print credentials for nothing.
    if config.demo.create_on_empty && store.default_account().await.is_err() {
        let company = demo::create(&store, &config.demo).await?;
        let access = demo::grant_api_access(&store, &api_state, &company).await?;
        demo::announce(&config.store.data_dir, &company, &access)?;
    }

    let incoming = sip.take_incoming(INCOMING_QUEUE);
    let calls = CallControl::new(
        config.call.clone(),
        sip.clone(),
        store.clone(),
        blobs,
        media,
    )
    .with_device_auth(credentials, config.sip_realm())
    .start(incoming);

    let records = ActiveCallRecords::new(calls.active_calls().clone());
    let api_state = api_state.with_active_calls(Arc::new(records));

    let (stop_tx, stop_rx) = watch::channel(false);
    let api = tokio::spawn(run_api(config.clone(), api_state, stop_rx));
    tracing::info!(
        data_dir = %config.store.data_dir.display(),
        api = %config.api.listen,
        "switchboard started"
    );

    shutdown::signalled().await;
    let _ = stop_tx.send(true);
    calls.shutdown(CALL_SHUTDOWN_GRACE).await;
    stop_sip(sip).await;
    api.await.context("the API task failed")??;
    tracing::info!("switchboard stopped");
    Ok(())
}

/// Requests waiting for call control before new ones are answered 500.
const INCOMING_QUEUE: usize = 256;

/// How long calls get to end (each is hung up and logged) on shutdown.
const CALL_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The SIP server stops once call control has let go of it; transactions
/// finishing in the background may hold it a little longer, and the process
/// exit closes the sockets if they do.
async fn stop_sip(mut sip: Arc<SipServerHandle>) {
    for _ in 0..20 {
        match Arc::try_unwrap(sip) {
            Ok(handle) => return handle.shutdown().await,
            Err(shared) => sip = shared,
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tracing::warn!("SIP transactions still open at exit");
}

pub async fn open_store(config: &Config) -> Result<Store> {
    Store::open(&config.store).await.with_context(|| {
        format!(
            "cannot open the store in {}",
            config.store.data_dir.display()
        )
    })
}

async fn run_api(
    config: Config,
    state: switchboard_api::AppState,
    mut stop: watch::Receiver<bool>,
) -> Result<()> {
    let stopped = async move {
        let _ = stop.wait_for(|stop| *stop).await;
    };
    switchboard_api::serve(&config.api, state, stopped)
        .await
        .with_context(|| format!("cannot serve the REST API on {}", config.api.listen))
}

/// `uri` fields in API responses are absolute; when the operator moved the
/// listen address but left the base URL at its default, follow the address.
fn derive_public_base_url(config: &mut Config) {
    let defaults = switchboard_api::ApiConfig::default();
    if config.api.public_base_url == defaults.public_base_url
        && config.api.listen != defaults.listen
    {
        let scheme = if config.api.tls_cert.is_some() {
            "https"
        } else {
            "http"
        };
        config.api.public_base_url = format!("{scheme}://{}", config.api.listen);
    }
}
