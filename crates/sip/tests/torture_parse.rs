//! Every RFC 4475 torture message through the parser alone: well-formed ones
//! parse, malformed ones are refused with a reason (no network involved).

use switchboard_sip::message::{SipMessage, parse_message};

fn load(name: &str) -> Vec<u8> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/sip-torture/rfc4475/"
    );
    std::fs::read(format!("{dir}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

const PARSE: &[&str] = &[
    "wsinv.dat",
    "intmeth.dat",
    "esc01.dat",
    "escnull.dat",
    "esc02.dat",
    "lwsdisp.dat",
    "longreq.dat",
    "dblreq.dat",
    "semiuri.dat",
    "transports.dat",
    "mpart01.dat",
    "unreason.dat",
    "noreason.dat",
    "badbranch.dat",
    "unkscm.dat",
    "novelsc.dat",
    "unksm2.dat",
    "bext01.dat",
    "invut.dat",
    "regaut01.dat",
    "bcast.dat",
    "zeromf.dat",
    "cparam01.dat",
    "cparam02.dat",
    "regescrt.dat",
    "sdp01.dat",
    "inv2543.dat",
    "baddate.dat",
    "mismatch02.dat",
];

const REJECT: &[&str] = &[
    "badinv01.dat",
    "clerr.dat",
    "ncl.dat",
    "scalar02.dat",
    "scalarlg.dat",
    "quotbal.dat",
    "ltgtruri.dat",
    "lwsruri.dat",
    "lwsstart.dat",
    "trws.dat",
    "escruri.dat",
    "regbadct.dat",
    "badaspec.dat",
    "baddn.dat",
    "badvers.dat",
    "mismatch01.dat",
    "bigcode.dat",
    "insuf.dat",
    "multi01.dat",
    "mcl01.dat",
];

#[test]
fn well_formed_torture_messages_parse() {
    for name in PARSE {
        if let Err(r) = parse_message(&load(name)) {
            // mismatch02 may be refused for its CSeq; everything else must parse.
            assert!(*name == "mismatch02.dat", "{name}: {:?}", r.error);
        }
    }
}

#[test]
fn malformed_torture_messages_are_refused() {
    for name in REJECT {
        assert!(parse_message(&load(name)).is_err(), "{name} was accepted");
    }
}

#[test]
fn double_request_keeps_only_the_first() {
    let Ok(SipMessage::Request(r)) = parse_message(&load("dblreq.dat")) else {
        panic!("dblreq must parse")
    };
    assert_eq!(r.method.as_str(), "REGISTER");
    assert!(r.body.is_empty());
}

#[test]
fn escaped_method_and_header_stay_unknown() {
    let Ok(SipMessage::Request(r)) = parse_message(&load("esc02.dat")) else {
        panic!("esc02 must parse")
    };
    assert_eq!(r.method.as_str(), "RE%47IST%45R");
    let Some(switchboard_sip::message::ContactValue::List(c)) = r.headers.contacts() else {
        panic!("contacts")
    };
    assert_eq!(c.len(), 2);
}

#[test]
fn wsinv_fields_are_read() {
    let Ok(SipMessage::Request(r)) = parse_message(&load("wsinv.dat")) else {
        panic!("wsinv must parse")
    };
    assert_eq!(r.headers.vias().len(), 3);
    assert_eq!(r.headers.max_forwards(), Some(68));
    assert_eq!(r.headers.cseq().map(|c| c.seq), Some(9));
    assert_eq!(
        r.headers
            .to()
            .and_then(|t| t.tag().map(str::to_owned))
            .as_deref(),
        Some("1918181833n")
    );
}
