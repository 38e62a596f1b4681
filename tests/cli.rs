//! The `gloss` command line as a person uses it: the real binary, run in temporary
//! folders, judged by what it prints, the exit code and the files it leaves behind.
//!
//! Exit codes: 0 ok, 1 `check` found problems, 2 bad input or usage.

// Helpers here are not `#[test]` functions, so clippy's `allow-expect-in-tests` does not
// reach them; a failed expectation in a test helper is a test failure, which is the point.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const GLOSS: &str = env!("CARGO_BIN_EXE_gloss");

/// A short article with curly quotes, an accented name, an em dash and an emoji.
const ARTICLE: &str = "Harbour news\n\nThe ferry is back — “at last,” said Zoë Ferrier. 🌊 \
It carried 300 people on Monday, the council claims.\n";

/// Run `gloss ARGS` in `dir`.
fn gloss(dir: &Path, args: &[&str]) -> Output {
    Command::new(GLOSS)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the gloss binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

/// Assert the exit code, showing what the command printed when it differs.
#[track_caller]
fn assert_code(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}

/// The bad-input contract: exit 2, exactly one `error: …` line ending with `file`.
#[track_caller]
fn assert_one_error_line(out: &Output, file: &str) -> String {
    assert_code(out, 2);
    let err = stderr(out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr, got:\n{err}");
    let line = lines[0];
    assert!(line.starts_with("error: "), "{line}");
    assert!(
        line.ends_with(file),
        "the message ends with the file: {line}"
    );
    assert!(!line.contains("panicked"), "{line}");
    line.to_owned()
}

/// A temporary folder holding `article.txt` (= [`ARTICLE`]).
fn folder_with_article() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("article.txt"), ARTICLE).expect("write article");
    dir
}

/// Char offsets of `needle` in `ARTICLE`.
fn span_of(needle: &str) -> (usize, usize) {
    let byte = ARTICLE.find(needle).expect("needle in article");
    let start = ARTICLE[..byte].chars().count();
    (start, start + needle.chars().count())
}

/// Our JSON schema over `article.txt` with a quote (speaker), a claim (status, source,
/// note) nested in a longer spoiler.
fn gloss_json() -> String {
    let (qs, qe) = span_of("“at last,”");
    let (cs, ce) = span_of("It carried 300 people on Monday");
    let (ss, se) = span_of("It carried 300 people on Monday, the council claims.");
    serde_json::json!({
        "articles": [{
            "id": "harbour",
            "title": "Harbour news",
            "source": "article.txt",
            "text": ARTICLE,
            "annotations": [
                {"label": "quote", "start": qs, "end": qe,
                 "attributes": {"speaker": "Zoë Ferrier"}},
                {"label": "claim", "start": cs, "end": ce, "note": "check the ferry log",
                 "attributes": {"status": "unverified", "source": "council"}},
                {"label": "spoiler", "start": ss, "end": se},
            ],
        }],
    })
    .to_string()
}

/// A folder with `article.txt` and `s.ron`, a session with three annotations over it.
fn folder_with_session() -> tempfile::TempDir {
    let dir = folder_with_article();
    std::fs::write(dir.path().join("in.json"), gloss_json()).expect("write json");
    let out = gloss(dir.path(), &["import", "in.json", "-o", "s.ron"]);
    assert_code(&out, 0);
    dir
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// `text[start:end]` in code points, as Python would slice it.
fn py_slice(text: &str, start: u64, end: u64) -> String {
    let (start, end) = (start as usize, end as usize);
    text.chars().skip(start).take(end - start).collect()
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------- new

#[test]
fn new_creates_a_session_that_checks_clean() {
    let dir = folder_with_article();
    let out = gloss(dir.path(), &["new", "-o", "s.ron", "article.txt"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("wrote s.ron with 1 article(s)"));
    let ron = std::fs::read_to_string(dir.path().join("s.ron")).expect("session written");
    assert!(
        ron.contains(&format!("version: {},", gloss::formats::SESSION_VERSION)),
        "{ron}"
    );
    assert!(
        ron.contains("source: \"article.txt\""),
        "relative source: {ron}"
    );
    assert!(ron.contains("Zoë Ferrier"), "text stored verbatim: {ron}");
    // No temporary files left behind.
    assert_eq!(files_in(dir.path()), ["article.txt", "s.ron"]);

    let check = gloss(dir.path(), &["check", "s.ron"]);
    assert_code(&check, 0);
    assert!(
        stdout(&check).contains("article: ok: to do: 0 annotation(s)"),
        "{}",
        stdout(&check)
    );
}

#[test]
fn new_writes_sources_relative_to_the_session_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("articles")).expect("mkdir");
    std::fs::create_dir(dir.path().join("sessions")).expect("mkdir");
    std::fs::write(
        dir.path().join("articles/a.md"),
        "# Title\n\nBody — text.\n",
    )
    .expect("write");
    let out = gloss(
        dir.path(),
        &["new", "-o", "sessions/s.ron", "articles/a.md"],
    );
    assert_code(&out, 0);
    let ron = std::fs::read_to_string(dir.path().join("sessions/s.ron")).expect("session");
    assert!(ron.contains("source: \"../articles/a.md\""), "{ron}");
    assert!(ron.contains("title: \"Title\""), "{ron}");
    // Still checks clean from another working folder.
    let check = gloss(
        &dir.path().join("articles"),
        &["check", "../sessions/s.ron"],
    );
    assert_code(&check, 0);
}

#[test]
fn new_refuses_to_overwrite_without_force() {
    let dir = folder_with_article();
    std::fs::write(dir.path().join("s.ron"), "precious work").expect("write");
    let out = gloss(dir.path(), &["new", "-o", "s.ron", "article.txt"]);
    let line = assert_one_error_line(&out, "s.ron");
    assert!(line.contains("--force"), "{line}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("s.ron")).expect("still there"),
        "precious work"
    );

    let out = gloss(
        dir.path(),
        &["new", "--force", "-o", "s.ron", "article.txt"],
    );
    assert_code(&out, 0);
    assert!(
        std::fs::read_to_string(dir.path().join("s.ron"))
            .expect("replaced")
            .contains(&format!("version: {},", gloss::formats::SESSION_VERSION))
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("s.ron.bak")).expect("backup kept"),
        "precious work"
    );
}

