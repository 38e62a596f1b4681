//! In-process mutational fuzzing of every loader a file from someone else reaches: the
//! session loader, the JSON and doccano importers, and the article loader for .txt, .md
//! and .html (and, for what loads, every export). Runs on the stable toolchain, with no
//! extra tools.
//!
//! Each target starts from seed inputs written here and mutates them — bytes flipped,
//! inserted, deleted, ranges duplicated, inputs spliced, numbers swapped for edge values,
//! tags nested and lines repeated thousands of times — running each input on a worker
//! thread with an ordinary 8 MiB stack. A watchdog flags an input that runs longer than
//! `HANG_SECONDS` (a hang) or pushes the process over `MEMORY_LIMIT` resident bytes; a
//! panic is caught. Every finding is saved as `target/fuzz/<target>/<kind>-<hash>` and
//! fails the test. Inputs slower than `SLOW_SECONDS` are saved as `slow-<hash>` and
//! listed, without failing (wall-clock time on a shared machine is no verdict). The input being run is always in `target/fuzz/<target>/current`, so a
//! crash that kills the process (a stack overflow) leaves it on disk.
//!
//! Environment: `GLOSS_FUZZ_SECONDS` (per target, default 1), `GLOSS_FUZZ_TARGET` (one
//! target), `GLOSS_FUZZ_SEED`. Long run: `GLOSS_FUZZ_SECONDS=600 cargo test --test fuzz
//! -- --nocapture`. Each target's inputs/second is appended to `target/bench/fuzz.jsonl`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gloss::formats::export::{ExportFormat, export_string};
use gloss::formats::session_file::to_ron;
use gloss::formats::{self, ImportFormat};
use gloss::model::{Article, Label, Session, Timestamp};

/// An input running longer than this is a hang.
const HANG_SECONDS: u64 = 10;
/// An input running longer than this is reported as slow (super-linear somewhere).
const SLOW_SECONDS: f64 = 2.0;
/// Resident memory above this is a finding.
const MEMORY_LIMIT: u64 = 3 << 30;
/// Inputs are kept below this size.
const MAX_INPUT: usize = 2 << 20;

/// A fuzz target: the file extension it reads and what it does with a file.
struct Target {
    name: &'static str,
    extension: &'static str,
    run: fn(&Path) -> Result<(), String>,
    seeds: fn() -> Vec<Vec<u8>>,
}

const TARGETS: [Target; 9] = [
    Target {
        name: "session",
        extension: "ron",
        run: run_session,
        seeds: session_seeds,
    },
    Target {
        name: "import-json",
        extension: "json",
        run: run_import_json,
        seeds: json_seeds,
    },
    Target {
        name: "import-doccano",
        extension: "jsonl",
        run: run_import_doccano,
        seeds: doccano_seeds,
    },
    Target {
        name: "import-jsonl",
        extension: "jsonl",
        run: run_import_jsonl,
        seeds: jsonl_seeds,
    },
    Target {
        name: "import-label-studio",
        extension: "json",
        run: run_import_label_studio,
        seeds: label_studio_seeds,
    },
    Target {
        name: "import-w3c",
        extension: "jsonld",
        run: run_import_w3c,
        seeds: w3c_seeds,
    },
    Target {
        name: "article-txt",
        extension: "txt",
        run: run_article,
        seeds: text_seeds,
    },
    Target {
        name: "article-md",
        extension: "md",
        run: run_article,
        seeds: text_seeds,
    },
    Target {
        name: "article-html",
        extension: "html",
        run: run_article,
        seeds: html_seeds,
    },
];

// --- What each target does --------------------------------------------------------------

/// Every export of a session must render without panicking.
fn export_all(session: &Session) {
    for format in ExportFormat::ALL {
        std::hint::black_box(export_string(session, format));
    }
}

fn run_session(path: &Path) -> Result<(), String> {
    if let Ok(loaded) = formats::load_session(path) {
        export_all(&loaded.session);
    }
    Ok(())
}

/// A successful import must write a session that Gloss loads again, unchanged.
fn import_round_trip(path: &Path, format: ImportFormat) -> Result<(), String> {
    let Ok(imported) = formats::import_file(path, format) else {
        return Ok(());
    };
    export_all(&imported.session);
    let out = path.with_extension("imported.ron");
    formats::save_session(&imported.session, &out).map_err(|e| format!("save: {e}"))?;
    let loaded = formats::load_session(&out)
        .map_err(|e| format!("an import wrote a session Gloss refuses: {e}"))?;
    if loaded.session.annotation_count() != imported.session.annotation_count() {
        return Err("the imported session lost annotations on reload".to_owned());
    }
    Ok(())
}

