//! The emulator run as a process: started on a free port, waited for until it says where it listens, its stderr
//! kept for the test to read, killed when dropped.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a starting emulator may take to print its `listening on` line.
const START_WITHIN: Duration = Duration::from_secs(60);

/// An emulator process (`osimages serve --addr 127.0.0.1:0 …`). Killed (SIGKILL on Unix) when dropped.
pub struct EmulatorProcess {
    /// The process.
    pub child: Child,
    /// `http://ADDR/beta` (`https` with `--tls`), from its first line.
    pub base_url: String,
    /// The address it listens on.
    pub addr: SocketAddr,
    /// With `--tls`: the generated certificate (PEM) it wrote, to trust.
    pub certificate: Option<PathBuf>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
}

impl EmulatorProcess {
    /// Starts `command` (which runs the emulator on port 0: `osimages serve --addr 127.0.0.1:0`) with standard input
    /// closed and its output piped, and waits at most 60 s for its first line, `listening on URL` (or `listening on
    /// URL (certificate: PATH)` with `--tls`). Panics, with what it wrote on stderr, when it says anything else.
    pub fn spawn(mut command: Command) -> EmulatorProcess {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = stderr.clone();
        let mut pipe = child.stderr.take().expect("stderr is piped");
        let stderr_reader = std::thread::spawn(move || {
            let mut chunk = [0_u8; 8192];
            while let Ok(n) = pipe.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        let stdout = child.stdout.take().expect("stdout is piped");
        let (sender, first_line) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = first_line.recv_timeout(START_WITHIN).unwrap_or_default();
        let Some(base_url) = line.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            let _ = stderr_reader.join();
            panic!(
                "unexpected first line {line:?} (within {START_WITHIN:?}); stderr: {}",
                String::from_utf8_lossy(&stderr.lock().unwrap())
            );
        };
        let (base_url, certificate) = match base_url.split_once(" (certificate: ") {
            Some((url, path)) => (
                url.to_owned(),
                Some(PathBuf::from(path.trim_end_matches(')'))),
            ),
            None => (base_url.to_owned(), None),
        };
        let addr: SocketAddr = base_url
            .trim_start_matches("http://")
            .trim_start_matches("https://")
            .trim_end_matches("/beta")
            .parse()
            .unwrap_or_else(|e| panic!("no address in {base_url:?}: {e}"));
        EmulatorProcess {
            child,
            base_url,
            addr,
            certificate,
            stderr,
            stderr_reader: Some(stderr_reader),
        }
    }

    /// `http://ADDR` (the base URL without `/beta`): the emulator's origin, which is also its authority host with
    /// `--authority`.
    pub fn origin(&self) -> String {
        self.base_url.trim_end_matches("/beta").to_owned()
    }

    /// Whether the process is still running.
    pub fn is_alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// SIGKILL (what `Child::kill` sends on Unix), then waits for the process; returns everything it wrote on
    /// stderr.
    pub fn kill(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.finish_stderr()
    }

    /// SIGTERM, then waits (at most 30 s) for a clean exit (status 0); returns everything it wrote on stderr.
    #[cfg(unix)]
    pub fn terminate(self) -> String {
        self.signal("TERM");
        let (status, stderr) = self.wait(Duration::from_secs(30));
        assert!(
            status.success(),
            "a clean exit on SIGTERM: {status:?}; stderr: {stderr}"
        );
        stderr
    }

    /// Sends the signal `name` (`TERM`, `INT`, as kill(1) names them).
    #[cfg(unix)]
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name} {}", self.child.id());
    }

    /// Waits at most `limit` for the process to exit by itself (after [`signal`](Self::signal), say); returns its
    /// status and everything it wrote on stderr. Panics when it is still running by then.
    pub fn wait(mut self, limit: Duration) -> (ExitStatus, String) {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, self.finish_stderr());
            }
            assert!(
                Instant::now() < deadline,
                "the emulator did not exit within {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn finish_stderr(&mut self) -> String {
        if let Some(reader) = self.stderr_reader.take() {
            reader.join().unwrap();
        }
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