#[test]
fn new_with_a_bad_article_names_it_and_writes_nothing() {
    let dir = folder_with_article();
    std::fs::write(
        dir.path().join("image.txt"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    )
    .expect("write");
    std::fs::write(dir.path().join("empty.txt"), "").expect("write");
    std::fs::write(dir.path().join("blank.md"), "  \n\n\t\n").expect("write");
    std::fs::create_dir(dir.path().join("folder.txt")).expect("mkdir");
    let cases = [
        ("image.txt", "binary"),
        ("empty.txt", "empty"),
        ("blank.md", "empty"),
        ("missing.txt", "no such file"),
        ("folder.txt", "folder"),
    ];
    for (bad, why) in cases {
        // The bad file comes after a good one: nothing at all may be written.
        let out = gloss(dir.path(), &["new", "-o", "s.ron", "article.txt", bad]);
        let line = assert_one_error_line(&out, bad);
        assert!(line.contains(why), "{bad}: {line}");
        assert!(
            !dir.path().join("s.ron").exists(),
            "{bad}: no session written"
        );
        assert!(
            files_in(dir.path())
                .iter()
                .all(|f| !f.starts_with(".gloss")),
            "{bad}: no temporary file left: {:?}",
            files_in(dir.path())
        );
    }
}

#[test]
fn new_reads_html_as_paragraphs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let html = "<html><head><title>Café review</title><script>var x = 1;</script></head>\
<body><nav>Home | Menu</nav><p>The crêpes — superb.</p><p>Open “daily”.</p>\
<footer>© Someone</footer></body></html>";
    std::fs::write(dir.path().join("page.html"), html).expect("write");
    assert_code(&gloss(dir.path(), &["new", "-o", "s.ron", "page.html"]), 0);
    let out = gloss(dir.path(), &["export", "s.ron"]);
    assert_code(&out, 0);
    let json: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let article = &json["articles"][0];
    assert_eq!(article["title"], "Café review");
    assert_eq!(article["text"], "The crêpes — superb.\n\nOpen “daily”.");
}

// ---------------------------------------------------------------- import

#[test]
fn import_json_keeps_every_field() {
    let dir = folder_with_session();
    let out = gloss(dir.path(), &["export", "s.ron"]);
    assert_code(&out, 0);
    let json: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(json["schema"], 2);
    assert_eq!(json["offset_unit"], "codepoint");
    let article = &json["articles"][0];
    assert_eq!(article["id"], "harbour");
    assert_eq!(article["title"], "Harbour news");
    assert_eq!(article["source"], "article.txt");
    assert_eq!(article["text"], ARTICLE);
    let anns = article["annotations"].as_array().expect("annotations");
    assert_eq!(anns.len(), 3);
    for a in anns {
        let (start, end) = (a["start"].as_u64().unwrap(), a["end"].as_u64().unwrap());
        assert_eq!(
            py_slice(ARTICLE, start, end),
            a["text"].as_str().unwrap(),
            "{a}"
        );
        let (b0, b1) = (
            a["start_utf8"].as_u64().unwrap(),
            a["end_utf8"].as_u64().unwrap(),
        );
        assert_eq!(
            &ARTICLE.as_bytes()[b0 as usize..b1 as usize],
            a["text"].as_str().unwrap().as_bytes()
        );
        let utf16: Vec<u16> = ARTICLE.encode_utf16().collect();
        let (u0, u1) = (
            a["start_utf16"].as_u64().unwrap(),
            a["end_utf16"].as_u64().unwrap(),
        );
        assert_eq!(
            String::from_utf16(&utf16[u0 as usize..u1 as usize]).unwrap(),
            a["text"].as_str().unwrap()
        );
    }
    let quote = anns.iter().find(|a| a["label"] == "quote").unwrap();
    assert_eq!(quote["text"], "“at last,”");
    assert_eq!(quote["attributes"]["speaker"], "Zoë Ferrier");
    let claim = anns.iter().find(|a| a["label"] == "claim").unwrap();
    assert_eq!(claim["attributes"]["status"], "unverified");
    assert_eq!(claim["attributes"]["source"], "council");
    assert_eq!(claim["note"], "check the ferry log");
    assert_eq!(claim["orphan"], false);
}

#[test]
fn json_round_trips_through_import_and_export() {
    let dir = folder_with_session();
    let first = stdout(&gloss(dir.path(), &["export", "s.ron"]));
    std::fs::write(dir.path().join("again.json"), &first).expect("write");
    assert_code(
        &gloss(dir.path(), &["import", "again.json", "-o", "again.ron"]),
        0,
    );
    let second = stdout(&gloss(dir.path(), &["export", "again.ron"]));
    assert_eq!(first, second);
}

#[test]
fn our_jsonl_imports_back_with_every_annotation_and_link() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The example session: three articles, 40 annotations, 15 links.
    let out = gloss(
        &manifest_dir(),
        &["export", "--format", "jsonl", "sessions/example.ron"],
    );
    assert_code(&out, 0);
    let jsonl = stdout(&out);
    std::fs::write(dir.path().join("all.jsonl"), &jsonl).expect("write");
    // No --format: the content says it is Gloss JSONL, not doccano (which once read it
    // as three articles with no annotations at all).
    let out = gloss(dir.path(), &["import", "all.jsonl", "-o", "back.ron"]);
    assert_code(&out, 0);
    let said = stderr(&out);
    assert!(said.contains("all.jsonl as jsonl"), "{said}");
    assert!(
        said.contains("3 article(s), 40 annotation(s), 15 relation(s)"),
        "{said}"
    );
    let again = stdout(&gloss(
        dir.path(),
        &["export", "--format", "jsonl", "back.ron"],
    ));
    // Identical but for where the article files are (relative to each session file).
    let without_sources = |jsonl: &str| -> Vec<Value> {
        jsonl
            .lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).expect("JSON line");
                v.as_object_mut().expect("object").remove("source");
                v
            })
            .collect()
    };
    assert!(
        without_sources(&again) == without_sources(&jsonl),
        "export → import → export changed more than the sources"
    );

    // Forced as doccano, it is refused instead of losing every annotation.
    let out = gloss(
        dir.path(),
        &[
            "import",
            "--format",
            "doccano",
            "all.jsonl",
            "-o",
            "lost.ron",
        ],
    );
    let line = assert_one_error_line(&out, "all.jsonl");
    assert!(
        line.contains("line 1: this is a Gloss JSONL line"),
        "{line}"
    );
    assert!(!dir.path().join("lost.ron").exists());
}

