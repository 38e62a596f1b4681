//! brat standoff both ways: files in the shape brat writes, read with every span, label,
//! attribute, note and relation; the round trip of our export; the configuration brat's
//! validator needs; and what an import refuses, naming the file and line.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use gloss::formats::export::{ExportFormat, brat_conf, export_session};
use gloss::formats::import::{ImportFormat, ImportOptions, import_path};
use gloss::formats::load_session;

// "🌊 " is one code point and a space before "Zoë": offsets count code points.
const TEXT: &str =
    "🌊 Zoë Brandt runs the café.\nShe said the tide turns at six.\nThe mayor agreed.\n";

fn offsets(needle: &str) -> (usize, usize) {
    let byte = TEXT.find(needle).unwrap();
    let start = TEXT[..byte].chars().count();
    (start, start + needle.chars().count())
}

fn folder(ann: &str, conf: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cafe.txt"), TEXT).unwrap();
    std::fs::write(dir.path().join("cafe.ann"), ann).unwrap();
    if let Some(conf) = conf {
        std::fs::write(dir.path().join("annotation.conf"), conf).unwrap();
    }
    dir
}

fn good_ann() -> String {
    let (zs, ze) = offsets("Zoë Brandt");
    let (ts, te) = offsets("the tide turns");
    let (ss, se) = offsets("She said");
    let (ms, me) = offsets("She said");
    let (as_, ae) = offsets("at six");
    format!(
        "T1\tPerson {zs} {ze}\tZoë Brandt\n\
         T2\tquote {ts} {te}\tthe tide turns\n\
         T3\tclaim {ms} {me};{as_} {ae}\tShe said at six\n\
         T4\tsource {ss} {se}\tShe said\n\
         R1\tspeaker Arg1:T2 Arg2:T4\n\
         A1\tNegated T3\n\
         M2\tstatus T3 false\n\
         A3\tcertainty R1 high\n\
         #1\tAnnotatorNotes T2\tspeaker: Zoë Brandt\n\
         #2\tAnnotatorNotes T3\tchecked with the minutes\n\
         #3\tAnnotatorNotes R1\tthe pronoun\n\
         N1\tReference T1 Wikidata:Q42\tZoë Brandt\n"
    )
}

#[test]
fn brat_files_import_with_every_span_attribute_note_and_relation() {
    let dir = folder(&good_ann(), None);
    let (format, imported) = import_path(dir.path(), None, ImportOptions::default()).unwrap();
    assert_eq!(format, ImportFormat::Brat);
    let s = &imported.session;
    let doc = &s.documents[0];
    assert_eq!(doc.article.id, "cafe");
    let find = |label: &str| doc.annotations.iter().find(|a| a.label == label).unwrap();
    let person = find("Person");
    assert_eq!((person.start, person.end), offsets("Zoë Brandt"));
    assert_eq!(person.attributes["norm:Wikidata"], "Q42 (Zoë Brandt)");
    let quote = find("quote");
    assert_eq!(
        quote.attributes["speaker"], "Zoë Brandt",
        "a declared key: an attribute"
    );
    let claim = find("claim");
    // Discontinuous over real text: one span, the fragments in the note.
    assert_eq!(claim.text, "She said the tide turns at six");
    assert!(
        claim.note.starts_with("discontinuous in brat: "),
        "{}",
        claim.note
    );
    assert!(
        claim.note.ends_with("checked with the minutes"),
        "{}",
        claim.note
    );
    assert_eq!(claim.attributes["Negated"], "true");
    assert_eq!(claim.attributes["status"], "false");
    let r = s.relations.iter().next().unwrap();
    assert_eq!(
        (r.kind.as_str(), r.from, r.to),
        ("speaker", quote.id, find("source").id)
    );
    assert_eq!(r.note, "the pronoun");
    assert_eq!(r.attributes["certainty"], "high", "an A line on a relation");
    assert_eq!((imported.annotations_read, imported.relations_read), (4, 1));
}

