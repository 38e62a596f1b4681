//! `gloss check`: verify hashes, anchors and offsets, and list what needs attention.

use std::path::Path;
use std::process::ExitCode;

use super::write_stdout;
use crate::formats::{self, LoadedSession};

pub(super) fn run(session: &Path, update_sources: bool, json: bool) -> anyhow::Result<ExitCode> {
    let mut loaded = formats::load_session(session)?;
    if update_sources {
        loaded.apply_source_updates();
    }
    if json {
        let mut text = serde_json::to_string_pretty(&check_json(&loaded))?;
        text.push('\n');
        write_stdout(&text)?;
    } else {
        write_stdout(&check_report(&loaded))?;
    }
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
        let (moved, changed) = outcome_counts(report);
        out.push_str(&format!(
            "{}: {status}: {}: {} annotation(s) ({}), {moved} moved, {changed} changed, {} orphan(s) ({} ambiguous)\n",
            doc.article.id,
            doc.status().title(),
            doc.annotations.len(),
            counts.join(", "),
            report.orphans.len(),
            report.ambiguous.len()
        ));
        let metadata = &doc.article.metadata;
        if !metadata.is_empty() {
            out.push_str(&format!("  title: {}\n", doc.article.title));
            for (name, value) in metadata.fields() {
                out.push_str(&format!("  {name}: {}\n", shorten(value, 100)));
            }
        }
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
    out.push_str(&format!("progress: {}\n", session.progress()));
    out.push_str(&format!(
        "{} article(s), {} annotation(s), {total_orphans} orphan(s), {} relation(s), {orphan_relations} with an orphaned end\n",
        session.documents.len(),
        session.annotation_count(),
        session.relations.len()
    ));
    out
}

/// How many annotations of a report moved (all their text) and changed (edited inside).
fn outcome_counts(report: &formats::ArticleReport) -> (usize, usize) {
    let changed = report
        .moved
        .iter()
        .filter(|(_, how)| matches!(how, crate::model::Anchoring::Changed { .. }))
        .count();
    (report.moved.len() - changed, changed)
}

/// `gloss check --format json`: per article the counts and each annotation's outcome.
pub fn check_json(loaded: &LoadedSession) -> serde_json::Value {
    use crate::model::Anchoring;
    use serde_json::json;
    let articles: Vec<serde_json::Value> = loaded
        .session
        .documents
        .iter()
        .zip(&loaded.reports)
        .map(|(doc, report)| {
            let how: std::collections::HashMap<_, _> =
                report.moved.iter().map(|(id, h)| (*id, h)).collect();
            let ambiguous: std::collections::HashMap<_, _> =
                report.ambiguous.iter().map(|(id, p)| (*id, p)).collect();
            let outcomes: Vec<serde_json::Value> = doc
                .annotations
                .iter()
                .map(|a| {
                    let (outcome, extra) = match (how.get(&a.id), ambiguous.get(&a.id)) {
                        (_, Some(places)) => (
                            "ambiguous",
                            json!({"candidates": places.iter().map(|r| [r.start, r.end]).collect::<Vec<_>>()}),
                        ),
                        _ if a.orphan => ("orphan", json!({})),
                        (Some(Anchoring::Changed { old, .. }), _) => {
                            ("changed", json!({"previous_text": old}))
                        }
                        (Some(h), _) => ("moved", json!({"how": h.to_string()})),
                        (None, _) => ("in_place", json!({})),
                    };
                    let mut item = json!({
                        "id": a.id.0, "label": a.label, "start": a.start, "end": a.end,
                        "text": a.text, "outcome": outcome,
                    });
                    if let (Some(obj), Some(more)) = (item.as_object_mut(), extra.as_object()) {
                        obj.extend(more.clone());
                    }
                    item
                })
                .collect();
            let (moved, changed) = outcome_counts(report);
            json!({
                "id": doc.article.id,
                "title": doc.article.title,
                "status": doc.status(),
                "metadata": doc.article.metadata,
                "problems": report.has_problems(),
                "hash_mismatch": report.hash_mismatch,
                "source_changed": report.source_changed,
                "source_applied": report.source_applied,
                "annotations": doc.annotations.len(),
                "moved": moved,
                "changed": changed,
                "orphaned": report.orphans.len(),
                "ambiguous": report.ambiguous.len(),
                "outcomes": outcomes,
            })
        })
        .collect();
    let progress = loaded.session.progress();
    json!({
        "offset_unit": crate::formats::export::OFFSET_UNIT,
        "articles": articles,
        "relations": loaded.session.relations.len(),
        "progress": {
            "done": progress.done,
            "in_progress": progress.in_progress,
            "todo": progress.todo,
            "total": progress.total(),
        },
        "problems": loaded.has_problems(),
    })
}

fn shorten(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}
