//! Running a helper program (kustomize, kubectl, helm, git) with a time limit.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Whether `program` is a file (a path) or found on `PATH` (a name).
pub fn on_path(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

/// Runs `program args` without input, within `timeout` (named by the flag `limit_flag` in
/// the message when it is exceeded), and returns its standard output; a failure carries the
/// program's error output.
pub fn run<S: AsRef<OsStr>>(
    program: &str,
    args: &[S],
    timeout: Duration,
    limit_flag: &str,
) -> Result<String, String> {
    let stdout = run_bytes(program, args, None, timeout, limit_flag)?;
    let mut shown = program.to_string();
    if let Some(a) = args.first() {
        shown.push(' ');
        shown.push_str(&a.as_ref().to_string_lossy());
    }
    String::from_utf8(stdout).map_err(|_| format!("`{shown}` wrote output that is not UTF-8"))
}

/// Like [`run`], with `input` written to the program's standard input (when given), and its
/// standard output returned as bytes (`git cat-file --batch`).
pub fn run_bytes<S: AsRef<OsStr>>(
    program: &str,
    args: &[S],
    input: Option<Vec<u8>>,
    timeout: Duration,
    limit_flag: &str,
) -> Result<Vec<u8>, String> {
    let shown = || {
        let mut s = program.to_string();
        if let Some(a) = args.first() {
            s.push(' ');
            s.push_str(&a.as_ref().to_string_lossy());
        }
        s
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `{program}`: {e}"))?;
    // feed the input from a thread of its own, so that a child writing while it reads cannot
    // block on a full output pipe
    let feeder = match (input, child.stdin.take()) {
        (Some(bytes), Some(mut stdin)) => Some(std::thread::spawn(move || {
            use std::io::Write;
            let _ = stdin.write_all(&bytes);
        })),
        _ => None,
    };
    // drain both pipes while waiting, so a large output cannot block the child
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut s);
            }
            s
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{}` took longer than {} s ({limit_flag})",
                    shown(),
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for `{program}`: {e}")),
        }
    };
    if let Some(f) = feeder {
        let _ = f.join();
    }
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !status.success() {
        let msg = String::from_utf8_lossy(&stderr);
        let msg: String = msg.trim().chars().take(2000).collect();
        return Err(format!("`{}` failed: {}", shown(), msg.replace('\n', " ")));
    }
    Ok(stdout)
}