#[test]
fn every_exported_format_with_text_is_told_by_its_content_and_imports() {
    let dir = folder_with_session();
    for format in ["json", "jsonl", "doccano", "label-studio", "w3c"] {
        let out = gloss(dir.path(), &["export", "--format", format, "s.ron"]);
        assert_code(&out, 0);
        let file = format!("from-{format}.data");
        std::fs::write(dir.path().join(&file), stdout(&out)).expect("write");
        let back = format!("back-{format}.ron");
        let out = gloss(dir.path(), &["import", &file, "-o", &back]);
        assert_code(&out, 0);
        let said = stderr(&out);
        assert!(said.contains(&format!("{file} as {format}")), "{said}");
        assert!(
            said.contains("imported 1 article(s), 3 annotation(s)"),
            "{said}"
        );
    }
}

#[test]
fn import_doccano() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "Zoë said “no” 🌊 twice.";
    let line =
        serde_json::json!({"id": 7, "text": text, "label": [[9, 13, "Quote"], [0, 3, "PERSON"]]});
    std::fs::write(dir.path().join("data.jsonl"), format!("{line}\n")).expect("write");
    let out = gloss(dir.path(), &["import", "data.jsonl", "-o", "s.ron"]);
    assert_code(&out, 0);
    assert!(
        stderr(&out).contains("1 article(s), 2 annotation(s)"),
        "{}",
        stderr(&out)
    );

    let out = gloss(dir.path(), &["export", "--format", "json", "s.ron"]);
    let json: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let anns = json["articles"][0]["annotations"].as_array().unwrap();
    let labels: Vec<(&str, &str)> = anns
        .iter()
        .map(|a| (a["label"].as_str().unwrap(), a["text"].as_str().unwrap()))
        .collect();
    // "Quote" matches the default label by name; PERSON becomes a new label.
    assert_eq!(labels, [("PERSON", "Zoë"), ("quote", "“no”")]);
    assert!(
        json["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == "PERSON")
    );

    // And back out as doccano, offsets unchanged.
    let out = gloss(dir.path(), &["export", "--format", "doccano", "s.ron"]);
    assert_code(&out, 0);
    let back: Value = serde_json::from_str(stdout(&out).trim()).expect("one JSON line");
    assert_eq!(back["text"], text);
    assert_eq!(
        back["label"],
        serde_json::json!([[0, 3, "PERSON"], [9, 13, "quote"]])
    );
}

#[test]
fn import_refuses_bad_input_and_writes_nothing() {
    let dir = folder_with_article();
    std::fs::write(
        dir.path().join("broken.json"),
        "{\"articles\": [\n  {\"text\": }\n]}",
    )
    .expect("write");
    let out = gloss(dir.path(), &["import", "broken.json", "-o", "s.ron"]);
    let line = assert_one_error_line(&out, "broken.json");
    assert!(line.contains("line 2"), "{line}");
    assert!(line.contains("column"), "{line}");

    let outside = serde_json::json!({"articles": [{"text": "short", "annotations": [{"label": "quote", "start": 2, "end": 99}]}]});
    std::fs::write(dir.path().join("outside.json"), outside.to_string()).expect("write");
    let out = gloss(dir.path(), &["import", "outside.json", "-o", "s.ron"]);
    let line = assert_one_error_line(&out, "outside.json");
    assert!(line.contains("outside the text"), "{line}");

    let out = gloss(dir.path(), &["import", "missing.json", "-o", "s.ron"]);
    assert_one_error_line(&out, "missing.json");

    std::fs::write(
        dir.path().join("bad.jsonl"),
        "{\"text\": \"abc\", \"label\": [[0, 9, \"X\"]]}\n",
    )
    .expect("write");
    let out = gloss(dir.path(), &["import", "bad.jsonl", "-o", "s.ron"]);
    let line = assert_one_error_line(&out, "bad.jsonl");
    assert!(line.contains("line 1"), "{line}");

    assert!(!dir.path().join("s.ron").exists());
    assert_eq!(
        files_in(dir.path()),
        ["article.txt", "bad.jsonl", "broken.json", "outside.json"]
    );
}

#[test]
fn skip_invalid_imports_the_rest_and_lists_every_skipped_record() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Four lines: one is cut off (its span is never read), one span runs past its text,
    // and a link's target is that span.
    let data = [
        r#"{"text": "Ada wrote the first program.", "label": [[0, 3, "person"]]}"#,
        r#"{"text": "cut off", "label": [[0, 3, "#,
        r#"{"text": "Short.", "entities": [{"id": 1, "start_offset": 0, "end_offset": 5, "label": "claim"}, {"id": 2, "start_offset": 2, "end_offset": 40, "label": "claim"}], "relations": [{"id": 9, "from_id": 1, "to_id": 2, "type": "supports"}]}"#,
        r#"{"text": "Grace found a bug.", "label": [[0, 5, "person"]]}"#,
    ]
    .join("\n");
    std::fs::write(dir.path().join("mixed.jsonl"), data).expect("write");

    // Without the switch nothing is written and the first bad record is named.
    let out = gloss(dir.path(), &["import", "mixed.jsonl", "-o", "s.ron"]);
    let line = assert_one_error_line(&out, "mixed.jsonl");
    assert!(line.contains("line 2"), "{line}");
    assert!(!dir.path().join("s.ron").exists());

    let out = gloss(
        dir.path(),
        &["import", "--skip-invalid", "mixed.jsonl", "-o", "s.ron"],
    );
    assert_code(&out, 0);
    let said = stderr(&out);
    let skipped: Vec<&str> = said
        .lines()
        .filter(|l| l.contains("skipped line"))
        .collect();
    assert_eq!(skipped.len(), 3, "{said}");
    assert!(
        skipped[0].contains("line 2") && skipped[0].ends_with("mixed.jsonl"),
        "{said}"
    );
    assert!(
        skipped[1].contains("line 3") && skipped[1].contains("outside the text"),
        "{said}"
    );
    assert!(skipped[2].contains("line 3, relation #1"), "{said}");
    assert!(
        said.contains("read 4 annotation(s) and 1 relation(s); imported 3 article(s), 3 annotation(s), 0 relation(s); skipped 3 invalid record(s)"),
        "{said}"
    );
}

