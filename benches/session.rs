//! Session benchmark: save, load and JSON export of 100 generated articles with 1,000
//! annotations each (100k in all) and 20,000 relations, plus serde_json parsing of the same data so the cost
//! of RON loading can be judged against it. Target: save, load and export < 300 ms each.
//!
//! Run with `cargo bench --bench session`. Prints a table (medians of several runs) and
//! appends one JSON line per metric to `target/bench/session.jsonl`.

// A benchmark reports on standard output, like the CLI.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use gloss::formats::export::{ExportFormat, JsonExport, export_string};
use gloss::formats::{self, session_file};
use gloss::model::{
    Annotation, AnnotationId, Article, Document, Label, Relation, RelationId, Session, Text,
    Timestamp, sha256_hex,
};

const ARTICLES: usize = 100;
const ANNOTATIONS_PER_ARTICLE: usize = 1_000;
/// About one annotation per this many chars of text.
const CHARS_PER_ANNOTATION: usize = 200;
/// Relations between the annotations (20% of their number).
const RELATIONS: usize = 20_000;
const REPETITIONS: usize = 7;
const TARGET_MS: f64 = 300.0;

/// A small deterministic generator (xorshift64*), so every run measures the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: [&str; 40] = [
    "the",
    "harbour",
    "council",
    "said",
    "ferry",
    "season",
    "finale",
    "café",
    "naïve",
    "bridge",
    "would",
    "report",
    "engineers",
    "Zoë",
    "Søren",
    "lighthouse",
    "was",
    "never",
    "“quietly”",
    "—",
    "a",
    "of",
    "and",
    "in",
    "to",
    "storm",
    "crossing",
    "budget",
    "€300",
    "million",
    "viewers",
    "episode",
    "reveal",
    "which",
    "town",
    "river",
    "keeper",
    "signal",
    "night",
    "🌊",
];

/// About `chars` chars of prose in paragraphs of a few sentences.
fn article_text(rng: &mut Rng, chars: usize) -> String {
    let mut text = String::with_capacity(chars * 11 / 10);
    let mut count = 0;
    let mut sentence = 0;
    while count < chars {
        let words = 6 + rng.below(14);
        for w in 0..words {
            let word = rng.pick(&WORDS);
            if w > 0 {
                text.push(' ');
                count += 1;
            }
            text.push_str(word);
            count += word.chars().count();
        }
        text.push('.');
        count += 1;
        sentence += 1;
        if sentence % 5 == 0 {
            text.push_str("\n\n");
            count += 2;
        } else {
            text.push(' ');
            count += 1;
        }
    }
    text
}

/// The benchmark session: every label used, some spans overlapping or nested, notes and
/// attributes on some.
fn generate() -> Session {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let labels = Label::defaults();
    let mut session = Session::new();
    let mut next_id = 1u64;
    for n in 0..ARTICLES {
        let text = article_text(&mut rng, ANNOTATIONS_PER_ARTICLE * CHARS_PER_ANNOTATION);
        let text = Text::new(text);
        let len = text.char_len();
        let mut doc = Document::new(Article::new(
            &format!("article-{n:03}"),
            &format!("Generated article {n}"),
            "",
            text.clone(),
        ));
        for k in 0..ANNOTATIONS_PER_ARTICLE {
            let label = &labels[k % labels.len()];
            let slot = k * (len / ANNOTATIONS_PER_ARTICLE);
            let start = (slot + rng.below(CHARS_PER_ANNOTATION / 2)).min(len - 1);
            // Every tenth span is long enough to overlap the next one.
            let width = if k % 10 == 0 {
                150 + rng.below(250)
            } else {
                10 + rng.below(90)
            };
            let end = (start + width).min(len);
            let id = AnnotationId(next_id);
            next_id += 1;
            let now = Timestamp(1_760_000_000 + next_id);
            let Some(mut a) = Annotation::new(id, label, &text, start..end, now) else {
                continue;
            };
            match label.id.as_str() {
                "quote" => {
                    a.attributes
                        .insert("speaker".to_owned(), rng.pick(&WORDS).to_owned());
                }
                "claim" => {
                    let status = ["unverified", "true", "false", "misleading"][rng.below(4)];
                    a.attributes = BTreeMap::from([
                        ("status".to_owned(), status.to_owned()),
                        ("source".to_owned(), format!("report {}", rng.below(50))),
                    ]);
                }
                _ => {}
            }
            if k % 7 == 0 {
                a.note = format!("Checked against the {} — see “{}”.", rng.pick(&WORDS), k);
            }
            doc.annotations.push(a);
        }
        doc.sort();
        session.documents.push(doc);
    }
    // Relations: mostly between neighbours in one article, one in ten across articles,
    // with the types' notes and attributes a person would add.
    let ids: Vec<Vec<AnnotationId>> = session
        .documents
        .iter()
        .map(|d| d.annotations.iter().map(|a| a.id).collect())
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut relations = Vec::with_capacity(RELATIONS);
    while relations.len() < RELATIONS {
        let article = rng.below(ids.len());
        let list = &ids[article];
        let at = rng.below(list.len());
        let from = list[at];
        let to = if relations.len() % 10 == 0 {
            let other = &ids[(article + 1 + rng.below(ids.len() - 1)) % ids.len()];
            other[rng.below(other.len())]
        } else {
            list[(at + 1 + rng.below(8)) % list.len()]
        };
        let kind = ["same_as", "evidence", "contradicts"][relations.len() % 3];
        if from == to || !seen.insert((kind, from, to)) {
            continue;
        }
        let mut attributes = BTreeMap::new();
        if kind == "evidence" {
            attributes.insert("stance".to_owned(), "supports".to_owned());
        }
        relations.push(Relation {
            id: RelationId(next_id),
            kind: kind.to_owned(),
            from,
            to,
            note: if relations.len() % 5 == 0 {
                format!("seen in {} reports", rng.below(9))
            } else {
                String::new()
            },
            attributes,
            created: Timestamp(1_760_000_000 + next_id),
            modified: Timestamp(1_760_000_000 + next_id),
        });
        next_id += 1;
    }
    session.relations = relations.into();
    session.next_id = next_id;
    session
}

