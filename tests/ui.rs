//! The desktop app driven through its accessible labels with egui_kittest: open an
//! article, annotate, relabel, undo/redo, type a note, save and reload, export, shield,
//! and the unsaved-changes prompt. `harness.run()` also fails on any editable widget
//! without an accessible name.

// Test helpers outside #[test] fns may panic on broken fixtures.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use gloss::app::picker::ScriptedPicker;
use gloss::app::{AppOptions, GlossApp, Settings};

const ARTICLE: &str = "The Quiet Harbour\n\n\
The ferry captain said the crossing would close for good in March.\n\n\
“We kept the lights on for forty years,” said Marta Quell, who ran the café by the pier.\n\n\
In the last chapter, the lighthouse keeper turns out to be the missing heir.\n\n\
The council claims the new bridge will cut travel times by half.\n";

struct Fixture {
    dir: tempfile::TempDir,
    picker: ScriptedPicker,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("harbour.txt"), ARTICLE).unwrap();
        Self {
            dir,
            picker: ScriptedPicker::default(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn harness(&self) -> Harness<'static, GlossApp> {
        let picker = self.picker.clone();
        let recovery = self.path("recovery");
        let mut harness = Harness::builder()
            .with_size([1280.0, 800.0])
            .build_eframe(move |_cc| {
                GlossApp::new(
                    AppOptions {
                        picker: Box::new(picker),
                        recovery_dir: Some(recovery),
                        example: None,
                    },
                    Settings::default(),
                )
            });
        harness.run();
        harness
    }

    /// Start the app and open the fixture article from the start screen.
    fn opened(&self) -> Harness<'static, GlossApp> {
        let mut harness = self.harness();
        self.picker.push_open(vec![self.path("harbour.txt")]);
        harness.get_by_label("Open article…").click();
        harness.run();
        harness
    }
}

/// Select `text` with the find bar (Ctrl+F, type, Enter) and close the bar (Esc),
/// leaving the match selected in the reader.
fn select_by_find(harness: &mut Harness<'_, GlossApp>, text: &str) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    let field = harness.get_by_label("Find:");
    field.type_text(text);
    harness.run();
    harness.key_press(Key::Enter);
    // The reader scrolls to the match (smoothly, and springs back at the article's end).
    harness.run_steps(20);
    harness.key_press(Key::Escape);
    harness.run();
}

/// Run frames until the background save is done (it runs on its own thread).
fn settle_save(harness: &mut Harness<'_, GlossApp>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while harness.state().is_saving() {
        assert!(
            std::time::Instant::now() < deadline,
            "the save never finished"
        );
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    harness.run();
}

fn annotation_count(harness: &Harness<'_, GlossApp>) -> usize {
    harness.state().session.annotation_count()
}

fn reader_text(harness: &Harness<'_, GlossApp>) -> String {
    harness
        .get_by_label("Article text")
        .value()
        .unwrap_or_default()
}

#[test]
fn select_press_q_and_see_the_quote_in_the_list() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    assert!(
        reader_text(&harness).contains("forty years"),
        "the article is shown"
    );
    select_by_find(&mut harness, "We kept the lights on for forty years");
    harness.key_press(Key::Q);
    harness.run();
    assert_eq!(annotation_count(&harness), 1);
    harness.get_by_label("Quote: “We kept the lights on for forty years”");
    let doc = &harness.state().session.documents[0];
    let a = &doc.annotations[0];
    assert_eq!(a.label, "quote");
    assert_eq!(
        doc.article.text.slice(a.span()),
        Some("We kept the lights on for forty years")
    );
}

#[test]
fn relabel_then_undo_and_redo() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    select_by_find(&mut harness, "the new bridge will cut travel times by half");
    harness.key_press(Key::Q);
    harness.run();
    // Relabel through the editor's label box.
    harness.get_by_label("Label:").click();
    harness.run();
    harness.get_by_label("Claim").click();
    harness.run();
    let label =
        |h: &Harness<'_, GlossApp>| h.state().session.documents[0].annotations[0].label.clone();
    assert_eq!(label(&harness), "claim");
    harness.get_by_label("Claim: “the new bridge will cut travel times by half”");

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(label(&harness), "quote", "undo restores the old label");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(
        annotation_count(&harness),
        0,
        "second undo removes the annotation"
    );
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert_eq!(annotation_count(&harness), 1, "Ctrl+Shift+Z redoes");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    harness.run();
    assert_eq!(label(&harness), "claim", "Ctrl+Y redoes the relabel");
}

#[test]
fn typing_a_note_is_one_undo_step_and_speaker_is_an_attribute() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    select_by_find(&mut harness, "We kept the lights on for forty years");
    harness.key_press(Key::Q);
    harness.run();
    // The new annotation's note field has the keyboard at once.
    assert!(harness.get_by_label("Note:").is_focused());
    harness
        .get_by_label("Note:")
        .type_text("Said on the last night");
    harness.run();
    harness.get_by_label("speaker").click();
    harness.run();
    harness.get_by_label("speaker").type_text("Marta Quell");
    harness.run();
    {
        let a = &harness.state().session.documents[0].annotations[0];
        assert_eq!(a.note, "Said on the last night");
        assert_eq!(
            a.attributes.get("speaker").map(String::as_str),
            Some("Marta Quell")
        );
    }
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    let a = &harness.state().session.documents[0].annotations[0];
    assert!(
        !a.attributes.contains_key("speaker"),
        "undo takes the speaker back"
    );
    assert_eq!(a.note, "Said on the last night", "…but not the note");
}

#[test]
fn save_to_a_folder_and_reload() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    select_by_find(&mut harness, "the missing heir");
    harness.key_press(Key::S);
    harness.run();
    assert!(harness.state().is_dirty());
    let session = fx.path("work.ron");
    fx.picker.push_save(Some(session.clone()));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    settle_save(&mut harness);
    assert!(session.is_file(), "Ctrl+S saved through the picker");
    assert!(!harness.state().is_dirty());
    assert!(harness.state().window_title().starts_with("work.ron"));

    // A fresh app opens the saved session and shows the same annotation.
    let mut again = fx.harness();
    fx.picker.push_open(vec![session]);
    again.get_by_label("Open session…").click();
    again.run();
    again.get_by_label("Spoiler: “the missing heir”");
    assert_eq!(again.state().session, harness.state().session);
}

