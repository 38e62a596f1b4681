//! `gloss check`: verify hashes, anchors and offsets, and list what needs attention.

use std::path::Path;
use std::process::ExitCode;

use super::write_stdout;
use crate::formats::{self, LoadedSession};

pub(super) fn run(session: &Path, update_sources: bool) -> anyhow::Result<ExitCode> {
    let mut loaded = formats::load_session(session)?;
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
