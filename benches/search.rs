//! Dataset search benchmark: 100 generated articles of 200 kB each (20 MB in all, with an
//! annotation every ~2,000 chars), searched the way the app does it: a worker thread
//! streaming results per article. For each query: time to the first result and to the
//! end, median of 5 runs. Targets: first results < 50 ms, finished < 1 s.
//!
//! `cargo bench --bench search` prints the figures and appends one JSON line per figure
//! to `target/bench/search.jsonl`.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::cast_precision_loss)]

mod common;

use std::time::Duration;

use gloss::app::search::SearchRun;
use gloss::model::search::{Matcher, Mode, Query, Scope};
use gloss::model::{Annotation, AnnotationId, Article, Document, Label, Rgb, Timestamp};

const ARTICLES: usize = 100;
const ARTICLE_CHARS: usize = 200_000;
const RUNS: usize = 5;

/// Deterministic prose: sentences of generated words, a few names, paragraphs.
fn article(n: usize) -> String {
    const WORDS: [&str; 24] = [
        "the",
        "harbour",
        "ferry",
        "council",
        "said",
        "tide",
        "pier",
        "market",
        "storm",
        "lighthouse",
        "keeper",
        "was",
        "would",
        "close",
        "for",
        "good",
        "in",
        "March",
        "travel",
        "times",
        "bridge",
        "new",
        "of",
        "and",
    ];
    const NAMES: [&str; 6] = [
        "Marta Quell",
        "Ivo Brandt",
        "Sela Moor",
        "Tom Reyes",
        "Ana Lind",
        "Oskar Vey",
    ];
    let mut x = (n as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut s = String::with_capacity(ARTICLE_CHARS + 200);
    s.push_str(&format!("Article number {n}\n\n"));
    while s.len() < ARTICLE_CHARS {
        let words = 8 + (next() % 20) as usize;
        for w in 0..words {
            let r = next();
            let word = if r % 40 == 0 {
                NAMES[(r / 40) as usize % NAMES.len()]
            } else {
                WORDS[(r / 7) as usize % WORDS.len()]
            };
            if w == 0 {
                let mut c = word.chars();
                if let Some(first) = c.next() {
                    s.extend(first.to_uppercase());
                    s.push_str(c.as_str());
                }
            } else {
                s.push(' ');
                s.push_str(word);
            }
        }
        s.push_str(if next() % 6 == 0 { ".\n\n" } else { ". " });
    }
    if n == ARTICLES - 1 {
        s.push_str("Only the last article names the zeppelin.\n");
    }
    s
}

fn documents() -> Vec<Document> {
    let quote = Label::new("quote", "Quote", Rgb([0; 3]));
    (0..ARTICLES)
        .map(|n| {
            let mut doc = Document::new(Article::new(
                &format!("a{n}"),
                &format!("Article {n}"),
                &format!("a{n}.txt"),
                article(n),
            ));
            let len = doc.article.text.char_len();
            let mut id = (n * 1000) as u64;
            for start in (100..len.saturating_sub(200)).step_by(2_000) {
                id += 1;
                if let Some(a) = Annotation::new(
                    AnnotationId(id),
                    &quote,
                    &doc.article.text,
                    start..start + 120,
                    Timestamp::default(),
                ) {
                    doc.insert(a);
                }
            }
            doc
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let docs = documents();
    let chars: usize = docs.iter().map(|d| d.article.text.char_len()).sum();
    println!(
        "{ARTICLES} articles, {:.1} MB, {} annotations",
        docs.iter()
            .map(|d| d.article.text.byte_len())
            .sum::<usize>() as f64
            / 1e6,
        docs.iter().map(|d| d.annotations.len()).sum::<usize>()
    );
    let q = |pattern: &str, mode: Mode, scope: Scope| Query {
        pattern: pattern.to_owned(),
        mode,
        case_sensitive: false,
        scope,
    };
    let cases = [
        (
            "plain_name",
            q("marta quell", Mode::Plain, Scope::Everywhere),
        ),
        ("whole_word", q("tide", Mode::WholeWord, Scope::Everywhere)),
        (
            "regex",
            q(r"\b[A-Z]\w+ \w+ said\b", Mode::Regex, Scope::Everywhere),
        ),
        (
            "inside_quotes",
            q("ferry", Mode::Plain, Scope::InsideLabel("quote".into())),
        ),
        (
            "not_annotated",
            q("keeper", Mode::WholeWord, Scope::NotAnnotated),
        ),
        (
            "only_in_last_article",
            q("zeppelin", Mode::Plain, Scope::Everywhere),
        ),
    ];
    let mut figures = Vec::new();
    println!(
        "{:<22} {:>10} {:>12} {:>12}",
        "query", "matches", "first (ms)", "done (ms)"
    );
    for (name, query) in cases {
        let mut firsts = Vec::new();
        let mut dones = Vec::new();
        let mut matches = 0;
        for _ in 0..RUNS {
            let matcher = Matcher::new(&query).expect("query compiles");
            let mut run = SearchRun::start(query.clone(), matcher, docs.clone(), 0);
            run.wait(Duration::from_secs(30));
            assert!(run.done, "{name}: the search did not finish");
            matches = run.total();
            firsts.push(run.first_result.unwrap_or_default().as_secs_f64() * 1e3);
            dones.push(run.finished.unwrap_or_default().as_secs_f64() * 1e3);
        }
        let (first, done) = (median(firsts), median(dones));
        println!("{name:<22} {matches:>10} {first:>12.2} {done:>12.2}");
        for (metric, value) in [("first_result_ms", first), ("finished_ms", done)] {
            figures.push(serde_json::json!({
                "metric": metric, "value": common::round3(value), "unit": "ms",
                "query": name, "matches": matches, "articles": ARTICLES, "chars": chars,
            }));
        }
    }
    println!("targets: first results < 50 ms, finished < 1000 ms");
    common::append_figures("search", &figures);
}
