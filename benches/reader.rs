//! Reader benchmark: Gloss's virtualised reader against egui's read-only `TextEdit`.
//!
//! Drives the real widgets headlessly (an `egui::Context` run frame by frame, including
//! tessellation; no GPU) over generated articles of 10 kB, 1 MB and 10 MB with one
//! annotation per ~200 chars (overlapping ones included), and measures open, scroll,
//! resize, annotate, undo, jump and memory. Each case runs in its own child process so
//! resident memory is measured per case. Prints a table and writes one JSON object per
//! line to `target/bench/reader.jsonl`.
//!
//! `cargo bench --bench reader` (add `-- --quick` to skip the 10 MB article).

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

mod common;

use std::collections::HashSet;
use std::io::Write as _;
use std::ops::Range;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use common::{Lcg, WORDS, generate_text};
use egui::text::{CCursor, LayoutJob, TextFormat};
use egui::{CentralPanel, Color32, Context, FontId, Galley, Id, Pos2, RawInput, Rect, Ui, vec2};
use gloss::app::reader::{Lane, Reader, ReaderView};
use gloss::app::relations::{link_rows, reader_links};
use gloss::model::{
    Annotation, AnnotationId, Article, History, Label, Relation, Session, Text, Timestamp,
    snap_span,
};

const HEIGHT: f32 = 800.0;
const WIDTH: f32 = 1280.0;
/// Window widths for the resize test: all below the reader's maximum column width, so
/// every change really re-wraps the text.
const RESIZE_WIDTHS: [f32; 10] = [
    740.0, 700.0, 660.0, 620.0, 580.0, 620.0, 660.0, 700.0, 740.0, 720.0,
];

const SIZES: [(&str, usize); 3] = [("10kB", 10_000), ("1MB", 1_000_000), ("10MB", 10_000_000)];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--case") {
        let imp = args.get(i + 1).cloned().unwrap_or_default();
        let size = args.get(i + 2).cloned().unwrap_or_default();
        run_case(&imp, &size);
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let mut cases = vec![];
    for (name, _) in SIZES {
        if quick && name == "10MB" {
            continue;
        }
        cases.push(("gloss", name));
        if name != "10MB" {
            cases.push(("textedit", name));
        }
    }
    let exe = std::env::current_exe().expect("bench binary path");
    let mut rows: Vec<Row> = Vec::new();
    for (imp, size) in cases {
        eprintln!("running {imp} {size} …");
        let out = Command::new(&exe)
            .args(["--case", imp, size])
            .output()
            .expect("run case");
        if !out.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
            panic!("case {imp} {size} failed");
        }
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Ok(row) = serde_json::from_str::<Row>(line) {
                rows.push(row);
            }
        }
    }
    report(&rows);
}

#[derive(serde::Serialize, serde::Deserialize, Clone)]
struct Row {
    #[serde(rename = "impl")]
    imp: String,
    size: String,
    metric: String,
    value: f64,
}

