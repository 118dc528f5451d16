//! Limits that protect the server: message size, TCP connections per
//! address, idle TCP connections.

mod common;

use std::time::Duration;

use common::{config, status_of, udp_first};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn options(padding: usize) -> String {
    format!(
        "OPTIONS sip:example.com SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKlim\r\n\
         Max-Forwards: 70\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:example.com>\r\n\
         Call-ID: lim{}\r\nCSeq: 1 OPTIONS\r\nX-Padding: {}\r\nContent-Length: 0\r\n\r\n",
        rand::random::<u32>(),
        "x".repeat(padding)
    )
}

/// True when the peer closes the connection within `wait`.
async fn closed_within(s: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = vec![0u8; 4096];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn oversized_datagram_is_dropped() {
    let mut cfg = config();
    cfg.limits.max_message_size = 1000;
    let s = common::start(cfg).await;
    let small = udp_first(s.udp, options(10).as_bytes(), Duration::from_secs(1)).await;
    assert_eq!(small.map(|r| status_of(&r)), Some(200));
    let big = udp_first(s.udp, options(2000).as_bytes(), Duration::from_millis(300)).await;
    assert!(big.is_none());
}

#[tokio::test]
async fn oversized_stream_message_closes_the_connection() {
    let mut cfg = config();
    cfg.limits.max_message_size = 1000;
    let s = common::start(cfg).await;
    let mut c = TcpStream::connect(s.tcp).await.expect("connect");
    c.write_all(options(2000).as_bytes()).await.expect("write");
    assert!(closed_within(&mut c, Duration::from_secs(2)).await);
}

#[tokio::test]
async fn connections_beyond_the_per_address_limit_are_closed() {
    let mut cfg = config();
    cfg.limits.max_tcp_connections_per_ip = 2;
    let s = common::start(cfg).await;
    let _a = TcpStream::connect(s.tcp).await.expect("connect");
    let _b = TcpStream::connect(s.tcp).await.expect("connect");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = TcpStream::connect(s.tcp).await.expect("connect");
    assert!(closed_within(&mut third, Duration::from_secs(2)).await);
}

#[tokio::test]
async fn idle_connections_time_out() {
    let mut cfg = config();
    cfg.limits.tcp_idle_timeout_secs = 1;
    let s = common::start(cfg).await;
    let mut c = TcpStream::connect(s.tcp).await.expect("connect");
    assert!(!closed_within(&mut c, Duration::from_millis(500)).await);
    assert!(closed_within(&mut c, Duration::from_secs(2)).await);
}

#[tokio::test]
async fn tcp_connection_serves_several_requests_in_a_row() {
    let s = common::start(config()).await;
    let mut c = TcpStream::connect(s.tcp).await.expect("connect");
    for _ in 0..3 {
        c.write_all(options(1).as_bytes()).await.expect("write");
        let r = common::read_response(&mut c, Duration::from_secs(2))
            .await
            .expect("reply");
        assert_eq!(status_of(&r), 200);
    }
}
