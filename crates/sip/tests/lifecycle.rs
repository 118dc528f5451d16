//! Start-up and shutdown: the default listen addresses, and ports released
//! by a graceful shutdown so a restart can bind them again.

mod common;

use std::time::Duration;

use switchboard_sip::{SipConfig, Transport};

#[tokio::test]
async fn default_config_binds_udp_and_tcp_on_ipv4_and_ipv6_and_restarts() {
    // The test binary runs in its own network namespace, so 5060 is free.
    let cfg = SipConfig {
        domain: "example.com".into(),
        ..SipConfig::default()
    };
    for _ in 0..2 {
        let s = common::start(cfg.clone()).await;
        let addrs = s.handle.local_addrs();
        for t in [Transport::Udp, Transport::Tcp] {
            let of = |v6: bool| addrs.iter().any(|(tr, a)| *tr == t && a.is_ipv6() == v6);
            assert!(of(false) && of(true), "{t}: {addrs:?}");
        }
        assert!(addrs.iter().all(|(_, a)| a.port() == 5060));
        let probe = "OPTIONS sip:example.com SIP/2.0\r\n\
            Via: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKlife\r\nMax-Forwards: 70\r\n\
            From: <sip:a@example.com>;tag=1\r\nTo: <sip:example.com>\r\nCall-ID: life\r\n\
            CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        let to = "127.0.0.1:5060".parse().expect("addr");
        let r = common::udp_first(to, probe.as_bytes(), Duration::from_secs(2)).await;
        assert_eq!(r.map(|r| common::status_of(&r)), Some(200));
        s.handle.shutdown().await;
    }
}