#[test]
fn export_json_through_the_dialog() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    select_by_find(&mut harness, "Marta Quell");
    harness.key_press(Key::C);
    harness.run();
    let out = fx.path("out.json");
    fx.picker.push_save(Some(out.clone()));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::E);
    harness.run();
    harness.get_by_label("Export…").click();
    harness.run();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(json["schema"], 2);
    let article = &json["articles"][0];
    let a = &article["annotations"][0];
    assert_eq!(a["label"], "claim");
    assert_eq!(a["text"], "Marta Quell");
    let text: Vec<char> = article["text"].as_str().unwrap().chars().collect();
    let start = a["start"].as_u64().unwrap() as usize;
    let end = a["end"].as_u64().unwrap() as usize;
    assert_eq!(text[start..end].iter().collect::<String>(), "Marta Quell");
    // "“" is 3 bytes in UTF-8 and 1 unit in UTF-16: the offsets differ by unit.
    assert!(a["start_utf8"].as_u64().unwrap() > a["start"].as_u64().unwrap());
}

#[test]
fn the_shield_hides_spoiler_text_until_clicked() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    select_by_find(
        &mut harness,
        "the lighthouse keeper turns out to be the missing heir",
    );
    harness.key_press(Key::S);
    harness.run();
    assert!(reader_text(&harness).contains("missing heir"));
    harness.get_by_label("Spoiler shield").click();
    harness.run();
    let shown = reader_text(&harness);
    assert!(
        !shown.contains("missing heir"),
        "shielded text is not shown: {shown}"
    );
    assert!(shown.contains("[spoiler]"));
    assert!(
        shown.contains("forty years"),
        "the rest of the article is still there"
    );
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::H);
    harness.run();
    assert!(
        reader_text(&harness).contains("missing heir"),
        "Ctrl+Shift+H turns it off"
    );
}

#[test]
fn unsaved_changes_prompt_on_new_session_and_on_close() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    select_by_find(&mut harness, "ferry captain");
    harness.key_press(Key::Q);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.run();
    harness.get_by_label("Save changes?");
    harness.get_by_label("Cancel").click();
    harness.run();
    assert_eq!(annotation_count(&harness), 1, "Cancel keeps the session");
    assert!(harness.query_by_label("Save changes?").is_none());

    // The window's close button asks too.
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    harness.run();
    harness.get_by_label("Save changes?");
    harness.get_by_label("Discard").click();
    harness.run();
    assert!(!harness.state().is_dirty());
}

#[test]
fn a_bad_file_shows_its_error_and_keeps_the_session() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    select_by_find(&mut harness, "ferry captain");
    harness.key_press(Key::Q);
    harness.run();
    let binary = fx.path("image.txt");
    std::fs::write(&binary, b"\x89PNG\0\0\0binary").unwrap();
    fx.picker.push_open(vec![binary]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run();
    harness.get_by_label_contains("binary file");
    assert_eq!(annotation_count(&harness), 1);
    assert_eq!(harness.state().session.documents.len(), 1);
}

#[test]
fn opening_the_same_article_again_switches_to_it() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    fx.picker.push_open(vec![fx.path("harbour.txt")]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run();
    assert_eq!(harness.state().session.documents.len(), 1);
}

#[test]
fn open_path_prompt_works_without_any_dialog() {
    let fx = Fixture::new();
    let mut harness = fx.harness();
    harness.get_by_label("Open path…").click();
    harness.run();
    let path = fx.path("harbour.txt");
    harness
        .get_by_label("Path of an article (.txt, .md, .html) or a session (.ron):")
        .type_text(&path.display().to_string());
    harness.run();
    harness.get_by_label("Open").click();
    harness.run();
    assert_eq!(harness.state().session.documents.len(), 1);
    assert!(reader_text(&harness).contains("ferry captain"));
}

#[test]
fn label_editor_and_palette_have_named_widgets() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    harness.run();
    harness.get_by_label("Command:").type_text("edit labels");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    harness.get_by_label("New label:").click();
    harness.run();
    harness.get_by_label("New label:").type_text("Source");
    harness.run();
    harness.get_by_label("Add label").click();
    harness.run();
    assert!(harness.state().session.label("source").is_some());
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    harness.run();
    harness.get_by_label("Command:").type_text("shield");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert!(
        harness.state().settings.shield,
        "the palette ran the shield command"
    );
}

#[test]
fn annotate_all_matches_and_move_edges_by_keyboard() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    // Annotate every match of a search as a claim, in one undoable step.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    harness.get_by_label("Find:").type_text("harbour");
    harness.run();
    harness.get_by_label("Annotate all matches as…").click();
    harness.run();
    harness.get_by_label("Claim").click();
    harness.run();
    let n = annotation_count(&harness);
    assert_eq!(
        n, 1,
        "\"harbour\" occurs once, case-insensitively: in the title"
    );
    harness.key_press(Key::Escape);
    harness.run();

    // Grow the claim's end by one word with Alt+→, shrink it back with Alt+←.
    let id = harness.state().session.documents[0].annotations[0].id;
    harness
        .state_mut()
        .push(gloss::app::command::Command::Select(Some(id)));
    harness.run();
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowRight);
    harness.run();
    let quote =
        |h: &Harness<'_, GlossApp>| h.state().session.documents[0].annotations[0].text.clone();
    assert_eq!(quote(&harness), "Harbour\n\nThe");
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowLeft);
    harness.run();
    assert_eq!(quote(&harness), "Harbour");
    harness.key_press_modifiers(Modifiers::ALT | Modifiers::SHIFT, Key::ArrowLeft);
    harness.run();
    assert_eq!(
        quote(&harness),
        "Quiet Harbour",
        "Alt+Shift+← grows the start"
    );
    harness.key_press(Key::Delete);
    harness.run();
    assert_eq!(
        annotation_count(&harness),
        0,
        "Del deletes the selected annotation"
    );
}

#[test]
fn save_from_the_prompt_asks_where_then_goes_on() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    select_by_find(&mut harness, "ferry captain");
    harness.key_press(Key::Q);
    harness.run();
    let session = fx.path("kept.ron");
    fx.picker.push_save(Some(session.clone()));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.run();
    harness.get_by_label("Save").click();
    harness.run();
    settle_save(&mut harness);
    assert!(
        session.is_file(),
        "the never-saved session was saved through the picker"
    );
    assert!(
        harness.state().session.documents.is_empty(),
        "…then the new session started"
    );
    let saved = gloss::formats::load_session(&session).unwrap();
    assert_eq!(saved.session.annotation_count(), 1);
}

