//! Offer/answer tables: one row per situation RFC 3264 asks us to handle.

use super::*;

fn local() -> LocalMedia {
    LocalMedia {
        address: "192.0.2.1".parse().unwrap(),
        rtp_port: 10000,
        session_id: 7,
        session_version: 1,
        direction: Direction::SendRecv,
    }
}

fn offer(media_lines: &str) -> SessionDescription {
    let session = "v=0\r\no=- 1 1 IN IP4 198.51.100.9\r\ns=-\r\nc=IN IP4 198.51.100.9\r\n";
    let text = format!("{session}t=0 0\r\n{media_lines}");
    SessionDescription::parse(&text).unwrap()
}

fn answer(media_lines: &str) -> (SessionDescription, NegotiatedAudio) {
    answer_offer(&offer(media_lines), &MediaPolicy::default(), &local()).unwrap()
}

#[test]
fn codec_choice_follows_the_offerers_order() {
    let cases = [
        ("m=audio 4000 RTP/AVP 0 8\r\n", AudioCodec::Pcmu, 0),
        ("m=audio 4000 RTP/AVP 8 0\r\n", AudioCodec::Pcma, 8),
        ("m=audio 4000 RTP/AVP 9 0\r\n", AudioCodec::G722, 9),
        ("m=audio 4000 RTP/AVP 18 8\r\n", AudioCodec::Pcma, 8),
        (
            "m=audio 4000 RTP/AVP 96 0\r\na=rtpmap:96 opus/48000/2\r\n",
            AudioCodec::Opus,
            96,
        ),
        (
            "m=audio 4000 RTP/AVP 96 0\r\na=rtpmap:96 opus/48000/1\r\n",
            AudioCodec::Pcmu,
            0,
        ),
        (
            "m=audio 4000 RTP/AVP 98\r\na=rtpmap:98 pcma/8000\r\n",
            AudioCodec::Pcma,
            98,
        ),
    ];
    for (lines, codec, pt) in cases {
        let (_, n) = answer(lines);
        assert_eq!((n.codec, n.payload_type), (codec, pt), "{lines}");
    }
}

#[test]
fn answer_lists_only_the_chosen_codec_and_telephone_event() {
    let (sdp, n) =
        answer("m=audio 4000 RTP/AVP 9 0 8 100\r\na=rtpmap:100 telephone-event/8000\r\n");
    assert_eq!(sdp.media[0].formats, vec!["9", "100"]);
    assert_eq!(
        n.telephone_event,
        Some(TelephoneEvent {
            payload_type: 100,
            clock_rate: 8000
        })
    );
    let text = sdp.to_string();
    assert!(text.contains("a=rtpmap:9 G722/8000\r\n"), "{text}");
    assert!(text.contains("a=rtpmap:100 telephone-event/8000\r\na=fmtp:100 0-16\r\n"));
    assert!(text.contains("c=IN IP4 192.0.2.1\r\n") && text.contains("m=audio 10000 "));
}

#[test]
fn telephone_event_is_taken_at_the_codecs_clock_rate_only() {
    let cases = [
        (
            "m=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n",
            Some(101),
        ),
        (
            "m=audio 4000 RTP/AVP 0 96\r\na=rtpmap:96 telephone-event/48000\r\n",
            None,
        ),
        (
            "m=audio 4000 RTP/AVP 0 96 97\r\na=rtpmap:96 telephone-event/48000\r\n\
             a=rtpmap:97 telephone-event/8000\r\n",
            Some(97),
        ),
        ("m=audio 4000 RTP/AVP 0\r\n", None),
    ];
    for (lines, pt) in cases {
        let (_, n) = answer(lines);
        assert_eq!(n.telephone_event.map(|t| t.payload_type), pt, "{lines}");
    }
}

#[test]
fn direction_is_answered_as_rfc_3264_section_6_1_says() {
    let cases = [
        ("", Direction::SendRecv),
        ("a=sendrecv\r\n", Direction::SendRecv),
        ("a=sendonly\r\n", Direction::RecvOnly),
        ("a=recvonly\r\n", Direction::SendOnly),
        ("a=inactive\r\n", Direction::Inactive),
    ];
    for (attribute, expected) in cases {
        let (sdp, n) = answer(&format!("m=audio 4000 RTP/AVP 0\r\n{attribute}"));
        assert_eq!(n.direction, expected, "{attribute}");
        assert!(sdp.media[0].has_flag(expected.attribute()));
    }
}

