//! Property tests: random bytes and mutated torture messages never panic
//! the parser, the framer or the running server. Bounded to run in seconds.

mod common;

use std::time::Duration;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use switchboard_sip::message::{StreamFramer, parse_message};

fn torture_files() -> &'static [Vec<u8>] {
    static FILES: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    FILES.get_or_init(read_torture_files)
}

fn read_torture_files() -> Vec<Vec<u8>> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/sip-torture/rfc4475/"
    );
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("torture directory")
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read(e.path()).ok())
        .collect();
    files.sort();
    files
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), 0usize..40).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (
            any::<usize>(),
            prop::collection::vec(
                prop_oneof![
                    Just(b':'),
                    Just(b';'),
                    Just(b','),
                    Just(b'"'),
                    Just(b'<'),
                    Just(b'\r'),
                    Just(b'\n'),
                    Just(b' '),
                    Just(b'%'),
                    Just(b'0'),
                    any::<u8>()
                ],
                0..12,
            )
        )
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<usize>(), 0usize..200).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

fn apply(mut data: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let len = data.len().max(1);
    match m {
        Mutation::Flip(i, b) => {
            if let Some(x) = data.get_mut(i % len) {
                *x ^= b;
            }
        }
        Mutation::Delete(i, n) => {
            let start = i % len;
            let end = (start + n).min(data.len());
            data.drain(start.min(end)..end);
        }
        Mutation::Insert(i, v) => {
            let at = (i % len).min(data.len());
            data.splice(at..at, v.iter().copied());
        }
        Mutation::Duplicate(i, n) => {
            let start = (i % len).min(data.len());
            let end = (start + n).min(data.len());
            let copy = data[start..end].to_vec();
            data.splice(end..end, copy);
        }
    }
    data
}

fn feed_framer(data: &[u8]) {
    let mut f = StreamFramer::new(65_535);
    for chunk in data.chunks(7) {
        f.extend(chunk);
        while let Ok(Some(m)) = f.next_message() {
            let _ = parse_message(&m);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = parse_message(&data);
        feed_framer(&data);
    }

    #[test]
    fn mutated_torture_messages_never_panic(
        idx in 0usize..49,
        muts in prop::collection::vec(mutation(), 1..6),
    ) {
        let files = torture_files();
        let mut data = files[idx % files.len()].clone();
        for m in &muts {
            data = apply(data, m);
        }
        if let Ok(msg) = parse_message(&data) {
            // Whatever parses must print and parse again.
            let again = parse_message(&msg.to_bytes());
            prop_assert!(again.is_ok(), "printed form did not parse: {:?}", again.err());
        }
        feed_framer(&data);
    }
}

#[tokio::test]
async fn running_server_survives_mutated_messages() {
    let s = common::start(common::config()).await;
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let files = torture_files();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..400 {
        let tree = (0usize..files.len(), prop::collection::vec(mutation(), 1..4))
            .new_tree(&mut runner)
            .expect("strategy");
        let (idx, muts) = tree.current();
        let data = muts.iter().fold(files[idx].clone(), apply);
        sock.send_to(&data, s.udp).await.expect("send");
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let probe = "OPTIONS sip:example.com SIP/2.0\r\n\
        Via: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKf\r\n\
        Max-Forwards: 70\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:example.com>\r\n\
        Call-ID: fuzz-probe\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    let r = common::udp_first(s.udp, probe.as_bytes(), Duration::from_secs(2)).await;
    assert_eq!(r.map(|r| common::status_of(&r)), Some(200));
}
