//! HTTPS with a certificate and key from PEM files.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::sync::Arc;

use switchboard_api::tls::server_config;
use switchboard_api::{ApiConfig, AppState, serve_tls_on};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore, crypto::ring};

use crate::support::seed;

/// A self-signed certificate for 127.0.0.1 written to a fresh directory.
fn certificate() -> (PathBuf, PathBuf, CertificateDer<'static>) {
    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let dir = std::env::temp_dir().join(format!("sb-api-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.key_pair.serialize_pem()).unwrap();
    (cert, key, generated.cert.der().clone())
}

fn client(trusted: CertificateDer<'static>) -> TlsConnector {
    let mut roots = RootCertStore::empty();
    roots.add(trusted).unwrap();
    let config = ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

#[tokio::test]
async fn https_serves_the_api_with_the_configured_certificate() {
    let (cert, key, der) = certificate();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = ApiConfig {
        public_base_url: format!("https://{addr}"),
        ..ApiConfig::default()
    };
    let backend = seed();
    let state = AppState::new(config, backend.clone(), backend).unwrap();
    let tls = server_config(&cert, &key).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_tls_on(listener, tls, state, async {
        let _ = stopped.await;
    }));

    let tcp = TcpStream::connect(addr).await.unwrap();
    let name = ServerName::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST).into());
    let mut tls = client(der).connect(name, tcp).await.expect("TLS handshake");
    let request = "GET /restapi HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    let _ = tls.read_to_string(&mut response).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains(&format!("https://{addr}/restapi")),
        "{response}"
    );

    stop.send(()).unwrap();
    server.await.unwrap().expect("clean shutdown");
}

#[tokio::test]
async fn missing_pem_files_are_named_in_the_error() {
    let missing = PathBuf::from("/nonexistent/cert.pem");
    let error = server_config(&missing, &missing).unwrap_err();
    assert!(error.to_string().contains("/nonexistent/cert.pem"));
}
