//! RFC 4475 torture messages fed through the real network entry point of a
//! running server that serves example.com (see shared/sip-torture/README.md
//! for the expected outcome of each). TCP unless the message is meant for
//! UDP (dblreq) or cannot be framed on a stream (no or wrong Content-Length).

mod common;

use std::time::Duration;

use common::{raw_header, start, status_of, tcp_exchange, torture, udp_exchange, udp_first};
use switchboard_sip::message::HeaderName;

const WAIT: Duration = Duration::from_millis(1500);
const SILENCE: Duration = Duration::from_millis(300);

#[derive(Clone, Copy)]
enum Via {
    Tcp,
    Udp,
}

/// Sends one file and returns the replies' raw bytes.
async fn exchange(s: &common::TestServer, name: &str, via: Via, wait: Duration) -> Vec<Vec<u8>> {
    let data = torture(name);
    match via {
        Via::Tcp => tcp_exchange(s.tcp, &data, wait).await.into_iter().collect(),
        Via::Udp => udp_exchange(s.udp, &data, wait).await,
    }
}

/// Asserts the reply's status is one of `allowed`; returns the raw reply.
async fn expect(name: &str, via: Via, allowed: &[u16]) -> Vec<u8> {
    let s = start(common::config()).await;
    let data = torture(name);
    let reply = match via {
        Via::Tcp => tcp_exchange(s.tcp, &data, WAIT).await,
        Via::Udp => udp_first(s.udp, &data, WAIT).await,
    };
    let reply = reply.unwrap_or_else(|| panic!("{name}: no reply"));
    let status = status_of(&reply);
    assert!(
        allowed.contains(&status),
        "{name}: got {status}, expected one of {allowed:?}"
    );
    assert_server_alive(&s).await;
    reply
}

/// Asserts nothing comes back (malformed or unmatched responses).
async fn expect_drop(name: &str, via: Via) {
    let s = start(common::config()).await;
    let replies = exchange(&s, name, via, SILENCE).await;
    assert!(replies.is_empty(), "{name}: expected silence");
    assert_server_alive(&s).await;
}

const OPTIONS: &str = "OPTIONS sip:user@example.com SIP/2.0\r\n\
    Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKalive{n}\r\nMax-Forwards: 70\r\n\
    From: <sip:probe@example.com>;tag=p\r\nTo: <sip:user@example.com>\r\n\
    Call-ID: alive{n}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

async fn assert_server_alive(s: &common::TestServer) {
    let msg = OPTIONS.replace("{n}", &rand::random::<u32>().to_string());
    let reply = udp_first(s.udp, msg.as_bytes(), WAIT).await;
    assert_eq!(
        reply.map(|r| status_of(&r)),
        Some(200),
        "server stopped answering"
    );
}

macro_rules! torture_test {
    ($test:ident, $file:literal, drop, $via:ident) => {
        #[tokio::test]
        async fn $test() {
            expect_drop($file, Via::$via).await;
        }
    };
    ($test:ident, $file:literal, [$($code:literal),+], $via:ident) => {
        #[tokio::test]
        async fn $test() {
            expect($file, Via::$via, &[$($code),+]).await;
        }
    };
}

