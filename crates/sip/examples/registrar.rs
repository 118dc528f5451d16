//! A stand-alone registrar for manual tests and load measurements:
//!
//!     cargo run -p switchboard-sip --example registrar -- 127.0.0.1:5060 example.com 1000
//!
//! serves `<domain>` on UDP and TCP at the address, with users `100` ..
//! `100+N-1` whose password is `pw<user>`, until Ctrl-C.

use std::sync::Arc;

use switchboard_sip::{MemoryCredentials, MemoryLocationStore, SipConfig, SipServer};

// The server allocates a task per request; glibc malloc spends a third of
// the time coalescing those, mimalloc does not. The real binary should
// pick its allocator the same way.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let mut args = std::env::args().skip(1);
    let addr = args
        .next()
        .unwrap_or_else(|| "127.0.0.1:5060".into())
        .parse()?;
    let domain = args.next().unwrap_or_else(|| "example.com".into());
    let users: u32 = args.next().map_or(Ok(1000), |n| n.parse())?;
    let creds = MemoryCredentials::new();
    for u in 100..100 + users {
        creds.add_user(&u.to_string(), &format!("pw{u}"), &u.to_string());
    }
    let mut cfg = SipConfig {
        domain,
        ..SipConfig::default()
    };
    cfg.udp_listen = vec![addr];
    cfg.tcp_listen = vec![addr];
    cfg.lockout.max_failures = 0;
    let store = Arc::new(MemoryLocationStore::new());
    let server = SipServer::start(cfg, Arc::new(creds), store).await?;
    println!("listening on {:?}", server.local_addrs());
    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    Ok(())
}