fn report(rows: &[Row]) {
    let metrics = [
        "open_ms",
        "scroll_median_ms",
        "scroll_p99_ms",
        "resize_worst_ms",
        "annotate_ms",
        "undo_ms",
        "jump_ms",
        "memory_mb",
        "links_select_ms",
        "links_scroll_median_ms",
        "links_scroll_p99_ms",
        "links_scroll_vs_plain_ratio",
        "lanes_scroll_median_ms",
        "lanes_scroll_p99_ms",
    ];
    let columns: Vec<(String, String)> = [
        ("gloss", "10kB"),
        ("gloss", "1MB"),
        ("gloss", "10MB"),
        ("textedit", "10kB"),
        ("textedit", "1MB"),
    ]
    .iter()
    .map(|(i, s)| ((*i).to_owned(), (*s).to_owned()))
    .filter(|(i, s)| rows.iter().any(|r| r.imp == *i && r.size == *s))
    .collect();
    let get = |imp: &str, size: &str, metric: &str| {
        rows.iter()
            .find(|r| r.imp == imp && r.size == size && r.metric == metric)
            .map(|r| r.value)
    };
    print!("{:<18}", "metric");
    for (i, s) in &columns {
        print!("{:>16}", format!("{i} {s}"));
    }
    println!();
    for metric in metrics {
        print!("{metric:<18}");
        for (i, s) in &columns {
            match get(i, s, metric) {
                Some(v) => print!("{v:>16.2}"),
                None => print!("{:>16}", "-"),
            }
        }
        println!();
    }
    println!();
    // Targets and ratios, measured in this one run.
    let check = |name: &str, ok: bool, detail: String| {
        println!("{} {name}: {detail}", if ok { "PASS" } else { "MISS" });
    };
    if let (
        Some(open),
        Some(med),
        Some(p99),
        Some(resize),
        Some(ann),
        Some(undo),
        Some(jump),
        Some(mem),
    ) = (
        get("gloss", "10MB", "open_ms"),
        get("gloss", "10MB", "scroll_median_ms"),
        get("gloss", "10MB", "scroll_p99_ms"),
        get("gloss", "10MB", "resize_worst_ms"),
        get("gloss", "10MB", "annotate_ms"),
        get("gloss", "10MB", "undo_ms"),
        get("gloss", "10MB", "jump_ms"),
        get("gloss", "10MB", "memory_mb"),
    ) {
        check("10MB open < 500 ms", open < 500.0, format!("{open:.1} ms"));
        check(
            "10MB scroll median < 4 ms",
            med < 4.0,
            format!("{med:.2} ms"),
        );
        check(
            "10MB scroll p99 < 16 ms",
            p99 < 16.0,
            format!("{p99:.2} ms"),
        );
        check(
            "10MB resize worst < 16 ms",
            resize < 16.0,
            format!("{resize:.2} ms"),
        );
        check("10MB annotate < 5 ms", ann < 5.0, format!("{ann:.2} ms"));
        check("10MB undo < 5 ms", undo < 5.0, format!("{undo:.2} ms"));
        check("10MB jump < 16 ms", jump < 16.0, format!("{jump:.2} ms"));
        let budget = 3.0 * 10.0 + 100.0;
        check(
            "10MB memory <= 3 x text + 100 MB",
            mem <= budget,
            format!("{mem:.1} MB of {budget:.0} MB"),
        );
        if let (Some(lmed), Some(lp99), Some(select)) = (
            get("gloss", "10MB", "links_scroll_median_ms"),
            get("gloss", "10MB", "links_scroll_p99_ms"),
            get("gloss", "10MB", "links_select_ms"),
        ) {
            check(
                "10MB with 10,000 relations, 50 drawn: scroll median < 4 ms",
                lmed < 4.0,
                format!("{lmed:.2} ms"),
            );
            check(
                "10MB with 10,000 relations, 50 drawn: scroll p99 < 16 ms",
                lp99 < 16.0,
                format!("{lp99:.2} ms"),
            );
            check(
                "10MB selecting an annotation with 50 links < 16 ms",
                select < 16.0,
                format!("{select:.2} ms"),
            );
        }
        if let Some(small) = get("gloss", "10kB", "scroll_median_ms") {
            let ratio = med / small;
            check(
                "scroll median 10MB / 10kB <= 1.5",
                ratio <= 1.5,
                format!("{ratio:.2} ({med:.3} / {small:.3} ms)"),
            );
        }
    }
    for metric in ["resize_worst_ms", "annotate_ms", "undo_ms"] {
        if let (Some(g), Some(t)) = (get("gloss", "1MB", metric), get("textedit", "1MB", metric)) {
            let ratio = t / g;
            check(
                &format!("1MB {metric}: TextEdit / Gloss >= 10"),
                ratio >= 10.0,
                format!("{ratio:.1}x ({t:.2} ms vs {g:.2} ms)"),
            );
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("reader.jsonl");
    let mut file = std::fs::File::create(&path).expect("create reader.jsonl");
    for row in rows {
        writeln!(file, "{}", serde_json::to_string(row).unwrap()).unwrap();
    }
    println!("\nwrote {}", path.display());
}

// --- one case, in a child process --------------------------------------------------

fn emit(imp: &str, size: &str, metric: &str, value: f64) {
    let row = Row {
        imp: imp.to_owned(),
        size: size.to_owned(),
        metric: metric.to_owned(),
        value,
    };
    println!("{}", serde_json::to_string(&row).unwrap());
}

fn resident_mb() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / 1_048_576.0
}

fn run_case(imp: &str, size: &str) {
    let bytes = SIZES
        .iter()
        .find(|(n, _)| *n == size)
        .map_or(10_000, |(_, b)| *b);
    let rss_start = resident_mb();
    let mut session = Session::new();
    let text = generate_text(bytes);
    let article = session.add_article(Article::new("bench", "Bench", "", Text::new(text)));
    add_annotations(&mut session, &article);
    match imp {
        "gloss" => bench_gloss(&mut session, &article, size, rss_start),
        _ => bench_textedit(&mut session, &article, size, rss_start),
    }
}

struct Frames {
    ctx: Context,
    time: f64,
    width: f32,
}

impl Frames {
    fn new() -> Self {
        let ctx = Context::default();
        let mut frames = Self {
            ctx,
            time: 0.0,
            width: WIDTH,
        };
        // Fonts and the texture atlas are built on the first frame of a context; both
        // implementations get that frame before anything is measured.
        // Rasterise every glyph of the generated articles into the font atlas first, so
        // no measured frame pays for it.
        let alphabet: String = WORDS.join(" ") + &WORDS.join(" ").to_uppercase() + ".,";
        frames.frame(|ui| {
            ui.label(egui::RichText::new(alphabet.as_str()).font(FontId::proportional(17.0)));
        });
        frames
    }

    /// One frame, including tessellation; returns its CPU time in ms.
    fn frame(&mut self, mut ui_fn: impl FnMut(&mut Ui)) -> f64 {
        self.time += 1.0 / 60.0;
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(self.width, HEIGHT))),
            time: Some(self.time),
            ..RawInput::default()
        };
        let start = Instant::now();
        let output = self.ctx.run_ui(input, |ui| {
            CentralPanel::default().show(ui, |ui| ui_fn(ui));
        });
        let primitives = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        std::hint::black_box(primitives);
        ms
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn p99(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64) * 0.99).ceil() as usize;
    v.get(i.saturating_sub(1).min(v.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0.0)
}