fn journals(fx: &Fixture) -> Vec<gloss::app::journal::FoundJournal> {
    gloss::app::journal::JournalDir::new(fx.path("recovery")).find()
}

#[test]
fn unsaved_changes_come_back_from_the_journal_as_undoable_history() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    select_by_find(&mut harness, "ferry captain");
    harness.key_press(Key::Q);
    harness.run();
    harness.get_by_label("Note:").type_text("first");
    harness.run();
    let before = harness.state().session.clone();
    // The process ends without saving (the writer thread finishes its batch; the real
    // SIGKILL case is .ci/kill-test).
    drop(harness);
    assert_eq!(journals(&fx).len(), 1, "one journal with the unsaved steps");

    let mut next = fx.harness();
    next.get_by_label("Restore unsaved changes?");
    next.get_by_label_contains("Restore 3 unsaved change(s) to an unsaved session?");
    next.key_press(Key::Enter);
    next.run();
    assert_eq!(next.state().session.documents, before.documents);
    assert!(next.state().is_dirty(), "restored work still needs saving");
    assert_eq!(
        next.query_all_by_label("Quote 1").count(),
        2,
        "the article list and the list's chip count the restored quote"
    );
    // The restored steps are history: undo the note, the quote, then the article.
    next.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    next.run();
    assert_eq!(next.state().session.documents[0].annotations[0].note, "");
    next.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    next.run();
    assert_eq!(annotation_count(&next), 0);
    assert_eq!(
        next.query_all_by_label("Quote 1").count(),
        0,
        "counts follow undo"
    );
    next.get_by_label("Quote 0");
    next.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    next.run();
    assert!(next.state().session.documents.is_empty());
    next.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    next.run();
    assert_eq!(next.state().session.documents.len(), 1, "and redo");
}

#[test]
fn saving_empties_the_journal_and_later_edits_are_offered_for_that_session() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    select_by_find(&mut harness, "ferry captain");
    harness.key_press(Key::Q);
    harness.run();
    let session = fx.path("work.ron");
    harness.state_mut().save_to(session.clone(), None);
    assert!(
        harness.state().window_title().contains("saving…"),
        "the title says the save is running: {}",
        harness.state().window_title()
    );
    settle_save(&mut harness);
    assert!(!harness.state().is_dirty());
    assert!(harness.state().flush_journal());
    assert!(journals(&fx).is_empty(), "a save leaves nothing to restore");
    select_by_find(&mut harness, "Marta Quell");
    harness.key_press(Key::C);
    harness.run();
    drop(harness);

    // Opening the session offers its own unsaved change.
    let mut next = fx.harness();
    next.key_press(Key::Escape); // "Later" for the start-up offer
    next.run();
    fx.picker.push_open(vec![session.clone()]);
    next.get_by_label("Open session…").click();
    next.run();
    next.get_by_label_contains("Restore 1 unsaved change(s) to work.ron?");
    next.get_by_label("Restore").click();
    next.run();
    assert_eq!(annotation_count(&next), 2);
    assert_eq!(
        next.state().session_path.as_deref(),
        Some(session.as_path())
    );
    let on_disk = gloss::formats::load_session(&session).unwrap();
    assert_eq!(
        on_disk.session.annotation_count(),
        1,
        "the file is untouched"
    );
}

#[test]
fn a_journal_whose_session_changed_elsewhere_opens_as_a_separate_copy() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    let session = fx.path("work.ron");
    harness.state_mut().save_to(session.clone(), None);
    settle_save(&mut harness);
    select_by_find(&mut harness, "Marta Quell");
    harness.key_press(Key::C);
    harness.run();
    drop(harness);

    // Someone else saves the session meanwhile (another annotation).
    let mut other = gloss::formats::load_session(&session).unwrap().session;
    let edit = other
        .annotate("harbour", "spoiler", 0..9, gloss::model::Timestamp(1))
        .unwrap();
    edit.apply(&mut other).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    gloss::formats::save_session(&other, &session).unwrap();

    let mut next = fx.harness();
    next.get_by_label("Restore unsaved changes?");
    next.key_press(Key::Enter);
    next.run();
    next.get_by_label("The session file changed");
    next.get_by_label("Open as a separate copy").click();
    next.run();
    let state = next.state();
    assert_eq!(state.session_path, None, "a separate, never-saved copy");
    let labels: Vec<&str> = state.session.documents[0]
        .annotations
        .iter()
        .map(|a| a.label.as_str())
        .collect();
    assert_eq!(labels, ["spoiler", "claim"], "their change and ours");
    let on_disk = gloss::formats::load_session(&session).unwrap();
    assert_eq!(
        on_disk.session.annotation_count(),
        1,
        "their file is untouched"
    );
}

#[test]
fn a_failed_save_says_why_and_keeps_the_session_dirty() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    select_by_find(&mut harness, "ferry captain");
    harness.key_press(Key::Q);
    harness.run();
    let nowhere = fx.path("no-such-folder").join("work.ron");
    harness.state_mut().save_to(nowhere, None);
    settle_save(&mut harness);
    assert!(harness.state().is_dirty());
    assert!(
        harness
            .state()
            .messages
            .iter()
            .any(|m| m.error && m.text.contains("no-such-folder")),
        "the error names the file: {:?}",
        harness.state().messages
    );
    assert!(!harness.state().window_title().contains("saving"));
    assert_eq!(harness.state().session_path, None);
}