// 3.1.1: valid messages. Requests for hosts we do not serve get 404.
torture_test!(
    wsinv_folded_and_spaced_headers_parse,
    "wsinv.dat",
    [404],
    Tcp
);
torture_test!(intmeth_unknown_method_gets_501, "intmeth.dat", [501], Tcp);
torture_test!(esc01_escaped_uri_parses, "esc01.dat", [404], Tcp);
torture_test!(
    escnull_escaped_nul_register_is_challenged,
    "escnull.dat",
    [401],
    Tcp
);
torture_test!(esc02_escaped_method_is_unknown, "esc02.dat", [501], Tcp);
torture_test!(
    lwsdisp_display_name_without_space_parses,
    "lwsdisp.dat",
    [200],
    Tcp
);
torture_test!(longreq_long_values_parse, "longreq.dat", [480, 481], Tcp);
torture_test!(semiuri_semicolon_in_user_parses, "semiuri.dat", [200], Tcp);
torture_test!(
    transports_unknown_via_transports_parse,
    "transports.dat",
    [200],
    Tcp
);
torture_test!(
    mpart01_multipart_message_parses,
    "mpart01.dat",
    [404, 405],
    Tcp
);
torture_test!(
    unreason_unmatched_response_is_dropped,
    "unreason.dat",
    drop,
    Tcp
);
torture_test!(
    noreason_unmatched_response_is_dropped,
    "noreason.dat",
    drop,
    Tcp
);
// 3.1.2: invalid messages.
torture_test!(
    badinv01_extra_separators_get_400,
    "badinv01.dat",
    [400],
    Tcp
);
torture_test!(
    clerr_content_length_past_body_gets_400,
    "clerr.dat",
    [400],
    Udp
);
torture_test!(ncl_negative_content_length_gets_400, "ncl.dat", [400], Tcp);
torture_test!(
    scalar02_overlarge_scalars_get_400,
    "scalar02.dat",
    [400],
    Tcp
);
torture_test!(
    scalarlg_overlarge_response_is_dropped,
    "scalarlg.dat",
    drop,
    Tcp
);
torture_test!(
    quotbal_unterminated_quote_gets_400,
    "quotbal.dat",
    [400],
    Tcp
);
torture_test!(
    ltgtruri_bracketed_request_uri_gets_400,
    "ltgtruri.dat",
    [400],
    Tcp
);
torture_test!(
    lwsruri_space_in_request_uri_gets_400,
    "lwsruri.dat",
    [400],
    Tcp
);
torture_test!(
    lwsstart_extra_spaces_in_request_line_get_400,
    "lwsstart.dat",
    [400],
    Tcp
);
torture_test!(
    trws_trailing_space_in_request_line_gets_400,
    "trws.dat",
    [400],
    Tcp
);
torture_test!(
    escruri_headers_in_request_uri_get_400,
    "escruri.dat",
    [400],
    Tcp
);
torture_test!(
    baddate_non_gmt_date_is_survived,
    "baddate.dat",
    [400, 480],
    Tcp
);
torture_test!(
    regbadct_unbracketed_contact_with_params_gets_400,
    "regbadct.dat",
    [400],
    Tcp
);
torture_test!(
    badaspec_spaces_in_addr_spec_get_400,
    "badaspec.dat",
    [400],
    Tcp
);
// baddn.dat ends without the blank line, so only a datagram can carry it whole.
torture_test!(
    baddn_unquoted_comma_display_name_gets_400,
    "baddn.dat",
    [400],
    Udp
);
torture_test!(badvers_sip_7_gets_505, "badvers.dat", [505], Tcp);
torture_test!(
    mismatch01_cseq_method_mismatch_gets_400,
    "mismatch01.dat",
    [400],
    Tcp
);
torture_test!(
    mismatch02_unknown_method_with_invite_cseq,
    "mismatch02.dat",
    [400, 501],
    Tcp
);
torture_test!(
    bigcode_response_code_over_699_is_dropped,
    "bigcode.dat",
    drop,
    Tcp
);
// 3.2 and 3.3: transaction layer and application semantics.
torture_test!(
    badbranch_bare_cookie_is_survived,
    "badbranch.dat",
    [200, 400],
    Tcp
);
torture_test!(insuf_missing_headers_get_400, "insuf.dat", [400], Tcp);
torture_test!(
    unkscm_unknown_request_uri_scheme_gets_416,
    "unkscm.dat",
    [416],
    Tcp
);
torture_test!(novelsc_novel_scheme_gets_416, "novelsc.dat", [416], Tcp);
torture_test!(
    unksm2_non_sip_address_of_record_gets_400,
    "unksm2.dat",
    [400],
    Tcp
);
torture_test!(
    regaut01_unknown_auth_scheme_is_challenged,
    "regaut01.dat",
    [401],
    Tcp
);
torture_test!(
    multi01_repeated_single_headers_get_400,
    "multi01.dat",
    [400],
    Tcp
);
torture_test!(
    mcl01_repeated_content_length_gets_400,
    "mcl01.dat",
    [400],
    Tcp
);
torture_test!(bcast_unmatched_response_is_dropped, "bcast.dat", drop, Udp);
torture_test!(
    zeromf_max_forwards_zero_at_endpoint_gets_200,
    "zeromf.dat",
    [200],
    Tcp
);
torture_test!(
    cparam01_contact_header_param_register_is_challenged,
    "cparam01.dat",
    [401],
    Tcp
);
torture_test!(
    cparam02_contact_uri_param_register_is_challenged,
    "cparam02.dat",
    [401],
    Tcp
);
torture_test!(
    regescrt_escaped_contact_header_is_challenged,
    "regescrt.dat",
    [401],
    Tcp
);
torture_test!(sdp01_accept_without_sdp_gets_406, "sdp01.dat", [406], Tcp);
torture_test!(
    inv2543_rfc2543_invite_is_answered,
    "inv2543.dat",
    [480],
    Udp
);

#[tokio::test]
async fn bext01_unknown_require_gets_420_with_unsupported() {
    let r = common::response(&expect("bext01.dat", Via::Tcp, &[420]).await);
    let unsupported = r.headers.tokens(&HeaderName::Unsupported);
    assert_eq!(
        unsupported,
        ["nothingSupportsThis", "nothingSupportsThisEither"]
    );
}

#[tokio::test]
async fn invut_unknown_body_type_gets_415_with_accept() {
    let r = expect("invut.dat", Via::Tcp, &[415]).await;
    assert_eq!(raw_header(&r, "Accept").as_deref(), Some("application/sdp"));
}

#[tokio::test]
async fn dblreq_only_the_first_request_is_answered() {
    let s = start(common::config()).await;
    let replies = exchange(&s, "dblreq.dat", Via::Udp, Duration::from_millis(400)).await;
    let statuses: Vec<u16> = replies.iter().map(|r| status_of(r)).collect();
    assert_eq!(statuses, [401]);
    let r = common::response(&replies[0]);
    assert_eq!(
        r.headers.cseq().map(|c| c.method.to_string()).as_deref(),
        Some("REGISTER")
    );
}

#[tokio::test]
async fn server_answers_options_after_every_torture_message() {
    let s = start(common::config()).await;
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/sip-torture/rfc4475/"
    );
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("torture directory")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".dat"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 49);
    for name in &names {
        exchange(&s, name, Via::Udp, Duration::from_millis(20)).await;
        exchange(&s, name, Via::Tcp, Duration::from_millis(20)).await;
    }
    assert_server_alive(&s).await;
}
