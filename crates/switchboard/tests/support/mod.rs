//! Starts the real `switchboard` binary as a child process on free loopback
//! ports with a fresh data directory, and stops it the way an operator would.

#![allow(dead_code)] // each test file uses its own subset of the harness

use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

/// A running server and what a test needs to reach it.
pub struct Server {
    pub child: Child,
    pub data_dir: PathBuf,
    pub sip_port: u16,
    pub http_port: u16,
    _temp: Option<tempfile::TempDir>,
}

/// A port that was free a moment ago on 127.0.0.1 for both UDP and TCP.
pub fn free_port() -> u16 {
    loop {
        let tcp = TcpListener::bind("127.0.0.1:0").expect("bind a TCP port on loopback");
        let port = tcp.local_addr().expect("local address").port();
        if UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

impl Server {
    /// Starts `switchboard serve` on a new data directory.
    pub fn start() -> Server {
        let temp = tempfile::tempdir().expect("temporary data directory");
        let dir = temp.path().to_path_buf();
        let mut server = Server::start_in(&dir);
        server._temp = Some(temp);
        server
    }

    /// Starts `switchboard serve` on an existing data directory (for restarts).
    pub fn start_in(data_dir: &Path) -> Server {
        Server::start_on(data_dir, free_port(), free_port())
    }

    /// Starts `switchboard serve` on the given ports.
    pub fn start_on(data_dir: &Path, sip_port: u16, http_port: u16) -> Server {
        let log = std::fs::File::create(data_dir.join("server.log")).expect("log file");
        let out = std::fs::File::options()
            .create(true)
            .append(true)
            .open(data_dir.join("stdout.log"))
            .expect("stdout file");
        let child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .arg("serve")
            .arg("--data-dir")
            .arg(data_dir)
            .envs(server_env(sip_port, http_port))
            .stdout(out)
            .stderr(log)
            .spawn()
            .expect("start switchboard");

        let server = Server {
            child,
            data_dir: data_dir.to_path_buf(),
            sip_port,
            http_port,
            _temp: None,
        };
        server.wait_until_listening();
        server
    }

    fn wait_until_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", self.http_port)).is_ok()
                && std::net::TcpStream::connect(("127.0.0.1", self.sip_port)).is_ok()
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("switchboard did not start listening; log:\n{}", self.log());
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data_dir.join("server.log")).unwrap_or_default()
    }

    /// What the server printed on standard output (the demo credentials).
    pub fn stdout(&self) -> String {
        std::fs::read_to_string(self.data_dir.join("stdout.log")).unwrap_or_default()
    }

    /// The value printed after `label` on the first line containing it.
    pub fn printed(&self, label: &str) -> String {
        let out = self.stdout();
        let line = out.lines().find(|l| l.contains(label));
        let line = line.unwrap_or_else(|| panic!("{label:?} not printed; stdout:\n{out}"));
        let rest = &line[line.find(label).unwrap() + label.len()..];
        rest.split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn api(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.http_port)
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(mut self) -> ExitStatus {
        signal(self.child.id(), "TERM");
        wait_with_timeout(&mut self.child, Duration::from_secs(20))
    }

    /// Sends SIGKILL: the crash a restart test recovers from.
    pub fn kill(mut self) {
        signal(self.child.id(), "KILL");
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn server_env(sip_port: u16, http_port: u16) -> Vec<(String, String)> {
    vec![
        (
            "SWITCHBOARD_SIP__UDP_LISTEN".into(),
            format!("[\"127.0.0.1:{sip_port}\"]"),
        ),
        (
            "SWITCHBOARD_SIP__TCP_LISTEN".into(),
            format!("[\"127.0.0.1:{sip_port}\"]"),
        ),
        (
            "SWITCHBOARD_API__LISTEN".into(),
            format!("127.0.0.1:{http_port}"),
        ),
        ("RUST_LOG".into(), "info".into()),
    ]
}

fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status();
    assert!(
        status.map(|s| s.success()).unwrap_or(false),
        "kill -{name} {pid} failed"
    );
}

fn wait_with_timeout(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("wait for switchboard") {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "switchboard did not exit within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
