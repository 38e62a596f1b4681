//! `gloss merge`: a three-way merge of two people's changes to one session (usable as a
//! git merge driver), or `--union` of several annotators' sessions for curation.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;

use super::{say, warn};
use crate::formats;
use crate::model::merge::{three_way_merge, union};

pub(super) fn run(
    sessions: &[PathBuf],
    output: &Path,
    union_of: bool,
    force: bool,
) -> anyhow::Result<ExitCode> {
    // The output may be one of the inputs (git's merge driver writes over `%A`); any
    // other existing file needs --force.
    let is_input = sessions.iter().any(|s| same_file(s, output));
    if output.exists() && !is_input && !force {
        bail!(
            "output exists; pass --force to replace it (the old file is kept as .bak): {}",
            output.display()
        );
    }
    let mut loaded = Vec::new();
    for path in sessions {
        loaded.push(formats::load_session(path)?.session);
    }
    if union_of {
        if loaded.len() < 2 {
            bail!("--union needs two or more sessions");
        }
        let names: Vec<String> = sessions
            .iter()
            .zip(&loaded)
            .map(|(path, s)| {
                s.annotator.clone().unwrap_or_else(|| {
                    path.file_stem()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                })
            })
            .collect();
        let pairs: Vec<(&str, &crate::model::Session)> =
            names.iter().map(String::as_str).zip(&loaded).collect();
        let merged = union(&pairs);
        write(&merged, output, is_input)?;
        say(&format!(
            "wrote {} with {} article(s) and {} annotation(s) of {} annotators",
            output.display(),
            merged.documents.len(),
            merged.annotation_count(),
            names.len()
        ));
        return Ok(ExitCode::SUCCESS);
    }
    let [base, ours, theirs] = loaded.as_slice() else {
        bail!("a three-way merge takes BASE.ron OURS.ron THEIRS.ron (or --union A.ron B.ron …)");
    };
    let merged = three_way_merge(base, ours, theirs);
    write(&merged.session, output, is_input)?;
    for conflict in &merged.conflicts {
        warn(&format!("conflict: {conflict}"));
    }
    say(&format!(
        "wrote {}: {} annotation(s), {} relation(s); {} id(s) of theirs renumbered; {} conflict(s){}",
        output.display(),
        merged.session.annotation_count(),
        merged.session.relations.len(),
        merged.renumbered,
        merged.conflicts.len(),
        if merged.conflicts.is_empty() {
            String::new()
        } else {
            " (both versions kept, marked with a conflict attribute)".to_owned()
        }
    ));
    Ok(if merged.conflicts.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn write(session: &crate::model::Session, output: &Path, in_place: bool) -> anyhow::Result<()> {
    if in_place {
        formats::save_session_without_backup(session, output)?;
    } else {
        formats::save_session(session, output)?;
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}
