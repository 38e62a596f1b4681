//! Behaviour at the file boundary: loading articles, session files, exports and imports.

// Helpers here are test code too; `allow-unwrap-in-tests` only covers `#[test]` fns.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use gloss::formats::export::export_string;
use gloss::formats::import::{import_doccano, import_json};
use gloss::formats::{
    ArticleError, ExportFormat, MAX_ARTICLE_BYTES, SESSION_VERSION, SessionFileError,
    export_session, load_article, load_session, save_session,
};
use gloss::model::{
    Anchoring, Annotation, AnnotationId, Article, AttributeSpec, Edit, History, Label, Rgb,
    Session, Timestamp, sha256_hex,
};
use serde_json::{Value, json};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The char range of the first `needle` in `text`.
fn find(text: &str, needle: &str) -> Range<usize> {
    let byte = text.find(needle).unwrap();
    let start = text[..byte].chars().count();
    start..start + needle.chars().count()
}

/// The char range of the last `needle` in `text`.
fn rfind(text: &str, needle: &str) -> Range<usize> {
    let byte = text.rfind(needle).unwrap();
    let start = text[..byte].chars().count();
    start..start + needle.chars().count()
}

fn ts(secs: u64) -> Timestamp {
    Timestamp(1_790_000_000 + secs)
}

/// Files in a folder, by name.
fn listing(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

// =======================================================================================
// Articles

#[test]
fn crlf_and_lone_cr_become_lf() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "tide table.txt",
        b"Tide table\r\nHigh water at noon.\r\n\r\nLow water\rat six.\r",
    );
    let article = load_article(&path).unwrap();
    assert_eq!(
        article.text.as_str(),
        "Tide table\nHigh water at noon.\n\nLow water\nat six.\n"
    );
    assert_eq!(article.title, "Tide table");
    assert_eq!(article.id, "tide-table");
    assert_eq!(article.source, path.to_string_lossy());
    assert_eq!(article.sha256, sha256_hex(article.text.as_str()));
}

#[test]
fn utf8_with_a_bom_loses_the_bom() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice("Crème brûlée 🍮\r\nfor two.".as_bytes());
    let path = write(dir.path(), "dessert.txt", &bytes);
    let article = load_article(&path).unwrap();
    assert_eq!(article.text.as_str(), "Crème brûlée 🍮\nfor two.");
    assert_eq!(article.title, "Crème brûlée 🍮");
}

fn utf16_file(big_endian: bool, text: &str) -> Vec<u8> {
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        let pair = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        bytes.extend_from_slice(&pair);
    }
    bytes
}

#[test]
fn utf16_le_and_be_with_a_bom_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let source = "Naïve violinist 🎻 plays\r\nat the pier.\r\n";
    for (big_endian, name) in [(false, "le.txt"), (true, "be.txt")] {
        let path = write(dir.path(), name, &utf16_file(big_endian, source));
        let article = load_article(&path).unwrap();
        assert_eq!(
            article.text.as_str(),
            "Naïve violinist 🎻 plays\nat the pier.\n",
            "{name}"
        );
    }
}

#[test]
fn windows_1252_text_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    // Smart quotes (0x93/0x94) and an en dash (0x96) only exist in windows-1252.
    let bytes = b"The caf\xE9 on the quay served cr\xE8me br\xFBl\xE9e \x96 \x93the best \
                  on the coast\x94, said the na\xEFve critic, who had tried \xE0 la carte.\r\n";
    let path = write(dir.path(), "review.txt", bytes);
    let article = load_article(&path).unwrap();
    assert_eq!(
        article.text.as_str(),
        "The café on the quay served crème brûlée \u{2013} \u{201C}the best on the coast\u{201D}, \
         said the naïve critic, who had tried à la carte.\n"
    );
}

#[test]
fn markdown_title_comes_from_the_first_heading() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "notes.md",
        b"Draft, do not share\n\n## Lighthouse log\n\nThe lamp was lit at dusk.\n",
    );
    let article = load_article(&path).unwrap();
    assert_eq!(article.title, "Lighthouse log");
    // Markdown is kept as written.
    assert!(article.text.as_str().contains("## Lighthouse log"));
}

const FERRY_HTML: &str = "<!DOCTYPE html>\r\n<html><head><title>Night Ferry | The Coast Weekly</title>\r\n\
<style>body { color: red; } .hidden-style-text {}</style>\r\n\
<script>window.tracker = \"script text must not appear\";</script></head>\r\n<body>\r\n\
<nav><a href=\"/\">Home</a> | <a href=\"/news\">Navigation text</a></nav>\r\n\
<article>\r\n<h1>The night ferry</h1>\r\n\
<p>The crossing took <em>four</em> hours,\r\n   longer than the timetable promised.</p>\r\n\
<p>Salt &amp; diesel hung in the air.</p>\r\n\
<script>document.write('inline script text')</script>\r\n\
</article>\r\n<footer>Footer text, all rights reserved</footer>\r\n</body></html>\r\n";

#[test]
fn html_becomes_title_and_readable_paragraphs() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "ferry.html", FERRY_HTML.as_bytes());
    let article = load_article(&path).unwrap();
    assert_eq!(article.title, "Night Ferry | The Coast Weekly");
    assert_eq!(
        article.text.as_str(),
        "The night ferry\n\n\
         The crossing took four hours, longer than the timetable promised.\n\n\
         Salt & diesel hung in the air."
    );
    for chrome in ["script", "Navigation", "Footer", "hidden-style", "Home"] {
        assert!(
            !article.text.as_str().contains(chrome),
            "{chrome:?} leaked into the text"
        );
    }
}

#[test]
fn html_without_a_title_element_takes_the_first_h1() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "gulls.htm",
        b"<body><h1>  Gulls   over\n the harbour </h1><p>They came at dawn.</p><p>And left.</p></body>",
    );
    let article = load_article(&path).unwrap();
    assert_eq!(article.title, "Gulls over the harbour");
    assert_eq!(
        article.text.as_str(),
        "Gulls over the harbour\n\nThey came at dawn.\n\nAnd left."
    );
}

/// The error names the file, and the path comes last.
fn assert_names_file(error: &ArticleError, path: &Path) {
    let message = error.to_string();
    assert!(
        message.ends_with(&path.display().to_string()),
        "{message:?} should end with {}",
        path.display()
    );
    assert!(!message.contains('\n'), "one line: {message:?}");
}

