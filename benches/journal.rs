//! Journal and background-save benchmark: the whole app (every panel, the reader, the
//! annotation list) driven frame by frame headlessly over a session of 100,000
//! annotations, measuring the worst frame while a save runs on its thread, while every
//! frame makes an edit that the journal writes and syncs, and while both happen at once.
//! Target: every frame < 16 ms.
//!
//! Two layouts of the same 100k annotations: 100 articles of 1,000 annotations (a
//! dataset) and one article with all of them (a book). `cargo bench --bench journal`
//! prints a table and appends one JSON line per figure to `target/bench/journal.jsonl`.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::{Context, Pos2, RawInput, Rect, vec2};
use gloss::app::command::Command;
use gloss::app::picker::ScriptedPicker;
use gloss::app::{AppOptions, GlossApp, Settings};
use gloss::model::{Annotation, AnnotationId, Article, Document, Label, Session, Text, Timestamp};

const TOTAL_ANNOTATIONS: usize = 100_000;
const TARGET_MS: f64 = 16.0;
const EDIT_FRAMES: usize = 300;
const SAVES: usize = 5;

/// Sentences built from a fixed vocabulary by a xorshift generator: every run measures
/// the same text.
fn text_of(seed: u64, chars: usize) -> String {
    const VOCABULARY: [&str; 24] = [
        "the", "ferry", "council", "said", "harbour", "season", "bridge", "would", "close", "café",
        "lights", "forty", "years", "keeper", "heir", "report", "claims", "travel", "times",
        "half", "night", "pier", "Marta", "Quell",
    ];
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut text = String::with_capacity(chars + 64);
    let mut words_in_sentence = 0;
    while text.len() < chars {
        let word = VOCABULARY[(next() % VOCABULARY.len() as u64) as usize];
        if words_in_sentence == 0 {
            let mut letters = word.chars();
            if let Some(first) = letters.next() {
                text.extend(first.to_uppercase());
                text.push_str(letters.as_str());
            }
        } else {
            text.push(' ');
            text.push_str(word);
        }
        words_in_sentence += 1;
        if words_in_sentence > 8 + (next() % 10) as usize {
            text.push_str(if next() % 5 == 0 { ".\n\n" } else { ". " });
            words_in_sentence = 0;
        }
    }
    text
}

/// `articles` articles sharing `TOTAL_ANNOTATIONS` annotations, one every ~200 chars.
fn session_of(articles: usize) -> Session {
    let per_article = TOTAL_ANNOTATIONS / articles;
    let labels = Label::defaults();
    let mut session = Session::new();
    let mut id = 0u64;
    for n in 0..articles {
        let text = Text::new(text_of(n as u64 + 7, per_article * 200));
        let mut doc = Document::new(Article::new(
            &format!("article-{n:03}"),
            &format!("Article {n}"),
            "",
            text.clone(),
        ));
        let len = text.char_len();
        for k in 0..per_article {
            id += 1;
            let start = k * (len / per_article);
            let span = start..(start + 20 + k % 60).min(len);
            let label = &labels[k % labels.len()];
            if let Some(a) = Annotation::new(AnnotationId(id), label, &text, span, Timestamp(id)) {
                doc.annotations.push(a);
            }
        }
        doc.sort();
        session.documents.push(doc);
    }
    session.next_id = id + 1;
    session
}

struct Bench {
    ctx: Context,
    app: GlossApp,
    time: f64,
}

impl Bench {
    fn new(session_path: &Path, journals: PathBuf) -> Self {
        let mut app = GlossApp::new(
            AppOptions {
                picker: Box::new(ScriptedPicker::default()),
                recovery_dir: Some(journals),
                example: None,
            },
            Settings::default(),
        );
        app.open_paths(vec![session_path.to_owned()]);
        let mut bench = Self {
            ctx: Context::default(),
            app,
            time: 0.0,
        };
        // Layout caches, glyphs and the annotation list's rows are built before measuring.
        for _ in 0..30 {
            bench.frame();
        }
        bench
    }

    /// One frame of the whole app, tessellated; its CPU time in ms.
    fn frame(&mut self) -> f64 {
        self.time += 1.0 / 60.0;
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0))),
            time: Some(self.time),
            ..RawInput::default()
        };
        let start = Instant::now();
        let app = &mut self.app;
        let output = self.ctx.run_ui(input, |ui| app.frame_ui(ui));
        let primitives = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        std::hint::black_box(primitives);
        ms
    }

    /// Queue one edit: type a letter of a note on an annotation of the current article
    /// (frame `n`), or every tenth frame relabel one.
    fn queue_edit(&mut self, n: usize) {
        let Some(doc) = self.app.current_document() else {
            return;
        };
        let Some(a) = doc.annotations.get((n / 10 * 37) % doc.annotations.len()) else {
            return;
        };
        let command = if n % 10 == 9 {
            let label = if a.label == "claim" { "quote" } else { "claim" };
            Command::Relabel(a.id, label.to_owned())
        } else {
            let mut note = a.note.clone();
            note.push(char::from(b'a' + (n % 26) as u8));
            Command::SetNote(a.id, note)
        };
        self.app.push(command);
    }
}

