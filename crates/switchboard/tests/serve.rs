//! The `switchboard serve` process as an operator runs it: it creates the
//! demo company on first start, answers SIP and the REST API on loopback, and
//! stops cleanly on SIGTERM.

mod support;

use std::net::UdpSocket;
use std::time::Duration;

use support::Server;

fn options_request(port: u16, local: u16) -> String {
    format!(
        "OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n\
         Via: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bK-serve-test;rport\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:probe@127.0.0.1>;tag=probe\r\n\
         To: <sip:127.0.0.1:{port}>\r\n\
         Call-ID: serve-test-options\r\n\
         CSeq: 1 OPTIONS\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

#[test]
fn a_fresh_server_answers_sip_options_and_stops_cleanly_on_sigterm() {
    let server = Server::start();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let local = socket.local_addr().unwrap().port();

    let request = options_request(server.sip_port, local);
    socket
        .send_to(request.as_bytes(), ("127.0.0.1", server.sip_port))
        .unwrap();
    let mut buf = [0u8; 4096];
    let (len, _) = socket.recv_from(&mut buf).expect("an answer to OPTIONS");
    let answer = String::from_utf8_lossy(&buf[..len]).to_string();

    assert!(answer.starts_with("SIP/2.0 200"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("\nallow:"), "{answer}");
    let status = server.terminate();
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn the_first_start_prints_demo_credentials_that_log_in_to_the_api() {
    let server = Server::start();
    let client_id = server.printed("client id");
    let secret = server.printed("client secret");
    let jwt = server.printed("JWT");

    let client = reqwest::blocking::Client::new();
    let token: serde_json::Value = client
        .post(server.api("/restapi/oauth/token"))
        .basic_auth(&client_id, Some(&secret))
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", &jwt),
        ])
        .send()
        .unwrap()
        .json()
        .unwrap();
    let access = token["access_token"].as_str().expect("an access token");
    let list: serde_json::Value = client
        .get(server.api("/restapi/v1.0/account/~/extension"))
        .bearer_auth(access)
        .send()
        .unwrap()
        .json()
        .unwrap();

    let numbers: Vec<&str> = list["records"]
        .as_array()
        .expect("records")
        .iter()
        .filter_map(|r| r["extensionNumber"].as_str())
        .collect();
    assert!(
        numbers.contains(&"101") && numbers.contains(&"800"),
        "{list}"
    );
}

#[test]
fn a_restarted_server_keeps_its_company_and_prints_no_new_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let first = Server::start_in(dir.path());
    let password = first.printed("username 101  password");
    first.kill();

    let second = Server::start_in(dir.path());
    let printed = second.stdout();

    assert_eq!(
        printed.matches("Created the demo company").count(),
        1,
        "{printed}"
    );
    assert!(printed.contains(&password));
    assert!(second.terminate().success());
}