fn bench_gloss(session: &mut Session, article: &str, size: &str, rss_start: f64) {
    let mut frames = Frames::new();
    let mut history = History::new();
    let mut revision = 1u64;
    let labels = session.labels.clone();
    let revealed = HashSet::new();
    let text = session.document(article).unwrap().article.text.clone();

    let draw = |reader: &mut Reader, frames: &mut Frames, session: &Session, revision: u64| {
        let doc = session.document(article).unwrap();
        let view = ReaderView {
            annotations: &doc.annotations,
            revision,
            labels: &labels,
            selected: None,
            matches: &[],
            current_match: None,
            shield: false,
            revealed: &revealed,
            font_size: 17.0,
            links: &[],
            lanes: &[],
            suggestions: &[],
            focused_suggestion: None,
        };
        frames.frame(|ui| {
            reader.ui(ui, &view);
        })
    };

    // 1. open: from the text in memory to the first complete frame.
    // The text index (char ↔ byte ↔ UTF-16) is built as part of opening.
    let raw: String = text.as_str().to_owned();
    let start = Instant::now();
    let mut reader = Reader::new(Text::new(raw), Id::unique("bench-reader"));
    draw(&mut reader, &mut frames, session, revision);
    emit(
        "gloss",
        size,
        "open_ms",
        start.elapsed().as_secs_f64() * 1000.0,
    );

    // 2. scroll top to bottom, one screen per frame.
    let mut times = Vec::new();
    loop {
        let page = reader.viewport_height().max(100.0);
        let target = reader.scroll_offset() + page;
        if target + page > reader.content_height() || times.len() > 200_000 {
            break;
        }
        reader.set_scroll_offset(target);
        times.push(draw(&mut reader, &mut frames, session, revision));
    }
    emit("gloss", size, "scroll_median_ms", median(&mut times));
    emit("gloss", size, "scroll_p99_ms", p99(&mut times));
    eprintln!("  gloss {size}: {} scroll frames", times.len());

    // Back to the middle for the remaining steps.
    reader.set_scroll_offset(reader.content_height() / 2.0);
    draw(&mut reader, &mut frames, session, revision);
    draw(&mut reader, &mut frames, session, revision);

    // 3. resize: the worst frame after changing the window width 10 times.
    let mut worst: f64 = 0.0;
    for width in RESIZE_WIDTHS {
        frames.width = width;
        worst = worst.max(draw(&mut reader, &mut frames, session, revision));
    }
    emit("gloss", size, "resize_worst_ms", worst);
    frames.width = WIDTH;
    draw(&mut reader, &mut frames, session, revision);

    // 4. annotate (the edit and its frame), then undo.
    let span = visible_span(
        &text,
        reader.scroll_offset() / reader.content_height().max(1.0),
    );
    let start = Instant::now();
    let edit = session
        .annotate(article, "quote", span, Timestamp(0))
        .unwrap();
    history.apply(session, edit).unwrap();
    revision += 1;
    draw(&mut reader, &mut frames, session, revision);
    emit(
        "gloss",
        size,
        "annotate_ms",
        start.elapsed().as_secs_f64() * 1000.0,
    );
    let start = Instant::now();
    history.undo(session).unwrap().unwrap();
    revision += 1;
    draw(&mut reader, &mut frames, session, revision);
    emit(
        "gloss",
        size,
        "undo_ms",
        start.elapsed().as_secs_f64() * 1000.0,
    );

    // 5. jump to an annotation near the end.
    let target = {
        let doc = session.document(article).unwrap();
        let a = &doc.annotations[doc.annotations.len() * 98 / 100];
        a.span()
    };
    let start = Instant::now();
    reader.scroll_to(target, true);
    draw(&mut reader, &mut frames, session, revision);
    emit(
        "gloss",
        size,
        "jump_ms",
        start.elapsed().as_secs_f64() * 1000.0,
    );

    // 6. memory: resident growth of the whole case (text, annotations, reader, egui).
    emit("gloss", size, "memory_mb", resident_mb() - rss_start);

    // 7. links: 10,000 relations in the article (fewer in a small one); one annotation
    // in the middle has 50 of them, to neighbours drawn as arcs and to far ends drawn as
    // markers. Scroll past it a quarter screen per frame with it selected.
    let hub = add_relations(session, article);
    let start = Instant::now();
    let rows = link_rows(session, hub);
    let doc = session.document(article).unwrap();
    let links = reader_links(session, doc, Some(hub), &rows);
    emit(
        "gloss",
        size,
        "links_select_ms",
        start.elapsed().as_secs_f64() * 1000.0,
    );
    assert_eq!(links.len(), 50, "the selected annotation has 50 links");
    let hub_span = doc.annotation(hub).unwrap().span();
    reader.scroll_to(hub_span, false);
    let draw_linked = |reader: &mut Reader, frames: &mut Frames, drawn: &[_]| {
        let doc = session.document(article).unwrap();
        let view = ReaderView {
            annotations: &doc.annotations,
            revision,
            labels: &labels,
            selected: Some(hub),
            matches: &[],
            current_match: None,
            shield: false,
            revealed: &revealed,
            font_size: 17.0,
            links: drawn,
            lanes: &[],
            suggestions: &[],
            focused_suggestion: None,
        };
        frames.frame(|ui| {
            reader.ui(ui, &view);
        })
    };
    draw_linked(&mut reader, &mut frames, &links);
    let around = reader.scroll_offset();
    let page = reader.viewport_height().max(100.0);
    // At each position the frame with the links is drawn first (it pays for laying out
    // new paragraphs), then the same frame without them: the ratio is conservative.
    let mut times = Vec::new();
    let mut plain = Vec::new();
    let mut y = (around - 10.0 * page).max(0.0);
    while y < around + 10.0 * page && y + page < reader.content_height() {
        reader.set_scroll_offset(y);
        times.push(draw_linked(&mut reader, &mut frames, &links));
        plain.push(draw_linked(&mut reader, &mut frames, &[]));
        y += page / 4.0;
    }
    let with_links = median(&mut times);
    emit("gloss", size, "links_scroll_median_ms", with_links);
    emit("gloss", size, "links_scroll_p99_ms", p99(&mut times));
    emit(
        "gloss",
        size,
        "links_scroll_vs_plain_ratio",
        with_links / median(&mut plain).max(1e-9),
    );
    eprintln!(
        "  gloss {size}: {} relations, {} link frames",
        session.relations.len(),
        times.len()
    );
    // 8. curation: three other annotators' lanes (each the article's spans, shifted and
    // thinned a little), scrolling the whole article a screen per frame.
    let doc = session.document(article).unwrap();
    let lanes: Vec<Lane> = (0..3usize)
        .map(|k| {
            let spans = doc
                .annotations
                .iter()
                .enumerate()
                .filter(|(n, _)| n % (k + 4) != 0)
                .map(|(_, a)| a.start + k..a.end)
                .filter(|r| r.start < r.end)
                .collect();
            Lane::new(egui::Color32::from_rgb(200, 120, 40 + 60 * k as u8), spans)
        })
        .collect();
    let draw_lanes = |reader: &mut Reader, frames: &mut Frames| {
        let doc = session.document(article).unwrap();
        let view = ReaderView {
            annotations: &doc.annotations,
            revision,
            labels: &labels,
            selected: None,
            matches: &[],
            current_match: None,
            shield: false,
            revealed: &revealed,
            font_size: 17.0,
            links: &[],
            lanes: &lanes,
            suggestions: &[],
            focused_suggestion: None,
        };
        frames.frame(|ui| {
            reader.ui(ui, &view);
        })
    };
    reader.set_scroll_offset(0.0);
    draw_lanes(&mut reader, &mut frames);
    let mut times = Vec::new();
    let mut y = 0.0;
    let page = reader.viewport_height().max(100.0);
    while y + page < reader.content_height() && times.len() < 400 {
        reader.set_scroll_offset(y);
        times.push(draw_lanes(&mut reader, &mut frames));
        y += page;
    }
    emit("gloss", size, "lanes_scroll_median_ms", median(&mut times));
    emit("gloss", size, "lanes_scroll_p99_ms", p99(&mut times));
    eprintln!("  gloss {size}: {} galleys cached", reader.cached_galleys());
}