#[test]
fn binary_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "photo.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let error = load_article(&path).unwrap_err();
    assert!(matches!(error, ArticleError::Binary(_)), "{error:?}");
    assert!(error.to_string().contains("binary"));
    assert_names_file(&error, &path);
}

#[test]
fn files_over_the_size_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    // Sparse: takes no disk space.
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_ARTICLE_BYTES + 1).unwrap();
    drop(file);
    let error = load_article(&path).unwrap_err();
    assert!(
        matches!(error, ArticleError::TooLarge { size, .. } if size == MAX_ARTICLE_BYTES + 1),
        "{error:?}"
    );
    assert_eq!(MAX_ARTICLE_BYTES, 64 * 1024 * 1024);
    assert_names_file(&error, &path);
}

#[test]
fn a_file_exactly_at_the_limit_is_not_refused_for_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("limit.txt");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_ARTICLE_BYTES).unwrap();
    drop(file);
    // All NUL bytes: refused, but as binary, not as too large.
    let error = load_article(&path).unwrap_err();
    assert!(matches!(error, ArticleError::Binary(_)), "{error:?}");
}

#[test]
fn empty_and_whitespace_only_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("empty.txt", &b""[..]),
        ("blank.txt", b"  \r\n\t\n  \r"),
        ("bom-only.txt", b"\xEF\xBB\xBF"),
        ("utf16-blank.txt", b"\xFF\xFE \0\n\0"),
        (
            "chrome-only.html",
            b"<nav>Home</nav><script>x()</script><footer>f</footer>",
        ),
    ] {
        let path = write(dir.path(), name, bytes);
        let error = load_article(&path).unwrap_err();
        assert!(matches!(error, ArticleError::Empty(_)), "{name}: {error:?}");
        assert!(error.to_string().contains("empty"), "{error}");
        assert_names_file(&error, &path);
    }
}

#[test]
fn a_missing_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no such article.txt");
    let error = load_article(&path).unwrap_err();
    assert!(matches!(error, ArticleError::NotFound(_)), "{error:?}");
    assert_names_file(&error, &path);
}

#[test]
fn a_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chapter.txt");
    std::fs::create_dir(&path).unwrap();
    let error = load_article(&path).unwrap_err();
    assert!(
        matches!(error, ArticleError::Unreadable { .. }),
        "{error:?}"
    );
    assert_names_file(&error, &path);
}

// =======================================================================================
// Sessions

const FOX: &str =
    "🦊 Mira said “we leave at dawn” and smiled.\nThe fox was Mira all\nalong, the letter says.\n";
const LEDGER: &str =
    "# Ledger\n\nThe mill sold 40 sacks in March.\nPrices doubled — “a scandal”, the baker said.\n";

/// Build a session through edits, the way a person would.
fn build_session(fox_source: &str, ledger_source: &str) -> Session {
    let mut session = Session::new();
    let mut history = History::new();
    session.add_article(Article::new("fox", "The fox", fox_source, FOX));
    session.add_article(Article::new("ledger", "Ledger", ledger_source, LEDGER));
    let mut apply = |session: &mut Session, edit: Edit| history.apply(session, edit).unwrap();

    // A custom label, and a renamed default one.
    let rumour = Label {
        hotkey: Some('R'),
        description: "Heard, not seen.".to_owned(),
        attributes: vec![AttributeSpec {
            key: "confidence".to_owned(),
            choices: vec!["low".to_owned(), "high".to_owned()],
            default: "low".to_owned(),
        }],
        ..Label::new("rumour", "Rumour", Rgb([0x12, 0x34, 0x56]))
    };
    let index = session.labels.len();
    apply(
        &mut session,
        Edit::AddLabel {
            index,
            label: rumour,
        },
    );
    let claim = session.label("claim").unwrap().clone();
    apply(
        &mut session,
        Edit::ReplaceLabel {
            after: Label {
                name: "Checkable claim".to_owned(),
                ..claim.clone()
            },
            before: claim,
        },
    );

    let add = |session: &mut Session, article: &str, label: &str, span: Range<usize>| {
        let edit = session.annotate(article, label, span, ts(0)).unwrap();
        let Edit::AddAnnotation { annotation, .. } = &edit else {
            panic!("annotate builds an AddAnnotation");
        };
        (annotation.id, edit)
    };

    let (quote, edit) = add(&mut session, "fox", "quote", find(FOX, "we leave at dawn"));
    apply(&mut session, edit);
    let edit = session
        .update_annotation("fox", quote, ts(60), |a| {
            a.note = "First line of dialogue".to_owned();
            a.attributes.insert("speaker".to_owned(), "Mira".to_owned());
        })
        .unwrap();
    apply(&mut session, edit);
    let span = find(FOX, "The fox was Mira all\nalong");
    let (_, edit) = add(&mut session, "fox", "spoiler", span);
    apply(&mut session, edit);
    let (claim, edit) = add(&mut session, "fox", "claim", find(FOX, "the letter says"));
    apply(&mut session, edit);
    let edit = session
        .update_annotation("fox", claim, ts(120), |a| {
            a.attributes.insert("status".to_owned(), "true".to_owned());
            a.attributes
                .insert("source".to_owned(), "the letter".to_owned());
        })
        .unwrap();
    apply(&mut session, edit);

    let (_, edit) = add(&mut session, "ledger", "rumour", find(LEDGER, "a scandal"));
    apply(&mut session, edit);
    let (_, edit) = add(
        &mut session,
        "ledger",
        "claim",
        find(LEDGER, "The mill sold 40 sacks in March."),
    );
    apply(&mut session, edit);
    session
}

#[test]
fn a_saved_session_loads_back_equal() {
    let dir = tempfile::tempdir().unwrap();
    let fox = write(dir.path(), "articles/fox.txt", FOX.as_bytes());
    let ledger = write(dir.path(), "articles/ledger.md", LEDGER.as_bytes());
    let session = build_session(&fox.to_string_lossy(), &ledger.to_string_lossy());
    let path = dir.path().join("work.ron");
    save_session(&session, &path).unwrap();

    let loaded = load_session(&path).unwrap();
    assert_eq!(loaded.session, session);
    assert!(!loaded.has_problems(), "{:?}", loaded.reports);
    for report in &loaded.reports {
        assert_eq!(report.source_missing, None);
        assert!(!report.source_changed);
    }
    // Spot-check what a person would look at.
    let doc = loaded.session.document("fox").unwrap();
    let quote = doc.annotations.iter().find(|a| a.label == "quote").unwrap();
    assert_eq!(quote.note, "First line of dialogue");
    assert_eq!(quote.attributes["speaker"], "Mira");
    assert_eq!(quote.created, ts(0));
    assert_eq!(quote.modified, ts(60));
    assert_eq!(
        loaded.session.label("claim").unwrap().name,
        "Checkable claim"
    );
    assert_eq!(loaded.session.label("rumour").unwrap().hotkey, Some('R'));

    // The file is readable RON with a version and the text itself.
    let ron = std::fs::read_to_string(&path).unwrap();
    assert!(ron.starts_with("(\n"), "{ron}");
    assert!(
        ron.contains(&format!("version: {SESSION_VERSION},")),
        "{ron}"
    );
    assert!(ron.contains("Mira said"), "{ron}");
}

