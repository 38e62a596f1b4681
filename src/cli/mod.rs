//! Headless subcommands over the model and formats, one file each: [`new`],
//! [`import`], [`export`], [`check`], [`agree`], [`merge`], [`suggest`]. Exit codes: 0 ok, 1 `check` found problems,
//! 2 bad input or usage.

mod agree;
mod check;
mod export;
mod import;
mod merge;
mod new;
mod suggest;

pub use check::check_report;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::builder::PossibleValue;
use clap::{Parser, Subcommand, ValueEnum};

use crate::formats::{ExportFormat, ImportFormat};

/// Read and annotate articles: spoilers, quotes and claims.
///
/// With no subcommand, opens the desktop app with the given articles and/or session.
#[derive(Debug, Parser)]
#[command(name = "gloss", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// A headless subcommand; without one, the app opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Articles (.txt, .md, .html) and/or a session (.ron) to open in the app.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Open the files in a real window, render a few frames, write a PNG and exit.
    #[arg(long, value_name = "OUT.png")]
    pub screenshot: Option<PathBuf>,
}

/// The headless subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a session from article files.
    New {
        /// The session file to write.
        #[arg(short, long, value_name = "SESSION.ron")]
        output: PathBuf,
        /// Replace the output if it exists (the old file is kept as .bak).
        #[arg(long)]
        force: bool,
        /// Web pages: the article the readability engine finds, or the full page text.
        #[arg(long, value_enum, default_value = "article")]
        html: HtmlChoice,
        /// Article files (.txt, .md, .html).
        #[arg(required = true, value_name = "ARTICLE")]
        articles: Vec<PathBuf>,
    },
    /// Create a session from an annotated dataset.
    Import {
        /// Input format (default: told by the content, and printed).
        #[arg(long)]
        format: Option<ImportFormat>,
        /// Import what can be imported and list every invalid record on stderr, instead
        /// of stopping at the first.
        #[arg(long)]
        skip_invalid: bool,
        /// Label Studio: take each task's predictions instead of its annotations.
        #[arg(long)]
        predictions: bool,
        /// The file (or brat folder) to import.
        #[arg(value_name = "INPUT")]
        input: PathBuf,
        /// The session file to write.
        #[arg(short, long, value_name = "SESSION.ron")]
        output: PathBuf,
        /// Replace the output if it exists (the old file is kept as .bak).
        #[arg(long)]
        force: bool,
    },
    /// Export a session's annotations.
    Export {
        /// Output format; offsets are Unicode code points unless a field says otherwise.
        #[arg(long, default_value = "json")]
        format: ExportFormat,
        /// The session to export.
        #[arg(value_name = "SESSION.ron")]
        session: PathBuf,
        /// Output file (a folder for brat); standard output when omitted.
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Let a brat export replace files in an existing folder.
        #[arg(long)]
        force: bool,
        /// Export article files that changed on disk as they are now, re-anchoring the
        /// annotations (default: the text stored in the session).
        #[arg(long)]
        update_sources: bool,
    },
    /// Agreement between annotators: one session each, of the same articles.
    Agree {
        /// The sessions, one per annotator (named by the session's annotator, else the
        /// file name).
        #[arg(required = true, num_args = 2.., value_name = "SESSION.ron")]
        sessions: Vec<PathBuf>,
        /// Only this label.
        #[arg(long)]
        label: Option<String>,
        /// Output.
        #[arg(long, value_enum, default_value = "table")]
        format: Output,
    },
    /// Merge sessions: `BASE OURS THEIRS` three-way (exit 1 on conflicts, both versions
    /// kept and marked), or `--union A B …` for curation.
    Merge {
        /// Every annotator's annotations in one session, marked with `annotator`.
        #[arg(long)]
        union: bool,
        /// BASE.ron OURS.ron THEIRS.ron, or with --union two or more sessions.
        #[arg(required = true, num_args = 2.., value_name = "SESSION.ron")]
        sessions: Vec<PathBuf>,
        /// The merged session (may be OURS.ron, as a git merge driver writes `%A`).
        #[arg(short, long, value_name = "OUT.ron")]
        output: PathBuf,
        /// Replace an existing output that is not one of the inputs.
        #[arg(long)]
        force: bool,
    },
    /// Suggest quotes (with their speakers), claims and spoilers, offline: print them as
    /// JSON, or with `-o OUT.ron` store them in a session as pending suggestions.
    Suggest {
        /// Which kinds, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "quote,claim,spoiler")]
        labels: Vec<SuggestKind>,
        /// Leave out suggestions scoring below this (0 to 1). Default: 0 for JSON (every
        /// candidate, to rank), 0.5 for a session (what the app offers for review).
        #[arg(long)]
        min_score: Option<f32>,
        /// Output format when not writing a session (`-o` ending in .ron).
        #[arg(long, value_enum, default_value = "json")]
        format: SuggestFormat,
        /// A session (SESSION.ron) or article files (.txt, .md, .html).
        #[arg(required = true, value_name = "SESSION.ron | ARTICLE")]
        inputs: Vec<PathBuf>,
        /// Output file: `.ron` writes the session with pending suggestions; anything else
        /// JSON. Standard output when omitted.
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Replace the output if it exists (a session's old file is kept as .bak).
        #[arg(long)]
        force: bool,
    },
    /// Verify hashes, anchors and offsets; print a summary per article.
    Check {
        /// The session to check.
        #[arg(value_name = "SESSION.ron")]
        session: PathBuf,
        /// Re-anchor to article files that changed on disk and report the result (the
        /// session file is not written).
        #[arg(long)]
        update_sources: bool,
        /// Output: a summary to read, or JSON with each annotation's outcome.
        #[arg(long, value_enum, default_value = "table")]
        format: Output,
    },
}

