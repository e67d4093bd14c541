//! Running `osimages` on a pseudo-terminal of a given size, as a person at a terminal would.

use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// What a run on a terminal printed (stdout and stderr together, as the terminal shows them, with `\r\n` turned
/// back into `\n`) and its exit status.
pub struct PtyRun {
    pub output: String,
    pub code: u32,
}

/// Runs `osimages ARGS` on a `cols`-column terminal with `envs` set (and no credentials, `COLUMNS` or `NO_COLOR`
/// inherited), typing `input` once it starts. Killed after 30 s.
pub fn run(args: &[&str], envs: &[(&str, &str)], cols: u16, input: Option<&str>) -> PtyRun {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(super::BINARY);
    cmd.args(args);
    // The terminal's size is the pty's, not the test runner's.
    for var in super::SCRUBBED_ENV
        .iter()
        .chain(&["COLUMNS", "LINES", "NO_COLOR"])
    {
        cmd.env_remove(var);
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut all = Vec::new();
        let mut chunk = [0_u8; 4096];
        // Linux answers EIO once the terminal's last writer is gone: that is the end of the output.
        while let Ok(n) = reader.read(&mut chunk) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&chunk[..n]);
        }
        let _ = tx.send(all);
    });
    let mut writer = pty.master.take_writer().unwrap();
    if let Some(input) = input {
        // Give the program a moment to ask; the terminal keeps typed input until it reads it anyway.
        std::thread::sleep(Duration::from_millis(300));
        writer.write_all(input.as_bytes()).unwrap();
        writer.flush().unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("osimages {args:?} did not finish on the terminal within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(writer);
    drop(pty.master);
    let output = rx.recv_timeout(Duration::from_secs(10)).unwrap_or_default();
    PtyRun {
        output: String::from_utf8_lossy(&output).replace("\r\n", "\n"),
        code: status.exit_code(),
    }
}
