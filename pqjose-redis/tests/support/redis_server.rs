//! Test support shared by the tests that need a real `redis-server` (`pqjose-redis`'s
//! `tests/redis_fleet.rs` and `pqjose-cli`'s `tests/fleet.rs`, which includes this file with
//! `#[path]`): a server on a free loopback port without persistence (`--save ""
//! --appendonly no`), stopped when dropped. Standard library only.
//!
//! `redis-server` must be on PATH (`scripts/test/35-redis.sh` installs it). Without it
//! [`RedisServer::start`] prints why and returns `None` (the test passes), unless
//! `PQJOSE_REQUIRE_REDIS` is set (as that step does), which makes it fail.

#![allow(dead_code)] // each including test uses part of it

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A redis-server child process on `127.0.0.1:port`.
pub(crate) struct RedisServer {
    port: u16,
    child: Option<Child>,
}

impl RedisServer {
    /// Start redis-server on a free port and wait until it answers `PING`, or `None` when it
    /// is not installed (and not required).
    pub(crate) fn start() -> Option<Self> {
        let found = Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok();
        if !found {
            assert!(
                std::env::var_os("PQJOSE_REQUIRE_REDIS").is_none(),
                "redis-server is required (PQJOSE_REQUIRE_REDIS) but not on PATH"
            );
            eprintln!("redis-server not on PATH: skipped (scripts/test/35-redis.sh runs it)");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = Self { port, child: None };
        server.restart();
        Some(server)
    }

    /// Start the server (again, after [`RedisServer::stop`]) on the same port, empty, and wait
    /// until it answers.
    pub(crate) fn restart(&mut self) {
        self.stop();
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.answers() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the server answers `PING` with `+PONG`.
    fn answers(&self) -> bool {
        let Ok(mut c) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let mut pong = [0u8; 7];
        c.write_all(b"PING\r\n").is_ok() && c.read_exact(&mut pong).is_ok() && &pong == b"+PONG\r\n"
    }

    /// Kill the server (a crash, for fail-closed tests); idempotent.
    pub(crate) fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// `redis://127.0.0.1:PORT/0`.
    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}
