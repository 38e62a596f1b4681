//! Agreement and merge benchmark: 3 annotators × 100 articles × 30,000 annotations each
//! (generated with realistic disagreement: most spans alike, some with other boundaries
//! or labels, some missing, some extra). Targets: `agreement` (what `gloss agree`
//! computes) < 0.5 s, a three-way merge < 0.5 s. `cargo bench --bench agreement` prints
//! the figures and appends one JSON line per figure to `target/bench/agreement.jsonl`.

#![allow(clippy::print_stdout, clippy::unwrap_used)]
#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use gloss::model::agreement::{Annotator, agreement};
use gloss::model::merge::three_way_merge;
use gloss::model::{Annotation, AnnotationId, Article, Document, Session, Text, Timestamp};

const ARTICLES: usize = 100;
const PER_ARTICLE: usize = 300;
const SPAN_GAP: usize = 100;
const LABELS: [&str; 4] = ["quote", "claim", "spoiler", "source"];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn annotation(id: u64, label: &str, start: usize, end: usize, text: &Text) -> Annotation {
    let mut a = Annotation {
        id: AnnotationId(id),
        label: label.to_owned(),
        start,
        end,
        text: text.slice(start..end).unwrap_or_default().to_owned(),
        prefix: String::new(),
        suffix: String::new(),
        note: String::new(),
        attributes: std::collections::BTreeMap::new(),
        created: Timestamp(1),
        modified: Timestamp(1),
        orphan: false,
    };
    a.refresh_context(text);
    a
}

/// One annotator's session: the shared truth, perturbed by `noise` (0 = none).
fn annotator(seed: u64, noise: u64) -> Session {
    let mut truth = Rng(0x9E37_79B9);
    let mut own = Rng(seed);
    let mut session = Session::new();
    let mut id = 1;
    for n in 0..ARTICLES {
        let text = Text::new("lorem ipsum ".repeat(PER_ARTICLE * SPAN_GAP / 12 + 1));
        let mut doc = Document::new(Article::new(
            &format!("article-{n:03}"),
            "A",
            "",
            text.as_str(),
        ));
        let mut list = Vec::with_capacity(PER_ARTICLE);
        for k in 0..PER_ARTICLE {
            let start = k * SPAN_GAP + truth.below(20) as usize;
            let mut end = start + 10 + truth.below(60) as usize;
            let mut label = LABELS[truth.below(4) as usize];
            let roll = own.below(100);
            if roll < noise {
                continue; // missed
            } else if roll < 2 * noise {
                end = (end + own.below(8) as usize).min(start + 90); // other boundary
            } else if roll < 3 * noise {
                label = LABELS[own.below(4) as usize]; // other label
            }
            list.push(annotation(id, label, start, end, &doc.article.text));
            id += 1;
        }
        doc.annotations = list.into();
        doc.sort();
        session.documents.push(doc);
    }
    session.next_id = id;
    session
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let sessions = [annotator(1, 0), annotator(7, 4), annotator(13, 6)];
    let per = sessions[0].annotation_count();
    println!(
        "agreement benchmark: 3 annotators x {ARTICLES} articles x {per} annotations (targets: < 500 ms each)"
    );
    let annotators: Vec<Annotator<'_>> = ["a", "b", "c"]
        .iter()
        .zip(&sessions)
        .map(|(name, session)| Annotator { name, session })
        .collect();
    let mut agree_ms = Vec::new();
    let mut alpha = None;
    for _ in 0..3 {
        let started = Instant::now();
        let report = agreement(&annotators, None);
        agree_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        alpha = report.overall.alpha_u;
    }
    let mut merge_ms = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let merged = three_way_merge(&sessions[0], &sessions[1], &sessions[2]);
        merge_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(merged.conflicts.len());
    }
    let figures = [
        ("agree_median", median(agree_ms)),
        ("merge_median", median(merge_ms)),
    ];
    for (metric, value) in figures {
        println!(
            "{metric}: {value:.1} ms — {}",
            if value < 500.0 { "ok" } else { "OVER TARGET" }
        );
    }
    println!("overall αU of the generated annotators: {alpha:?}");
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    let dir = target.join("bench");
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        let path = dir.join("agreement.jsonl");
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        for (metric, value) in figures {
            let line = serde_json::json!({
                "metric": metric, "value": (value * 1000.0).round() / 1000.0, "unit": "ms",
                "annotators": 3, "articles": ARTICLES, "annotations_per_annotator": per,
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