#[test]
fn a_session_still_opens_when_its_articles_are_gone() {
    let dir = tempfile::tempdir().unwrap();
    let fox = write(dir.path(), "articles/fox.txt", FOX.as_bytes());
    let ledger = write(dir.path(), "articles/ledger.md", LEDGER.as_bytes());
    let session = build_session(&fox.to_string_lossy(), &ledger.to_string_lossy());
    let path = dir.path().join("work.ron");
    save_session(&session, &path).unwrap();
    std::fs::remove_dir_all(dir.path().join("articles")).unwrap();

    let loaded = load_session(&path).unwrap();
    assert_eq!(loaded.session.documents, session.documents);
    assert!(loaded.reports.iter().all(|r| r.source_missing.is_some()));
}

#[test]
fn saving_is_atomic_and_keeps_the_previous_file_as_bak() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = build_session("", "");
    let path = dir.path().join("work.ron");
    save_session(&session, &path).unwrap();
    assert_eq!(listing(dir.path()), BTreeSet::from(["work.ron".to_owned()]));
    let first = std::fs::read_to_string(&path).unwrap();

    session.next_id += 10;
    let id = session.document("fox").unwrap().annotations[0].id;
    let edit = session.delete_annotation("fox", id).unwrap();
    edit.apply(&mut session).unwrap();
    save_session(&session, &path).unwrap();
    let second = std::fs::read_to_string(&path).unwrap();
    assert_ne!(first, second);

    let backup = dir.path().join("work.ron.bak");
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), first);
    assert_eq!(
        listing(dir.path()),
        BTreeSet::from(["work.ron".to_owned(), "work.ron.bak".to_owned()]),
        "no temporary files are left behind"
    );
    assert_eq!(load_session(&path).unwrap().session, session);

    // A third save moves the backup on.
    save_session(&build_session("", ""), &path).unwrap();
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), second);
}

#[test]
fn saving_into_a_missing_folder_fails_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("not-there").join("work.ron");
    let error = save_session(&build_session("", ""), &path).unwrap_err();
    assert!(matches!(error, SessionFileError::Write { .. }), "{error:?}");
    assert!(
        error.to_string().ends_with(&path.display().to_string()),
        "{error}"
    );
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn article_sources_are_written_relative_to_the_session_folder() {
    let dir = tempfile::tempdir().unwrap();
    let fox = write(dir.path(), "project/articles/fox.txt", FOX.as_bytes());
    let ledger = write(dir.path(), "project/ledger.md", LEDGER.as_bytes());
    let session = build_session(&fox.to_string_lossy(), &ledger.to_string_lossy());
    let path = dir.path().join("project/sessions/work.ron");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    save_session(&session, &path).unwrap();
    let ron = std::fs::read_to_string(&path).unwrap();
    assert!(ron.contains("source: \"../articles/fox.txt\""), "{ron}");
    assert!(ron.contains("source: \"../ledger.md\""), "{ron}");
    assert!(!ron.contains(&dir.path().display().to_string()), "{ron}");

    // Move the whole project: the session still finds its article files.
    let moved = dir.path().join("moved");
    std::fs::rename(dir.path().join("project"), &moved).unwrap();
    let loaded = load_session(&moved.join("sessions/work.ron")).unwrap();
    for report in &loaded.reports {
        assert_eq!(report.source_missing, None, "{report:?}");
    }
    let fox_doc = loaded.session.document("fox").unwrap();
    assert_eq!(
        Path::new(&fox_doc.article.source),
        moved.join("articles/fox.txt")
    );
}

// ---------------------------------------------------------------------------------------
// Re-anchoring after the article file changed on disk

const P1: &str = "Then the bell rang twice. The ferry left at six.";
const P2: &str = "Marta said “the ferry will not come back” and locked the door.";
const P3: &str = "At dawn the bell rang twice. The ferry was found empty.";

fn paragraphs(parts: &[&str]) -> String {
    let mut text = String::from("Harbour notes\n\n");
    text.push_str(&parts.join("\n\n"));
    text.push('\n');
    text
}

struct Anchored {
    _dir: tempfile::TempDir,
    article: PathBuf,
    session: PathBuf,
    quote: AnnotationId,
    spoiler: AnnotationId,
    /// On the second "the bell rang twice": only its context tells it apart.
    bell: AnnotationId,
}

/// A saved session over an article file with three annotations.
fn anchored_session() -> Anchored {
    let dir = tempfile::tempdir().unwrap();
    let text = paragraphs(&[P1, P2, P3]);
    let article = write(dir.path(), "harbour.txt", text.as_bytes());
    let mut session = Session::new();
    session.add_article(load_article(&article).unwrap());
    let mut ids = Vec::new();
    for (label, span) in [
        ("quote", find(&text, "the ferry will not come back")),
        ("spoiler", find(&text, "The ferry was found empty")),
        ("claim", rfind(&text, "the bell rang twice")),
    ] {
        let edit = session.annotate("harbour", label, span, ts(1)).unwrap();
        if let Edit::AddAnnotation { annotation, .. } = &edit {
            ids.push(annotation.id);
        }
        edit.apply(&mut session).unwrap();
    }
    let path = dir.path().join("harbour.ron");
    save_session(&session, &path).unwrap();
    Anchored {
        _dir: dir,
        article,
        session: path,
        quote: ids[0],
        spoiler: ids[1],
        bell: ids[2],
    }
}

/// Write `new_text` over the fixture's article file, load the session (the change is
/// reported, the stored text kept) and re-anchor to the file as a person would ask.
fn edit_article_and_reanchor(fixture: &Anchored, new_text: &str) -> gloss::formats::LoadedSession {
    std::fs::write(&fixture.article, new_text).unwrap();
    let mut loaded = load_session(&fixture.session).unwrap();
    let report = &loaded.reports[0];
    assert!(report.source_changed && report.source_update.is_some());
    let stored = &loaded.session.document("harbour").unwrap().article.text;
    assert_ne!(stored.as_str(), new_text, "not used until asked for");
    assert_eq!(loaded.apply_source_updates(), 1);
    loaded
}

