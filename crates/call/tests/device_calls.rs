//! Calls placed by a registered phone, end to end against SIPp peers: the
//! INVITE is challenged with 407, then goes to another extension by its
//! number, or out through the trunk under its toll-fraud policy.

mod common;

use common::{Ports, Sipp, start_pbx, succeeded};
use switchboard_phone::model::{CallResult, CallTransport, Direction};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extension_102_calls_extension_101_by_number() {
    let ports = Ports {
        trunk: 27060,
        device: Some(27070),
        rtp_min: 35000,
    };
    let pbx = start_pbx(&ports).await;
    let alice = Sipp {
        scenario: "device_answers.xml",
        service: "101",
        port: 27070,
        media_port: 28070,
        remote: None,
        pause_ms: 0,
        limit_secs: 30,
    }
    .spawn(pbx.dir.path());
    let bob = Sipp {
        scenario: "device_caller.xml",
        service: "101",
        port: 27080,
        media_port: 28080,
        remote: Some(pbx.sip_port),
        pause_ms: 2000,
        limit_secs: 30,
    }
    .spawn(pbx.dir.path());

    assert!(succeeded(bob).await, "Bob's call went as scripted");
    assert!(succeeded(alice).await, "Alice's phone answered and got BYE");
    let log = pbx.call_log().await;
    assert_eq!(log.len(), 1, "exactly one call log record");
    assert_eq!(log[0].result, CallResult::Accepted);
    assert_eq!(log[0].transport, Some(CallTransport::VoIP));
    assert_eq!(log[0].from.extension_number.as_deref(), Some("102"));
    assert_eq!(
        log[0].extension.as_ref().map(|e| e.id),
        Some(pbx.extension_id)
    );
    assert!(pbx.wait_idle().await, "no call left active");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extension_102_calls_out_through_the_trunk_with_its_direct_number() {
    let ports = Ports {
        trunk: 27160,
        device: None,
        rtp_min: 36000,
    };
    let pbx = start_pbx(&ports).await;
    let carrier = Sipp {
        scenario: "device_answers.xml",
        service: "+14155550199",
        port: 27160,
        media_port: 28160,
        remote: None,
        pause_ms: 0,
        limit_secs: 30,
    }
    .spawn(pbx.dir.path());
    let bob = Sipp {
        scenario: "device_caller.xml",
        service: "+14155550199",
        port: 27180,
        media_port: 28180,
        remote: Some(pbx.sip_port),
        pause_ms: 2000,
        limit_secs: 30,
    }
    .spawn(pbx.dir.path());

    assert!(succeeded(bob).await, "Bob's call went as scripted");
    assert!(succeeded(carrier).await, "the carrier answered and got BYE");
    let log = pbx.call_log().await;
    assert_eq!(log.len(), 1, "exactly one call log record");
    let record = &log[0];
    assert_eq!(record.direction, Direction::Outbound);
    assert_eq!(record.result, CallResult::CallConnected);
    assert_eq!(record.from.phone_number.as_deref(), Some("+16505550102"));
    assert_eq!(record.to.phone_number.as_deref(), Some("+14155550199"));
    assert_eq!(
        record.extension.as_ref().map(|e| e.id),
        Some(pbx.caller_extension_id)
    );
    assert!(pbx.wait_idle().await, "no call left active");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_international_number_is_refused_by_the_toll_fraud_policy() {
    let ports = Ports {
        trunk: 27260,
        device: None,
        rtp_min: 37000,
    };
    let pbx = start_pbx(&ports).await;
    let bob = Sipp {
        scenario: "device_caller_refused.xml",
        service: "+442071234567",
        port: 27280,
        media_port: 28280,
        remote: Some(pbx.sip_port),
        pause_ms: 0,
        limit_secs: 20,
    }
    .spawn(pbx.dir.path());

    assert!(
        succeeded(bob).await,
        "Bob's call was challenged, then refused with 403"
    );
    let log = pbx.call_log().await;
    assert_eq!(log.len(), 1, "exactly one call log record");
    assert_eq!(log[0].direction, Direction::Outbound);
    assert_eq!(log[0].result, CallResult::InternationalRestricted);
    assert!(pbx.wait_idle().await, "no call left active");
}