#[test]
fn import_refuses_to_overwrite_without_force() {
    let dir = folder_with_session();
    let before = std::fs::read_to_string(dir.path().join("s.ron")).expect("session");
    let out = gloss(dir.path(), &["import", "in.json", "-o", "s.ron"]);
    let line = assert_one_error_line(&out, "s.ron");
    assert!(line.contains("--force"), "{line}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("s.ron")).expect("session"),
        before
    );
}

// ---------------------------------------------------------------- export

#[test]
fn export_every_format_to_stdout_and_to_a_file() {
    let dir = folder_with_session();
    for (format, file) in [
        ("json", "out.json"),
        ("jsonl", "out.jsonl"),
        ("doccano", "doccano.jsonl"),
        ("label-studio", "ls.json"),
        ("w3c", "out.jsonld"),
    ] {
        let out = gloss(dir.path(), &["export", "--format", format, "s.ron"]);
        assert_code(&out, 0);
        assert_eq!(stderr(&out), "", "{format}: nothing on stderr");
        let printed = stdout(&out);
        assert!(printed.ends_with('\n'), "{format}");

        let out = gloss(
            dir.path(),
            &["export", "--format", format, "s.ron", "-o", file],
        );
        assert_code(&out, 0);
        assert_eq!(stdout(&out), "", "{format}: nothing on stdout with -o");
        let written = std::fs::read_to_string(dir.path().join(file)).expect("export written");
        assert_eq!(written, printed, "{format}: file and stdout agree");

        // Every line (JSONL) or the whole output (JSON) parses.
        if file.ends_with(".jsonl") {
            for line in written.lines() {
                serde_json::from_str::<Value>(line).expect("JSON line");
            }
        } else {
            serde_json::from_str::<Value>(&written).expect("JSON");
        }
    }

    let jsonl = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    let article: Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(article["id"], "harbour");
    assert_eq!(article["annotations"].as_array().unwrap().len(), 3);

    let ls: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("ls.json")).unwrap())
            .unwrap();
    let results: Vec<&Value> = ls[0]["annotations"][0]["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "labels")
        .collect();
    assert_eq!(results.len(), 3);
    for r in results {
        let v = &r["value"];
        assert_eq!(
            py_slice(
                ARTICLE,
                v["start"].as_u64().unwrap(),
                v["end"].as_u64().unwrap()
            ),
            v["text"].as_str().unwrap()
        );
    }

    let w3c: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.jsonld")).unwrap())
            .unwrap();
    assert_eq!(w3c["type"], "AnnotationCollection");
    assert_eq!(w3c["total"], 3);
    let quote = w3c["first"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["body"][0]["value"] == "quote")
        .expect("the quote");
    let selectors = quote["target"]["selector"].as_array().unwrap();
    assert_eq!(selectors[0]["type"], "TextQuoteSelector");
    assert_eq!(selectors[0]["exact"], "“at last,”");
    let (start, end) = span_of("“at last,”");
    let prefix: String = ARTICLE.chars().take(start).skip(start - 32).collect();
    assert_eq!(prefix, "rbour news\n\nThe ferry is back — ");
    assert_eq!(
        selectors[0]["prefix"],
        prefix.as_str(),
        "32 chars of context"
    );
    assert_eq!(selectors[1]["type"], "TextPositionSelector");
    assert_eq!(selectors[1]["start"], start);
    assert_eq!(selectors[1]["end"], end);

    // No temporary files left next to the exports.
    assert!(
        files_in(dir.path())
            .iter()
            .all(|f| !f.starts_with(".gloss"))
    );
}

#[test]
fn export_brat_needs_a_folder() {
    let dir = folder_with_session();
    let out = gloss(dir.path(), &["export", "--format", "brat", "s.ron"]);
    assert_code(&out, 2);
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("-o"), "says how to fix it: {err}");
    assert!(err.contains("folder"), "{err}");

    let out = gloss(
        dir.path(),
        &["export", "--format", "brat", "s.ron", "-o", "brat"],
    );
    assert_code(&out, 0);
    assert_eq!(
        files_in(&dir.path().join("brat")),
        ["annotation.conf", "harbour.ann", "harbour.txt"]
    );
    let txt = std::fs::read_to_string(dir.path().join("brat/harbour.txt")).unwrap();
    assert_eq!(txt, ARTICLE);
    let ann = std::fs::read_to_string(dir.path().join("brat/harbour.ann")).unwrap();
    let (start, end) = span_of("“at last,”");
    assert!(
        ann.contains(&format!("\tquote {start} {end}\t“at last,”\n")),
        "{ann}"
    );
    assert!(
        ann.contains("\tstatus T"),
        "claim status as an attribute: {ann}"
    );
    assert!(ann.contains("AnnotatorNotes"), "{ann}");
    let conf = std::fs::read_to_string(dir.path().join("brat/annotation.conf")).unwrap();
    assert!(
        conf.contains("[entities]\nspoiler\nquote\nclaim\n"),
        "{conf}"
    );
}

#[test]
fn export_of_a_missing_or_malformed_session_is_bad_input() {
    let dir = folder_with_article();
    let out = gloss(dir.path(), &["export", "nothing.ron"]);
    let line = assert_one_error_line(&out, "nothing.ron");
    assert_eq!(stdout(&out), "");
    // The OS reason is said once, before the path.
    assert_eq!(line.matches("os error").count(), 1, "{line}");

    let out = gloss(dir.path(), &["export", "article.txt", "-o", "out.json"]);
    assert_one_error_line(&out, "article.txt");
    assert!(!dir.path().join("out.json").exists());
}

#[test]
fn export_to_a_closed_pipe_does_not_panic() {
    // Big enough that the export cannot fit in the pipe buffer before it is closed.
    let dir = tempfile::tempdir().expect("temp dir");
    let paragraph = "Ein Absatz über Überraschungen — mit “Zitaten” und 🌊. ".repeat(40);
    let big = vec![paragraph; 100].join("\n\n");
    std::fs::write(dir.path().join("big.txt"), &big).expect("write");
    assert_code(&gloss(dir.path(), &["new", "-o", "s.ron", "big.txt"]), 0);

    for format in ["json", "jsonl", "doccano", "label-studio"] {
        let mut child = Command::new(GLOSS)
            .args(["export", "--format", format, "s.ron"])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn gloss");
        let mut head = [0u8; 10];
        child
            .stdout
            .take()
            .expect("stdout")
            .read_exact(&mut head)
            .expect("ten bytes");
        // The pipe's read end is dropped here, like `| head -c 10`.
        let out = child.wait_with_output().expect("gloss exits");
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{format}: {err}");
        assert_eq!(out.status.code(), Some(0), "{format}: {err}");
        assert_eq!(err, "", "{format}");
    }
}