fn placed(session: &Session, id: AnnotationId) -> &Annotation {
    session.document("harbour").unwrap().annotation(id).unwrap()
}

/// The annotation sits on its quote in the new text, at the expected place.
fn assert_follows(session: &Session, id: AnnotationId, expected: Range<usize>) {
    let a = placed(session, id);
    let text = &session.document("harbour").unwrap().article.text;
    assert!(!a.orphan, "{a:?}");
    assert_eq!(a.span(), expected, "{a:?}");
    assert_eq!(text.slice(a.span()), Some(a.text.as_str()));
}

#[test]
fn annotations_follow_a_moved_paragraph() {
    let fixture = anchored_session();
    let new_text = paragraphs(&[P3, P1, P2]);
    let loaded = edit_article_and_reanchor(&fixture, &new_text);
    let report = &loaded.reports[0];
    assert!(report.source_applied);
    assert!(report.orphans.is_empty(), "{report:?}");
    let doc = loaded.session.document("harbour").unwrap();
    assert_eq!(doc.article.text.as_str(), new_text);
    assert_eq!(doc.article.sha256, sha256_hex(&new_text));

    let s = &loaded.session;
    assert_follows(
        s,
        fixture.quote,
        find(&new_text, "the ferry will not come back"),
    );
    assert_follows(
        s,
        fixture.spoiler,
        find(&new_text, "The ferry was found empty"),
    );
    // P3 now comes first, so its "the bell rang twice" is the first one.
    assert_follows(s, fixture.bell, find(&new_text, "the bell rang twice"));
    let moved: BTreeSet<AnnotationId> = report.moved.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        moved,
        BTreeSet::from([fixture.quote, fixture.spoiler, fixture.bell])
    );
    // Annotations stay in text order.
    let starts: Vec<usize> = doc.annotations.iter().map(|a| a.start).collect();
    assert!(starts.is_sorted(), "{starts:?}");
}

#[test]
fn annotations_follow_a_sentence_inserted_before_them() {
    let fixture = anchored_session();
    let inserted = format!("A gull cried over the water. {P2}");
    let new_text = paragraphs(&[P1, &inserted, P3]);
    let loaded = edit_article_and_reanchor(&fixture, &new_text);
    let report = &loaded.reports[0];
    assert!(report.source_applied);
    assert!(report.orphans.is_empty(), "{report:?}");
    let s = &loaded.session;
    assert_follows(
        s,
        fixture.quote,
        find(&new_text, "the ferry will not come back"),
    );
    assert_follows(
        s,
        fixture.spoiler,
        find(&new_text, "The ferry was found empty"),
    );
    // The quote occurs twice; the diff carries it to the second one again.
    assert_follows(s, fixture.bell, rfind(&new_text, "the bell rang twice"));
    assert!(
        report
            .moved
            .iter()
            .any(|(id, how)| *id == fixture.bell && matches!(how, Anchoring::Moved(_))),
        "{report:?}"
    );
}

#[test]
fn a_deleted_quote_becomes_an_orphan_that_is_kept_and_reported() {
    let fixture = anchored_session();
    let new_text = paragraphs(&[P1, "Marta locked the door.", P3]);
    let loaded = edit_article_and_reanchor(&fixture, &new_text);
    assert!(loaded.has_problems());
    let report = &loaded.reports[0];
    assert_eq!(report.orphans, [fixture.quote]);
    let orphan = placed(&loaded.session, fixture.quote);
    assert!(orphan.orphan);
    assert_eq!(orphan.text, "the ferry will not come back");
    assert_eq!(orphan.label, "quote");
    // The others still sit on their quotes.
    let s = &loaded.session;
    assert_follows(
        s,
        fixture.spoiler,
        find(&new_text, "The ferry was found empty"),
    );
    assert_follows(s, fixture.bell, rfind(&new_text, "the bell rang twice"));
    assert_eq!(loaded.session.annotation_count(), 3);

    // Saved and opened again, the orphan is still there and still reported.
    save_session(&loaded.session, &fixture.session).unwrap();
    let again = load_session(&fixture.session).unwrap();
    assert_eq!(again.reports[0].orphans, [fixture.quote]);
    assert!(placed(&again.session, fixture.quote).orphan);
    assert_eq!(again.session.annotation_count(), 3);
}

// ---------------------------------------------------------------------------------------
// Bad session files

#[test]
fn malformed_ron_reports_line_and_column_and_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "broken.ron",
        b"(\n  version: 1,\n  next_id: \"seven\",\n  articles: [],\n)\n",
    );
    let error = load_session(&path).unwrap_err();
    let SessionFileError::Malformed { line, column, .. } = &error else {
        panic!("expected Malformed, got {error:?}");
    };
    assert_eq!(*line, 3, "{error}");
    assert!(*column > 1, "{error}");
    let message = error.to_string();
    assert!(message.contains("line 3"), "{message}");
    assert!(message.ends_with(&path.display().to_string()), "{message}");
}

#[test]
fn truncated_ron_is_malformed_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("work.ron");
    save_session(&build_session("", ""), &path).unwrap();
    let full = std::fs::read_to_string(&path).unwrap();
    let lines = full.lines().count();
    for cut in [full.len() / 3, full.len() / 2, full.len() - 3] {
        let cut = (0..=cut).rev().find(|&i| full.is_char_boundary(i)).unwrap();
        std::fs::write(&path, &full[..cut]).unwrap();
        let error = load_session(&path).unwrap_err();
        let SessionFileError::Malformed { line, column, .. } = &error else {
            panic!("expected Malformed at {cut}, got {error:?}");
        };
        assert!(*line >= 1 && *line <= lines + 1, "{error}");
        assert!(*column >= 1, "{error}");
        assert!(error.to_string().contains(&format!("line {line}")));
        assert!(
            error.to_string().ends_with(&path.display().to_string()),
            "{error}"
        );
    }
}

#[test]
fn a_newer_session_version_is_refused_with_a_message_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let newer = SESSION_VERSION + 1;
    let path = write(
        dir.path(),
        "future.ron",
        format!("(\n  version: {newer},\n  hovercraft: true,\n)\n").as_bytes(),
    );
    let error = load_session(&path).unwrap_err();
    assert!(
        matches!(error, SessionFileError::TooNew { found, .. } if found == newer),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("newer"), "{message}");
    assert!(message.contains(&newer.to_string()), "{message}");
    assert!(message.ends_with(&path.display().to_string()), "{message}");
}

