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
        let mut child = Command::new(binary)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
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
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
