//! Regression tests for faults found in `switchboard-media` while proving
//! it against real peers.

use std::time::{Duration, Instant};

use switchboard_media::rtp::ReceiverStats;
use switchboard_media::{MediaConfig, MediaEngine, PlayOptions, Prompt, Tone};

/// SIPp's RFC 2833 captures each start at their own sequence number; after
/// such a jump the receiver restarts its base sequence but keeps counting
/// the packets received before it, so the loss counter goes negative
/// (SIPp's six-key call reported -52 after 60 packets, none lost).
#[test]

fn loss_stays_zero_when_the_sender_jumps_its_sequence_without_losing_packets() {
    let mut stats = ReceiverStats::default();
    for (i, seq) in (100u16..110).chain(5000..5010).enumerate() {
        stats.on_packet(7, seq, i as u32 * 160, i as u32 * 160);
    }
    assert_eq!(stats.lost(), 0);
}

/// Two prompts played back to back: the second one's first packet leaves
/// at once instead of one packet time after the last packet of the first,
/// a 20 ms jump in the peer's jitter at every prompt boundary (seen by
/// tshark and the load generator when a prompt loops).
#[tokio::test]

async fn back_to_back_prompts_keep_the_packet_time() {
    let config = MediaConfig {
        bind_address: [127, 0, 0, 1].into(),
        port_min: 21000,
        port_max: 21099,
        ..MediaConfig::default()
    };
    let engine = MediaEngine::new(config).expect("engine");
    let peer = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = peer.local_addr().expect("addr").port();
    let offer = format!(
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio {port} RTP/AVP 0\r\n"
    );
    let (session, _) = engine.answer_offer(&offer).await.expect("answer");
    let tone = || {
        let mut beep = Tone::beep();
        beep.total = Duration::from_millis(200);
        Prompt::Tone(beep)
    };
    let receive = async {
        let mut arrivals = Vec::new();
        let mut buf = [0u8; 2048];
        while arrivals.len() < 20 {
            peer.recv(&mut buf).await.expect("receive");
            arrivals.push(Instant::now());
        }
        arrivals
    };
    let play = async {
        for _ in 0..2 {
            session
                .play(&[tone()], PlayOptions::default())
                .await
                .expect("play");
        }
    };
    let (arrivals, ()) = tokio::join!(receive, play);
    let shortest = arrivals
        .windows(2)
        .map(|w| w[1] - w[0])
        .min()
        .expect("intervals");
    assert!(
        shortest >= Duration::from_millis(15),
        "shortest interval {shortest:?}"
    );
    session.release().await;
}