// =======================================================================================
// Exports

/// The fox session (one orphan added to the ledger, which exports must skip or flag).
fn export_session_fixture() -> Session {
    let mut session = build_session("", "");
    let doc = session.document_mut("ledger").unwrap();
    doc.annotations.push(Annotation {
        id: AnnotationId(90),
        label: "spoiler".to_owned(),
        start: 3,
        end: 9,
        text: "a quote deleted from the ledger".to_owned(),
        prefix: String::new(),
        suffix: String::new(),
        note: String::new(),
        attributes: Default::default(),
        created: ts(5),
        modified: ts(5),
        orphan: true,
    });
    doc.sort();
    session.fix_next_id();
    session
}

fn fox_annotation<'a>(session: &'a Session, label: &str) -> &'a Annotation {
    session
        .document("fox")
        .unwrap()
        .annotations
        .iter()
        .find(|a| a.label == label)
        .unwrap()
}

/// Python's `text[start:end]`: by code points.
fn py_slice(text: &str, start: u64, end: u64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

#[test]
fn json_export_field_by_field() {
    let session = export_session_fixture();
    let out = export_string(&session, ExportFormat::Json).unwrap();
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["schema"], 2);
    assert_eq!(json["offset_unit"], "codepoint");
    let label_ids: Vec<&str> = json["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(label_ids, ["spoiler", "quote", "claim", "source", "rumour"]);
    assert_eq!(json["labels"][2]["name"], "Checkable claim");
    assert_eq!(json["labels"][4]["color"], "#123456");
    assert_eq!(json["labels"][4]["hotkey"], "R");

    let fox = &json["articles"][0];
    assert_eq!(fox["id"], "fox");
    assert_eq!(fox["title"], "The fox");
    assert_eq!(fox["source"], "");
    assert_eq!(fox["text"], FOX);
    assert_eq!(fox["sha256"], sha256_hex(FOX));

    let annotations = fox["annotations"].as_array().unwrap();
    assert_eq!(annotations.len(), 3);
    // (label, text, start, end, start_utf8, end_utf8, start_utf16, end_utf16), worked out
    // by hand: the fox emoji is 1 code point, 4 bytes, 2 UTF-16 units; “ is 1, 3, 1.
    let expected = [
        ("quote", "we leave at dawn", 13, 29, 18, 34, 14, 30),
        (
            "spoiler",
            "The fox was Mira all\nalong",
            43,
            69,
            50,
            76,
            44,
            70,
        ),
        ("claim", "the letter says", 71, 86, 78, 93, 72, 87),
    ];
    let utf16: Vec<u16> = FOX.encode_utf16().collect();
    for (a, (label, quote, start, end, b0, b1, u0, u1)) in annotations.iter().zip(expected) {
        assert_eq!(a["label"], label);
        assert_eq!(a["text"], quote);
        assert_eq!(
            (&a["start"], &a["end"]),
            (&json!(start), &json!(end)),
            "{label}"
        );
        assert_eq!(
            (&a["start_utf8"], &a["end_utf8"]),
            (&json!(b0), &json!(b1)),
            "{label}"
        );
        assert_eq!(
            (&a["start_utf16"], &a["end_utf16"]),
            (&json!(u0), &json!(u1)),
            "{label}"
        );
        // Each unit really addresses the quote.
        assert_eq!(
            py_slice(
                FOX,
                a["start"].as_u64().unwrap(),
                a["end"].as_u64().unwrap()
            ),
            quote
        );
        assert_eq!(&FOX.as_bytes()[b0..b1], quote.as_bytes());
        assert_eq!(String::from_utf16(&utf16[u0..u1]).unwrap(), quote);
        assert_eq!(a["orphan"], false);
    }
    let quote = &annotations[0];
    let quote_id = fox_annotation(&session, "quote").id.0;
    assert_eq!(quote["id"], quote_id);
    assert_eq!(quote["note"], "First line of dialogue");
    assert_eq!(quote["attributes"], json!({ "speaker": "Mira" }));
    assert_eq!(quote["created"], ts(0).to_rfc3339());
    assert_eq!(quote["modified"], ts(60).to_rfc3339());
    assert_eq!(annotations[1]["note"], "");
    assert_eq!(annotations[1]["attributes"], json!({}));
    assert_eq!(
        annotations[2]["attributes"],
        json!({ "source": "the letter", "status": "true" })
    );

    // The orphan is exported, flagged.
    let ledger = &json["articles"][1]["annotations"];
    let orphan = ledger
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == 90)
        .unwrap();
    assert_eq!(orphan["orphan"], true);
    assert_eq!(orphan["text"], "a quote deleted from the ledger");
}

#[test]
fn jsonl_export_has_one_article_object_per_line() {
    let session = export_session_fixture();
    let json: Value =
        serde_json::from_str(&export_string(&session, ExportFormat::Json).unwrap()).unwrap();
    let out = export_string(&session, ExportFormat::Jsonl).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    for (n, line) in lines.iter().enumerate() {
        let article: Value = serde_json::from_str(line).unwrap();
        assert_eq!(article, json["articles"][n], "line {}", n + 1);
    }
    assert!(out.ends_with("}\n"));
}

#[test]
fn doccano_export_field_by_field() {
    let session = export_session_fixture();
    let out = export_string(&session, ExportFormat::Doccano).unwrap();
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "fox");
    assert_eq!(lines[0]["text"], FOX);
    assert_eq!(
        lines[0]["label"],
        json!([[13, 29, "quote"], [43, 69, "spoiler"], [71, 86, "claim"]])
    );
    assert_eq!(lines[1]["text"], LEDGER);
    // The orphan (id 90) has no place in the text and is left out.
    let ledger_spans = lines[1]["label"].as_array().unwrap();
    assert_eq!(ledger_spans.len(), 2);
    for span in ledger_spans {
        let (start, end) = (span[0].as_u64().unwrap(), span[1].as_u64().unwrap());
        let quote = py_slice(LEDGER, start, end);
        assert!(
            quote == "a scandal" || quote == "The mill sold 40 sacks in March.",
            "{quote:?}"
        );
    }
}