#[test]
fn our_export_reads_back_and_exports_identically() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("sessions/example.ron");
    let session = load_session(&path).unwrap().session;
    let dir = tempfile::tempdir().unwrap();
    export_session(&session, ExportFormat::Brat, &dir.path().join("a")).unwrap();
    let (_, imported) = import_path(&dir.path().join("a"), None, ImportOptions::default()).unwrap();
    assert_eq!(
        imported.session.annotation_count(),
        session.annotation_count()
    );
    export_session(&imported.session, ExportFormat::Brat, &dir.path().join("b")).unwrap();
    for entry in std::fs::read_dir(dir.path().join("a")).unwrap() {
        let name = entry.unwrap().file_name();
        let a = std::fs::read_to_string(dir.path().join("a").join(&name)).unwrap();
        let b = std::fs::read_to_string(dir.path().join("b").join(&name)).unwrap();
        assert!(a == b, "{name:?} differs after export → import → export");
    }
}

#[test]
fn the_configuration_lets_any_span_overlap_and_declares_every_written_value() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("sessions/example.ron");
    let session = load_session(&path).unwrap().session;
    let conf = brat_conf(&session);
    assert!(
        conf.contains("[relations]\n<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n"),
        "{conf}"
    );
    let status = conf.lines().find(|l| l.starts_with("status\t")).unwrap();
    assert_eq!(
        status,
        "status\tArg:claim, Value:unverified|true|false|misleading"
    );
    // Each attribute is declared once, on every label that carries it.
    let keys: Vec<&str> = conf
        .split("[attributes]\n")
        .nth(1)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    let mut unique = keys.clone();
    unique.dedup();
    assert_eq!(keys, unique);
}

#[test]
fn bad_records_name_the_file_and_line_and_are_skipped_only_on_request() {
    let (zs, ze) = offsets("Zoë Brandt");
    let good = format!("T1\tPerson {zs} {ze}\tZoë Brandt\n");
    let cases: [(&str, String, Option<&str>, &str); 5] = [
        (
            "outside",
            "T2\tclaim 5 999\tx\n".to_owned(),
            None,
            "cafe.ann line 2: T2: 5–999 is outside the text",
        ),
        (
            "mismatch",
            format!("T2\tclaim {zs} {ze}\tSomeone Else\n"),
            None,
            "cafe.ann line 2: T2: its text \"Someone Else\" is not what the .txt has",
        ),
        (
            "dangling",
            "R1\tspeaker Arg1:T1 Arg2:T9\n".to_owned(),
            None,
            "cafe.ann line 2: R1: its argument T9 is not a text-bound annotation",
        ),
        (
            "undeclared",
            format!("T2\tPlace {zs} {ze}\tZoë Brandt\n"),
            Some("[entities]\nPerson\n"),
            "cafe.ann line 2: T2 type \"Place\" is not in annotation.conf",
        ),
        (
            "event",
            "E1\tMeeting:T1\n".to_owned(),
            None,
            "cafe.ann line 2: an event (E)",
        ),
    ];
    for (name, bad, conf, expected) in cases {
        let dir = folder(&format!("{good}{bad}"), conf);
        let error = import_path(dir.path(), None, ImportOptions::default())
            .unwrap_err()
            .to_string();
        assert!(error.starts_with(expected), "{name}: {error}");
        assert!(!error.contains('\n'), "{name}: {error}");
        let options = ImportOptions {
            skip_invalid: true,
            ..ImportOptions::default()
        };
        let (_, imported) = import_path(dir.path(), None, options).unwrap();
        assert_eq!(imported.skipped.len(), 1, "{name}");
        assert_eq!(imported.session.annotation_count(), 1, "{name}");
    }
}

#[test]
fn the_command_line_imports_a_folder_or_one_ann_file() {
    let dir = folder(&good_ann(), None);
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gloss"))
            .args(args)
            .current_dir(dir.path())
            .env("HOME", dir.path())
            .output()
            .unwrap()
    };
    let out = run(&["import", ".", "-o", "s.ron"]);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("as brat"), "{said}");
    assert!(
        said.contains("imported 1 article(s), 4 annotation(s), 1 relation(s)"),
        "{said}"
    );
    let out = run(&["import", "cafe.ann", "-o", "t.ron"]);
    assert!(out.status.success(), "{out:?}");

    std::fs::write(dir.path().join("cafe.ann"), "T1\tPerson 0 400\tZoë\n").unwrap();
    let out = run(&["import", ".", "-o", "u.ron"]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(said.contains("cafe.ann line 1"), "{said}");
    assert!(!dir.path().join("u.ron").exists());
}
