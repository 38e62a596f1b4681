//! What every benchmark shares: appending figures to `target/bench/NAME.jsonl`.

#![allow(dead_code, clippy::print_stdout)]

use std::io::Write as _;
use std::path::PathBuf;

/// Append one JSON object per figure to `target/bench/{name}.jsonl` (under
/// `CARGO_TARGET_DIR` when set) and say where; a failure to write is printed, not fatal.
pub fn append_figures(name: &str, figures: &[serde_json::Value]) {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    let dir = target.join("bench");
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        let path = dir.join(format!("{name}.jsonl"));
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        for figure in figures {
            writeln!(file, "{figure}")?;
        }
        Ok(path)
    });
    match written {
        Ok(path) => println!("figures appended to {}", path.display()),
        Err(e) => println!("cannot write the figures: {e}"),
    }
}

/// `value` rounded to three decimals (figures stay readable in the JSONL).
pub fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}
