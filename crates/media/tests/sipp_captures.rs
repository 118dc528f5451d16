//! Real RFC 2833/4733 packet sequences, as captured by SIPp's authors, replayed
//! into a session over loopback: each capture must give exactly its key.

use std::path::Path;
use std::time::Duration;

use switchboard_media::{CollectOptions, MediaConfig, MediaEngine};

const CAPTURES: &str = "/usr/share/sip-tester";
const KEYS: [(&str, char); 12] = [
    ("0", '0'),
    ("1", '1'),
    ("2", '2'),
    ("3", '3'),
    ("4", '4'),
    ("5", '5'),
    ("6", '6'),
    ("7", '7'),
    ("8", '8'),
    ("9", '9'),
    ("star", '*'),
    ("pound", '#'),
];

/// The UDP payloads of a classic little-endian Ethernet/IPv4 pcap file.
fn udp_payloads(path: &Path) -> Vec<Vec<u8>> {
    let data = std::fs::read(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; install SIPp's captures (apt-get install sip-tester)",
            path.display()
        )
    });
    assert_eq!(
        &data[..4],
        &[0xd4, 0xc3, 0xb2, 0xa1],
        "not a little-endian pcap"
    );
    assert_eq!(data[20], 1, "link type is not Ethernet");
    let mut payloads = Vec::new();
    let mut offset = 24;
    while offset + 16 <= data.len() {
        let length = u32::from_le_bytes(data[offset + 8..offset + 12].try_into().unwrap()) as usize;
        let frame = &data[offset + 16..offset + 16 + length];
        let ip = &frame[14..];
        let udp = &ip[usize::from(ip[0] & 0x0F) * 4..];
        payloads.push(udp[8..].to_vec());
        offset += 16 + length;
    }
    payloads
}

#[tokio::test]
async fn sipp_rfc_2833_captures_give_one_key_each() {
    let config = MediaConfig {
        bind_address: "127.0.0.1".parse().unwrap(),
        ..MediaConfig::default()
    };
    let engine = MediaEngine::new(config).unwrap();
    let peer = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = peer.local_addr().unwrap().port();
    let offer = format!(
        "v=0\r\no=sipp 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio {port} RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
    );
    let (session, _answer) = engine.answer_offer(&offer).await.unwrap();
    let mut packets = 0;
    for (name, _) in KEYS {
        for payload in udp_payloads(&Path::new(CAPTURES).join(format!("dtmf_2833_{name}.pcap"))) {
            peer.send_to(&payload, session.local_rtp_addr())
                .await
                .unwrap();
            packets += 1;
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    let options = CollectOptions {
        max_digits: 20,
        terminator: None,
        inter_digit_timeout: Duration::from_secs(1),
        ..CollectOptions::default()
    };
    let collected = tokio::time::timeout(Duration::from_secs(10), session.collect_digits(&options));
    let collected = collected.await.unwrap();
    let expected: String = KEYS.iter().map(|(_, key)| key).collect();
    assert_eq!(collected.digits, expected);
    assert_eq!(session.stats().packets_received, packets);
}