// ---------------------------------------------------------------- check

#[test]
fn check_a_clean_session() {
    let dir = folder_with_session();
    let out = gloss(dir.path(), &["check", "s.ron"]);
    assert_code(&out, 0);
    assert_eq!(
        stdout(&out),
        "harbour: ok: in progress: 3 annotation(s) (spoiler 1, quote 1, claim 1, source 0), 0 moved, 0 changed, 0 orphan(s) (0 ambiguous)\n\
         progress: 0 of 1 done (1 in progress, 0 to do)\n\
         1 article(s), 3 annotation(s), 0 orphan(s), 0 relation(s), 0 with an orphaned end\n"
    );
}

#[test]
fn check_reports_an_orphan_when_the_article_file_lost_a_quote() {
    let dir = folder_with_session();
    // Someone edits the article on disk: the quote is gone, the rest moves.
    let edited = ARTICLE
        .replace("“at last,” said", "said")
        .replace("Harbour news", "Harbour news, updated");
    std::fs::write(dir.path().join("article.txt"), edited).expect("edit article");

    // Without --update-sources the stored text stays: the change is reported.
    let out = gloss(dir.path(), &["check", "s.ron"]);
    assert_code(&out, 1);
    let report = stdout(&out);
    assert!(report.contains("harbour: PROBLEMS"), "{report}");
    assert!(
        report.contains(
            "article file changed on disk since the session was saved; the stored text is used"
        ),
        "{report}"
    );
    assert!(
        report.ends_with("0 orphan(s), 0 relation(s), 0 with an orphaned end\n"),
        "{report}"
    );
    let out = gloss(dir.path(), &["export", "s.ron"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("changed on disk"), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        json["articles"][0]["text"]
            .as_str()
            .unwrap()
            .contains("“at last,” said")
    );

    let out = gloss(dir.path(), &["check", "--update-sources", "s.ron"]);
    assert_code(&out, 1);
    let report = stdout(&out);
    assert!(
        report.contains("re-anchored to the changed article file"),
        "{report}"
    );
    assert!(report.contains("is an orphan: \"“at last,”\""), "{report}");
    assert!(
        report.contains("re-anchored: "),
        "the claim moved: {report}"
    );
    assert!(
        report.ends_with(
            "1 article(s), 3 annotation(s), 1 orphan(s), 0 relation(s), 0 with an orphaned end\n"
        ),
        "{report}"
    );
    assert_eq!(stderr(&out), "");

    // The orphan is kept and flagged in exports, never dropped.
    let out = gloss(dir.path(), &["export", "--update-sources", "s.ron"]);
    assert_code(&out, 0);
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let anns = json["articles"][0]["annotations"].as_array().unwrap();
    assert_eq!(anns.len(), 3);
    let orphans: Vec<&Value> = anns.iter().filter(|a| a["orphan"] == true).collect();
    assert_eq!(orphans.len(), 1);
    assert_eq!(orphans[0]["text"], "“at last,”");
    // The session file itself is untouched by check and export.
    assert!(!dir.path().join("s.ron.bak").exists());
}

#[test]
fn check_uses_the_stored_text_when_the_article_file_is_gone() {
    let dir = folder_with_session();
    std::fs::remove_file(dir.path().join("article.txt")).expect("remove");
    let out = gloss(dir.path(), &["check", "s.ron"]);
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains("using the text stored in the session"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn check_malformed_ron_gives_line_and_column() {
    let dir = folder_with_session();
    let good = std::fs::read_to_string(dir.path().join("s.ron")).expect("session");

    // A syntax error on a known line.
    let broken = good.replacen("next_id:", "next_id", 1);
    let line_no = broken
        .lines()
        .position(|l| l.contains("next_id"))
        .expect("next_id line")
        + 1;
    std::fs::write(dir.path().join("broken.ron"), broken).expect("write");
    let out = gloss(dir.path(), &["check", "broken.ron"]);
    let line = assert_one_error_line(&out, "broken.ron");
    assert!(line.contains(&format!("line {line_no}, column")), "{line}");
    assert_eq!(stdout(&out), "");

    // Truncated mid-file.
    let cut: String = good.chars().take(good.chars().count() / 2).collect();
    std::fs::write(dir.path().join("cut.ron"), cut).expect("write");
    let out = gloss(dir.path(), &["check", "cut.ron"]);
    let line = assert_one_error_line(&out, "cut.ron");
    assert!(line.contains("line ") && line.contains("column "), "{line}");

    // Not RON at all, and a version from the future.
    std::fs::write(dir.path().join("junk.ron"), "\u{1F30A} not a session").expect("write");
    assert_one_error_line(&gloss(dir.path(), &["check", "junk.ron"]), "junk.ron");
    std::fs::write(dir.path().join("future.ron"), "(version: 99)\n").expect("write");
    let line = assert_one_error_line(&gloss(dir.path(), &["check", "future.ron"]), "future.ron");
    assert!(line.contains("newer"), "{line}");
}

#[test]
fn the_example_session_checks_clean() {
    let out = gloss(&manifest_dir(), &["check", "sessions/example.ron"]);
    assert_code(&out, 0);
    let report = stdout(&out);
    assert!(
        report.contains("0 orphan(s), 15 relation(s), 0 with an orphaned end"),
        "{report}"
    );
    assert_eq!(report.matches(": ok: ").count(), 3, "{report}");
}

// ---------------------------------------------------------------- usage

#[test]
fn help_works_on_every_subcommand() {
    let dir = tempfile::tempdir().expect("temp dir");
    let top = gloss(dir.path(), &["--help"]);
    assert_code(&top, 0);
    let text = stdout(&top);
    for sub in ["new", "import", "export", "check"] {
        assert!(text.contains(sub), "{sub} listed in --help:\n{text}");
        for args in [vec![sub, "--help"], vec!["help", sub]] {
            let out = gloss(dir.path(), &args);
            assert_code(&out, 0);
            let help = stdout(&out);
            assert!(help.contains("Usage: gloss"), "{args:?}:\n{help}");
            assert!(help.contains(sub), "{args:?}:\n{help}");
        }
    }
    let export = stdout(&gloss(dir.path(), &["export", "--help"]));
    for format in ["json", "jsonl", "doccano", "label-studio", "w3c", "brat"] {
        assert!(export.contains(format), "{format} in export --help");
    }
    assert_code(&gloss(dir.path(), &["--version"]), 0);
}

#[test]
fn usage_errors_exit_2() {
    let dir = folder_with_session();
    for args in [
        &["export", "--format", "pdf", "s.ron"][..],
        &["new", "article.txt"],
        &["new", "-o", "x.ron"],
        &["check"],
        &["import", "in.json"],
        &["check", "s.ron", "--frobnicate"],
    ] {
        let out = gloss(dir.path(), args);
        assert_code(&out, 2);
        assert!(stderr(&out).starts_with("error: "), "{args:?}");
        assert!(!stderr(&out).contains("panicked"), "{args:?}");
    }
    assert!(!dir.path().join("x.ron").exists());
}

#[test]
fn import_resolves_relative_sources_from_the_json_files_folder() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("art.txt"), "A short article about the tide.\n").unwrap();
    std::fs::write(
        input.join("data.json"),
        r#"{"articles": [{"source": "art.txt", "text": "A short article about the tide.\n",
            "annotations": [{"label": "claim", "start": 2, "end": 7}]}]}"#,
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    // Run from somewhere else entirely: the source must still be found next to the JSON.
    let elsewhere = tempfile::tempdir().unwrap();
    let session = dir.path().join("out").join("s.ron");
    let out = gloss(
        elsewhere.path(),
        &[
            "import",
            input.join("data.json").to_str().unwrap(),
            "-o",
            session.to_str().unwrap(),
        ],
    );
    assert_code(&out, 0);
    let ron = std::fs::read_to_string(&session).unwrap();
    assert!(ron.contains(r#"source: "../in/art.txt""#), "{ron}");
    // Editing the article file is now noticed by `check`, proving the link is real.
    std::fs::write(input.join("art.txt"), "Nothing here matches any more.\n").unwrap();
    let out = gloss(elsewhere.path(), &["check", session.to_str().unwrap()]);
    assert_code(&out, 1);
    assert!(stdout(&out).contains("orphan"), "{}", stdout(&out));
}

/// Run `gloss ARGS` in `dir`, failing the test if it has not finished within `seconds`
/// (a FIFO or a device must never hang it).
fn gloss_within(dir: &Path, args: &[&str], seconds: u64) -> Output {
    let mut child = Command::new(GLOSS)
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the gloss binary runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while child.try_wait().expect("wait").is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().expect("kill");
            panic!("gloss {args:?} hung for {seconds} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// The session file `s.ron` of `dir` with its article's source replaced.
fn point_source_at(dir: &Path, source: &str) {
    let path = dir.join("s.ron");
    let ron = std::fs::read_to_string(&path).unwrap();
    let line = ron
        .lines()
        .find(|l| l.trim_start().starts_with("source: "))
        .expect("a source line")
        .to_owned();
    let indent = &line[..line.len() - line.trim_start().len()];
    let replaced = ron.replacen(&line, &format!("{indent}source: {source:?},"), 1);
    std::fs::write(&path, replaced).unwrap();
}

#[test]
fn a_session_from_someone_else_cannot_read_other_files() {
    let dir = folder_with_session();
    let secret = "-----BEGIN PRIVATE KEY----- top secret";
    // Files the session names that are not the article: a key without an article
    // extension, a changed .txt, a device behind a .txt name, a FIFO named .txt.
    std::fs::write(dir.path().join("id_rsa"), secret).unwrap();
    std::fs::write(dir.path().join("notes.txt"), secret).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.txt")).unwrap();
    let fifo_made = Command::new("mkfifo")
        .arg(dir.path().join("pipe.txt"))
        .status()
        .is_ok_and(|s| s.success());
    let mut names = vec!["id_rsa", "notes.txt", "/dev/zero"];
    if cfg!(unix) {
        names.push("zero.txt");
    }
    if fifo_made {
        names.push("pipe.txt");
    }
    for name in names {
        point_source_at(dir.path(), name);
        for update in [false, true] {
            let mut args = vec!["export", "s.ron"];
            if update {
                args.insert(1, "--update-sources");
            }
            let out = gloss_within(dir.path(), &args, 20);
            assert_code(&out, 0);
            let text = stdout(&out);
            // Only a regular article file, and only when asked, replaces the stored text.
            let asked_for = update && name == "notes.txt";
            assert_eq!(text.contains("top secret"), asked_for, "{name}: {args:?}");
            let json: Value = serde_json::from_str(&text).unwrap();
            let article = json["articles"][0]["text"].as_str().unwrap();
            assert_eq!(
                article.contains("Zoë Ferrier"),
                !asked_for,
                "{name}: {args:?}"
            );
        }
        let out = gloss_within(dir.path(), &["check", "s.ron"], 20);
        assert!(!stdout(&out).contains("top secret"), "{name}");
        if name == "notes.txt" {
            // A regular article file that changed is reported, never used silently.
            assert_code(&out, 1);
            assert!(stdout(&out).contains("changed on disk"), "{}", stdout(&out));
        } else {
            assert!(stdout(&out).contains("note: using the text stored in the session"));
        }
    }
}

#[test]
fn outputs_that_are_not_regular_files_are_refused() {
    let dir = folder_with_session();
    let out = gloss(dir.path(), &["export", "s.ron", "-o", "/dev/null"]);
    assert_one_error_line(&out, "/dev/null");
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let meta = std::fs::metadata("/dev/null").unwrap();
        assert!(
            meta.file_type().is_char_device(),
            "/dev/null is still a device"
        );
        std::fs::write(dir.path().join("kept.txt"), "mine").unwrap();
        std::os::unix::fs::symlink("kept.txt", dir.path().join("link.json")).unwrap();
        let out = gloss(dir.path(), &["export", "s.ron", "-o", "link.json"]);
        assert_one_error_line(&out, "link.json");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("kept.txt")).unwrap(),
            "mine"
        );
        assert!(
            std::fs::symlink_metadata(dir.path().join("link.json"))
                .unwrap()
                .is_symlink()
        );
    }
    if Command::new("mkfifo")
        .arg(dir.path().join("pipe.json"))
        .status()
        .is_ok_and(|s| s.success())
    {
        let out = gloss_within(dir.path(), &["export", "s.ron", "-o", "pipe.json"], 20);
        assert_one_error_line(&out, "pipe.json");
    }
}