#[test]
fn a_changed_article_file_is_applied_only_when_the_person_says_so() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    select_by_find(&mut harness, "Marta Quell");
    harness.key_press(Key::C);
    harness.run();
    let session = fx.path("work.ron");
    harness.state_mut().save_to(session.clone(), None);
    settle_save(&mut harness);
    drop(harness);
    // The article is corrected on disk: a sentence before the quote.
    let edited = ARTICLE.replace(
        "The ferry captain",
        "Correction: times were updated.\n\nThe ferry captain",
    );
    std::fs::write(fx.path("harbour.txt"), &edited).unwrap();

    let open = |fx: &Fixture| {
        let mut h = fx.harness();
        fx.picker.push_open(vec![session.clone()]);
        h.get_by_label("Open session…").click();
        h.run();
        h.get_by_label("Article files changed on disk");
        h.get_by_label_contains("0 annotation(s) stay, 1 move, 0 become orphans");
        h
    };
    let mut keep = open(&fx);
    keep.get_by_label("Keep the stored text").click();
    keep.run();
    let doc = &keep.state().session.documents[0];
    assert_eq!(doc.article.text.as_str(), ARTICLE, "the stored text stays");
    assert!(!keep.state().is_dirty());
    drop(keep);

    let mut apply = open(&fx);
    apply.get_by_label("Re-anchor to the new text").click();
    apply.run();
    let doc = &apply.state().session.documents[0];
    assert_eq!(doc.article.text.as_str(), edited);
    let a = &doc.annotations[0];
    assert_eq!(
        doc.article.text.slice(a.span()),
        Some("Marta Quell"),
        "moved with its text"
    );
    assert!(apply.state().is_dirty());
    apply.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    apply.run();
    assert_eq!(
        apply.state().session.documents[0].article.text.as_str(),
        ARTICLE,
        "one undo goes back to the stored text"
    );
}

// ---------------------------------------------------------------------------------------
// Relations

const LETTERS: &str = "Letters to the editor\n\n\
A reader writes that the new bridge will not shorten any journey at all.\n";

/// Annotate the text found with the label key, then leave the note field (Esc) so the
/// next keys are commands again.
fn annotate(harness: &mut Harness<'_, GlossApp>, text: &str, key: Key) {
    select_by_find(harness, text);
    harness.key_press(key);
    harness.run_steps(4);
    harness.key_press(Key::Escape);
    harness.run_steps(4);
    assert!(
        harness.state().selected.is_some(),
        "Esc left the note, not the annotation"
    );
}

/// Alt+arrow steps to an annotation and flashes it (frames keep coming while it fades).
fn press_alt(harness: &mut Harness<'_, GlossApp>, key: Key) {
    harness.key_press_modifiers(Modifiers::ALT, key);
    harness.run_steps(4);
}

fn quote_speaker(harness: &Harness<'_, GlossApp>) -> Option<String> {
    harness.state().session.documents[0]
        .annotations
        .iter()
        .find(|a| a.label == "quote")
        .and_then(|a| a.attributes.get("speaker").cloned())
}

#[test]
fn link_a_quote_to_its_speaker_by_keyboard_then_undo_and_redo() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    annotate(
        &mut harness,
        "We kept the lights on for forty years",
        Key::Q,
    );
    annotate(&mut harness, "Marta Quell", Key::O);
    assert_eq!(annotation_count(&harness), 2);
    // The source is selected; step back to the quote, start a link, step to the source.
    press_alt(&mut harness, Key::ArrowUp);
    harness.key_press(Key::R);
    harness.run_steps(4);
    let status = harness
        .state()
        .linking_status()
        .expect("R starts a link from the quote");
    assert!(
        status.contains("Linking Quote “We kept the lights on"),
        "{status}"
    );
    press_alt(&mut harness, Key::ArrowDown);
    harness.key_press(Key::Enter);
    harness.run_steps(4);
    // Speaker is the only type a quote → source link allows: made at once.
    let session = &harness.state().session;
    assert_eq!(
        session.relations.len(),
        1,
        "Enter linked the quote to the source"
    );
    let relation = &session.relations[0];
    assert_eq!(relation.kind, "speaker");
    let quote = session.locate(relation.from).unwrap().annotation;
    let source = session.locate(relation.to).unwrap().annotation;
    assert_eq!(
        (quote.label.as_str(), source.text.as_str()),
        ("quote", "Marta Quell")
    );
    assert!(harness.state().linking.is_none());
    assert_eq!(quote_speaker(&harness).as_deref(), Some("Marta Quell"));
    // The editor of the selected quote lists the link.
    assert_eq!(harness.state().selected, Some(relation.from));
    harness.get_by_label("Speaker to Source “Marta Quell”");

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(4);
    assert!(
        harness.state().session.relations.is_empty(),
        "undo removes the link"
    );
    assert_eq!(
        quote_speaker(&harness),
        None,
        "and the speaker it filled in"
    );
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run_steps(4);
    assert_eq!(
        harness.state().session.relations.len(),
        1,
        "redo links again"
    );
    assert_eq!(quote_speaker(&harness).as_deref(), Some("Marta Quell"));
}

#[test]
fn link_a_claim_to_a_claim_in_another_article() {
    let fx = Fixture::new();
    std::fs::write(fx.path("letters.txt"), LETTERS).unwrap();
    let mut harness = fx.opened();
    annotate(
        &mut harness,
        "the new bridge will cut travel times by half",
        Key::C,
    );
    // Open the second article (File ▸ Open article…).
    fx.picker.push_open(vec![fx.path("letters.txt")]);
    harness
        .state_mut()
        .push(gloss::app::command::Command::OpenArticle);
    harness.run_steps(4);
    assert_eq!(harness.state().current.as_deref(), Some("letters"));
    annotate(
        &mut harness,
        "the new bridge will not shorten any journey",
        Key::C,
    );
    let letters_claim = harness.state().selected.unwrap();
    // Back to the first article's claim.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::PageUp);
    harness.run_steps(4);
    press_alt(&mut harness, Key::ArrowDown);
    let harbour_claim = harness.state().selected.unwrap();
    assert_ne!(harbour_claim, letters_claim);

    harness.key_press(Key::R);
    harness.run_steps(4);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    harness.run_steps(4);
    press_alt(&mut harness, Key::ArrowDown);
    harness.key_press(Key::Enter);
    harness.run_steps(4);
    // Claim → claim allows evidence, same as and contradicts: the menu lists them.
    harness.get_by_label("4  Contradicts");
    assert!(harness.state().session.relations.is_empty());
    harness.key_press(Key::Num4);
    harness.run_steps(4);
    let session = &harness.state().session;
    assert_eq!(session.relations.len(), 1);
    let relation = &session.relations[0];
    assert_eq!(
        (relation.kind.as_str(), relation.from, relation.to),
        ("contradicts", harbour_claim, letters_claim)
    );
    assert_eq!(
        session.locate(relation.to).unwrap().document.article.id,
        "letters"
    );
    // The app is back at the source claim, whose editor names the other article.
    assert_eq!(harness.state().current.as_deref(), Some("harbour"));
    assert_eq!(harness.state().selected, Some(harbour_claim));
    harness.get_by_label(
        "Contradicts to Claim “the new bridge will not shorten any jour…” · in Letters to the editor",
    );
    // Esc while linking cancels, and nothing is made.
    harness.key_press(Key::R);
    harness.run_steps(4);
    assert!(harness.state().linking.is_some());
    harness.key_press(Key::Escape);
    harness.run_steps(4);
    assert!(harness.state().linking.is_none());
    assert_eq!(harness.state().session.relations.len(), 1);
}

