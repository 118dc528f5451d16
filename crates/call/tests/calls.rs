//! Inbound calls from a trunk, end to end against SIPp peers: the
//! auto-attendant, ringing a registered phone, voicemail, and a caller
//! who hangs up in the greeting. Each test has its own PBX and ports.

mod common;

use common::{
    ALICE_DIRECT, CAROL_DIRECT, CAROL_MOBILE, Ports, Sipp, start_pbx, start_pbx_with, succeeded,
};
use switchboard_phone::model::{AttachmentType, CallLegType, CallResult, MessageType};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_who_presses_1_is_answered_by_extension_101() {
    let ports = Ports {
        trunk: 25060,
        device: Some(25070),
        rtp_min: 32000,
    };
    let pbx = start_pbx(&ports).await;
    let phone = Sipp {
        service: "16505550100",
        scenario: "device_answers.xml",
        port: 25070,
        media_port: 26070,
        remote: None,
        pause_ms: 0,
        limit_secs: 40,
    }
    .spawn(pbx.dir.path());
    let caller = Sipp {
        service: "16505550100",
        scenario: "trunk_caller.xml",
        port: 25060,
        media_port: 26060,
        remote: Some(pbx.sip_port),
        pause_ms: 3000,
        limit_secs: 40,
    }
    .spawn(pbx.dir.path());

    assert!(
        succeeded(caller).await,
        "the caller's call went as scripted"
    );
    assert!(
        succeeded(phone).await,
        "the phone rang, answered and got BYE"
    );
    let log = pbx.call_log().await;
    assert_eq!(log.len(), 1, "exactly one call log record");
    assert_eq!(log[0].result, CallResult::Accepted);
    assert_eq!(
        log[0].extension.as_ref().map(|e| e.id),
        Some(pbx.extension_id)
    );
    let legs: Vec<_> = log[0].legs.iter().map(|l| l.leg_type).collect();
    assert_eq!(legs, [CallLegType::PstnToSip, CallLegType::Accept]);
    assert!(pbx.wait_idle().await, "no call left active");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_call_leaves_a_voicemail_with_a_wav() {
    let ports = Ports {
        trunk: 25160,
        device: Some(25170),
        rtp_min: 33000,
    };
    let pbx = start_pbx(&ports).await;
    let phone = Sipp {
        service: "16505550100",
        scenario: "device_rings.xml",
        port: 25170,
        media_port: 26170,
        remote: None,
        pause_ms: 0,
        limit_secs: 40,
    }
    .spawn(pbx.dir.path());
    let caller = Sipp {
        service: "16505550100",
        scenario: "trunk_caller.xml",
        port: 25160,
        media_port: 26160,
        remote: Some(pbx.sip_port),
        pause_ms: 9000,
        limit_secs: 40,
    }
    .spawn(pbx.dir.path());

    assert!(
        succeeded(caller).await,
        "the caller's call went as scripted"
    );
    assert!(succeeded(phone).await, "the phone rang and was cancelled");
    let log = pbx.call_log().await;
    assert_eq!(log.len(), 1, "exactly one call log record");
    assert_eq!(log[0].result, CallResult::Voicemail);
    let messages = pbx.messages().await;
    assert_eq!(messages.len(), 1, "one message in 101's mailbox");
    let message = &messages[0];
    assert_eq!(message.message_type, MessageType::VoiceMail);
    let audio = &message.attachments[0];
    assert_eq!(audio.attachment_type, AttachmentType::AudioRecording);
    assert!(
        audio.vm_duration.unwrap_or(0) > 0,
        "the message has a length"
    );
    let path = pbx.blobs.path(&audio.blob_key).expect("blob path");
    let wav = std::fs::read(path).expect("the recording is in the blob store");
    assert_eq!(&wav[..4], b"RIFF");
    assert_eq!(&wav[8..12], b"WAVE");
    assert!(pbx.wait_idle().await, "no call left active");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_who_hangs_up_in_the_greeting_is_logged_once_without_voicemail() {
    let ports = Ports {
        trunk: 25260,
        device: None,
        rtp_min: 34000,
    };
    let pbx = start_pbx(&ports).await;
    let caller = Sipp {
        service: "16505550100",
        scenario: "trunk_caller_hangs_up.xml",
        port: 25260,
        media_port: 26260,
        remote: Some(pbx.sip_port),
        pause_ms: 0,
        limit_secs: 20,
    }
    .spawn(pbx.dir.path());

    assert!(
        succeeded(caller).await,
        "the caller's call went as scripted"
    );
    let log = pbx.call_log().await;
    assert_eq!(log.len(), 1, "exactly one call log record");
    assert!(
        matches!(log[0].result, CallResult::HangUp | CallResult::Missed),
        "result {:?}",
        log[0].result
    );
    assert!(pbx.messages().await.is_empty(), "no voicemail");
    assert!(pbx.wait_idle().await, "no call left active");
    assert_eq!(pbx.calls.active_calls().rtp_ports_in_use(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_who_cancels_while_the_phone_rings_is_a_missed_call() {
    let ports = Ports {
        trunk: 25360,
        device: Some(25370),
        rtp_min: 35500,
    };
    let pbx = start_pbx(&ports).await;
    let phone = Sipp {
        scenario: "device_rings.xml",
        service: ALICE_DIRECT,
        port: 25370,
        media_port: 26370,
        remote: None,
        pause_ms: 0,
        limit_secs: 20,
    }
    .spawn(pbx.dir.path());
    let caller = Sipp {
        scenario: "trunk_caller_cancels.xml",
        service: ALICE_DIRECT,
        port: 25360,
        media_port: 26360,
        remote: Some(pbx.sip_port),
        pause_ms: 0,
        limit_secs: 20,
    }
    .spawn(pbx.dir.path());

    assert!(
        succeeded(caller).await,
        "the caller heard ringing and cancelled"
    );
    assert!(
        succeeded(phone).await,
        "the phone's INVITE was cancelled too"
    );
    let log = pbx.call_log().await;
    assert_eq!(log.len(), 1, "exactly one call log record");
    assert_eq!(log[0].result, CallResult::Missed);
    assert_eq!(log[0].reason.as_deref(), Some("Hang Up"));
    assert!(pbx.messages().await.is_empty(), "no voicemail");
    assert!(pbx.wait_idle().await, "no call left active");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_hangs_up_a_call_in_the_ivr_and_still_logs_it() {
    let ports = Ports {
        trunk: 25460,
        device: None,
        rtp_min: 36500,
    };
    let pbx = start_pbx(&ports).await;
    let caller = Sipp {
        scenario: "trunk_caller.xml",
        service: "16505550100",
        port: 25460,
        media_port: 26460,
        remote: Some(pbx.sip_port),
        pause_ms: 10_000,
        limit_secs: 20,
    }
    .spawn(pbx.dir.path());
    for _ in 0..50 {
        if pbx.calls.active_calls().count() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(pbx.calls.active_calls().count(), 1, "the call is up");

    let common::Pbx {
        calls,
        store,
        account_id,
        dir,
        ..
    } = pbx;
    calls.shutdown(std::time::Duration::from_secs(5)).await;
    drop(caller);

    let page = store
        .list_call_log(account_id, &Default::default(), Default::default())
        .await
        .expect("call log");
    assert_eq!(
        page.records.len(),
        1,
        "the call was logged before shutdown returned"
    );
    drop(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_who_spells_anders_in_the_directory_reaches_extension_101() {
    let ports = Ports {
        trunk: 25560,
        device: Some(25570),
        rtp_min: 37500,
    };
    let pbx = start_pbx(&ports).await;
    let phone = Sipp {
        scenario: "device_answers.xml",
        service: "16505550100",
        port: 25570,
        media_port: 26570,
        remote: None,
        pause_ms: 0,
        limit_secs: 40,
    }
    .spawn(pbx.dir.path());
    let caller = Sipp {
        scenario: "trunk_caller_dial_by_name.xml",
        service: "16505550100",
        port: 25560,
        media_port: 26560,
        remote: Some(pbx.sip_port),
        pause_ms: 2000,
        limit_secs: 40,
    }
    .spawn(pbx.dir.path());

    assert!(
        succeeded(caller).await,
        "the caller's call went as scripted"
    );
    assert!(
        succeeded(phone).await,
        "the phone rang, answered and got BYE"
    );
    let log = pbx.call_log().await;
    assert_eq!(log.len(), 1, "exactly one call log record");
    assert_eq!(log[0].result, CallResult::Accepted);
    assert!(pbx.wait_idle().await, "no call left active");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_to_carol_rings_her_mobile_through_the_trunk() {
    // The carrier listens on the trunk port and calls in from another
    // port, so the trunk is matched by its IP address alone here.
    let ports = Ports {
        trunk: 25670,
        device: None,
        rtp_min: 38500,
    };
    let pbx = start_pbx_with(&ports, |config| config.match_trunk_port = false).await;
    let mobile = Sipp {
        scenario: "device_answers.xml",
        service: CAROL_MOBILE,
        port: 25670,
        media_port: 26670,
        remote: None,
        pause_ms: 0,
        limit_secs: 30,
    }
    .spawn(pbx.dir.path());
    let caller = Sipp {
        scenario: "trunk_caller_hangs_up.xml",
        service: CAROL_DIRECT,
        port: 25660,
        media_port: 26660,
        remote: Some(pbx.sip_port),
        pause_ms: 0,
        limit_secs: 30,
    }
    .spawn(pbx.dir.path());

    assert!(
        succeeded(caller).await,
        "the caller's call went as scripted"
    );
    assert!(
        succeeded(mobile).await,
        "the mobile rang, answered and got BYE"
    );
    let log = pbx.call_log().await;
    assert_eq!(log.len(), 1, "exactly one call log record");
    assert_eq!(log[0].result, CallResult::Accepted);
    let legs: Vec<_> = log[0].legs.iter().map(|l| l.leg_type).collect();
    assert_eq!(legs, [CallLegType::PstnToSip, CallLegType::FindMe]);
    assert_eq!(
        log[0].legs[1].to.phone_number.as_deref(),
        Some(CAROL_MOBILE)
    );
    assert!(pbx.wait_idle().await, "no call left active");
}