#[test]
fn devices_and_fifos_as_inputs_are_refused_at_once() {
    let dir = folder_with_article();
    for args in [
        vec!["check", "/dev/zero"],
        vec!["import", "--format", "doccano", "/dev/zero", "-o", "x.ron"],
        vec!["import", "/dev/zero", "-o", "y.ron"],
        vec!["new", "-o", "z.ron", "/dev/zero"],
    ] {
        let out = gloss_within(dir.path(), &args, 20);
        assert_one_error_line(&out, "/dev/zero");
        assert!(
            stderr(&out).contains("not a regular file"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn brat_export_never_replaces_a_persons_files_unless_forced() {
    let dir = folder_with_article();
    // The article id "article" makes brat write article.txt: the person's own file.
    let out = gloss(dir.path(), &["new", "-o", "s.ron", "article.txt"]);
    assert_code(&out, 0);
    std::fs::write(dir.path().join("article.txt"), "my own edited copy").unwrap();
    let out = gloss(
        dir.path(),
        &["export", "--format", "brat", "s.ron", "-o", "."],
    );
    assert_code(&out, 2);
    // (A warning says the article file changed; the error is the last line.)
    let err = stderr(&out);
    let line = err.lines().last().unwrap_or_default();
    assert!(line.starts_with("error: "), "{err}");
    assert!(
        line.contains("article.txt") && line.contains("--force"),
        "{line}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("article.txt")).unwrap(),
        "my own edited copy",
        "untouched"
    );
    assert!(
        !dir.path().join("annotation.conf").exists(),
        "nothing half-written"
    );
    let out = gloss(
        dir.path(),
        &["export", "--format", "brat", "--force", "s.ron", "-o", "."],
    );
    assert_code(&out, 0);
    assert!(dir.path().join("annotation.conf").exists());
    // A new folder is created whole.
    let out = gloss(
        dir.path(),
        &["export", "--format", "brat", "s.ron", "-o", "fresh"],
    );
    assert_code(&out, 0);
    assert!(dir.path().join("fresh/article.ann").exists());
    let leftovers: Vec<String> = files_in(dir.path())
        .into_iter()
        .filter(|f| f.starts_with(".gloss-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn brat_fields_cannot_inject_lines() {
    let dir = folder_with_article();
    let json = r##"{"labels": [{"id": "odd\nlabel", "name": "Odd", "color": "#112233",
        "attributes": [{"key": "k\tey\nT9", "choices": ["a|b", "c\nd"]}]}],
      "articles": [{"id": "a", "text": "Some text here", "annotations": [
        {"label": "odd\nlabel", "start": 0, "end": 4, "note": "line\nT99\tquote 0 4\tfake",
         "attributes": {"k\tey\nT9": "c\nd", "free\nkey": "x\ny"}}]}]}"##;
    std::fs::write(dir.path().join("in.json"), json).unwrap();
    assert_code(&gloss(dir.path(), &["import", "in.json", "-o", "s.ron"]), 0);
    assert_code(
        &gloss(
            dir.path(),
            &["export", "--format", "brat", "s.ron", "-o", "brat"],
        ),
        0,
    );
    let ann = std::fs::read_to_string(dir.path().join("brat/a.ann")).unwrap();
    for line in ann.lines() {
        let id = line.split('\t').next().unwrap_or_default();
        assert!(
            id.starts_with('T') || id.starts_with('A') || id.starts_with('#'),
            "{ann}"
        );
        assert!(line.split('\t').count() <= 3, "{line:?}");
    }
    assert_eq!(
        ann.lines().filter(|l| l.starts_with('T')).count(),
        1,
        "{ann}"
    );
    let conf = std::fs::read_to_string(dir.path().join("brat/annotation.conf")).unwrap();
    assert!(conf.contains("odd_label\n"), "{conf}");
    assert!(!conf.contains("a|b|"), "choices are sanitised: {conf}");
}

#[test]
fn every_error_is_one_line_even_when_stderr_is_full() {
    let dir = folder_with_article();
    let out = gloss(dir.path(), &["export", "--no-such-option", "s.ron"]);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    let out = gloss(dir.path(), &["check", "odd\nname.ron"]);
    let line = assert_one_error_line(&out, "odd\\nname.ron");
    assert!(!line.contains("os error 2 os error"), "{line}");
    if let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") {
        let status = Command::new(GLOSS)
            .args(["check", "missing.ron"])
            .current_dir(dir.path())
            .stderr(full)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(2), "exit 2, not a panic");
    }
    // A session without articles exports valid, empty JSON Lines.
    std::fs::write(dir.path().join("empty.ron"), "(version: 2, articles: [])\n").unwrap();
    let out = gloss(dir.path(), &["export", "--format", "jsonl", "empty.ron"]);
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "");
}

