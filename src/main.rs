//! The `gloss` binary: parse the command line, run a subcommand or the app, exit.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;
use gloss::cli::{Cli, run_command};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version: print them as clap does, exit 0.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // clap's usage errors are several lines; one line is the rule here.
            let text = e.to_string();
            let first = text.lines().next().unwrap_or_default();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            error_line(&format!("{first} (gloss --help lists the options)"));
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Some(command) => run_command(command),
        None => gloss::app::run(cli.files, cli.screenshot.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            error_line(&format!("{e:#}"));
            ExitCode::from(2)
        }
    }
}

/// Print `error: MESSAGE` as exactly one line: control characters (a newline in a file
/// name) are escaped. A standard error that cannot be written is no reason to panic.
fn error_line(message: &str) {
    let mut line = String::from("error: ");
    for c in message.chars() {
        if c.is_control() {
            line.extend(c.escape_default());
        } else {
            line.push(c);
        }
    }
    line.push('\n');
    let _ = std::io::stderr().write_all(line.as_bytes());
}