/// A char span of ~40 chars about `fraction` of the way through the text.
fn visible_span(text: &Text, fraction: f32) -> Range<usize> {
    let at = ((text.char_len() as f32) * fraction.clamp(0.0, 1.0)) as usize;
    let start = at.min(text.char_len().saturating_sub(60));
    snap_span(text, start..start + 40).unwrap_or(start..start + 40)
}

fn bench_textedit(session: &mut Session, article: &str, size: &str, rss_start: f64) {
    let mut frames = Frames::new();
    let mut history = History::new();
    let mut revision = 1u64;
    let text = session.document(article).unwrap().article.text.clone();
    let owned: String = text.as_str().to_owned();
    let mut memo: Option<(u64, LayoutJob)> = None;
    let mut offset = 0.0f32;
    let mut total_height = 0.0f32;

    // The way an egui app shows annotated text: a read-only TextEdit with a memoized
    // layouter that colours each annotation (like egui's MemoizedEasymarkHighlighter).
    let mut draw = |frames: &mut Frames,
                    session: &Session,
                    revision: u64,
                    offset: f32|
     -> (f64, Arc<Galley>, f32) {
        let doc = session.document(article).unwrap();
        let mut out_galley = None;
        let mut height = 0.0;
        let ms = frames.frame(|ui| {
            let output = egui::ScrollArea::vertical()
                .id_salt("textedit-bench")
                .auto_shrink([false, false])
                .vertical_scroll_offset(offset)
                .show(ui, |ui| {
                    let mut layouter = |ui: &Ui, buf: &dyn egui::TextBuffer, wrap: f32| {
                        let job = match &memo {
                            Some((rev, job)) if *rev == revision => job.clone(),
                            _ => {
                                let job =
                                    highlight_job(buf.as_str(), &doc.annotations, &session.labels);
                                memo = Some((revision, job.clone()));
                                job
                            }
                        };
                        let mut job = job;
                        job.wrap.max_width = wrap;
                        ui.fonts_mut(|f| f.layout_job(job))
                    };
                    let mut shown: &str = owned.as_str();
                    egui::TextEdit::multiline(&mut shown)
                        .desired_width(f32::INFINITY)
                        .layouter(&mut layouter)
                        .show(ui)
                });
            height = output.content_size.y;
            out_galley = Some(output.inner.galley);
        });
        (ms, out_galley.expect("galley"), height)
    };

    let start = Instant::now();
    let (_, g, h) = draw(&mut frames, session, revision, offset);
    emit(
        "textedit",
        size,
        "open_ms",
        start.elapsed().as_secs_f64() * 1000.0,
    );
    drop(g);
    total_height = total_height.max(h);

    let mut times = Vec::new();
    while offset + 2.0 * HEIGHT < total_height {
        offset += HEIGHT - 40.0;
        let (ms, _, _) = draw(&mut frames, session, revision, offset);
        times.push(ms);
    }
    emit("textedit", size, "scroll_median_ms", median(&mut times));
    emit("textedit", size, "scroll_p99_ms", p99(&mut times));
    eprintln!("  textedit {size}: {} scroll frames", times.len());

    offset = total_height / 2.0;
    draw(&mut frames, session, revision, offset);
    let mut worst: f64 = 0.0;
    for width in RESIZE_WIDTHS {
        frames.width = width;
        worst = worst.max(draw(&mut frames, session, revision, offset).0);
    }
    emit("textedit", size, "resize_worst_ms", worst);
    frames.width = WIDTH;
    draw(&mut frames, session, revision, offset);

    let span = visible_span(&text, 0.5);
    let start = Instant::now();
    let edit = session
        .annotate(article, "quote", span, Timestamp(0))
        .unwrap();
    history.apply(session, edit).unwrap();
    revision += 1;
    draw(&mut frames, session, revision, offset);
    emit(
        "textedit",
        size,
        "annotate_ms",
        start.elapsed().as_secs_f64() * 1000.0,
    );
    let start = Instant::now();
    history.undo(session).unwrap().unwrap();
    revision += 1;
    let (_, g, _) = draw(&mut frames, session, revision, offset);
    emit(
        "textedit",
        size,
        "undo_ms",
        start.elapsed().as_secs_f64() * 1000.0,
    );
    let galley = Some(g);

    let target = {
        let doc = session.document(article).unwrap();
        doc.annotations[doc.annotations.len() * 98 / 100].start
    };
    let start = Instant::now();
    let y = galley
        .as_ref()
        .map_or(0.0, |g| g.pos_from_cursor(CCursor::new(target)).min.y);
    draw(&mut frames, session, revision, (y - HEIGHT * 0.3).max(0.0));
    emit(
        "textedit",
        size,
        "jump_ms",
        start.elapsed().as_secs_f64() * 1000.0,
    );
    emit("textedit", size, "memory_mb", resident_mb() - rss_start);
}