#[test]
fn session_level_direction_applies_when_media_has_none() {
    let mut o = offer("m=audio 4000 RTP/AVP 0\r\n");
    o.attributes.push(Attribute::flag("sendonly"));
    let (_, n) = answer_offer(&o, &MediaPolicy::default(), &local()).unwrap();
    assert_eq!(n.direction, Direction::RecvOnly);
}

#[test]
fn connection_zero_is_hold_and_leaves_no_remote_address() {
    let cases = [
        ("", Direction::RecvOnly),
        ("a=recvonly\r\n", Direction::Inactive),
    ];
    for (attribute, expected) in cases {
        let lines = format!("m=audio 4000 RTP/AVP 0\r\nc=IN IP4 0.0.0.0\r\n{attribute}");
        let (_, n) = answer(&lines);
        assert_eq!((n.remote_rtp, n.direction), (None, expected), "{attribute}");
    }
}

#[test]
fn we_put_the_peer_on_hold_by_answering_sendonly() {
    let held = LocalMedia {
        direction: Direction::SendOnly,
        ..local()
    };
    let (_, n) = answer_offer(
        &offer("m=audio 4000 RTP/AVP 0\r\n"),
        &MediaPolicy::default(),
        &held,
    )
    .unwrap();
    assert_eq!(n.direction, Direction::SendOnly);
}

#[test]
fn streams_we_cannot_use_are_answered_with_port_zero() {
    let (sdp, n) = answer(
        "m=video 5000 RTP/AVP 31\r\nm=audio 0 RTP/AVP 0\r\nm=audio 4000 RTP/SAVP 0\r\n\
         m=audio 4002 RTP/AVP 0\r\nm=audio 4004 RTP/AVP 8\r\n",
    );
    let ports: Vec<u16> = sdp.media.iter().map(|m| m.port).collect();
    assert_eq!(ports, vec![0, 0, 0, 10000, 0]);
    assert_eq!(sdp.media[0].formats, vec!["31"]);
    assert_eq!(n.remote_rtp, Some("198.51.100.9:4002".parse().unwrap()));
}

#[test]
fn offers_without_a_usable_stream_fail_for_a_488() {
    let cases = [
        "m=audio 4000 RTP/AVP 18\r\n",
        "m=audio 0 RTP/AVP 0\r\n",
        "m=video 4000 RTP/AVP 31\r\n",
        "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 opus/16000/2\r\n",
    ];
    for lines in cases {
        let result = answer_offer(&offer(lines), &MediaPolicy::default(), &local());
        assert_eq!(result.unwrap_err(), SdpError::NoAcceptableMedia, "{lines}");
    }
}

#[test]
fn media_level_connection_and_rtcp_attribute_are_honoured() {
    let (_, n) = answer("m=audio 4000 RTP/AVP 0\r\nc=IN IP4 203.0.113.5\r\na=rtcp:4005\r\n");
    assert_eq!(n.remote_rtp, Some("203.0.113.5:4000".parse().unwrap()));
    assert_eq!(n.remote_rtcp, Some("203.0.113.5:4005".parse().unwrap()));
    let (_, n) = answer("m=audio 4000 RTP/AVP 0\r\n");
    assert_eq!(n.remote_rtcp, Some("198.51.100.9:4001".parse().unwrap()));
}

#[test]
fn ptime_follows_the_peer_when_sensible() {
    let cases = [
        ("a=ptime:30\r\n", 30),
        ("a=ptime:7\r\n", 20),
        ("a=ptime:x\r\n", 20),
        ("", 20),
    ];
    for (attribute, expected) in cases {
        let (_, n) = answer(&format!("m=audio 4000 RTP/AVP 0\r\n{attribute}"));
        assert_eq!(n.ptime_ms, expected, "{attribute}");
    }
}