fn run_import_json(path: &Path) -> Result<(), String> {
    import_round_trip(path, ImportFormat::Json)
}

fn run_import_doccano(path: &Path) -> Result<(), String> {
    import_round_trip(path, ImportFormat::Doccano)
}

fn run_import_jsonl(path: &Path) -> Result<(), String> {
    import_round_trip(path, ImportFormat::Jsonl)
}

fn run_import_label_studio(path: &Path) -> Result<(), String> {
    import_round_trip(path, ImportFormat::LabelStudio)
}

fn run_import_w3c(path: &Path) -> Result<(), String> {
    import_round_trip(path, ImportFormat::W3c)
}

fn run_article(path: &Path) -> Result<(), String> {
    if let Ok(article) = formats::load_article(path) {
        let mut session = Session::new();
        session.add_article(article);
        export_all(&session);
    }
    Ok(())
}

// --- Seeds ---------------------------------------------------------------------------

const TEXT: &str = "The Lantern Keeper\n\nIn the finale, the keeper — “at last,” said Zoë — \
turns out to be the heir. 🌊 e\u{301}te\u{301} costs 3.5 million. العربية שלום.\n\n\
The council claims the bridge will cut travel times by half.\n";

fn seed_session() -> Session {
    let mut session = Session::new();
    let id = session.add_article(Article::new("lantern", "The Lantern Keeper", "", TEXT));
    let text = session.document(&id).unwrap().article.text.clone();
    let chars: Vec<char> = text.as_str().chars().collect();
    let find = |needle: &str| {
        let byte = text.as_str().find(needle).unwrap();
        let start = text.as_str()[..byte].chars().count();
        start..start + needle.chars().count()
    };
    assert!(chars.len() > 10);
    for (label, needle) in [
        ("spoiler", "turns out to be the heir"),
        ("quote", "at last,"),
        ("claim", "the bridge will cut travel times by half"),
        ("claim", "3.5 million"),
        ("source", "Zoë"),
    ] {
        let edit = session
            .annotate(&id, label, find(needle), Timestamp(1_795_000_000))
            .unwrap();
        edit.apply(&mut session).unwrap();
    }
    // Links, so every loader meets relations too.
    let id_of = |session: &Session, label: &str, nth: usize| {
        session
            .document(&id)
            .unwrap()
            .annotations
            .iter()
            .filter(|a| a.label == label)
            .nth(nth)
            .unwrap()
            .id
    };
    let (quote, source) = (id_of(&session, "quote", 0), id_of(&session, "source", 0));
    let (claim, other) = (id_of(&session, "claim", 0), id_of(&session, "claim", 1));
    for (kind, from, to) in [
        ("speaker", quote, source),
        ("contradicts", claim, other),
        ("evidence", claim, quote),
    ] {
        let edit = session
            .link(kind, from, to, Timestamp(1_795_000_100))
            .unwrap();
        edit.apply(&mut session).unwrap();
    }
    let doc = session.document_mut(&id).unwrap();
    if let Some(a) = doc.annotations.first_mut() {
        a.note = "a note\nwith two lines and \"quotes\"".to_owned();
        a.attributes.insert("speaker".to_owned(), "Zoë".to_owned());
    }
    session
        .labels
        .push(Label::new("extra", "Extra ✓", gloss::model::Rgb([1, 2, 3])));
    session
}

fn session_seeds() -> Vec<Vec<u8>> {
    let session = seed_session();
    let mut two = session.clone();
    two.add_article(Article::new(
        "second",
        "Second",
        "second.txt",
        "Short text here.",
    ));
    vec![
        to_ron(&session, None).into_bytes(),
        to_ron(&two, None).into_bytes(),
        to_ron(&Session::new(), None).into_bytes(),
        b"(version: 1, articles: [(id: \"a\", text: \"abc\", annotations: [(id: 1, label: \"quote\", start: 0, end: 2, text: \"ab\")])])".to_vec(),
    ]
}