fn highlight_job(text: &str, annotations: &[Annotation], labels: &[Label]) -> LayoutJob {
    // Non-overlapping sections: colour each char range by the first annotation over it.
    let t = Text::new(text);
    let mut job = LayoutJob::default();
    let plain = TextFormat {
        font_id: FontId::proportional(17.0),
        color: Color32::LIGHT_GRAY,
        ..TextFormat::default()
    };
    let mut at_byte = 0usize;
    let mut covered_to = 0usize;
    for a in annotations {
        let start = a.start.max(covered_to);
        if start >= a.end {
            continue;
        }
        let (Some(bs), Some(be)) = (t.byte_of_char(start), t.byte_of_char(a.end)) else {
            continue;
        };
        if bs > at_byte {
            job.append(&text[at_byte..bs], 0.0, plain.clone());
        }
        let color = labels
            .iter()
            .find(|l| l.id == a.label)
            .map_or(Color32::GRAY, |l| {
                Color32::from_rgb(l.color.0[0], l.color.0[1], l.color.0[2])
            });
        job.append(
            &text[bs..be],
            0.0,
            TextFormat {
                background: color.gamma_multiply(0.3),
                ..plain.clone()
            },
        );
        at_byte = be;
        covered_to = a.end;
    }
    if at_byte < text.len() {
        job.append(&text[at_byte..], 0.0, plain);
    }
    job
}