#[test]
fn import_adds_a_dataset_as_one_undoable_step_and_shows_errors_in_the_window() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    select_by_find(&mut harness, "ferry captain");
    harness.key_press(Key::Q);
    harness.run();
    // Label Studio tasks: two spans and a link between them.
    let tasks = serde_json::json!([{
        "id": 5,
        "data": {"text": "Tide tables change on Monday, the port office said."},
        "annotations": [{"result": [
            {"id": "k1", "type": "labels", "from_name": "label", "to_name": "text",
             "value": {"start": 0, "end": 28, "text": "Tide tables change on Monday", "labels": ["claim"]}},
            {"id": "k2", "type": "labels", "from_name": "label", "to_name": "text",
             "value": {"start": 30, "end": 45, "text": "the port office", "labels": ["source"]}},
            {"type": "relation", "from_id": "k1", "to_id": "k2", "direction": "right", "labels": ["evidence"]}
        ]}]
    }]);
    std::fs::write(fx.path("tasks.json"), tasks.to_string()).unwrap();
    fx.picker.push_open(vec![fx.path("tasks.json")]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    harness.run();
    harness.get_by_label_contains("tasks.json as label-studio");
    {
        let session = &harness.state().session;
        assert_eq!(session.documents.len(), 2);
        assert_eq!(session.annotation_count(), 3);
        assert_eq!(session.relations.len(), 1);
    }
    assert_eq!(
        harness.state().current.as_deref(),
        Some("task-5"),
        "the imported article is shown"
    );

    // One undo takes the whole import back; the person's own work stays.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().session.documents.len(), 1);
    assert_eq!(annotation_count(&harness), 1);
    assert_eq!(harness.state().session.relations.len(), 0);

    // A bad file: its error in the window, nothing in the session lost.
    std::fs::write(fx.path("broken.json"), "[{\"data\": {\"text\": \"x\"}, ").unwrap();
    fx.picker.push_open(vec![fx.path("broken.json")]);
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label_contains("Import…").click();
    harness.run();
    harness.get_by_label_contains("broken.json");
    assert_eq!(harness.state().session.documents.len(), 1);
    assert_eq!(annotation_count(&harness), 1);
}

/// An annotator's session of the fixture article with these (label, quote) spans.
fn annotator_session(fx: &Fixture, name: &str, spans: &[(&str, &str)]) -> PathBuf {
    let article = gloss::formats::load_article(&fx.path("harbour.txt")).unwrap();
    let mut session = gloss::model::Session::new();
    session.annotator = Some(name.to_owned());
    let id = session.add_article(article);
    for (label, quote) in spans {
        let byte = ARTICLE.find(quote).unwrap();
        let start = ARTICLE[..byte].chars().count();
        let edit = session
            .annotate(
                &id,
                label,
                start..start + quote.chars().count(),
                gloss::model::Timestamp(1),
            )
            .unwrap();
        edit.apply(&mut session).unwrap();
    }
    let path = fx.path(&format!("{name}.ron"));
    gloss::formats::save_session(&session, &path).unwrap();
    path
}

#[test]
fn curate_two_annotators_by_keyboard_then_undo_and_redo() {
    let fx = Fixture::new();
    let ann = annotator_session(
        &fx,
        "ann",
        &[
            ("claim", "the crossing would close for good in March"),
            ("quote", "We kept the lights on for forty years"),
            (
                "spoiler",
                "the lighthouse keeper turns out to be the missing heir",
            ),
        ],
    );
    let bob = annotator_session(
        &fx,
        "bob",
        &[
            ("claim", "the crossing would close for good in March"),
            ("quote", "We kept the lights on"),
        ],
    );
    let mut harness = fx.opened();
    fx.picker.push_open(vec![ann, bob]);
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label_contains("Compare with…").click();
    harness.run();
    harness.get_by_label_contains("ann (Alt+1)");
    harness.get_by_label_contains("2 disagreement(s), 1 agreed group(s)");
    let texts = |harness: &Harness<'_, GlossApp>| -> Vec<String> {
        let mut t: Vec<String> = harness.state().session.documents[0]
            .annotations
            .iter()
            .map(|a| format!("{}: {}", a.label, a.text))
            .collect();
        t.sort();
        t
    };

    // The first disagreement is the quote: take Bob's shorter version.
    harness.key_press(Key::F8);
    harness.run();
    harness.key_press_modifiers(Modifiers::ALT, Key::Num2);
    harness.run();
    assert_eq!(texts(&harness), ["quote: We kept the lights on"]);
    // Then Ann's, which replaces it.
    harness.key_press_modifiers(Modifiers::ALT, Key::Num1);
    harness.run();
    assert_eq!(
        texts(&harness),
        ["quote: We kept the lights on for forty years"]
    );

    // The spoiler only Ann marked: accept it, then reject it.
    harness.key_press(Key::F8);
    harness.run();
    harness.key_press_modifiers(Modifiers::ALT, Key::Num1);
    harness.run();
    assert_eq!(texts(&harness).len(), 2);
    harness.key_press_modifiers(Modifiers::ALT, Key::Backspace);
    harness.run();
    assert_eq!(
        texts(&harness),
        ["quote: We kept the lights on for forty years"]
    );

    // Everything both agree on, in one step.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::A);
    harness.run();
    let curated = [
        "claim: the crossing would close for good in March",
        "quote: We kept the lights on for forty years",
    ];
    assert_eq!(texts(&harness), curated);

    // Each step is one undo.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(
        texts(&harness),
        ["quote: We kept the lights on for forty years"]
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(texts(&harness).len(), 2, "the rejected spoiler is back");
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert_eq!(texts(&harness), curated);
}