fn json_seeds() -> Vec<Vec<u8>> {
    let session = seed_session();
    let json = export_string(&session, ExportFormat::Json).unwrap();
    vec![
        json.into_bytes(),
        br#"{"articles": [{"text": "Some text", "annotations": [{"label": "quote", "start": 0, "end": 4}]}]}"#.to_vec(),
        br#"{"offset_unit": "utf16", "articles": [{"id": "a", "text": "\ud83c\udf0a wave", "annotations": [{"id": 3, "label": "claim", "start": 3, "end": 7}]}]}"#.to_vec(),
    ]
}

fn doccano_seeds() -> Vec<Vec<u8>> {
    let session = seed_session();
    let jsonl = export_string(&session, ExportFormat::Doccano).unwrap();
    vec![
        jsonl.into_bytes(),
        b"{\"id\": 1, \"text\": \"abc def\", \"label\": [[0, 3, \"quote\"]]}\n{\"id\": 1, \"text\": \"x y\", \"label\": []}\n".to_vec(),
    ]
}

fn jsonl_seeds() -> Vec<Vec<u8>> {
    let session = seed_session();
    vec![
        export_string(&session, ExportFormat::Jsonl)
            .unwrap()
            .into_bytes(),
    ]
}

fn label_studio_seeds() -> Vec<Vec<u8>> {
    let session = seed_session();
    let tasks = export_string(&session, ExportFormat::LabelStudio).unwrap();
    vec![
        tasks.into_bytes(),
        br#"[{"id": 1, "data": {"text": "\ud83c\udf0a wave here"}, "annotations": [{"result": [{"id": "x", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 3, "end": 7, "text": "wave", "labels": ["claim"]}}, {"id": "x", "type": "choices", "from_name": "status", "to_name": "text", "value": {"start": 3, "end": 7, "choices": ["true"]}}, {"type": "relation", "from_id": "x", "to_id": "x", "labels": ["same_as"]}]}]}]"#.to_vec(),
    ]
}

fn w3c_seeds() -> Vec<Vec<u8>> {
    let session = seed_session();
    vec![
        export_string(&session, ExportFormat::W3c)
            .unwrap()
            .into_bytes(),
    ]
}

fn text_seeds() -> Vec<Vec<u8>> {
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(TEXT.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    vec![
        TEXT.as_bytes().to_vec(),
        TEXT.replace('\n', "\r\n").into_bytes(),
        [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat(),
        utf16,
        b"# Title\n\n* a list\n* of items\n\n> quoted\n".to_vec(),
        b"caf\xe9 na\xefve r\xe9sum\xe9 in Latin-1\n".to_vec(),
    ]
}

fn html_seeds() -> Vec<Vec<u8>> {
    vec![
        b"<!doctype html><html><head><title>T &amp; U | Site</title><style>p{}</style></head>\
<body><nav>Home</nav><article><h1>Head</h1><p>First <b>bold</b> <i>x</i><br>line</p>\
<table><tr><td>a</td><td>b</td></tr></table><pre>  code\n  here</pre><ul><li>one</li></ul>\
<script>var x = '<p>';</script></article><footer>f</footer></body></html>"
            .to_vec(),
        b"<p>unclosed <div><span>deep <b>er".to_vec(),
        b"<html><body hidden><p>&#x1F30A; &nbsp; &lt;tag&gt; &unknown; &#0;</p></body></html>"
            .to_vec(),
    ]
}

// --- Mutations ---------------------------------------------------------------------------

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const INTERESTING: [&str; 12] = [
    "0",
    "-1",
    "1",
    "18446744073709551615",
    "18446744073709551616",
    "9007199254740993",
    "4294967296",
    "2147483648",
    "1e309",
    "-0",
    "null",
    "\"\"",
];

const TOKENS: [&str; 16] = [
    "<span>",
    "</span>",
    "<div>",
    "<b>",
    "<p>",
    "<table><tr><td>",
    "\n",
    "\r\n",
    "\"",
    "\\",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
];

fn mutate(rng: &mut Rng, input: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
    let mut data = input.to_vec();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let len = data.len();
        match rng.below(12) {
            0 if len > 0 => {
                let at = rng.below(len);
                data[at] ^= 1 << rng.below(8);
            }
            1 => {
                let at = rng.below(len + 1);
                data.insert(at, (rng.next() & 0xFF) as u8);
            }
            2 if len > 0 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(64));
                data.drain(at..at + n);
            }
            3 if len > 0 => {
                // Duplicate a range, sometimes thousands of times.
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(256));
                let times = if rng.below(4) == 0 {
                    1 + rng.below(5000)
                } else {
                    1 + rng.below(4)
                };
                let piece = data[at..at + n].to_vec();
                let insert_at = rng.below(len + 1);
                let repeated = piece.repeat(times);
                data.splice(insert_at..insert_at, repeated);
            }
            4 if !others.is_empty() => {
                let other = &others[rng.below(others.len())];
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            5 => replace_number(rng, &mut data),
            6 => {
                // Nest a token deeply.
                let token = TOKENS[rng.below(TOKENS.len())];
                let times = 1 + rng.below(80_000);
                let at = rng.below(len + 1);
                data.splice(at..at, token.repeat(times).into_bytes());
            }
            7 if len > 0 => {
                data.truncate(rng.below(len));
            }
            8 => {
                // Repeat a whole line many times (records sharing an id, …).
                let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
                let line = lines[rng.below(lines.len())].to_vec();
                let times = 1 + rng.below(5000.min(MAX_INPUT / (line.len() + 1)));
                let mut block = Vec::new();
                for _ in 0..times {
                    block.extend_from_slice(&line);
                    block.push(b'\n');
                }
                let at = rng.below(len + 1);
                data.splice(at..at, block);
            }
            9 => {
                let s = [
                    "ü", "🌊", "\u{301}", "\u{202E}", "\u{FEFF}", "\0", "\u{FFFF}",
                ][rng.below(7)];
                let at = rng.below(len + 1);
                data.splice(at..at, s.bytes());
            }
            _ => {
                let token = INTERESTING[rng.below(INTERESTING.len())];
                let at = rng.below(len + 1);
                data.splice(at..at, token.bytes());
            }
        }
        if data.len() > MAX_INPUT {
            data.truncate(MAX_INPUT);
        }
    }
    data
}

