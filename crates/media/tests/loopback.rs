//! Sessions talking to each other over 127.0.0.1 (and ::1): audio, keys,
//! recording, latching and bridging, end to end through real sockets.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use switchboard_media::codec::AudioCodec;
use switchboard_media::{
    BridgeEnd, CollectEnd, CollectOptions, Direction, MediaConfig, MediaEngine, MediaSession,
    PlayEnd, PlayOptions, Prompt, RecordEnd, RecordOptions, Tone, bridge,
};

/// Generous bound so a broken test fails instead of hanging.
const LIMIT: Duration = Duration::from_secs(20);

fn engine(bind: &str, tweak: impl FnOnce(&mut MediaConfig)) -> MediaEngine {
    let mut config = MediaConfig {
        bind_address: bind.parse::<IpAddr>().unwrap(),
        port_min: 30000,
        port_max: 39999,
        trailing_silence_ms: 700,
        ..MediaConfig::default()
    };
    tweak(&mut config);
    MediaEngine::new(config).unwrap()
}

async fn call(caller: &MediaEngine, callee: &MediaEngine) -> (MediaSession, MediaSession) {
    let (a, offer) = caller.create_offer().await.unwrap();
    let (b, answer) = callee.answer_offer(&offer).await.unwrap();
    a.accept_answer(&answer).unwrap();
    (a, b)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sb-media-it-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A one-second 440 Hz tone at half scale, written as a WAV at `rate`.
fn tone_wav(dir: &Path, rate: u32) -> PathBuf {
    let path = dir.join(format!("tone-{rate}.wav"));
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(&path, spec).unwrap();
    for n in 0..rate {
        let t = f64::from(n) / f64::from(rate);
        writer
            .write_sample(((2.0 * std::f64::consts::PI * 440.0 * t).sin() * 10000.0) as i16)
            .unwrap();
    }
    writer.finalize().unwrap();
    path
}

fn read_back(path: &Path) -> (Vec<i16>, u32) {
    let mut reader = hound::WavReader::open(path).unwrap();
    let rate = reader.spec().sample_rate;
    (reader.samples::<i16>().map(Result::unwrap).collect(), rate)
}

fn rms(x: &[i16]) -> f64 {
    (x.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

fn recording(path: PathBuf) -> RecordOptions {
    RecordOptions {
        beep: false,
        max_duration: Some(Duration::from_secs(5)),
        ..RecordOptions::voicemail(path)
    }
}

/// Plays a one-second tone WAV from `from` and records it at `to`; returns (seconds, rms).
async fn play_and_record(
    from: &MediaSession,
    to: &MediaSession,
    dir: &Path,
    wav_rate: u32,
) -> (f64, f64, RecordEnd) {
    let wav = tone_wav(dir, wav_rate);
    let message = dir.join("message.wav");
    let options = recording(message.clone());
    let record = to.record(&options);
    let play = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        from.play(&[Prompt::File(wav)], PlayOptions::default())
            .await
            .unwrap()
    };
    let (recorded, played) = tokio::time::timeout(LIMIT, async { tokio::join!(record, play) })
        .await
        .unwrap();
    assert_eq!(played, PlayEnd::Finished);
    let recorded = recorded.unwrap();
    let (samples, rate) = read_back(&message);
    assert_eq!(
        recorded.duration.as_secs_f64(),
        samples.len() as f64 / f64::from(rate)
    );
    (
        samples.len() as f64 / f64::from(rate),
        rms(&samples),
        recorded.end,
    )
}

#[tokio::test]
async fn a_wav_played_at_one_end_is_recorded_at_the_other_with_its_length_and_level() {
    let e = engine("127.0.0.1", |_| {});
    let (a, b) = call(&e, &e).await;
    let dir = scratch("play-record");
    let (seconds, level, end) = play_and_record(&a, &b, &dir, 16000).await;
    assert_eq!(end, RecordEnd::Silence);
    assert!((0.95..=1.05).contains(&seconds), "recorded {seconds} s");
    let expected = 10000.0 / 2f64.sqrt();
    assert!(
        (level / expected - 1.0).abs() < 0.1,
        "level {level} vs {expected}"
    );
    let stats = b.stats();
    assert_eq!((stats.packets_received, stats.packets_lost), (50, 0));
    assert_eq!(a.stats().packets_sent, 50);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn g722_calls_record_at_16_khz() {
    let e = engine("127.0.0.1", |c| c.codecs = vec![AudioCodec::G722]);
    let (a, b) = call(&e, &e).await;
    assert_eq!(b.negotiated().unwrap().codec, AudioCodec::G722);
    let dir = scratch("g722");
    let (seconds, level, _) = play_and_record(&a, &b, &dir, 48000).await;
    assert_eq!(read_back(&dir.join("message.wav")).1, 16000);
    assert!((0.95..=1.05).contains(&seconds), "recorded {seconds} s");
    assert!(level > 5000.0, "level {level}");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn opus_calls_carry_a_48_khz_prompt_and_keys_on_the_48_khz_clock() {
    let e = engine("127.0.0.1", |c| c.codecs = vec![AudioCodec::Opus]);
    let (a, b) = call(&e, &e).await;
    let negotiated = b.negotiated().unwrap();
    assert_eq!(negotiated.codec, AudioCodec::Opus);
    assert_eq!(negotiated.telephone_event.unwrap().clock_rate, 48000);
    let dir = scratch("opus");
    let (seconds, level, _) = play_and_record(&a, &b, &dir, 48000).await;
    assert!((0.95..=1.05).contains(&seconds), "recorded {seconds} s");
    let expected = 10000.0 / 2f64.sqrt();
    assert!(
        (level / expected - 1.0).abs() < 0.2,
        "level {level} vs {expected}"
    );
    let options = CollectOptions {
        max_digits: 2,
        ..CollectOptions::default()
    };
    let (collected, ()) = tokio::time::timeout(LIMIT, async {
        tokio::join!(b.collect_digits(&options), async {
            a.send_digits("3#").await.unwrap()
        })
    })
    .await
    .unwrap();
    assert_eq!(collected.digits, "3");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn rfc_4733_keys_are_collected_up_to_the_terminator() {
    let e = engine("127.0.0.1", |_| {});
    let (a, b) = call(&e, &e).await;
    let options = CollectOptions {
        max_digits: 5,
        ..CollectOptions::default()
    };
    let (collected, ()) = tokio::time::timeout(LIMIT, async {
        tokio::join!(b.collect_digits(&options), async {
            a.send_digits("12#").await.unwrap()
        })
    })
    .await
    .unwrap();
    assert_eq!(
        (collected.digits.as_str(), collected.end),
        ("12", CollectEnd::Terminator)
    );
}

#[tokio::test]
async fn in_band_keys_are_detected_when_telephone_event_is_not_negotiated() {
    let caller = engine("127.0.0.1", |_| {});
    let callee = engine("127.0.0.1", |c| c.telephone_event = false);
    let (a, b) = call(&caller, &callee).await;
    assert_eq!(b.negotiated().unwrap().telephone_event, None);
    let options = CollectOptions {
        max_digits: 3,
        ..CollectOptions::default()
    };
    let (collected, ()) = tokio::time::timeout(LIMIT, async {
        tokio::join!(b.collect_digits(&options), async {
            a.send_digits("905").await.unwrap()
        })
    })
    .await
    .unwrap();
    assert_eq!(collected.digits, "905");
}

#[tokio::test]
async fn a_key_stops_a_prompt_and_stays_for_collection() {
    let e = engine("127.0.0.1", |_| {});
    let (a, b) = call(&e, &e).await;
    let ringback = [Prompt::Tone(Tone::ringback(Duration::from_secs(30)))];
    let (ended, ()) = tokio::time::timeout(LIMIT, async {
        tokio::join!(b.play(&ringback, PlayOptions { barge_in: true }), async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            a.send_digits("4").await.unwrap();
        })
    })
    .await
    .unwrap();
    assert_eq!(ended.unwrap(), PlayEnd::BargedIn);
    let collected = b.collect_digits(&CollectOptions::default()).await;
    assert_eq!(collected.digits, "4");
}

#[tokio::test]
async fn pound_ends_a_recording_and_the_file_is_complete() {
    let e = engine("127.0.0.1", |_| {});
    let (a, b) = call(&e, &e).await;
    let dir = scratch("pound");
    let options = RecordOptions {
        beep: true,
        ..recording(dir.join("vm.wav"))
    };
    let speak = async {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let tone = Tone {
            frequencies: vec![300.0],
            level_dbm0: -10.0,
            on: Duration::from_secs(1),
            off: Duration::ZERO,
            total: Duration::from_secs(1),
        };
        a.play(&[Prompt::Tone(tone)], PlayOptions::default())
            .await
            .unwrap();
        a.send_digits("#").await.unwrap();
    };
    let (recorded, ()) =
        tokio::time::timeout(LIMIT, async { tokio::join!(b.record(&options), speak) })
            .await
            .unwrap();
    let recorded = recorded.unwrap();
    assert_eq!(recorded.end, RecordEnd::Key('#'));
    assert!(
        (0.9..=1.2).contains(&recorded.duration.as_secs_f64()),
        "{:?}",
        recorded.duration
    );
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("vm.wav")]);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_recording_stops_at_its_maximum_length() {
    let e = engine("127.0.0.1", |_| {});
    let (a, b) = call(&e, &e).await;
    let dir = scratch("max");
    let options = RecordOptions {
        max_duration: Some(Duration::from_millis(500)),
        ..recording(dir.join("vm.wav"))
    };
    let long = Tone {
        total: Duration::from_secs(2),
        ..Tone::beep()
    };
    let talk = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        a.play(&[Prompt::Tone(long)], PlayOptions::default())
            .await
            .unwrap();
    };
    let (recorded, ()) =
        tokio::time::timeout(LIMIT, async { tokio::join!(b.record(&options), talk) })
            .await
            .unwrap();
    let recorded = recorded.unwrap();
    assert_eq!(recorded.end, RecordEnd::MaxDuration);
    assert_eq!(read_back(&recorded.path).0.len(), 4000);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn hanging_up_ends_a_recording_and_keeps_what_was_said() {
    let e = engine("127.0.0.1", |_| {});
    let (a, b) = call(&e, &e).await;
    let dir = scratch("hangup");
    let options = RecordOptions {
        trailing_silence: Some(Duration::ZERO),
        ..recording(dir.join("vm.wav"))
    };
    let talk = async {
        a.play(&[Prompt::Tone(Tone::beep())], PlayOptions::default())
            .await
            .unwrap();
        b.hang_up();
    };
    let (recorded, ()) =
        tokio::time::timeout(LIMIT, async { tokio::join!(b.record(&options), talk) })
            .await
            .unwrap();
    let recorded = recorded.unwrap();
    assert_eq!(recorded.end, RecordEnd::HungUp);
    assert!(
        recorded.duration >= Duration::from_millis(400),
        "{:?}",
        recorded.duration
    );
    assert!(recorded.path.exists());
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn rtp_latches_onto_where_media_really_comes_from() {
    let e = engine("127.0.0.1", |_| {});
    let (a, offer) = e.create_offer().await.unwrap();
    let real_port = a.local_rtp_addr().port();
    // A NAT rewrote nothing: the offer names a port where nobody listens.
    let lying = offer.replace(
        &format!("m=audio {real_port} "),
        &format!("m=audio {} ", real_port + 1000),
    );
    let (b, answer) = e.answer_offer(&lying).await.unwrap();
    a.accept_answer(&answer).unwrap();
    let beep = [Prompt::Tone(Tone::beep())];
    tokio::time::timeout(LIMIT, a.play(&beep, PlayOptions::default()))
        .await
        .unwrap()
        .unwrap();
    tokio::time::timeout(LIMIT, b.play(&beep, PlayOptions::default()))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(a.stats().packets_received, 25);

    // Once latched, valid RTP from anywhere else is dropped until the next offer/answer.
    let stray = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut packet = vec![0x80, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0, 9];
    packet.extend([0xFF; 160]);
    stray.send_to(&packet, a.local_rtp_addr()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        (a.stats().packets_received, a.stats().packets_dropped),
        (25, 1)
    );
}

#[tokio::test]
async fn holding_the_peer_stops_what_it_sends_and_resuming_restarts_it() {
    let e = engine("127.0.0.1", |_| {});
    let (a, b) = call(&e, &e).await;
    let beep = [Prompt::Tone(Tone::beep())];
    let hold = a.offer_with(Direction::SendOnly);
    assert!(hold.contains("a=sendonly"));
    let answer = b.answer(&hold).unwrap();
    assert!(answer.contains("a=recvonly"));
    a.accept_answer(&answer).unwrap();
    assert_eq!(b.negotiated().unwrap().direction, Direction::RecvOnly);
    tokio::time::timeout(LIMIT, b.play(&beep, PlayOptions::default()))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!((a.stats().packets_received, b.stats().packets_sent), (0, 0));

    let resume = a.offer();
    a.accept_answer(&b.answer(&resume).unwrap()).unwrap();
    tokio::time::timeout(LIMIT, b.play(&beep, PlayOptions::default()))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(a.stats().packets_received, 25);
}

#[tokio::test]
async fn rtcp_reports_tell_each_side_how_its_stream_arrived() {
    let e = engine("127.0.0.1", |c| c.rtcp_interval_secs = 1);
    let (a, b) = call(&e, &e).await;
    let tone = Tone {
        total: Duration::from_millis(2500),
        ..Tone::beep()
    };
    tokio::time::timeout(LIMIT, a.play(&[Prompt::Tone(tone)], PlayOptions::default()))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let stats = a.stats();
    assert_eq!(stats.remote_fraction_lost, Some(0), "{stats:?}");
    assert!(stats.remote_jitter_ms.is_some());
    assert_eq!(b.stats().packets_received, 125);
}

#[tokio::test]
async fn silence_from_the_peer_ends_in_a_media_timeout() {
    let e = engine("127.0.0.1", |c| c.rtp_timeout_secs = 1);
    let (a, _b) = call(&e, &e).await;
    let started = std::time::Instant::now();
    tokio::time::timeout(LIMIT, a.media_timeout())
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn malformed_and_stray_packets_are_dropped_and_counted() {
    let e = engine("127.0.0.1", |_| {});
    let (_a, b) = call(&e, &e).await;
    let stray = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let target = b.local_rtp_addr();
    stray.send_to(&[0x80, 0, 0], target).await.unwrap();
    stray.send_to(&[0x40; 20], target).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(b.stats().packets_dropped, 2);
    assert_eq!(b.stats().packets_received, 0);
}

#[tokio::test]
async fn ipv6_sessions_exchange_keys() {
    let e = engine("::1", |_| {});
    let (a, b) = call(&e, &e).await;
    assert!(b.negotiated().unwrap().remote_rtp.unwrap().is_ipv6());
    let options = CollectOptions {
        max_digits: 2,
        ..CollectOptions::default()
    };
    let (collected, ()) = tokio::time::timeout(LIMIT, async {
        tokio::join!(b.collect_digits(&options), async {
            a.send_digits("*7").await.unwrap()
        })
    })
    .await
    .unwrap();
    assert_eq!(collected.digits, "*7");
}

#[tokio::test]
async fn a_dual_stack_engine_answers_an_ipv4_peer() {
    let v4 = engine("127.0.0.1", |_| {});
    let dual = engine("::", |_| {});
    let (a, b) = call(&v4, &dual).await;
    assert!(b.local_rtp_addr().is_ipv6());
    let options = CollectOptions {
        max_digits: 1,
        ..CollectOptions::default()
    };
    let (there, ()) = tokio::time::timeout(LIMIT, async {
        tokio::join!(b.collect_digits(&options), async {
            a.send_digits("6").await.unwrap()
        })
    })
    .await
    .unwrap();
    let (back, ()) = tokio::time::timeout(LIMIT, async {
        tokio::join!(a.collect_digits(&options), async {
            b.send_digits("2").await.unwrap()
        })
    })
    .await
    .unwrap();
    assert_eq!((there.digits.as_str(), back.digits.as_str()), ("6", "2"));
}

#[tokio::test]
async fn dropping_a_session_returns_its_ports() {
    let e = engine("127.0.0.1", |c| {
        c.port_min = 38000;
        c.port_max = 38001;
    });
    let first = e.session().await.unwrap();
    assert!(e.session().await.is_err());
    first.release().await;
    let second = e.session().await.unwrap();
    drop(second);
    // Dropping frees the pair once the session's tasks have stopped.
    for _ in 0..100 {
        if e.session().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("ports were not returned after drop");
}

#[tokio::test]
async fn two_callers_are_bridged_with_transcoding_and_keys_mapped_between_payload_types() {
    let narrow = engine("127.0.0.1", |c| c.codecs = vec![AudioCodec::Pcmu]);
    let wide = engine("127.0.0.1", |c| c.codecs = vec![AudioCodec::G722]);
    let pbx = engine("127.0.0.1", |_| {});
    let (p1, l1) = call(&narrow, &pbx).await;
    let (p2, offer) = wide.create_offer().await.unwrap();
    let (l2, answer) = pbx.answer_offer(&offer.replace("101", "96")).await.unwrap();
    p2.accept_answer(&answer).unwrap();
    assert_eq!(
        l2.negotiated()
            .unwrap()
            .telephone_event
            .unwrap()
            .payload_type,
        96
    );

    let dir = scratch("bridge");
    let bridged = bridge(&l1, &l2);
    let check = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (seconds, level, _) = play_and_record(&p1, &p2, &dir, 8000).await;
        let options = CollectOptions {
            max_digits: 2,
            ..CollectOptions::default()
        };
        let (keys, ()) = tokio::join!(p2.collect_digits(&options), async {
            p1.send_digits("58").await.unwrap()
        });
        l1.hang_up();
        (seconds, level, keys.digits)
    };
    let (end, (seconds, level, keys)) =
        tokio::time::timeout(LIMIT, async { tokio::join!(bridged, check) })
            .await
            .unwrap();
    assert_eq!(end.unwrap(), BridgeEnd::FirstHungUp);
    assert!((0.9..=1.1).contains(&seconds), "recorded {seconds} s");
    assert!(level > 5000.0, "level {level}");
    assert_eq!(keys, "58");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn an_opus_caller_bridged_to_a_pcmu_caller_hears_and_keys_across_clock_rates() {
    let opus = engine("127.0.0.1", |c| c.codecs = vec![AudioCodec::Opus]);
    let pcmu = engine("127.0.0.1", |c| c.codecs = vec![AudioCodec::Pcmu]);
    let pbx = engine("127.0.0.1", |_| {});
    let (p1, l1) = call(&opus, &pbx).await;
    let (p2, l2) = call(&pcmu, &pbx).await;
    let dir = scratch("opus-bridge");
    let bridged = bridge(&l1, &l2);
    let check = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let forward = play_and_record(&p1, &p2, &dir, 16000).await;
        let options = CollectOptions {
            max_digits: 2,
            ..CollectOptions::default()
        };
        let (to_pcmu, ()) = tokio::join!(p2.collect_digits(&options), async {
            p1.send_digits("19").await.unwrap()
        });
        let (to_opus, ()) = tokio::join!(p1.collect_digits(&options), async {
            p2.send_digits("*0").await.unwrap()
        });
        l2.hang_up();
        (forward, to_pcmu.digits, to_opus.digits)
    };
    let (end, ((seconds, level, _), to_pcmu, to_opus)) =
        tokio::time::timeout(LIMIT, async { tokio::join!(bridged, check) })
            .await
            .unwrap();
    assert_eq!(end.unwrap(), BridgeEnd::SecondHungUp);
    assert!((0.9..=1.1).contains(&seconds), "recorded {seconds} s");
    assert!(level > 5000.0, "level {level}");
    assert_eq!((to_pcmu.as_str(), to_opus.as_str()), ("19", "*0"));
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn keys_reach_a_leg_without_telephone_event_as_tones() {
    let pbx = engine("127.0.0.1", |_| {});
    let plain = engine("127.0.0.1", |c| c.telephone_event = false);
    let (p1, l1) = call(&pbx, &pbx).await;
    let (p2, l2) = call(&plain, &pbx).await;
    assert_eq!(l2.negotiated().unwrap().telephone_event, None);
    let bridged = bridge(&l1, &l2);
    let check = async {
        let options = CollectOptions {
            max_digits: 3,
            terminator: None,
            ..CollectOptions::default()
        };
        let (keys, ()) = tokio::join!(p2.collect_digits(&options), async {
            p1.send_digits("47#").await.unwrap()
        });
        l1.hang_up();
        keys.digits
    };
    let (end, keys) = tokio::time::timeout(LIMIT, async { tokio::join!(bridged, check) })
        .await
        .unwrap();
    assert_eq!(end.unwrap(), BridgeEnd::FirstHungUp);
    assert_eq!(keys, "47#");
}

#[tokio::test]
async fn same_codec_bridges_relay_with_one_continuous_stream_per_side() {
    let e = engine("127.0.0.1", |_| {});
    let (p1, l1) = call(&e, &e).await;
    let (p2, l2) = call(&e, &e).await;
    let dir = scratch("relay");
    let beep = [Prompt::Tone(Tone::beep())];
    tokio::time::timeout(LIMIT, l2.play(&beep, PlayOptions::default()))
        .await
        .unwrap()
        .unwrap();
    let bridged = bridge(&l1, &l2);
    let check = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let result = play_and_record(&p1, &p2, &dir, 8000).await;
        l2.hang_up();
        result
    };
    let (end, (seconds, _, _)) =
        tokio::time::timeout(LIMIT, async { tokio::join!(bridged, check) })
            .await
            .unwrap();
    assert_eq!(end.unwrap(), BridgeEnd::SecondHungUp);
    assert!((0.95..=1.05).contains(&seconds), "recorded {seconds} s");
    // One SSRC towards p2 for the beep and the relayed audio: no restart, no loss.
    let stats = p2.stats();
    assert_eq!((stats.packets_received, stats.packets_lost), (75, 0));
    std::fs::remove_dir_all(dir).ok();
}
