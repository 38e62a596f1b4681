//! Headless subcommands over the model and formats: `new`, `import`, `export`, `check`.
//! Exit codes: 0 ok, 1 `check` found problems, 2 bad input or usage.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::builder::PossibleValue;
use clap::{Parser, Subcommand, ValueEnum};

use crate::formats::{self, ExportFormat, ImportFormat, LoadedSession};
use crate::model::Session;

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
        /// Article files (.txt, .md, .html).
        #[arg(required = true, value_name = "ARTICLE")]
        articles: Vec<PathBuf>,
    },
    /// Create a session from an annotated dataset.
    Import {
        /// Input format (default: from the extension; .jsonl is doccano).
        #[arg(long)]
        format: Option<ImportFormat>,
        /// The file to import.
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
    /// Verify hashes, anchors and offsets; print a summary per article.
    Check {
        /// The session to check.
        #[arg(value_name = "SESSION.ron")]
        session: PathBuf,
        /// Re-anchor to article files that changed on disk and report the result (the
        /// session file is not written).
        #[arg(long)]
        update_sources: bool,
    },
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
            articles,
        } => {
            refuse_overwrite(&output, force)?;
            let mut session = Session::new();
            let mut ids = crate::model::ArticleIds::default();
            for path in &articles {
                let mut article = absolute_source(formats::load_article(path)?);
                article.id = ids.claim(&article.id);
                session.documents.push(crate::model::Document::new(article));
            }
            formats::save_session(&session, &output)?;
            say(&format!(
                "wrote {} with {} article(s)",
                output.display(),
                session.documents.len()
            ));
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            format,
            input,
            output,
            force,
        } => {
            refuse_overwrite(&output, force)?;
            let format = format.unwrap_or_else(|| ImportFormat::guess(&input));
            let imported = formats::import_file(&input, format)?;
            for (article, id, how) in &imported.moved {
                warn(&format!(
                    "article {article:?}, annotation {id}: text did not match its offsets; {how}"
                ));
            }
            formats::save_session(&imported.session, &output)?;
            say(&format!(
                "wrote {} with {} article(s), {} annotation(s)",
                output.display(),
                imported.session.documents.len(),
                imported.session.annotation_count()
            ));
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            format,
            session,
            output,
            force,
            update_sources,
        } => {
            let mut loaded = formats::load_session(&session)?;
            if update_sources {
                loaded.apply_source_updates();
            } else {
                for (doc, report) in loaded.session.documents.iter().zip(&loaded.reports) {
                    if report.source_changed {
                        warn(&format!(
                            "article {:?}: its file changed on disk; exporting the text stored in the session (--update-sources uses the file): {}",
                            doc.article.id, doc.article.source
                        ));
                    }
                }
            }
            for warning in formats::export::export_warnings(&loaded.session, format) {
                warn(&warning);
            }
            match (format, output) {
                (ExportFormat::Brat, None) => bail!(formats::ExportError::NeedsFolder),
                (_, Some(out)) => {
                    formats::export::export_session_with(&loaded.session, format, &out, force)?;
                }
                (_, None) => {
                    let text = formats::export::export_string(&loaded.session, format)
                        .with_context(|| format!("cannot render the {} export", format.name()))?;
                    write_stdout(&text)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            session,
            update_sources,
        } => {
            let mut loaded = formats::load_session(&session)?;
            if update_sources {
                loaded.apply_source_updates();
            }
            write_stdout(&check_report(&loaded))?;
            Ok(if loaded.has_problems() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// The summary `gloss check` prints: one block per article.
pub fn check_report(loaded: &LoadedSession) -> String {
    let session = &loaded.session;
    let mut out = String::new();
    // Relations with an orphaned end, listed under that end's article: (relation, which
    // end, the orphan).
    let orphan_ids: std::collections::HashSet<crate::model::AnnotationId> = session
        .documents
        .iter()
        .flat_map(|d| d.annotations.iter().filter(|a| a.orphan).map(|a| a.id))
        .collect();
    let mut orphan_links: std::collections::HashMap<
        crate::model::AnnotationId,
        Vec<(&crate::model::Relation, &str)>,
    > = std::collections::HashMap::new();
    for r in session.relations.iter() {
        for (end, id) in [("source", r.from), ("target", r.to)] {
            if orphan_ids.contains(&id) {
                orphan_links.entry(id).or_default().push((r, end));
            }
        }
    }
    for (doc, report) in session.documents.iter().zip(&loaded.reports) {
        let counts: Vec<String> = session
            .labels
            .iter()
            .map(|l| format!("{} {}", l.id, doc.count_label(&l.id)))
            .collect();
        let status = if report.has_problems() {
            "PROBLEMS"
        } else {
            "ok"
        };
        out.push_str(&format!(
            "{}: {status}: {} annotation(s) ({}), {} orphan(s)\n",
            doc.article.id,
            doc.annotations.len(),
            counts.join(", "),
            report.orphans.len()
        ));
        if report.hash_mismatch {
            out.push_str("  stored sha256 does not match the stored text\n");
        }
        if report.source_changed {
            out.push_str(&format!(
                "  article file changed on disk since the session was saved; the stored text is used (--update-sources re-anchors to the file): {}\n",
                doc.article.source
            ));
        }
        if report.source_applied {
            out.push_str(&format!(
                "  re-anchored to the changed article file (the session file is not changed): {}\n",
                doc.article.source
            ));
        }
        if let Some(why) = &report.source_missing {
            out.push_str(&format!(
                "  note: using the text stored in the session ({why})\n"
            ));
        }
        for (id, how) in &report.moved {
            out.push_str(&format!("  annotation {id} re-anchored: {how}\n"));
        }
        // Straight from the annotations: looking each orphan up by id would be quadratic.
        let mut orphans: Vec<&crate::model::Annotation> =
            doc.annotations.iter().filter(|a| a.orphan).collect();
        orphans.sort_by_key(|a| a.id);
        for a in orphans {
            out.push_str(&format!(
                "  annotation {} is an orphan: {:?}\n",
                a.id,
                shorten(&a.text, 60)
            ));
            for (r, end) in orphan_links.get(&a.id).into_iter().flatten() {
                out.push_str(&format!(
                    "  relation {} ({}): its {end}, annotation {}, is an orphan\n",
                    r.id, r.kind, a.id
                ));
            }
        }
    }
    let total_orphans: usize = loaded.reports.iter().map(|r| r.orphans.len()).sum();
    let orphan_relations = session
        .relations
        .iter()
        .filter(|r| orphan_ids.contains(&r.from) || orphan_ids.contains(&r.to))
        .count();
    out.push_str(&format!(
        "{} article(s), {} annotation(s), {total_orphans} orphan(s), {} relation(s), {orphan_relations} with an orphaned end\n",
        session.documents.len(),
        session.annotation_count(),
        session.relations.len()
    ));
    out
}

fn shorten(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

fn refuse_overwrite(output: &Path, force: bool) -> anyhow::Result<()> {
    if output.exists() && !force {
        bail!(
            "output exists; pass --force to replace it (the old file is kept as .bak): {}",
            output.display()
        );
    }
    Ok(())
}

fn absolute_source(mut article: crate::model::Article) -> crate::model::Article {
    if let Ok(abs) = std::path::absolute(&article.source) {
        article.source = abs.to_string_lossy().into_owned();
    }
    article
}

fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`gloss export … | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

fn say(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}

fn warn(message: &str) {
    let _ = writeln!(std::io::stderr(), "warning: {message}");
}
