//! Starting and stopping `osimages serve` as a child process.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running emulator on a free loopback port; killed when dropped.
pub struct Emulator {
    child: Child,
    /// `http://127.0.0.1:PORT/beta`.
    pub base_url: String,
}

/// The `osimages` binary next to this one (both are built into the same target directory).
pub fn osimages_binary() -> Result<PathBuf, String> {
    if let Ok(path) = std::env::var("OSIMAGES_BIN") {
        return Ok(PathBuf::from(path));
    }
    let me = std::env::current_exe().map_err(|e| format!("cannot find this executable: {e}"))?;
    let dir = me.parent().ok_or("this executable has no directory")?;
    let candidate = dir.join("osimages");
    if candidate.exists() {
        Ok(candidate)
    } else {
        Err(format!(
            "{} not found: build it first (cargo build --release -p intune-osimages-cli) or set OSIMAGES_BIN",
            candidate.display()
        ))
    }
}

impl Emulator {
    /// Starts `osimages serve --addr 127.0.0.1:0` with extra flags and waits for its first line.
    pub fn start(binary: &Path, extra: &[String]) -> Result<Emulator, String> {
        let mut args = vec!["serve".to_owned(), "--addr".into(), "127.0.0.1:0".into()];
        args.extend_from_slice(extra);
        Self::spawn(binary, &args, None)
    }

    /// Starts `binary ARGS` (a server printing `listening on URL` first), on CPU `cpu` alone when given and
    /// `taskset` is installed.
    pub fn spawn(binary: &Path, args: &[String], cpu: Option<usize>) -> Result<Emulator, String> {
        let mut command = match cpu.filter(|_| pinning_available()) {
            Some(cpu) => {
                let mut c = Command::new("taskset");
                c.arg("-c").arg(cpu.to_string()).arg(binary);
                c
            }
            None => Command::new(binary),
        };
        let mut child = command
            .args(args)
            .env_remove("GRAPH_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("the emulator has no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the emulator's first line: {e}"))?;
        let base_url = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("unexpected first line from the emulator: {line:?}"))?
            .to_owned();
        Ok(Emulator { child, base_url })
    }

    /// The emulator's process id, for reading its memory.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> &str {
        let rest = self
            .base_url
            .strip_prefix("http://")
            .unwrap_or(&self.base_url);
        rest.split('/').next().unwrap_or(rest)
    }
}

/// Whether processes can be pinned to separate cores: `taskset` is installed and there are at least two CPUs.
pub fn pinning_available() -> bool {
    std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
        && Command::new("taskset")
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// Pins every thread of this process to CPU `cpu` (with `taskset -a -p`); whether it worked.
pub fn pin_self(cpu: usize) -> bool {
    pinning_available()
        && Command::new("taskset")
            .args([
                "-a",
                "-c",
                "-p",
                &cpu.to_string(),
                &std::process::id().to_string(),
            ])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
