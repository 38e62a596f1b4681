//! The `gloss` binary: parse the command line, run a subcommand or the app, exit.

use std::process::ExitCode;

use clap::Parser as _;
use gloss::cli::{Cli, run_command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(command) => run_command(command),
        None => gloss::app::run(cli.files, cli.screenshot.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