/// How much of a web page `new` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HtmlChoice {
    /// The article (all readable text when none is found, with a note).
    Article,
    /// All readable text of the page, menus and all.
    Full,
}

/// A kind of suggestion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SuggestKind {
    /// Direct quotes with their speakers (and the speakers' names as sources).
    Quote,
    /// Check-worthy claims, scored.
    Claim,
    /// Spoilers: warned passages and plot outcomes.
    Spoiler,
}

/// What `suggest` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SuggestFormat {
    /// `{"offset_unit", "articles": [{"id", "source", "text_sha256", "suggestions"}]}`.
    Json,
}

/// What `agree` and `check` print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// A table to read.
    Table,
    /// One JSON object.
    Json,
}

impl ValueEnum for ExportFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &Self::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()).help(self.title()))
    }
}

impl ValueEnum for ImportFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &Self::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

/// Run a headless subcommand. Errors are bad input (exit 2).
pub fn run_command(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::New {
            output,
            force,
            html,
            articles,
        } => new::run(
            &output,
            force,
            match html {
                HtmlChoice::Article => crate::formats::HtmlMode::Article,
                HtmlChoice::Full => crate::formats::HtmlMode::Full,
            },
            &articles,
        ),
        Command::Import {
            format,
            skip_invalid,
            predictions,
            input,
            output,
            force,
        } => import::run(
            format,
            crate::formats::ImportOptions {
                skip_invalid,
                predictions,
            },
            &input,
            &output,
            force,
        ),
        Command::Export {
            format,
            session,
            output,
            force,
            update_sources,
        } => export::run(format, &session, output.as_deref(), force, update_sources),
        Command::Check {
            session,
            update_sources,
            format,
        } => check::run(&session, update_sources, format == Output::Json),
        Command::Merge {
            union,
            sessions,
            output,
            force,
        } => merge::run(&sessions, &output, union, force),
        Command::Agree {
            sessions,
            label,
            format,
        } => agree::run(&sessions, label.as_deref(), format),
        Command::Suggest {
            labels,
            min_score,
            format: SuggestFormat::Json,
            inputs,
            output,
            force,
        } => suggest::run(&suggest::Options {
            kinds: crate::model::suggestion::Kinds {
                quotes: labels.contains(&SuggestKind::Quote),
                claims: labels.contains(&SuggestKind::Claim),
                spoilers: labels.contains(&SuggestKind::Spoiler),
            },
            min_score,
            inputs: &inputs,
            output: output.as_deref(),
            force,
        }),
    }
}

pub(super) fn refuse_overwrite(output: &Path, force: bool) -> anyhow::Result<()> {
    if output.exists() && !force {
        bail!(
            "output exists; pass --force to replace it (the old file is kept as .bak): {}",
            output.display()
        );
    }
    Ok(())
}

pub(super) fn absolute_source(mut article: crate::model::Article) -> crate::model::Article {
    if let Ok(abs) = std::path::absolute(&article.source) {
        article.source = abs.to_string_lossy().into_owned();
    }
    article
}

pub(super) fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`gloss export … | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

pub(super) fn say(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}

pub(super) fn warn(message: &str) {
    let _ = writeln!(std::io::stderr(), "warning: {message}");
}
