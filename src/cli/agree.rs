//! `gloss agree`: agreement between annotators' sessions of the same articles (αU, span
//! F1, attribute kappa), as a table or JSON.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;

use super::{Output, write_stdout};
use crate::formats;
use crate::model::agreement::{Annotator, Figures, Report, agreement};

pub(super) fn run(
    sessions: &[PathBuf],
    label: Option<&str>,
    format: Output,
) -> anyhow::Result<ExitCode> {
    if sessions.len() < 2 {
        bail!("agreement needs two or more sessions, one per annotator");
    }
    let mut loaded = Vec::new();
    for path in sessions {
        let session = formats::load_session(path)?.session;
        let name = session.annotator.clone().unwrap_or_else(|| stem(path));
        loaded.push((name, session));
    }
    // Two sessions with the same name would be indistinguishable in the report.
    let mut names: Vec<String> = Vec::new();
    for (name, _) in &mut loaded {
        let base = name.clone();
        let mut n = 2;
        while names.contains(name) {
            *name = format!("{base}-{n}");
            n += 1;
        }
        names.push(name.clone());
    }
    let annotators: Vec<Annotator<'_>> = loaded
        .iter()
        .map(|(name, session)| Annotator { name, session })
        .collect();
    let report = agreement(&annotators, label);
    let text = match format {
        Output::Json => {
            let mut json = serde_json::to_string_pretty(&report)?;
            json.push('\n');
            json
        }
        Output::Table => table(&report),
    };
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn stem(path: &Path) -> String {
    path.file_stem().map_or_else(
        || path.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

fn figure(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.4}"))
}

fn table(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} annotators ({}); {} article(s) compared",
        report.annotators.len(),
        report.annotators.join(", "),
        report.articles
    );
    for left in &report.left_out {
        let _ = writeln!(
            out,
            "left out: article {:?} (missing in {})",
            left.id,
            left.missing_in.join(", ")
        );
    }
    if report.merged_for_alpha > 0 {
        let _ = writeln!(
            out,
            "{} overlapping span(s) of one annotator with the same label were merged into their union for αU",
            report.merged_for_alpha
        );
    }
    let _ = writeln!(
        out,
        "\n{:<14} {:>8}  {:<24} {:>8} {:>10} {:>8} {:>7} {:>7}",
        "label", "αU", "pair", "F1 exact", "F1 overlap", "matched", "only a", "only b"
    );
    let mut rows: Vec<(&str, &Figures)> =
        report.labels.iter().map(|(l, f)| (l.as_str(), f)).collect();
    rows.push(("overall", &report.overall));
    for (label, figures) in &rows {
        for (n, pair) in figures.pairs.iter().enumerate() {
            let (name, alpha) = if n == 0 {
                (*label, figure(figures.alpha_u))
            } else {
                ("", String::new())
            };
            let _ = writeln!(
                out,
                "{:<14} {:>8}  {:<24} {:>8} {:>10} {:>8} {:>7} {:>7}",
                name,
                alpha,
                format!("{} / {}", pair.a, pair.b),
                figure(pair.f1_exact),
                figure(pair.f1_overlap),
                pair.matched,
                pair.only_a,
                pair.only_b
            );
        }
    }
    let attributes: Vec<(&str, &str, _)> = report
        .labels
        .iter()
        .flat_map(|(l, f)| {
            f.attributes
                .iter()
                .map(move |(k, a)| (l.as_str(), k.as_str(), a))
        })
        .collect();
    if !attributes.is_empty() {
        let _ = writeln!(out, "\nattributes, on spans every annotator marked alike:");
        for (label, key, a) in attributes {
            let kind = if a.kappa_kind == "cohen" {
                "Cohen's κ"
            } else {
                "Fleiss' κ"
            };
            let _ = writeln!(
                out,
                "{:<24} {:>5} span(s)  agreement {:>7}  {kind} {}",
                format!("{label}.{key}"),
                a.spans,
                a.agreement
                    .map_or_else(|| "—".to_owned(), |v| format!("{:.1}%", v * 100.0)),
                figure(a.kappa)
            );
        }
    }
    let _ = writeln!(
        out,
        "\n{:<32} {:>8} {:>14}",
        "article", "αU", "disagreements"
    );
    for article in &report.per_article {
        let _ = writeln!(
            out,
            "{:<32} {:>8} {:>14}",
            article.id,
            figure(article.alpha_u),
            article.disagreements
        );
    }
    out
}