#[test]
fn label_studio_export_field_by_field() {
    let session = export_session_fixture();
    let out = export_string(&session, ExportFormat::LabelStudio).unwrap();
    let tasks: Value = serde_json::from_str(&out).unwrap();
    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[0]["data"]["text"], FOX);
    assert_eq!(tasks[0]["data"]["title"], "The fox");
    assert_eq!(tasks[0]["id"], 1);
    let result = tasks[0]["annotations"][0]["result"].as_array().unwrap();
    let spans: Vec<&Value> = result.iter().filter(|r| r["type"] == "labels").collect();
    assert_eq!(spans.len(), 3);
    // Label ids, as every other export writes them (and the config declares).
    let expected = [
        ("quote", "we leave at dawn", 13, 29),
        ("spoiler", "The fox was Mira all\nalong", 43, 69),
        ("claim", "the letter says", 71, 86),
    ];
    for (item, (label, quote, start, end)) in spans.iter().zip(expected) {
        assert_eq!(item["from_name"], "label");
        assert_eq!(item["to_name"], "text");
        assert_eq!(
            item["value"],
            json!({ "start": start, "end": end, "text": quote, "labels": [label] })
        );
    }
    // The note travels as a per-region text area sharing the region's id.
    let notes: Vec<&Value> = result.iter().filter(|r| r["from_name"] == "note").collect();
    assert_eq!(notes.len(), 1, "no note, no text area");
    assert_eq!(notes[0]["id"], spans[0]["id"]);
    assert_eq!(notes[0]["type"], "textarea");
    assert_eq!(
        notes[0]["value"],
        json!({ "start": 13, "end": 29, "text": ["First line of dialogue"] })
    );
    let ledger = tasks[1]["annotations"][0]["result"].as_array().unwrap();
    let ledger_spans = ledger.iter().filter(|r| r["type"] == "labels").count();
    assert_eq!(ledger_spans, 2, "the orphan is left out");
}

#[test]
fn w3c_export_field_by_field() {
    let session = export_session_fixture();
    let out = export_string(&session, ExportFormat::W3c).unwrap();
    let collection: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(collection["@context"], "http://www.w3.org/ns/anno.jsonld");
    assert_eq!(collection["type"], "AnnotationCollection");
    assert_eq!(
        collection["total"], 5,
        "three in the fox, two in the ledger"
    );
    let items = collection["first"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);

    let quote = &items[0];
    let id = fox_annotation(&session, "quote").id;
    assert_eq!(quote["type"], "Annotation");
    assert_eq!(quote["id"], format!("urn:gloss:annotation:{id}"));
    assert_eq!(quote["created"], ts(0).to_rfc3339());
    assert_eq!(quote["modified"], ts(60).to_rfc3339());
    assert_eq!(
        quote["body"],
        json!([
            { "type": "TextualBody", "purpose": "tagging", "value": "quote" },
            { "type": "TextualBody", "purpose": "commenting", "value": "First line of dialogue" },
            { "type": "TextualBody", "purpose": "describing", "value": "speaker: Mira" },
        ])
    );
    assert_eq!(quote["target"]["source"], "urn:gloss:article:fox");
    assert_eq!(
        quote["target"]["selector"],
        json!([
            {
                "type": "TextQuoteSelector",
                "exact": "we leave at dawn",
                "prefix": "🦊 Mira said “",
                "suffix": "” and smiled.\nThe fox was Mira a",
            },
            { "type": "TextPositionSelector", "start": 13, "end": 29 },
        ])
    );
    let claim = &items[2];
    assert_eq!(
        claim["target"]["selector"][0],
        json!({
            "type": "TextQuoteSelector",
            "exact": "the letter says",
            "prefix": "ed.\nThe fox was Mira all\nalong, ",
            "suffix": ".\n",
        })
    );
    assert_eq!(
        claim["target"]["selector"][1],
        json!({ "type": "TextPositionSelector", "start": 71, "end": 86 })
    );
}

#[test]
fn w3c_source_is_never_a_path_of_this_machine() {
    let session = build_session("/data/articles/the fox.txt", "");
    let out = export_string(&session, ExportFormat::W3c).unwrap();
    let collection: Value = serde_json::from_str(&out).unwrap();
    let source = collection["first"]["items"][0]["target"]["source"]
        .as_str()
        .unwrap();
    assert!(source.starts_with("urn:gloss:article:"), "{source}");
    assert!(!out.contains("/data/articles"), "no local path anywhere");
    // A web article keeps its address.
    let session = build_session("https://news.example.org/fox", "");
    let out = export_string(&session, ExportFormat::W3c).unwrap();
    let collection: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        collection["first"]["items"][0]["target"]["source"],
        "https://news.example.org/fox"
    );
}

#[test]
fn w3c_collection_and_page_have_the_ids_the_model_requires() {
    let session = export_session_fixture();
    let out = export_string(&session, ExportFormat::W3c).unwrap();
    let c: Value = serde_json::from_str(&out).unwrap();
    let id = c["id"].as_str().unwrap();
    let page = &c["first"];
    let page_id = page["id"].as_str().unwrap();
    for urn in [id, page_id] {
        // urn:uuid: and an RFC 4122 layout (version 5, variant 10xx).
        let uuid = urn.strip_prefix("urn:uuid:").unwrap();
        let parts: Vec<&str> = uuid.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('5'));
        assert!(matches!(
            parts[3].chars().next(),
            Some('8' | '9' | 'a' | 'b')
        ));
    }
    assert_ne!(id, page_id);
    assert_eq!(page["type"], "AnnotationPage");
    assert_eq!(page["partOf"], id);
    assert_eq!(page["startIndex"], 0);
    // Stable: the same session gives the same ids.
    let again: Value =
        serde_json::from_str(&export_string(&session, ExportFormat::W3c).unwrap()).unwrap();
    assert_eq!(again["id"], c["id"]);
    // Every annotation has the MUST properties: @context, id, type, target.
    for item in page["items"].as_array().unwrap() {
        for key in ["@context", "id", "type", "target"] {
            assert!(item.get(key).is_some(), "{key} missing in {item}");
        }
    }
}