#[test]
fn our_offer_lists_every_codec_with_rtpmaps() {
    let text = create_offer(&MediaPolicy::default(), &local()).to_string();
    assert!(
        text.contains("m=audio 10000 RTP/AVP 0 8 9 111 101 110\r\n"),
        "{text}"
    );
    for line in [
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:111 opus/48000/2",
        "a=rtpmap:101 telephone-event/8000",
        "a=rtpmap:110 telephone-event/48000",
        "a=ptime:20",
        "a=sendrecv",
    ] {
        assert!(text.contains(line), "{line} missing in {text}");
    }
    assert!(SessionDescription::parse(&text).is_ok());
}

#[test]
fn late_offer_answer_in_ack_is_read_back() {
    let ours = create_offer(&MediaPolicy::default(), &local());
    let theirs =
        offer("m=audio 6000 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=recvonly\r\n");
    let n = accept_answer(&ours, &theirs, &MediaPolicy::default()).unwrap();
    assert_eq!((n.codec, n.payload_type), (AudioCodec::Pcma, 8));
    assert_eq!(n.telephone_event.map(|t| t.payload_type), Some(101));
    assert_eq!(n.direction, Direction::SendOnly);
    assert_eq!(n.remote_rtp, Some("198.51.100.9:6000".parse().unwrap()));
}

#[test]
fn answers_that_break_the_offer_are_refused() {
    let ours = create_offer(&MediaPolicy::default(), &local());
    let policy = MediaPolicy::default();
    let rejected = offer("m=audio 0 RTP/AVP 0\r\n");
    assert_eq!(
        accept_answer(&ours, &rejected, &policy),
        Err(SdpError::NoAcceptableMedia)
    );
    let unoffered = offer("m=audio 6000 RTP/AVP 18\r\n");
    assert_eq!(
        accept_answer(&ours, &unoffered, &policy),
        Err(SdpError::NoAcceptableMedia)
    );
    let two = offer("m=audio 6000 RTP/AVP 0\r\nm=audio 6002 RTP/AVP 0\r\n");
    assert!(matches!(
        accept_answer(&ours, &two, &policy),
        Err(SdpError::AnswerMismatch(_))
    ));
}

#[test]
fn ipv6_offers_are_answered() {
    let text = "v=0\r\no=- 1 1 IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::1\r\nt=0 0\r\n\
        m=audio 4000 RTP/AVP 0\r\n";
    let v6 = LocalMedia {
        address: "2001:db8::2".parse().unwrap(),
        ..local()
    };
    let (sdp, n) = answer_offer(
        &SessionDescription::parse(text).unwrap(),
        &MediaPolicy::default(),
        &v6,
    )
    .unwrap();
    assert_eq!(n.remote_rtp, Some("[2001:db8::1]:4000".parse().unwrap()));
    assert!(sdp.to_string().contains("c=IN IP6 2001:db8::2\r\n"));
}

#[test]
fn opus_is_answered_as_opus_48000_2_with_the_48_khz_telephone_event() {
    let (sdp, n) = answer(
        "m=audio 4000 RTP/AVP 109 0 101 100\r\na=rtpmap:109 OPUS/48000/2\r\n\
         a=rtpmap:101 telephone-event/8000\r\na=rtpmap:100 telephone-event/48000\r\n\
         a=ptime:30\r\n",
    );
    assert_eq!(
        (n.codec, n.payload_type, n.ptime_ms),
        (AudioCodec::Opus, 109, 20)
    );
    assert_eq!(
        n.telephone_event,
        Some(TelephoneEvent {
            payload_type: 100,
            clock_rate: 48000
        })
    );
    assert!(sdp.to_string().contains("a=rtpmap:109 opus/48000/2\r\n"));
}

#[test]
fn an_offer_without_opus_carries_only_the_8_khz_telephone_event() {
    let policy = MediaPolicy {
        codecs: vec![AudioCodec::Pcma],
        ..MediaPolicy::default()
    };
    let text = create_offer(&policy, &local()).to_string();
    assert!(text.contains("m=audio 10000 RTP/AVP 8 101\r\n"), "{text}");
}
