//! Re-anchoring benchmark: a 10 MB article with 50,000 annotations, edited the way news is
//! (sentences inserted, a paragraph deleted, a paragraph moved, words fixed inside
//! annotations), then every annotation carried to the new text through the diff. Target:
//! < 500 ms, and no quadratic diff. `cargo bench --bench reanchor` prints the figures and
//! appends one JSON line per figure to `target/bench/reanchor.jsonl`.

#![allow(clippy::print_stdout, clippy::unwrap_used)]
#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use gloss::model::{Anchoring, Annotation, AnnotationId, Article, Document, Text, Timestamp};

const TARGET_CHARS: usize = 10_000_000;
const ANNOTATIONS: usize = 50_000;

fn words(seed: u64, n: usize) -> Vec<String> {
    const SYLLABLES: [&str; 16] = [
        "har", "bour", "fer", "ry", "coun", "cil", "light", "house", "keep", "er", "tide", "pier",
        "storm", "quay", "mar", "ket",
    ];
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            let k = 1 + (x % 3) as usize;
            (0..k)
                .map(|i| SYLLABLES[((x >> (8 * i)) % 16) as usize])
                .collect()
        })
        .collect()
}

/// Paragraphs of sentences of words, about `TARGET_CHARS` long.
fn article() -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut total = 0;
    let mut seed = 7;
    while total < TARGET_CHARS {
        seed += 1;
        let w = words(seed, 120);
        let paragraph = w
            .chunks(12)
            .map(|s| {
                let mut sentence = s.join(" ");
                sentence.push('.');
                sentence
            })
            .collect::<Vec<_>>()
            .join(" ");
        total += paragraph.len() + 2;
        paragraphs.push(paragraph);
    }
    paragraphs
}

fn main() {
    let paragraphs = article();
    let old = paragraphs.join("\n\n");
    let text = Text::new(old.as_str());
    let len = text.char_len();
    // 50,000 annotations on sentence-sized spans spread over the text.
    let step = len / ANNOTATIONS;
    let mut annotations = Vec::with_capacity(ANNOTATIONS);
    for k in 0..ANNOTATIONS {
        let start = k * step;
        let end = (start + 30).min(len);
        let mut a = Annotation {
            id: AnnotationId(k as u64 + 1),
            label: "claim".into(),
            start,
            end,
            text: text.slice(start..end).unwrap().to_owned(),
            prefix: String::new(),
            suffix: String::new(),
            note: String::new(),
            attributes: Default::default(),
            created: Timestamp(1),
            modified: Timestamp(1),
            orphan: false,
        };
        a.refresh_context(&text);
        annotations.push(a);
    }
    let mut doc = Document::new(Article::new("book", "Book", "", text.clone()));
    doc.annotations = annotations.into();
    doc.sort();

    // The edits: a sentence inserted in 20 places, paragraph 100 deleted, paragraph 200
    // moved to the end, a word fixed in 50 places.
    let mut edited = paragraphs.clone();
    for k in 0..20 {
        let at = k * edited.len() / 20;
        edited[at].insert_str(0, "A new sentence was added here by the editor. ");
    }
    edited.remove(100);
    let moved = edited.remove(200);
    edited.push(moved);
    for k in 0..50 {
        let at = 300 + k * 40;
        if let Some(p) = edited.get_mut(at) {
            *p = p.replacen("har", "haar", 1);
        }
    }
    let new = edited.join("\n\n");
    let mut times = Vec::new();
    let mut outcome = None;
    for _ in 0..3 {
        let article = Article::new("book", "Book", "", new.as_str());
        let started = Instant::now();
        let r = doc.reanchored_to(article);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        outcome = Some(r);
    }
    times.sort_by(f64::total_cmp);
    let median = times[1];
    let r = outcome.unwrap();
    let count = |f: &dyn Fn(&Anchoring) -> bool| r.moved.iter().filter(|(_, h)| f(h)).count();
    let moved_n = count(&|h| matches!(h, Anchoring::Moved(_)));
    let changed_n = count(&|h| matches!(h, Anchoring::Changed { .. }));
    println!(
        "re-anchoring benchmark: {:.1} M chars, {ANNOTATIONS} annotations, edited (target < 500 ms)",
        len as f64 / 1e6
    );
    println!(
        "reanchor_ms: {median:.1} — {}   ({moved_n} moved, {changed_n} changed, {} orphaned, {} in place)",
        if median < 500.0 { "ok" } else { "OVER TARGET" },
        r.orphans.len(),
        ANNOTATIONS - r.moved.len() - r.orphans.len()
    );
    // The fallback without old text: one 200-char quote with 4 edits searched
    // approximately over the whole edited text. (The generated paragraphs come in
    // identical pairs, where the search rightly answers "ambiguous": the quote is a
    // sentence inserted once, in the middle.)
    let sentence: String = words(0xDEC0DE, 60).join(" ").chars().take(200).collect();
    let mut halves = edited.clone();
    let middle = halves.len() / 2;
    halves.insert(middle, sentence.clone());
    let with_sentence = halves.join("\n\n");
    let new_text = Text::new(with_sentence.as_str());
    let at = new_text
        .char_of_byte(with_sentence.find(&sentence).unwrap())
        .unwrap();
    let found = sentence;
    let mut quote: Vec<char> = found.chars().collect();
    for k in [20, 70, 120, 170] {
        quote[k] = if quote[k] == 'x' { 'y' } else { 'x' };
    }
    let mut probe = doc.annotations[0].clone();
    probe.text = quote.into_iter().collect();
    probe.start = at;
    probe.end = at + 200;
    probe.prefix.clear();
    probe.suffix.clear();
    let mut fuzzy_times = Vec::new();
    let mut fuzzy_outcome = None;
    for _ in 0..3 {
        let mut one = Document::new(Article::new("book", "Book", "", new_text.clone()));
        one.annotations = vec![probe.clone()].into();
        let started = Instant::now();
        let changes = one.reanchor_all();
        fuzzy_times.push(started.elapsed().as_secs_f64() * 1000.0);
        fuzzy_outcome = changes.into_iter().next().map(|(_, how)| how);
    }
    fuzzy_times.sort_by(f64::total_cmp);
    let fuzzy_ms = fuzzy_times[1];
    let fuzzy_found =
        matches!(&fuzzy_outcome, Some(Anchoring::Changed { span, .. }) if *span == (at..at + 200));
    println!(
        "fuzzy_search_ms: {fuzzy_ms:.1} — one 200-char quote with 4 edits in {:.1} M chars ({})",
        len as f64 / 1e6,
        if fuzzy_found {
            "found at its place".to_owned()
        } else {
            format!("NOT FOUND: {fuzzy_outcome:?}")
        }
    );
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    let dir = target.join("bench");
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        let path = dir.join("reanchor.jsonl");
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        for (metric, value, unit) in [
            ("reanchor_ms", median, "ms"),
            ("moved", moved_n as f64, "annotations"),
            ("changed", changed_n as f64, "annotations"),
            ("orphaned", r.orphans.len() as f64, "annotations"),
            ("fuzzy_search_ms", fuzzy_ms, "ms"),
        ] {
            let line = serde_json::json!({
                "metric": metric, "value": (value * 1000.0).round() / 1000.0, "unit": unit,
                "chars": len, "annotations": ANNOTATIONS,
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