#[test]
fn the_annotator_name_is_set_once_and_saved_with_the_session() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label_contains("Annotator name…").click();
    harness.run();
    harness
        .get_by_label_contains("Your name, saved with this session")
        .type_text("Ann Lee");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(
        harness.state().session.annotator.as_deref(),
        Some("Ann Lee")
    );
    assert_eq!(harness.state().settings.annotator, "Ann Lee");
    assert!(
        harness.state().is_dirty(),
        "the name is saved with the session"
    );
    let session = fx.path("ann.ron");
    fx.picker.push_save(Some(session.clone()));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    settle_save(&mut harness);
    let saved = gloss::formats::load_session(&session).unwrap().session;
    assert_eq!(saved.annotator.as_deref(), Some("Ann Lee"));
}

#[test]
fn orphans_and_changed_annotations_are_reviewed_after_an_edit() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    select_by_find(&mut harness, "Marta Quell");
    harness.key_press(Key::O);
    harness.run();
    select_by_find(&mut harness, "the crossing would close");
    harness.key_press(Key::C);
    harness.run();
    let session = fx.path("work.ron");
    harness.state_mut().save_to(session.clone(), None);
    settle_save(&mut harness);
    drop(harness);
    // The article is edited: the name retyped (the span's text is gone), a word fixed
    // inside the claim.
    let edited = ARTICLE
        .replace("Marta Quell", "M. Quell-Ortega")
        .replace("would close", "will close");
    std::fs::write(fx.path("harbour.txt"), &edited).unwrap();
    let mut h = fx.harness();
    fx.picker.push_open(vec![session.clone()]);
    h.get_by_label("Open session…").click();
    h.run();
    h.get_by_label("Re-anchor to the new text").click();
    h.run();
    h.get_by_label_contains("1 orphan(s), 1 changed");
    let find = |h: &Harness<'_, GlossApp>, label: &str| {
        h.state().session.documents[0]
            .annotations
            .iter()
            .find(|a| a.label == label)
            .unwrap()
            .clone()
    };
    assert!(find(&h, "source").orphan);
    assert_eq!(find(&h, "claim").text, "the crossing will close");

    // Accept the changed claim: its old quote goes.
    h.get_by_label("Accept").click();
    h.run();
    assert!(!find(&h, "claim").attributes.contains_key("previous_text"));

    // Re-attach the orphan: select it in the list, select the new name, press Enter.
    h.get_by_label_contains("Orphan source").click();
    h.run();
    select_by_find(&mut h, "M. Quell-Ortega");
    h.key_press(Key::Enter);
    h.run();
    let source = find(&h, "source");
    assert!(!source.orphan);
    assert_eq!(source.text, "M. Quell-Ortega");

    // Both steps undo, one at a time.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(find(&h, "source").orphan);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(find(&h, "claim").attributes.contains_key("previous_text"));
}

#[test]
fn a_merge_conflict_is_resolved_by_keeping_one_version() {
    let fx = Fixture::new();
    let article = gloss::formats::load_article(&fx.path("harbour.txt")).unwrap();
    let mut base = gloss::model::Session::new();
    let id = base.add_article(article);
    let start = ARTICLE[..ARTICLE.find("Marta Quell").unwrap()]
        .chars()
        .count();
    let edit = base
        .annotate(&id, "source", start..start + 11, gloss::model::Timestamp(1))
        .unwrap();
    edit.apply(&mut base).unwrap();
    let aid = base.documents[0].annotations[0].id;
    let with_note = |note: &str| {
        let mut s = base.clone();
        let edit = s
            .update_annotation(&id, aid, gloss::model::Timestamp(2), |a| {
                a.note = note.into()
            })
            .unwrap();
        edit.apply(&mut s).unwrap();
        s
    };
    let merged =
        gloss::model::merge::three_way_merge(&base, &with_note("owner"), &with_note("cook"));
    assert_eq!(merged.conflicts.len(), 1);
    let path = fx.path("merged.ron");
    gloss::formats::save_session(&merged.session, &path).unwrap();

    let mut h = fx.harness();
    fx.picker.push_open(vec![path]);
    h.get_by_label("Open session…").click();
    h.run();
    h.get_by_label_contains("Merge conflict (ours)");
    h.get_by_label("Keep theirs").click();
    h.run();
    let notes = |h: &Harness<'_, GlossApp>| -> Vec<(String, bool)> {
        h.state().session.documents[0]
            .annotations
            .iter()
            .map(|a| (a.note.clone(), a.attributes.contains_key("conflict")))
            .collect()
    };
    assert_eq!(notes(&h), [("cook".to_owned(), false)]);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(notes(&h).len(), 2, "one undo brings both versions back");
}

#[test]
fn a_web_page_opens_as_its_article_with_a_header_of_its_metadata() {
    let fx = Fixture::new();
    let page = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages/harbour-news.html"),
    )
    .unwrap();
    std::fs::write(fx.path("harbour.html"), page).unwrap();
    std::fs::write(
        fx.path("menu.html"),
        "<html><body><ul><li>Home</li><li>About us</li></ul></body></html>",
    )
    .unwrap();
    let mut harness = fx.harness();
    fx.picker.push_open(vec![fx.path("harbour.html")]);
    harness.get_by_label("Open article…").click();
    harness.run();
    // The header: title, byline · site · day · language, the link, the summary.
    assert_eq!(
        harness
            .get_all_by_label("Ferry timetable cut as harbour repairs overrun")
            .count(),
        2,
        "in the article list and in the header"
    );
    harness.get_by_label("By Maren Okafor  ·  The Coastal Gazette  ·  2026-11-03  ·  en-GB");
    harness.get_by_label("https://gazette.example/news/ferry-timetable-cut");
    harness.get_by_label(
        "Winter crossings to the island drop to two a day while the north pier is rebuilt.",
    );
    // The reader holds the article only: no menu, no cookie banner, no header text.
    let text = reader_text(&harness);
    assert!(text.starts_with("Winter crossings to the island"), "{text}");
    assert!(!text.contains("Skip to main content") && !text.contains("Maren Okafor"));
    // A page without an article says so, in the header and the status line.
    fx.picker.push_open(vec![fx.path("menu.html")]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run();
    assert!(
        harness
            .query_by_label_contains("No article found in")
            .is_some()
    );
    harness.get_by_label(
        "Text: full page (no article found) — menus and other page text may be included.",
    );
}

