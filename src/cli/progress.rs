//! A tiny progress indicator on stderr: only when stderr is a terminal, not in CI (`CI` set)
//! and the run has thousands of files. Never when piped.

use std::io::{IsTerminal, Write};

/// Files from which a run shows progress.
pub const MIN_FILES: usize = 2000;

pub struct Progress {
    enabled: bool,
    last_len: usize,
}

impl Progress {
    /// Decides once whether progress is shown.
    pub fn new(files: usize) -> Progress {
        let enabled =
            files >= MIN_FILES && super::env_set("CI").is_none() && std::io::stderr().is_terminal();
        Progress {
            enabled,
            last_len: 0,
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Replaces the current status line.
    pub fn status(&mut self, msg: &str) {
        if !self.enabled {
            return;
        }
        let mut e = std::io::stderr().lock();
        let pad = self.last_len.saturating_sub(msg.len());
        let _ = write!(e, "\r{msg}{}", " ".repeat(pad));
        let _ = e.flush();
        self.last_len = msg.len();
    }

    /// Clears the status line.
    pub fn finish(&mut self) {
        if self.enabled && self.last_len > 0 {
            let mut e = std::io::stderr().lock();
            let _ = write!(e, "\r{}\r", " ".repeat(self.last_len));
            let _ = e.flush();
            self.last_len = 0;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