#[test]
fn brat_export_writes_txt_and_ann_per_article() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("brat");
    let session = export_session_fixture();
    export_session(&session, ExportFormat::Brat, &out).unwrap();
    assert_eq!(
        listing(&out),
        BTreeSet::from(
            [
                "annotation.conf",
                "fox.ann",
                "fox.txt",
                "ledger.ann",
                "ledger.txt"
            ]
            .map(str::to_owned)
        )
    );
    assert_eq!(std::fs::read_to_string(out.join("fox.txt")).unwrap(), FOX);
    assert_eq!(
        std::fs::read_to_string(out.join("fox.ann")).unwrap(),
        "T1\tquote 13 29\twe leave at dawn\n\
         #1\tAnnotatorNotes T1\tspeaker: Mira\n\
         #2\tAnnotatorNotes T1\tFirst line of dialogue\n\
         T2\tspoiler 43 63;64 69\tThe fox was Mira all along\n\
         T3\tclaim 71 86\tthe letter says\n\
         #3\tAnnotatorNotes T3\tsource: the letter\n\
         A1\tstatus T3 true\n"
    );
    // brat reads offsets as code points of the .txt: each fragment is the text there.
    let ann = std::fs::read_to_string(out.join("fox.ann")).unwrap();
    for line in ann.lines().filter(|l| l.starts_with('T')) {
        let fields: Vec<&str> = line.split('\t').collect();
        let ranges = fields[1].split_once(' ').unwrap().1;
        let pieces: Vec<String> = ranges
            .split(';')
            .map(|r| {
                let (s, e) = r.split_once(' ').unwrap();
                py_slice(FOX, s.parse().unwrap(), e.parse().unwrap())
            })
            .collect();
        assert_eq!(pieces.join(" "), fields[2]);
    }
    let ledger = std::fs::read_to_string(out.join("ledger.ann")).unwrap();
    // The orphan is left out; attributes with a fixed choice become brat attributes.
    assert_eq!(
        ledger,
        "T1\tclaim 10 42\tThe mill sold 40 sacks in March.\n\
         A1\tstatus T1 unverified\n\
         T2\trumour 61 70\ta scandal\n\
         A2\tconfidence T2 low\n"
    );
    let conf = std::fs::read_to_string(out.join("annotation.conf")).unwrap();
    assert!(
        conf.starts_with("[entities]\nspoiler\nquote\nclaim\nsource\nrumour\n"),
        "{conf}"
    );
    assert!(
        conf.contains("status\tArg:claim, Value:unverified|true|false|misleading\n"),
        "{conf}"
    );
    assert!(
        conf.contains("confidence\tArg:rumour, Value:low|high\n"),
        "{conf}"
    );
}

#[test]
fn single_file_exports_are_written_atomically_to_the_output_path() {
    let dir = tempfile::tempdir().unwrap();
    let session = export_session_fixture();
    let out = dir.path().join("out.json");
    export_session(&session, ExportFormat::Json, &out).unwrap();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        export_string(&session, ExportFormat::Json).unwrap()
    );
    assert_eq!(listing(dir.path()), BTreeSet::from(["out.json".to_owned()]));
    let missing = dir.path().join("nope/out.json");
    let error = export_session(&session, ExportFormat::Json, &missing).unwrap_err();
    assert!(
        error.to_string().ends_with(&missing.display().to_string()),
        "{error}"
    );
}

// =======================================================================================
// Imports

#[test]
fn json_export_import_export_is_byte_identical() {
    let session = export_session_fixture();
    let first = export_string(&session, ExportFormat::Json).unwrap();
    let imported = import_json(&first, Path::new("in.json")).unwrap();
    // Only the orphan is reported: it still has no place in the text.
    assert_eq!(
        imported.moved,
        [("ledger".to_owned(), AnnotationId(90), Anchoring::Orphan)]
    );
    let second = export_string(&imported.session, ExportFormat::Json).unwrap();
    assert_eq!(first, second);
    // The live annotations come back whole, context included.
    assert_eq!(imported.session.labels, session.labels);
    assert_eq!(
        imported.session.document("fox"),
        session.document("fox"),
        "fox"
    );
}

#[test]
fn minimal_json_imports_with_defaults() {
    let data = r#"{"articles": [{"text": "Ana 🦊 met Bo.\nBo left.",
        "annotations": [{"label": "quote", "start": 6, "end": 12}]}]}"#;
    let imported = import_json(data, Path::new("minimal.json")).unwrap();
    let session = &imported.session;
    assert_eq!(session.labels, Label::defaults());
    let doc = &session.documents[0];
    assert_eq!(doc.article.id, "article-1");
    let a = &doc.annotations[0];
    assert_eq!(a.text, "met Bo");
    assert_eq!(a.prefix, "Ana 🦊 ");
    assert_eq!(a.id, AnnotationId(1));
    assert!(session.next_id > 1);
}

#[test]
fn json_import_with_a_span_outside_the_text_names_the_file() {
    let data = r#"{"articles": [{"id": "a", "text": "short",
        "annotations": [{"label": "quote", "start": 2, "end": 40}]}]}"#;
    let path = Path::new("/imports/bad.json");
    let error = import_json(data, path).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("outside the text"), "{message}");
    assert!(message.ends_with("/imports/bad.json"), "{message}");
}

#[test]
fn doccano_export_imports_back_with_the_same_spans() {
    let session = export_session_fixture();
    let out = export_string(&session, ExportFormat::Doccano).unwrap();
    let imported = import_doccano(&out, Path::new("fox.jsonl")).unwrap();
    let fox = imported.session.document("fox").unwrap();
    assert_eq!(fox.article.text.as_str(), FOX);
    let spans: Vec<(&str, Range<usize>, &str)> = fox
        .annotations
        .iter()
        .map(|a| (a.label.as_str(), a.span(), a.text.as_str()))
        .collect();
    assert_eq!(
        spans,
        [
            ("quote", 13..29, "we leave at dawn"),
            ("spoiler", 43..69, "The fox was Mira all\nalong"),
            ("claim", 71..86, "the letter says"),
        ]
    );
    let ledger = imported.session.document("ledger").unwrap();
    assert_eq!(
        ledger.count_label("rumour"),
        1,
        "unknown labels are created"
    );
    assert!(imported.session.label("rumour").is_some());
}

#[test]
fn doccano_labels_match_by_name_and_entities_are_read() {
    let data = "{\"text\": \"Oslo is cold 🥶 in March.\", \"label\": [[0, 4, \"CITY\"], [13, 14, \"Spoiler\"]]}\n\
                \n\
                {\"id\": 7, \"text\": \"Bergen: rain.\", \"entities\": [{\"start_offset\": 8, \"end_offset\": 12, \"label\": \"claim\"}]}\n";
    let imported = import_doccano(data, Path::new("cities.jsonl")).unwrap();
    let session = &imported.session;
    assert_eq!(session.documents.len(), 2);
    let first = &session.documents[0];
    let spans: Vec<(&str, &str)> = first
        .annotations
        .iter()
        .map(|a| (a.label.as_str(), a.text.as_str()))
        .collect();
    assert_eq!(spans, [("CITY", "Oslo"), ("spoiler", "🥶")]);
    assert!(session.label("CITY").is_some());
    let second = &session.documents[1];
    assert_eq!(second.article.id, "doc-7");
    assert_eq!(second.annotations[0].text, "rain");
    assert_eq!(second.annotations[0].label, "claim");
}

