//! The eframe desktop app.

pub mod reader;

use std::path::PathBuf;
use std::process::ExitCode;

/// Open the app with `files`; with `screenshot`, render a few frames to a PNG and exit.
pub fn run(files: Vec<PathBuf>, screenshot: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let _ = (files, screenshot);
    anyhow::bail!("the desktop app is not built yet")
}