#[test]
fn progress_mark_done_filter_next_unfinished_rename_and_remove_with_undo() {
    let fx = Fixture::new();
    std::fs::write(
        fx.path("second.txt"),
        "Second story\n\nNothing happens here.\n",
    )
    .unwrap();
    std::fs::write(fx.path("third.txt"), "Third story\n\nStill nothing.\n").unwrap();
    let mut harness = fx.harness();
    fx.picker.push_open(vec![
        fx.path("harbour.txt"),
        fx.path("second.txt"),
        fx.path("third.txt"),
    ]);
    harness.get_by_label("Open article…").click();
    harness.run();
    harness.get_by_label("0 of 3 done (0 in progress, 3 to do)");
    // Annotating starts an article; Ctrl+D marks it done.
    harness.get_by_label("The Quiet Harbour").click();
    harness.run();
    annotate(&mut harness, "crossing would close", Key::C);
    harness.get_by_label("0 of 3 done (1 in progress, 2 to do)");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::D);
    harness.run();
    harness.get_by_label("1 of 3 done (0 in progress, 2 to do)");
    // Next unfinished skips the done one.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::D);
    harness.run();
    assert_ne!(harness.state().current.as_deref(), Some("harbour"));
    // Undo takes "done" back.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    harness.get_by_label("0 of 3 done (1 in progress, 2 to do)");
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    // The filter shows only done articles.
    harness.get_by_label("Done").click();
    harness.run();
    assert!(harness.query_by_label("Second story").is_none());
    assert!(harness.query_by_label("The Quiet Harbour").is_some());
    harness.get_by_label("All").click();
    harness.run();
    // Rename through the context menu.
    harness.get_by_label("Second story").click_secondary();
    harness.run();
    harness.get_by_label("Rename…").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("Title:").type_text("A calmer story");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(
        harness.state().session.documents[1].article.title,
        "A calmer story"
    );
    // Removing an article with annotations asks first; undo brings it back.
    harness.get_by_label("The Quiet Harbour").click_secondary();
    harness.run();
    harness.get_by_label("Remove from the session").click();
    harness.run();
    assert_eq!(
        harness.state().session.documents.len(),
        3,
        "not before the answer"
    );
    harness.get_by_label("Remove").click();
    harness.run();
    assert_eq!(harness.state().session.documents.len(), 2);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().session.documents.len(), 3);
    assert_eq!(harness.state().session.documents[0].annotations.len(), 1);
}

/// Run frames until the dataset search has searched every article.
#[track_caller]
fn settle_search(harness: &mut Harness<'_, GlossApp>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    // Typed keys reach the field in the next frame; the search starts in the frame after.
    harness.step();
    let settled = |app: &GlossApp| {
        let search = &app.search;
        search
            .run
            .as_ref()
            .is_some_and(|r| r.done && r.query == search.view.query() && r.revision == app.revision)
    };
    while !settled(harness.state()) {
        assert!(
            std::time::Instant::now() < deadline,
            "the search never finished"
        );
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    harness.run_steps(3);
}

#[test]
fn dataset_search_finds_in_two_articles_opens_a_result_and_annotates_all_in_one_step() {
    let fx = Fixture::new();
    std::fs::write(
        fx.path("second.txt"),
        "Second story\n\nThe ferry left late. Nobody on the Ferry minded; ferrying is slow.\n",
    )
    .unwrap();
    let mut harness = fx.harness();
    fx.picker
        .push_open(vec![fx.path("harbour.txt"), fx.path("second.txt")]);
    harness.get_by_label("Open article…").click();
    harness.run();
    harness.get_by_label("The Quiet Harbour").click();
    harness.run();
    // Ctrl+Shift+F opens the panel with its field focused; typing searches everything.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    harness.run();
    harness
        .get_by_label("Search all articles:")
        .type_text("ferry");
    settle_search(&mut harness);
    harness.get_by_label("4 matches in 2 articles");
    harness.get_by_label("The Quiet Harbour — 1");
    harness.get_by_label("Second story — 3");
    // Whole word drops "ferrying".
    harness.get_by_label("Whole word").click();
    settle_search(&mut harness);
    harness.get_by_label("3 matches in 2 articles");
    // Enter opens the first result, the next Enter the one after it.
    harness.get_by_label("Search all articles:").focus();
    harness.key_press(Key::Enter);
    harness.run_steps(20);
    assert_eq!(harness.state().current.as_deref(), Some("harbour"));
    harness.key_press(Key::Enter);
    harness.run_steps(20);
    assert_eq!(harness.state().current.as_deref(), Some("second"));
    let selection = harness
        .state()
        .readers
        .get("second")
        .and_then(|r| r.selection())
        .map(gloss::app::reader::Selection::range);
    assert_eq!(
        selection,
        Some(18..23),
        "the first ferry of the second article"
    );
    // A click on a result opens it too (both results show the same line).
    let rows: Vec<_> = harness
        .get_all_by_label_contains("Nobody on the Ferry minded")
        .collect();
    assert_eq!(rows.len(), 2);
    rows[1].click();
    harness.run_steps(20);
    let selection = harness
        .state()
        .readers
        .get("second")
        .and_then(|r| r.selection())
        .map(gloss::app::reader::Selection::range);
    assert_eq!(selection, Some(49..54));
    // Annotate all results as claims: one edit over both articles, one undo.
    harness.get_by_label("Annotate all results as…").click();
    harness.run();
    harness.get_by_label("Claim").click();
    settle_search(&mut harness);
    assert_eq!(annotation_count(&harness), 3);
    let per_article: Vec<usize> = harness
        .state()
        .session
        .documents
        .iter()
        .map(|d| d.annotations.len())
        .collect();
    assert_eq!(per_article, vec![1, 2]);
    // "Not yet annotated" now finds nothing.
    harness.get_by_label("In:").click();
    harness.run();
    harness.get_by_label("not yet annotated").click();
    settle_search(&mut harness);
    harness.get_by_label("0 matches in 0 articles");
    // One undo takes back every annotation of that edit; the results come back.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle_search(&mut harness);
    assert_eq!(annotation_count(&harness), 0);
    harness.get_by_label("3 matches in 2 articles");
    // Esc (outside the field) closes the panel.
    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.query_by_label("Search all articles:").is_none());
}