#[test]
fn doccano_errors_name_the_line_and_the_file() {
    let data = "{\"text\": \"fine\", \"label\": []}\n{\"text\": \"tiny\", \"label\": [[1, 9, \"quote\"]]}\n";
    let error = import_doccano(data, Path::new("/in/spans.jsonl")).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("line 2"), "{message}");
    assert!(message.ends_with("/in/spans.jsonl"), "{message}");

    let error = import_doccano("{\"text\": ", Path::new("/in/cut.jsonl")).unwrap_err();
    assert!(error.to_string().ends_with("/in/cut.jsonl"), "{error}");
}

/// A version-1 session as Gloss wrote it before `modified` became optional.
const V1_SESSION: &str = r##"(
  version: 1,
  next_id: 3,
  labels: [
    (id: "quote", name: "Quote", color: "#61afef", hotkey: Some('Q'), description: "", attributes: []),
  ],
  articles: [
    (
      id: "note",
      title: "Note",
      source: "",
      sha256: "",
      text: "She said: hello there.",
      annotations: [
        (id: 1, label: "quote", start: 10, end: 21, text: "hello there", created: "2026-01-02T03:04:05Z", modified: "2026-02-03T04:05:06Z"),
        (id: 2, label: "quote", start: 0, end: 3, text: "She", created: "2026-01-02T03:04:05Z"),
      ],
    ),
  ],
)
"##;

#[test]
fn version_1_sessions_migrate_and_are_written_back_as_the_current_version() {
    let loaded =
        gloss::formats::session_file::from_ron(V1_SESSION, std::path::Path::new("old.ron"), false)
            .unwrap();
    let doc = &loaded.session.documents[0];
    let by_id = |id: u64| doc.annotations.iter().find(|a| a.id.0 == id).unwrap();
    assert_eq!(by_id(1).modified.to_rfc3339(), "2026-02-03T04:05:06Z");
    // In version 1 a missing `modified` meant the zero time, not "same as created".
    assert_eq!(by_id(2).modified, gloss::model::Timestamp(0));
    assert!(!loaded.has_problems());
    let written = gloss::formats::session_file::to_ron(&loaded.session, None);
    assert!(written.contains(&format!("version: {SESSION_VERSION},")));
    // Version 2 leaves `modified` out only when it equals `created`; both survive a round trip.
    let again =
        gloss::formats::session_file::from_ron(&written, std::path::Path::new("new.ron"), false)
            .unwrap();
    assert_eq!(again.session, loaded.session);
}

#[test]
fn a_session_with_a_reversed_span_is_refused_with_the_annotation_named() {
    let bad = V1_SESSION.replace("start: 10, end: 21", "start: 21, end: 10");
    let error =
        gloss::formats::session_file::from_ron(&bad, std::path::Path::new("bad.ron"), false)
            .unwrap_err()
            .to_string();
    assert!(error.contains("annotation 1 ends"), "{error}");
    assert!(error.ends_with("bad.ron"), "{error}");
}

#[test]
fn brat_file_names_stay_inside_the_folder_whatever_the_article_ids() {
    let json = r#"{"articles": [
        {"id": "../escape", "text": "one text"},
        {"id": "a/b", "text": "two text"},
        {"id": "a_b", "text": "three text"}
    ]}"#;
    let imported =
        gloss::formats::import::import_json(json, std::path::Path::new("in.json")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("brat");
    gloss::formats::export_session(&imported.session, ExportFormat::Brat, &out).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // Separators and dots are replaced; two ids that clean up alike get distinct files.
    assert_eq!(
        names,
        [
            "___escape.ann",
            "___escape.txt",
            "a_b-2.ann",
            "a_b-2.txt",
            "a_b.ann",
            "a_b.txt",
            "annotation.conf",
        ]
    );
    assert!(
        !dir.path().join("escape.txt").exists(),
        "nothing written outside the folder"
    );
    let second = std::fs::read_to_string(out.join("a_b.txt")).unwrap();
    assert_eq!(second, "two text", "the first id keeps the plain name");
}

#[test]
fn pending_and_rejected_suggestions_survive_a_save_and_bad_ones_are_dropped() {
    use gloss::formats::session_file::{from_ron, to_ron};
    use gloss::model::suggestion::Draft;
    let mut session = Session::new();
    session.add_article(Article::new(
        "a",
        "A",
        "",
        "\"We will rebuild,\" Ana Ruiz said. Costs rose 12% in a year.",
    ));
    let draft = |label: &str, span: Range<usize>, links: Vec<(String, usize)>| Draft {
        label: label.to_owned(),
        span,
        score: 0.75,
        reason: "test".to_owned(),
        attributes: std::collections::BTreeMap::new(),
        links,
    };
    let offer = session
        .offer_suggestions(
            "a",
            &[
                draft("quote", 0..18, vec![("speaker".to_owned(), 1)]),
                draft("source", 19..27, vec![]),
                draft("claim", 34..59, vec![]),
            ],
        )
        .unwrap();
    let mut history = History::default();
    history.apply(&mut session, offer).unwrap();
    let claim = session.document("a").unwrap().pending.suggestions[2].id;
    let reject = session.reject_suggestions("a", &[claim]).unwrap();
    history.apply(&mut session, reject).unwrap();
    let ron = to_ron(&session, None);
    assert!(ron.contains("pending:"), "{ron}");
    let loaded = from_ron(&ron, Path::new("s.ron"), false).unwrap();
    assert_eq!(
        loaded.session.document("a").unwrap().pending,
        session.document("a").unwrap().pending
    );
    // A file from someone else with a suggestion outside the text loses just that one.
    let hostile = ron.replacen(
        "(id: 1, label: \"source\", start: 19, end: 27",
        "(id: 1, label: \"source\", start: 19000, end: 19027",
        1,
    );
    assert_ne!(hostile, ron);
    let loaded = from_ron(&hostile, Path::new("s.ron"), false).unwrap();
    let pending = &loaded.session.document("a").unwrap().pending;
    assert_eq!(pending.suggestions.len(), 1);
    assert_eq!(pending.rejected.len(), 1);
}
