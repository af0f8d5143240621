//! A real HTTP server on a loopback port, for `--jwks-url` (the CLI fetches with the library's
//! HTTP client; `--allow-http` admits the plain-HTTP URL).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Serve `body` to every request on a loopback port, counting requests, until dropped.
pub(crate) struct Http {
    port: u16,
    stop: Arc<AtomicBool>,
    pub(crate) requests: Arc<AtomicUsize>,
}

impl Http {
    pub(crate) fn serve(body: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicUsize::new(0));
        let (s, n) = (stop.clone(), requests.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut conn) = conn else { continue };
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 2 {
                    line.clear();
                }
                n.fetch_add(1, Ordering::SeqCst);
                let _ = write!(
                    conn,
                    "HTTP/1.1 200 OK\r\nConnection: close\r\nCache-Control: max-age=300\r\n\
                     Content-Length: {}\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Self {
            port,
            stop,
            requests,
        }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}/jwks.json", self.port)
    }
}

impl Drop for Http {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}