/// Replace a run of ASCII digits by an edge value.
fn replace_number(rng: &mut Rng, data: &mut Vec<u8>) {
    let digits: Vec<usize> = data
        .iter()
        .enumerate()
        .filter(|(_, b)| b.is_ascii_digit())
        .map(|(i, _)| i)
        .collect();
    if digits.is_empty() {
        return;
    }
    let start = digits[rng.below(digits.len())];
    let end = data[start..]
        .iter()
        .position(|b| !b.is_ascii_digit())
        .map_or(data.len(), |n| start + n);
    let value = INTERESTING[rng.below(INTERESTING.len())];
    data.splice(start..end, value.bytes());
}

// --- The loop --------------------------------------------------------------------------

fn fuzz_dir(target: &str) -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    base.join("fuzz").join(target)
}

fn short_hash(data: &[u8]) -> String {
    gloss::model::sha256_hex(&String::from_utf8_lossy(data))
        .chars()
        .take(12)
        .collect()
}

fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u64>().ok())
        })
        .map_or(0, |pages| pages * 4096)
}

struct Outcome {
    runs: u64,
    seconds: f64,
    findings: Vec<String>,
}

fn fuzz_target(target: &Target, seconds: f64, seed: u64) -> Outcome {
    let dir = fuzz_dir(target.name);
    std::fs::create_dir_all(&dir).unwrap();
    let work = tempfile::tempdir().unwrap();
    let input_path = work.path().join(format!("input.{}", target.extension));
    let current = dir.join("current");
    let seeds = (target.seeds)();
    let runs = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let findings: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();

    let worker = {
        let (runs, done, findings, dir) =
            (runs.clone(), done.clone(), findings.clone(), dir.clone());
        let run = target.run;
        let input_path = input_path.clone();
        std::thread::Builder::new()
            .name(format!("fuzz-{}", target.name))
            .stack_size(8 << 20)
            .spawn(move || {
                let mut rng = Rng(seed | 1);
                let mut corpus = seeds.clone();
                let deadline = started + Duration::from_secs_f64(seconds);
                let mut n = 0u64;
                while Instant::now() < deadline {
                    let input = if (n as usize) < seeds.len() {
                        seeds[n as usize].clone()
                    } else {
                        let base = &corpus[rng.below(corpus.len())];
                        mutate(&mut rng, base, &corpus)
                    };
                    std::fs::write(&input_path, &input).unwrap();
                    std::fs::write(&current, &input).unwrap();
                    let t = Instant::now();
                    let result =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&input_path)));
                    let took = t.elapsed().as_secs_f64();
                    let problem = match result {
                        Ok(Ok(())) => None,
                        Ok(Err(e)) => Some(("wrong", e)),
                        Err(panic) => Some((
                            "crash",
                            panic
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                                .unwrap_or_default(),
                        )),
                    };
                    if problem.is_none() && took > SLOW_SECONDS {
                        let file = dir.join(format!("slow-{}", short_hash(&input)));
                        std::fs::write(&file, &input).unwrap();
                        println!(
                            "  slow: {took:.1} s, {} bytes (input: {})",
                            input.len(),
                            file.display()
                        );
                    }
                    if let Some((kind, why)) = problem {
                        let file = dir.join(format!("{kind}-{}", short_hash(&input)));
                        std::fs::write(&file, &input).unwrap();
                        findings
                            .lock()
                            .unwrap()
                            .push(format!("{kind}: {why} (input: {})", file.display()));
                    } else if corpus.len() < 256 && rng.below(50) == 0 && input.len() < 64 << 10 {
                        // Keep some mutants as bases for further mutation.
                        corpus.push(input);
                    }
                    n += 1;
                    runs.store(n, Ordering::Relaxed);
                }
                done.store(true, Ordering::Relaxed);
            })
            .unwrap()
    };

    // The watchdog: a hang or runaway memory ends the process with the input on disk.
    let mut last = (0, Instant::now());
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(20));
        let n = runs.load(Ordering::Relaxed);
        if n != last.0 {
            last = (n, Instant::now());
        }
        let kind = if last.1.elapsed() > Duration::from_secs(HANG_SECONDS) {
            Some("hang")
        } else if resident_bytes() > MEMORY_LIMIT {
            Some("memory")
        } else {
            None
        };
        if let Some(kind) = kind {
            let input = std::fs::read(dir.join("current")).unwrap_or_default();
            let file = dir.join(format!("{kind}-{}", short_hash(&input)));
            let _ = std::fs::write(&file, &input);
            println!(
                "FINDING in {}: {kind} (input: {})",
                target.name,
                file.display()
            );
            std::process::exit(1);
        }
    }
    worker.join().unwrap();
    let findings = findings.lock().unwrap().clone();
    Outcome {
        runs: runs.load(Ordering::Relaxed),
        seconds: started.elapsed().as_secs_f64(),
        findings,
    }
}