#[test]
fn new_over_thousands_of_files_with_one_name() {
    // Saved pages often all are index.html, each in a folder of its own.
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["new".to_owned(), "-o".to_owned(), "s.ron".to_owned()];
    for n in 0..4_000 {
        let folder = dir.path().join(format!("p{n}"));
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(
            folder.join("index.txt"),
            format!("Page {n}\n\nText of page {n}.\n"),
        )
        .unwrap();
        args.push(format!("p{n}/index.txt"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = gloss_within(dir.path(), &args, 120);
    assert_code(&out, 0);
    let out = gloss(dir.path(), &["export", "--format", "jsonl", "s.ron"]);
    let ids: BTreeSet<String> = stdout(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 4_000, "every article has an id of its own");
    assert!(ids.contains("index") && ids.contains("index-4000"));
}

#[test]
fn conll_export_is_iob2_and_counts_what_it_leaves_out() {
    let out = gloss(
        &manifest_dir(),
        &["export", "--format", "conll", "sessions/example.ron"],
    );
    assert_code(&out, 0);
    let conll = stdout(&out);
    assert_eq!(conll.matches("-DOCSTART-\tO\n").count(), 3);
    for line in conll.lines().filter(|l| !l.is_empty()) {
        let (token, tag) = line.split_once('\t').expect("two columns");
        assert!(
            !token.is_empty() && !token.contains(char::is_whitespace),
            "{line:?}"
        );
        assert!(
            tag == "O" || tag.starts_with("B-") || tag.starts_with("I-"),
            "{line:?}"
        );
    }
    // IOB2: an I- tag continues a B- or I- of the same label.
    let tags: Vec<&str> = conll.lines().filter_map(|l| l.split('\t').nth(1)).collect();
    for pair in tags.windows(2) {
        if let Some(label) = pair[1].strip_prefix("I-") {
            assert!(pair[0].ends_with(label) && pair[0] != "O", "{pair:?}");
        }
    }
    let said = stderr(&out);
    assert!(
        said.contains("15 relation(s) cannot be written in conll"),
        "{said}"
    );
}

/// An article with a quote and its speaker, a claim with figures and a plain sentence.
const SUGGEST_ARTICLE: &str = "Harbour vote\n\n\
“We are ready to start the works,” said Mayor Ana Ruiz on Monday.\n\n\
The new bridge cost €4.2 million, 30% more than planned, according to council figures.\n\n\
What a lovely morning it was.\n";

#[test]
fn suggest_prints_json_with_code_point_offsets_speakers_and_scores() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("vote.txt"), SUGGEST_ARTICLE).unwrap();
    let out = gloss(dir.path(), &["suggest", "vote.txt"]);
    assert_code(&out, 0);
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["offset_unit"], "codepoint");
    let article = &json["articles"][0];
    assert_eq!(article["id"], "vote");
    assert!(article["source"].as_str().unwrap().ends_with("vote.txt"));
    assert_eq!(article["text_sha256"].as_str().unwrap().len(), 64);
    let suggestions = article["suggestions"].as_array().unwrap();
    let chars: Vec<char> = SUGGEST_ARTICLE.chars().collect();
    for s in suggestions {
        // Offsets are code points: the text is exactly those chars of the file.
        let (start, end) = (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
        );
        let expected: String = chars[start..end].iter().collect();
        assert_eq!(s["text"], expected.as_str());
        let score = s["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score), "{s}");
        assert!(!s["reason"].as_str().unwrap().is_empty(), "{s}");
    }
    let quote = suggestions
        .iter()
        .find(|s| s["label"] == "quote")
        .expect("the quote is suggested");
    assert!(
        quote["text"]
            .as_str()
            .unwrap()
            .contains("We are ready to start the works")
    );
    assert!(
        quote["attributes"]["speaker"]
            .as_str()
            .unwrap()
            .contains("Ana Ruiz"),
        "{quote}"
    );
    let to = quote["relations"][0]["to"].as_u64().unwrap() as usize;
    assert_eq!(quote["relations"][0]["type"], "speaker");
    assert_eq!(suggestions[to]["label"], "source");
    assert!(
        suggestions[to]["text"]
            .as_str()
            .unwrap()
            .contains("Ana Ruiz")
    );
    let claim = suggestions
        .iter()
        .find(|s| s["label"] == "claim" && s["text"].as_str().unwrap().contains("€4.2 million"))
        .expect("the figures are a claim");
    let plain = suggestions
        .iter()
        .find(|s| s["text"].as_str().unwrap().contains("lovely morning"));
    assert!(
        plain.is_none_or(|p| p["score"].as_f64() < claim["score"].as_f64()),
        "{plain:?}"
    );
    // Only the kinds asked for, only above the score asked for.
    let out = gloss(dir.path(), &["suggest", "--labels", "claim", "vote.txt"]);
    assert_code(&out, 0);
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let labels: BTreeSet<String> = json["articles"][0]["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(labels, BTreeSet::from(["claim".to_owned()]));
    let out = gloss(dir.path(), &["suggest", "--min-score", "1.5", "vote.txt"]);
    assert_one_error_line(&out, "1.5");
}

#[test]
fn suggest_into_a_session_stores_pending_suggestions_and_never_offers_a_rejected_one_again() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("vote.txt"), SUGGEST_ARTICLE).unwrap();
    assert_code(&gloss(dir.path(), &["new", "-o", "s.ron", "vote.txt"]), 0);
    let out = gloss(dir.path(), &["suggest", "s.ron", "-o", "pending.ron"]);
    assert_code(&out, 0);
    let loaded = gloss::formats::load_session(&dir.path().join("pending.ron")).unwrap();
    let doc = &loaded.session.documents[0];
    assert!(
        doc.annotations.is_empty(),
        "suggestions are not annotations"
    );
    assert!(!doc.pending.suggestions.is_empty());
    // A session gets what the app would offer for review: nothing under 0.5.
    assert!(
        doc.pending
            .suggestions
            .iter()
            .all(|s| s.score.value() >= 0.5),
        "{:?}",
        doc.pending.suggestions
    );
    // Reject one, save, and suggest again into that session.
    let mut session = loaded.session;
    let first = session.documents[0].pending.suggestions[0].clone();
    let reject = session.reject_suggestions("vote", &[first.id]).unwrap();
    let mut history = gloss::model::History::default();
    history.apply(&mut session, reject).unwrap();
    gloss::formats::save_session(&session, &dir.path().join("reviewed.ron")).unwrap();
    // Refuses to replace a file without --force.
    let out = gloss(
        dir.path(),
        &["suggest", "reviewed.ron", "-o", "reviewed.ron"],
    );
    assert_one_error_line(&out, "reviewed.ron");
    let out = gloss(
        dir.path(),
        &["suggest", "reviewed.ron", "-o", "reviewed.ron", "--force"],
    );
    assert_code(&out, 0);
    let again = gloss::formats::load_session(&dir.path().join("reviewed.ron")).unwrap();
    let pending = &again.session.documents[0].pending;
    assert!(
        !pending
            .suggestions
            .iter()
            .any(|s| s.label == first.label && s.span() == first.span()),
        "the rejected suggestion came back"
    );
    assert_eq!(pending.rejected.len(), 1);
    // Label Studio sees them as predictions.
    let out = gloss(
        dir.path(),
        &["export", "--format", "label-studio", "reviewed.ron"],
    );
    assert_code(&out, 0);
    let tasks: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        tasks[0]["predictions"][0]["result"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
}