/// Our JSON with 10 articles of 100,000 annotations each (one on every word).
fn million_annotation_json() -> String {
    let mut out = String::from(r#"{"schema": 1, "offset_unit": "codepoint", "articles": ["#);
    for n in 0..10 {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            r#"{{"id": "big-{n}", "text": "{}", "annotations": ["#,
            "word ".repeat(100_000)
        ));
        for k in 0..100_000 {
            if k > 0 {
                out.push(',');
            }
            let label = ["spoiler", "quote", "claim"][k % 3];
            out.push_str(&format!(
                r#"{{"label": "{label}", "start": {}, "end": {}}}"#,
                k * 5,
                k * 5 + 4
            ));
        }
        out.push_str("]}");
    }
    out.push_str("]}");
    out
}

/// Median milliseconds of `REPETITIONS` runs of `f` (after one warm-up run).
fn median_ms<T>(mut f: impl FnMut() -> T) -> f64 {
    std::hint::black_box(f());
    let mut times: Vec<f64> = (0..REPETITIONS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

struct Report {
    lines: Vec<(String, f64)>,
}

impl Report {
    fn metric(&mut self, name: &str, value: f64) {
        self.lines.push((name.to_owned(), value));
    }

    /// Append the metrics as JSON lines to `target/bench/session.jsonl`.
    fn append_jsonl(&self) -> std::io::Result<PathBuf> {
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
            PathBuf::from,
        );
        let dir = target.join("bench");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("session.jsonl");
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        for (metric, value) in &self.lines {
            let line =
                serde_json::json!({ "metric": metric, "value": (value * 1000.0).round() / 1000.0 });
            writeln!(file, "{line}")?;
        }
        Ok(path)
    }
}

fn verdict(ms: f64) -> &'static str {
    if ms < TARGET_MS { "ok" } else { "OVER TARGET" }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let session = generate();
    let total_chars: usize = session
        .documents
        .iter()
        .map(|d| d.article.text.char_len())
        .sum();
    println!(
        "session benchmark: {} articles, {} annotations, {} relations, {:.1} M chars of text (generated in {:.1} s)",
        session.documents.len(),
        session.annotation_count(),
        session.relations.len(),
        total_chars as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.ron");

    // `GLOSS_BENCH_ONLY=save|load|from_ron|export` repeats one operation, for a profiler.
    if let Ok(only) = std::env::var("GLOSS_BENCH_ONLY") {
        formats::save_session(&session, &path)?;
        let ron_text = std::fs::read_to_string(&path)?;
        for _ in 0..10 {
            match only.as_str() {
                "save" => formats::save_session(&session, &path)?,
                "load" => drop(formats::load_session(&path)?),
                "from_ron" => drop(session_file::from_ron(&ron_text, &path, false)?),
                "export" => drop(export_string(&session, ExportFormat::Json)),
                other => return Err(format!("unknown GLOSS_BENCH_ONLY={other}").into()),
            }
        }
        return Ok(());
    }
    let mut report = Report { lines: Vec::new() };

    // Save (atomic: temp file, fsync, .bak of the previous file, rename).
    let save_ms = median_ms(|| formats::save_session(&session, &path));
    formats::save_session(&session, &path)?;
    let ron_bytes = std::fs::metadata(&path)?.len();
    let to_ron_ms = median_ms(|| session_file::to_ron(&session, Some(dir.path())));

    // Load (read, parse, verify every annotation).
    let loaded = formats::load_session(&path)?;
    assert_eq!(
        loaded.session.annotation_count(),
        session.annotation_count()
    );
    assert!(!loaded.has_problems(), "the generated session loads clean");
    let load_ms = median_ms(|| formats::load_session(&path));
    let ron_text = std::fs::read_to_string(&path)?;
    let from_ron_ms = median_ms(|| session_file::from_ron(&ron_text, &path, false));

    // JSON export, and serde_json parsing of that same data.
    let json = export_string(&session, ExportFormat::Json).ok_or("JSON export failed")?;
    let export_ms = median_ms(|| export_string(&session, ExportFormat::Json));
    let parse_typed_ms = median_ms(|| serde_json::from_str::<JsonExport>(&json));
    let parse_value_ms = median_ms(|| serde_json::from_str::<serde_json::Value>(&json));

    // Where load time goes: pieces measured on their own.
    let texts: Vec<&str> = session
        .documents
        .iter()
        .map(|d| d.article.text.as_str())
        .collect();
    let hash_ms = median_ms(|| texts.iter().map(|t| sha256_hex(t)).collect::<Vec<_>>());
    let index_ms = median_ms(|| texts.iter().map(|t| Text::new(*t)).collect::<Vec<_>>());
    let mut docs = session.documents.clone();
    let reanchor_ms = median_ms(|| {
        docs.iter_mut()
            .map(|d| d.reanchor_all().len())
            .sum::<usize>()
    });

    let ratio_typed = load_ms / parse_typed_ms;
    let ratio_value = load_ms / parse_value_ms;

    println!();
    println!("{:<44} {:>10}", "operation (median of 7)", "ms");
    println!("{}", "-".repeat(72));
    println!(
        "{:<44} {:>10.1}  {}",
        "save (to_ron + atomic write + .bak)",
        save_ms,
        verdict(save_ms)
    );
    println!(
        "{:<44} {:>10.1}",
        "  of which to_ron (serialise)", to_ron_ms
    );
    println!(
        "{:<44} {:>10.1}  {}  ({:.2}× serde_json typed parse, {:.2}× Value parse)",
        "load (read + parse + verify)",
        load_ms,
        verdict(load_ms),
        ratio_typed,
        ratio_value
    );
    println!(
        "{:<44} {:>10.1}",
        "  of which from_ron (parse + verify)", from_ron_ms
    );
    println!("{:<44} {:>10.1}", "    sha256 of every text", hash_ms);
    println!(
        "{:<44} {:>10.1}",
        "    offset index of every text", index_ms
    );
    println!(
        "{:<44} {:>10.1}",
        "    verify/re-anchor every annotation", reanchor_ms
    );
    println!(
        "{:<44} {:>10.1}  {}",
        "JSON export (export_string)",
        export_ms,
        verdict(export_ms)
    );
    println!(
        "{:<44} {:>10.1}",
        "serde_json parse of the export → JsonExport", parse_typed_ms
    );
    println!(
        "{:<44} {:>10.1}",
        "serde_json parse of the export → Value", parse_value_ms
    );
    println!("{}", "-".repeat(72));
    println!(
        "RON file {:.1} MB, JSON export {:.1} MB; target < {TARGET_MS} ms each for save, load, export",
        ron_bytes as f64 / 1e6,
        json.len() as f64 / 1e6
    );

    // At scale (issue: imports and check must stay O(n log n)): one million annotations,
    // imported from our JSON, then checked. One run each.
    let big_json = million_annotation_json();
    let big_path = dir.path().join("big.json");
    std::fs::write(&big_path, &big_json)?;
    let started = Instant::now();
    let imported = formats::import_file(&big_path, gloss::formats::ImportFormat::Json)?;
    let import_1m_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(imported.session.annotation_count(), 1_000_000);
    let big_session = dir.path().join("big.ron");
    formats::save_session(&imported.session, &big_session)?;
    drop(imported);
    let started = Instant::now();
    let checked = formats::load_session(&big_session)?;
    let report_text = gloss::cli::check_report(&checked);
    let check_1m_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert!(report_text.contains("1000000 annotation(s)"));
    drop(checked);
    println!(
        "{:<44} {:>10.1}\n{:<44} {:>10.1}",
        "import of 1,000,000 annotations (JSON)",
        import_1m_ms,
        "check of 1,000,000 annotations",
        check_1m_ms
    );
    report.metric("import_1m_ms", import_1m_ms);
    report.metric("check_1m_ms", check_1m_ms);

    report.metric("save_ms", save_ms);
    report.metric("to_ron_ms", to_ron_ms);
    report.metric("load_ms", load_ms);
    report.metric("from_ron_ms", from_ron_ms);
    report.metric("sha256_ms", hash_ms);
    report.metric("text_index_ms", index_ms);
    report.metric("reanchor_ms", reanchor_ms);
    report.metric("export_json_ms", export_ms);
    report.metric("serde_json_parse_typed_ms", parse_typed_ms);
    report.metric("serde_json_parse_value_ms", parse_value_ms);
    report.metric("load_over_serde_json_typed", ratio_typed);
    report.metric("load_over_serde_json_value", ratio_value);
    report.metric("ron_mb", ron_bytes as f64 / 1e6);
    report.metric("json_mb", json.len() as f64 / 1e6);
    let out = report.append_jsonl()?;
    println!("appended metrics to {}", out.display());
    Ok(())
}
