//! Suggestion engine benchmark: quotes, claims and spoilers over the 10 MB generated
//! article of the reader's benchmark (the target case), over generated news-like text
//! (quotes in several styles with attributions, figures, plain prose, a review with a
//! spoiler warning; far denser in quotes than news) of 5 kB and 10 MB, and over the 4 kB
//! news fixture. For each case:
//! the median time of several runs and the peak resident memory a run added (Linux:
//! the peak is reset through `/proc/self/clear_refs` before each run and read from
//! `VmHWM` after it). Targets: 10 MB < 1 s and < 200 MB; 5 kB < 5 ms.
//!
//! `cargo bench --bench suggest` prints the figures and appends one JSON line per figure
//! to `target/bench/suggest.jsonl`.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::cast_precision_loss)]

mod common;

use std::time::Instant;

use gloss::model::Text;
use gloss::model::suggest::suggest;
use gloss::model::suggestion::{Kinds, drafts_for};

/// A field of `/proc/self/status` in MB (`VmRSS`, `VmHWM`).
fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Reset the peak resident size to the current one (Linux: `clear_refs` 5).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

const ALL: Kinds = Kinds {
    quotes: true,
    claims: true,
    spoilers: true,
};

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

/// News-like paragraphs from templates (text written for this bench).
fn generate(bytes: usize) -> String {
    const NAMES: [&str; 6] = [
        "Ana Ruiz",
        "Tom Lee",
        "Marta Quell",
        "Ivo Brandt",
        "Sela Moor",
        "Oskar Vey",
    ];
    const QUOTES: [&str; 5] = [
        "We are ready to start the works in the spring",
        "Nobody has asked what the bridge will cost to keep standing",
        "The ferry brings people past my door every hour",
        "This is the most expensive project the town has ever taken on",
        "I would like to run this café for nineteen more years",
    ];
    const VERBS: [&str; 6] = [
        "said",
        "told reporters",
        "added",
        "insisted",
        "warned",
        "wrote",
    ];
    let mut rng = Rng(bytes as u64 ^ 0x5eed);
    let mut out = String::with_capacity(bytes + 512);
    while out.len() < bytes {
        let name = rng.pick(&NAMES);
        let quote = rng.pick(&QUOTES);
        let verb = rng.pick(&VERBS);
        let n = rng.below(90) + 5;
        let paragraph = match rng.below(8) {
            0 => format!("“{quote},” {name} {verb} on Monday."),
            1 => format!("{name} {verb}: \"{quote}.\""),
            2 => format!("“{quote},” she said, “and we will not wait for the region.”"),
            3 => format!(
                "The bridge will cost €{n}.5 million, about {n}% more than planned in 2021, \
                 according to council figures."
            ),
            4 => format!(
                "A survey found that {n} percent of local businesses support the plan, up \
                 from {} percent two years ago.",
                n / 2
            ),
            5 => "The morning was grey and the boats rocked quietly by the landing while \
                  gulls circled over the market."
                .to_owned(),
            6 => "Spoilers ahead for the final episode of the series.\n\nIn the finale, \
                  the keeper turns out to be the ferry captain's brother."
                .to_owned(),
            _ => format!(
                "{name}, the director of the harbour trust, argued that the ferry could be \
                 kept for a fraction of the cost. “{quote},” he said."
            ),
        };
        out.push_str(&paragraph);
        out.push_str("\n\n");
    }
    out
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn measure(case: &str, text: &str, runs: usize, figures: &mut Vec<serde_json::Value>) {
    let text = Text::new(text);
    let mut times = Vec::with_capacity(runs);
    let mut peak = 0.0f64;
    let mut count = 0usize;
    for _ in 0..runs {
        let base = status_mb("VmRSS");
        let reset = reset_peak();
        let started = Instant::now();
        // What the app and the CLI run: the engine, then spans snapped as annotations.
        let drafts = drafts_for(&text, ALL);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        if reset {
            peak = peak.max(status_mb("VmHWM") - base);
        }
        count = drafts.len();
        drop(drafts);
    }
    let ms = median(times);
    let mb = peak;
    println!(
        "{case}: {} bytes, {count} suggestions, {ms:.3} ms, peak memory {mb:.1} MB",
        text.byte_len()
    );
    for (metric, value, unit) in [
        ("suggest_time", ms, "ms"),
        ("peak_memory", mb, "MB"),
        ("suggestions", count as f64, "count"),
    ] {
        figures.push(serde_json::json!({
            "metric": metric,
            "value": common::round3(value),
            "unit": unit,
            "case": case,
            "bytes": text.byte_len(),
            "kinds": "quote,claim,spoiler",
        }));
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let mut figures = Vec::new();
    let news = include_str!("../tests/fixtures/harbour-news.txt");
    measure("news fixture", news, 51, &mut figures);
    measure("generated 5 kB", &generate(5_000), 51, &mut figures);
    if !quick {
        // The generated article of the reader's benchmark: the target case.
        measure(
            "reader's 10 MB article",
            &common::generate_text(10_000_000),
            3,
            &mut figures,
        );
        let big = generate(10_000_000);
        measure("generated 10 MB", &big, 3, &mut figures);
        let started = Instant::now();
        let n = gloss::model::suggest::sentences(&big).len();
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        println!("  10 MB, sentences only: {n} sentences, {ms:.1} ms");
        // Where the time goes, one kind at a time.
        for (name, kinds) in [
            (
                "quotes",
                Kinds {
                    quotes: true,
                    claims: false,
                    spoilers: false,
                },
            ),
            (
                "claims",
                Kinds {
                    quotes: false,
                    claims: true,
                    spoilers: false,
                },
            ),
            (
                "spoilers",
                Kinds {
                    quotes: false,
                    claims: false,
                    spoilers: true,
                },
            ),
        ] {
            let started = Instant::now();
            let n = suggest(&big, kinds).len();
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            println!("  10 MB, {name} only: {n} suggestions, {ms:.1} ms");
            figures.push(serde_json::json!({
                "metric": "suggest_time",
                "value": common::round3(ms),
                "unit": "ms",
                "case": "generated 10 MB",
                "bytes": big.len(),
                "kinds": name,
            }));
        }
    }
    common::append_figures("suggest", &figures);
}
