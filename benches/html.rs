//! Web-page extraction benchmark on Mozilla Readability's test pages: for every page
//! folder (`source.html`, `expected.html`, `expected-metadata.json`), the article Gloss
//! takes from `source.html` is compared with the accepted article — token F1 of their
//! words, the title, the byline where the metadata has one — and the
//! extraction is timed.
//!
//! The pages come from a clone of <https://github.com/mozilla/readability> (Apache-2.0):
//! `GLOSS_READABILITY_PAGES=/path/to/readability/test/test-pages cargo bench --bench html`.
//! Without it, the few pages vendored under `tests/fixtures/readability/` are used.
//! Figures go to stdout and, one JSON object each, to `target/bench/html.jsonl`.

#![allow(clippy::print_stdout, clippy::unwrap_used)]
#![allow(clippy::cast_precision_loss)]

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use gloss::formats::html;

/// Lowercase words (runs of letters and digits), counted.
fn tokens(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

/// Token F1 of `got` against `want` (multisets of words).
fn token_f1(got: &str, want: &str) -> f64 {
    let (got, want) = (tokens(got), tokens(want));
    let common: usize = got
        .iter()
        .map(|(w, &n)| n.min(want.get(w).copied().unwrap_or(0)))
        .sum();
    let (g, w): (usize, usize) = (got.values().sum(), want.values().sum());
    if g == 0 && w == 0 {
        return 1.0;
    }
    if common == 0 {
        return 0.0;
    }
    let precision = common as f64 / g as f64;
    let recall = common as f64 / w as f64;
    2.0 * precision * recall / (precision + recall)
}

/// The text of the accepted article: every text node of `expected.html`.
fn expected_text(expected: &str) -> String {
    let fragment = scraper::Html::parse_fragment(expected);
    fragment.root_element().text().collect::<Vec<_>>().join(" ")
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct PageResult {
    name: String,
    f1: f64,
    title_ok: bool,
    byline: Option<bool>,
    ms: f64,
    full_ms: f64,
}

fn run_page(dir: &Path) -> Option<PageResult> {
    let source = std::fs::read(dir.join("source.html")).ok()?;
    let source = gloss::formats::article::decode(&source)?;
    let expected = std::fs::read_to_string(dir.join("expected.html")).ok()?;
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected-metadata.json")).ok()?)
            .ok()?;
    let mut times = Vec::new();
    let mut page = None;
    for _ in 0..3 {
        let started = Instant::now();
        page = Some(html::extract(&source));
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    // The whole page's text, as Gloss took it before the engine (and still does on
    // request): the figure to compare with.
    let mut full_times = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        std::hint::black_box(html::extract_with(&source, html::HtmlMode::Full));
        full_times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    full_times.sort_by(f64::total_cmp);
    let page = page?;
    // An empty expected title means "none found".
    let want_title = meta
        .get("title")
        .and_then(|t| t.as_str())
        .map(collapse)
        .filter(|t| !t.is_empty());
    let title_ok = want_title.as_deref() == page.title.as_deref().map(collapse).as_deref();
    let byline = meta
        .get("byline")
        .and_then(|b| b.as_str())
        .filter(|b| !b.trim().is_empty())
        .map(|want| page.metadata.byline.as_deref().map(collapse) == Some(collapse(want)));
    Some(PageResult {
        name: dir.file_name()?.to_string_lossy().into_owned(),
        f1: token_f1(&page.body, &expected_text(&expected)),
        title_ok,
        byline,
        ms: times[1],
        full_ms: full_times[1],
    })
}

fn main() {
    let root = std::env::var_os("GLOSS_READABILITY_PAGES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/readability"),
        PathBuf::from,
    );
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    dirs.retain(|d| d.join("source.html").is_file());
    dirs.sort();
    let results: Vec<PageResult> = dirs.iter().filter_map(|d| run_page(d)).collect();
    if results.is_empty() {
        println!("no pages under {}", root.display());
        return;
    }
    let n = results.len() as f64;
    let mean_f1 = results.iter().map(|r| r.f1).sum::<f64>() / n;
    let min = results.iter().min_by(|a, b| a.f1.total_cmp(&b.f1)).unwrap();
    let titles = results.iter().filter(|r| r.title_ok).count();
    let with_byline: Vec<bool> = results.iter().filter_map(|r| r.byline).collect();
    let bylines = with_byline.iter().filter(|&&b| b).count();
    let mut ms: Vec<f64> = results.iter().map(|r| r.ms).collect();
    ms.sort_by(f64::total_cmp);
    let median_ms = ms[ms.len() / 2];
    let mut full: Vec<f64> = results.iter().map(|r| r.full_ms).collect();
    full.sort_by(f64::total_cmp);
    let median_full_ms = full[full.len() / 2];
    if std::env::var_os("GLOSS_BENCH_VERBOSE").is_some() {
        for r in &results {
            println!(
                "{:40} f1 {:.3} title {} byline {:?} {:.1} ms",
                r.name, r.f1, r.title_ok, r.byline, r.ms
            );
        }
    }
    println!(
        "web-page extraction over {} pages of {}",
        results.len(),
        root.display()
    );
    println!("mean_token_f1: {mean_f1:.3} (target ≥ 0.97)");
    println!("min_token_f1: {:.3} on {} (target ≥ 0.5)", min.f1, min.name);
    println!("titles_equal: {titles} of {}", results.len());
    println!(
        "bylines_equal: {bylines} of {} pages with one",
        with_byline.len()
    );
    println!(
        "median_extract_ms: {median_ms:.2} (the whole page's text without the engine: {median_full_ms:.2})"
    );
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    let dir = target.join("bench");
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        let path = dir.join("html.jsonl");
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        for (metric, value, unit) in [
            ("mean_token_f1", mean_f1, "f1"),
            ("min_token_f1", min.f1, "f1"),
            ("titles_equal", titles as f64, "pages"),
            ("bylines_equal", bylines as f64, "pages"),
            ("pages_with_byline", with_byline.len() as f64, "pages"),
            ("median_extract_ms", median_ms, "ms"),
            ("median_full_page_ms", median_full_ms, "ms"),
        ] {
            let line = serde_json::json!({
                "metric": metric, "value": (value * 1000.0).round() / 1000.0, "unit": unit,
                "pages": results.len(), "corpus": root.display().to_string(),
            });
            writeln!(file, "{line}")?;
        }
        Ok(path)
    });
    match written {
        Ok(path) => println!("figures appended to {}", path.display()),
        Err(e) => println!("cannot write the figures: {e}"),
    }
}