fn record(target: &str, outcome: &Outcome) {
    let dir = fuzz_dir("").parent().map(|p| p.join("bench")).unwrap();
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("fuzz.jsonl"))
    {
        let rate = outcome.runs as f64 / outcome.seconds.max(1e-9);
        let _ = writeln!(
            file,
            "{}",
            serde_json::json!({"metric": "inputs_per_second", "value": (rate * 10.0).round() / 10.0,
                "unit": "inputs/s", "target": target, "inputs": outcome.runs,
                "seconds": (outcome.seconds * 10.0).round() / 10.0})
        );
    }
}

#[test]
fn fuzz_every_loader() {
    let seconds: f64 = std::env::var("GLOSS_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let only = std::env::var("GLOSS_FUZZ_TARGET").ok();
    let seed: u64 = std::env::var("GLOSS_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_secs())
        });
    println!("fuzz: {seconds} s per target, seed {seed} (GLOSS_FUZZ_SEED={seed} repeats it)");
    let mut all = Vec::new();
    for target in TARGETS
        .iter()
        .filter(|t| only.as_deref().is_none_or(|o| o == t.name))
    {
        let outcome = fuzz_target(target, seconds, seed);
        println!(
            "{:>15}: {} inputs in {:.1} s ({:.0}/s), {} finding(s)",
            target.name,
            outcome.runs,
            outcome.seconds,
            outcome.runs as f64 / outcome.seconds.max(1e-9),
            outcome.findings.len()
        );
        for f in &outcome.findings {
            println!("  {f}");
        }
        record(target.name, &outcome);
        assert!(outcome.runs > 0, "{} ran no input", target.name);
        all.extend(
            outcome
                .findings
                .into_iter()
                .map(|f| format!("{}: {f}", target.name)),
        );
    }
    assert!(all.is_empty(), "fuzzing found:\n{}", all.join("\n"));
}