// --- generated articles ---------------------------------------------------------------

/// 10,000 relations between annotations of the article (at most one per two
/// annotations), plus 50 from the annotation in the middle: 30 to its neighbours, 20 to
/// annotations far away. Returns that annotation.
fn add_relations(session: &mut Session, article: &str) -> AnnotationId {
    let ids: Vec<AnnotationId> = session
        .document(article)
        .unwrap()
        .annotations
        .iter()
        .map(|a| a.id)
        .collect();
    let mut rng = Lcg(11);
    let mut relations = Vec::new();
    let link = |session: &mut Session, relations: &mut Vec<Relation>, from, to| {
        if from != to {
            relations.push(Relation {
                id: session.allocate_relation_id(),
                kind: "same_as".to_owned(),
                from,
                to,
                note: String::new(),
                attributes: Default::default(),
                created: Timestamp(0),
                modified: Timestamp(0),
            });
        }
    };
    let n = ids.len();
    let middle = n / 2;
    let hub = ids[middle];
    for k in 1..=30usize {
        let other = if k % 2 == 0 {
            middle + k / 2
        } else {
            middle - k.div_ceil(2)
        };
        link(session, &mut relations, hub, ids[other.min(n - 1)]);
    }
    // Far ends: at least a few screens away where the article is long enough.
    let far = 40.min(n / 4).max(16);
    let mut added = 0;
    while added < 20 {
        let other = rng.below(n as u64) as usize;
        if other.abs_diff(middle) >= far {
            link(session, &mut relations, ids[other], hub);
            added += 1;
        }
    }
    let background = 10_000usize.min(n / 2);
    while relations.len() < 50 + background {
        let a = rng.below(n as u64) as usize;
        let b = (a + 1 + rng.below(20) as usize) % n;
        if a != middle && b != middle {
            link(session, &mut relations, ids[a], ids[b]);
        }
    }
    relations.sort_by_key(|r| r.id);
    session.relations = relations.into();
    hub
}

/// One annotation per ~200 chars; every fifth one overlaps its neighbour.
fn add_annotations(session: &mut Session, article: &str) {
    let labels = session.labels.clone();
    let text = session.document(article).unwrap().article.text.clone();
    let mut rng = Lcg(7);
    let mut annotations = Vec::new();
    let len = text.char_len();
    let mut at = 0usize;
    let mut n = 0u64;
    while at + 260 < len {
        let start = at + rng.below(60) as usize;
        let end = start + 20 + rng.below(100) as usize;
        let spans = if n.is_multiple_of(5) {
            vec![start..end, start + 10..end + 180]
        } else {
            std::iter::once(start..end).collect()
        };
        for span in spans {
            if let Ok(span) = snap_span(&text, span) {
                let label = &labels[(n % labels.len() as u64) as usize];
                let id = session.allocate_id();
                if let Some(a) = Annotation::new(id, label, &text, span, Timestamp(0)) {
                    annotations.push(a);
                }
            }
        }
        at += 200;
        n += 1;
    }
    let doc = session.document_mut(article).unwrap();
    doc.annotations = annotations.into();
    doc.sort();
}