#[test]
fn reload_from_file_shows_what_moves_and_reanchors_as_one_undoable_step() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    annotate(&mut harness, "crossing would close", Key::C);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::D);
    harness.run();
    // The same file: nothing to do.
    harness.get_by_label("The Quiet Harbour").click_secondary();
    harness.run();
    harness.get_by_label("Reload from file").click();
    harness.run();
    assert!(
        harness
            .query_by_label("Article files changed on disk")
            .is_none()
    );
    // The file gains a paragraph before the claim.
    let changed = ARTICLE.replace(
        "The ferry captain",
        "A storm kept every boat in.\n\nThe ferry captain",
    );
    std::fs::write(fx.path("harbour.txt"), &changed).unwrap();
    harness.get_by_label("The Quiet Harbour").click_secondary();
    harness.run();
    harness.get_by_label("Reload from file").click();
    harness.run();
    harness.get_by_label("Article files changed on disk");
    harness.get_by_label_contains("0 annotation(s) stay, 1 move, 0 become orphans");
    harness.get_by_label("Re-anchor to the new text").click();
    harness.run();
    let doc = &harness.state().session.documents[0];
    assert_eq!(doc.article.text.as_str(), changed);
    let claim = doc.annotations.iter().next().unwrap();
    assert_eq!(
        doc.article.text.slice(claim.span()),
        Some("crossing would close")
    );
    assert_eq!(
        doc.article.status,
        gloss::model::Status::Done,
        "status kept"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(
        harness.state().session.documents[0].article.text.as_str(),
        ARTICLE
    );
}

#[test]
fn an_rtl_article_is_annotated_with_logical_offsets() {
    let fx = Fixture::new();
    let rtl = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rtl.txt");
    let text = std::fs::read_to_string(&rtl).unwrap();
    let mut harness = fx.harness();
    // egui's own fonts have no Arabic or Hebrew (the app loads the system's): boxes here.
    harness
        .ctx
        .set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    fx.picker.push_open(vec![rtl]);
    harness.get_by_label("Open article…").click();
    harness.run();
    // The reader shows the Hebrew paragraph (the accessible text is in logical order).
    assert!(reader_text(&harness).contains("ראש המועצה אמר"));
    // A Hebrew phrase with Latin inside, selected and annotated as a claim.
    select_by_find(&mut harness, "הדוח של Harbour Trust");
    harness.key_press(Key::C);
    harness.run();
    let doc = &harness.state().session.documents[0];
    let claim = doc.annotations.iter().next().unwrap();
    let start = text
        .find("הדוח של")
        .map(|b| text[..b].chars().count())
        .unwrap();
    assert_eq!(
        claim.span(),
        start..start + "הדוח של Harbour Trust".chars().count()
    );
    assert_eq!(claim.text, "הדוח של Harbour Trust");
}

fn draft(label: &str, text: &str, needle: &str, score: f32) -> gloss::model::suggestion::Draft {
    let byte = text.find(needle).unwrap();
    let start = text[..byte].chars().count();
    gloss::model::suggestion::Draft {
        label: label.to_owned(),
        span: start..start + needle.chars().count(),
        score,
        reason: format!("test {label}"),
        attributes: std::collections::BTreeMap::new(),
        links: Vec::new(),
    }
}

#[test]
fn suggestions_are_reviewed_by_keyboard_accept_reject_accept_all_and_undo() {
    let fx = Fixture::new();
    let mut harness = fx.opened();
    let mut quote = draft(
        "quote",
        ARTICLE,
        "“We kept the lights on for forty years,”",
        0.9,
    );
    quote
        .attributes
        .insert("speaker".into(), "Marta Quell".into());
    quote.links.push(("speaker".into(), 1));
    let drafts = vec![
        quote,
        draft("source", ARTICLE, "Marta Quell", 0.9),
        draft(
            "claim",
            ARTICLE,
            "The ferry captain said the crossing would close for good in March.",
            0.6,
        ),
        draft(
            "claim",
            ARTICLE,
            "The council claims the new bridge will cut travel times by half.",
            0.8,
        ),
        draft(
            "spoiler",
            ARTICLE,
            "the lighthouse keeper turns out to be the missing heir",
            0.7,
        ),
    ];
    harness.state_mut().store_suggestions("harbour", &drafts);
    harness.run();
    harness.get_by_label("Suggestions (5)");
    // The first by position is under review: the ferry claim. X rejects it.
    let focused = |h: &Harness<'_, GlossApp>| {
        let id = h.state().suggestions.focused?;
        let doc = h.state().session.document("harbour")?;
        doc.pending.get(id).map(|s| s.label.clone())
    };
    assert_eq!(focused(&harness).as_deref(), Some("claim"));
    harness.key_press(Key::X);
    harness.run();
    harness.get_by_label("Suggestions (4)");
    assert_eq!(annotation_count(&harness), 0);
    // The quote is next: Enter accepts it with its speaker and the link.
    assert_eq!(focused(&harness).as_deref(), Some("quote"));
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(annotation_count(&harness), 2, "the quote and its speaker");
    assert_eq!(harness.state().session.relations.len(), 1);
    harness.get_by_label("Suggestions (2)");
    // The spoiler is next; A accepts too.
    assert_eq!(focused(&harness).as_deref(), Some("spoiler"));
    harness.key_press(Key::A);
    harness.run();
    assert_eq!(annotation_count(&harness), 3);
    // Shift+Enter accepts every remaining suggestion of the focused one's label.
    assert_eq!(focused(&harness).as_deref(), Some("claim"));
    harness.key_press_modifiers(Modifiers::SHIFT, Key::Enter);
    harness.run();
    assert_eq!(annotation_count(&harness), 4);
    assert!(harness.query_by_label_contains("Suggestions (").is_none());
    // Undo goes back one review step at a time; the rejected claim stays rejected.
    for expected in [3, 2, 0] {
        harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        harness.run();
        assert_eq!(annotation_count(&harness), expected);
    }
    assert!(harness.state().session.relations.is_empty());
    harness.get_by_label("Suggestions (4)");
    harness.state_mut().store_suggestions("harbour", &drafts);
    harness.run();
    harness.get_by_label("Suggestions (4)");
    // As in a session opened with pending suggestions: nothing under review; Enter
    // starts the review, and then accepts.
    harness.state_mut().suggestions.focused = None;
    harness.state_mut().selected = None;
    harness.key_press(Key::Enter);
    harness.run();
    let under_review = focused(&harness).expect("Enter put one under review");
    assert_eq!(annotation_count(&harness), 0);
    harness.key_press(Key::Enter);
    harness.run();
    // The one under review is accepted: a quote brings its speaker's span too.
    let added = if under_review == "quote" { 2 } else { 1 };
    assert_eq!(annotation_count(&harness), added);
    // Its pending speaker goes with it: both leave the list.
    harness.get_by_label(&format!("Suggestions ({})", 4 - added));
}