struct Figures {
    rows: Vec<(String, String, f64, &'static str)>,
}

impl Figures {
    fn add(&mut self, case: &str, metric: &str, value: f64, unit: &'static str) {
        self.rows
            .push((case.to_owned(), metric.to_owned(), value, unit));
    }

    fn write(&self) -> std::io::Result<PathBuf> {
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
            PathBuf::from,
        );
        let dir = target.join("bench");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("journal.jsonl");
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        for (case, metric, value, unit) in &self.rows {
            let line = serde_json::json!({
                "metric": metric, "value": (value * 1000.0).round() / 1000.0, "unit": unit,
                "case": case, "annotations": TOTAL_ANNOTATIONS,
            });
            writeln!(file, "{line}")?;
        }
        Ok(path)
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(0.0, f64::max)
}

/// Frames until the running save is done (and a few after it).
fn frames_while_saving(bench: &mut Bench, edit: bool, edits_made: &mut usize) -> Vec<f64> {
    let mut times = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while bench.app.is_saving() && Instant::now() < deadline {
        if edit {
            bench.queue_edit(*edits_made);
            *edits_made += 1;
        }
        times.push(bench.frame());
        std::thread::sleep(Duration::from_millis(2));
    }
    for _ in 0..3 {
        times.push(bench.frame());
    }
    times
}

fn run_case(case: &str, articles: usize, figures: &mut Figures) {
    let dir = tempfile::tempdir().unwrap();
    let session_path = dir.path().join("bench.ron");
    gloss::formats::save_session(&session_of(articles), &session_path).unwrap();
    let mut bench = Bench::new(&session_path, dir.path().join("journals"));
    assert_eq!(bench.app.session.annotation_count(), TOTAL_ANNOTATIONS);

    let idle: Vec<f64> = (0..60).map(|_| bench.frame()).collect();
    figures.add(case, "idle_frame_median_ms", median(idle.clone()), "ms");

    // Saving: Ctrl+S, then frames until the thread is done.
    let mut saving = Vec::new();
    let mut save_wall = Vec::new();
    let mut edits = 0;
    for _ in 0..SAVES {
        bench.app.push(Command::Save);
        let start = Instant::now();
        saving.extend(frames_while_saving(&mut bench, false, &mut edits));
        save_wall.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    assert!(!bench.app.is_dirty(), "saved");
    figures.add(case, "save_worst_frame_ms", max(&saving), "ms");
    figures.add(case, "save_frame_median_ms", median(saving.clone()), "ms");
    figures.add(case, "save_duration_median_ms", median(save_wall), "ms");

    // Journalling: an edit in every frame, each appended and synced by the journal thread.
    let mut journalling = Vec::new();
    for n in 0..EDIT_FRAMES {
        bench.queue_edit(n);
        journalling.push(bench.frame());
    }
    assert!(bench.app.flush_journal());
    figures.add(case, "journal_worst_frame_ms", max(&journalling), "ms");
    figures.add(
        case,
        "journal_frame_median_ms",
        median(journalling.clone()),
        "ms",
    );

    // Both: edits while a save runs (the first edit of an article after the snapshot
    // copies that article's annotation list).
    let mut both = Vec::new();
    for _ in 0..SAVES {
        bench.app.push(Command::Save);
        both.extend(frames_while_saving(&mut bench, true, &mut edits));
    }
    bench.app.wait_for_save();
    figures.add(case, "save_and_edit_worst_frame_ms", max(&both), "ms");
    println!(
        "{case:>22}: idle {:5.2} ms | saving: worst {:5.2} ms over {} frames | journalling: worst {:5.2}, median {:5.2} ms | edits while saving: worst {:5.2} ms",
        median(idle),
        max(&saving),
        saving.len(),
        max(&journalling),
        median(journalling),
        max(&both)
    );
}

fn main() {
    println!(
        "journal benchmark: whole-app frames with {TOTAL_ANNOTATIONS} annotations (target: every frame < {TARGET_MS} ms)"
    );
    let mut figures = Figures { rows: Vec::new() };
    run_case("100 articles x 1,000", 100, &mut figures);
    run_case("1 article x 100,000", 1, &mut figures);
    let worst = figures
        .rows
        .iter()
        .filter(|(_, metric, _, _)| metric.contains("worst"))
        .map(|(_, _, v, _)| *v)
        .fold(0.0, f64::max);
    println!(
        "worst frame of all: {worst:.2} ms — {}",
        if worst < TARGET_MS {
            "ok"
        } else {
            "OVER TARGET"
        }
    );
    match figures.write() {
        Ok(path) => println!("figures appended to {}", path.display()),
        Err(e) => println!("cannot write the figures: {e}"),
    }
}
