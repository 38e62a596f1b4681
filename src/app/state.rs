//! The app's state and the one place where commands are applied.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::command::{Command, UnsavedAnswer};
use super::panels::find::FindState;
use super::panels::labels::LabelEditorState;
use super::panels::list::ListState;
use super::panels::palette::PaletteState;
use super::picker::{FilePicker, OpenKind, SaveKind};
use super::reader::Reader;
use super::recovery::{Found, Recovery};
use crate::formats::{self, ExportFormat, SESSION_EXTENSION};
use crate::model::{AnnotationId, Edit, History, Session, Timestamp};

/// Default reader font size, points.
pub const DEFAULT_FONT_SIZE: f32 = 17.0;
const MAX_RECENT: usize = 12;
const STORAGE_KEY: &str = "gloss-settings";

/// Settings kept between runs (eframe storage).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Reader font size.
    pub font_size: f32,
    /// Dark theme.
    pub dark: bool,
    /// Spoiler shield on.
    pub shield: bool,
    /// Recently opened files, newest first.
    pub recent: Vec<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            font_size: DEFAULT_FONT_SIZE,
            dark: true,
            shield: false,
            recent: Vec::new(),
        }
    }
}

/// A message shown in the window.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// The text.
    pub text: String,
    /// Errors stay until dismissed; notes fade.
    pub error: bool,
    /// When it was shown (egui time).
    pub shown_at: f64,
}

/// What to do once the unsaved-changes question is answered.
#[derive(Clone, Debug, PartialEq)]
pub enum AfterPrompt {
    /// Close the window.
    Close,
    /// Open these files (one is a session).
    Open(Vec<PathBuf>),
    /// Ask for a session to open.
    OpenDialog(OpenKind),
    /// Start an empty session.
    NewSession,
    /// Open the example session.
    OpenExample,
    /// Restore a recovery copy.
    Restore(Found),
}

/// What a typed path is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathPurpose {
    /// Open articles or a session.
    Open,
    /// Save the session there.
    SaveSession,
    /// Export there in this format.
    Export(ExportFormat),
}

/// A file dialog the app is waiting for, and what to do with its answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Pick {
    /// Open what is picked.
    Open(OpenKind),
    /// Save the session there, then go on with `then`.
    SaveSession {
        /// File name offered.
        suggested: String,
        /// What the save was for (e.g. closing the window).
        then: Option<AfterPrompt>,
    },
    /// Export there.
    Export(ExportFormat, String),
}

impl Pick {
    /// Ask `picker`; empty when cancelled or when no dialog could be shown.
    fn ask(&self, picker: &mut dyn FilePicker) -> Vec<PathBuf> {
        match self {
            Self::Open(kind) => picker.open(*kind),
            Self::SaveSession { suggested, .. } => picker
                .save(SaveKind::Session, suggested)
                .into_iter()
                .collect(),
            Self::Export(format, suggested) => {
                let kind = format
                    .extension()
                    .map_or(SaveKind::Folder, SaveKind::Export);
                picker.save(kind, suggested).into_iter().collect()
            }
        }
    }
}

/// A dialog running on its own thread: the answer and whether it came back too fast
/// for a person (no dialog could be shown).
type PendingPick = (Pick, std::sync::mpsc::Receiver<(Vec<PathBuf>, bool)>);

/// A modal question or prompt.
#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    /// Save / Discard / Cancel.
    Unsaved(AfterPrompt),
    /// Type a path (works when no native dialog can be shown).
    Path(PathPurpose, String),
    /// Choose an export format.
    Export(ExportFormat),
    /// Offer to restore a recovery copy.
    Restore(Found),
}

/// State of `--screenshot`: frames rendered so far and the result slot.
pub struct Screenshot {
    /// Where to write the PNG.
    pub path: PathBuf,
    /// Frames rendered.
    pub frames: u32,
    /// Set when the PNG was written (or failed).
    pub result: Arc<Mutex<Option<Result<(), String>>>>,
    /// Whether the screenshot was requested.
    pub requested: bool,
}

/// How the app is wired to the outside world.
pub struct AppOptions {
    /// File dialogs.
    pub picker: Box<dyn FilePicker>,
    /// Folder for recovery copies (`None`: no autosave).
    pub recovery_dir: Option<PathBuf>,
    /// The example session, if found.
    pub example: Option<PathBuf>,
}

/// The Gloss app.
pub struct GlossApp {
    /// The open session.
    pub session: Session,
    /// Undo/redo.
    pub history: History,
    /// Where the session is saved, once it is.
    pub session_path: Option<PathBuf>,
    /// Incremented on every change to the session.
    pub revision: u64,
    saved_revision: u64,
    /// Id of the article shown.
    pub current: Option<String>,
    /// One reader per article (created when first shown).
    pub readers: HashMap<String, Reader>,
    /// The selected annotation.
    pub selected: Option<AnnotationId>,
    /// Spoilers revealed while the shield is on.
    pub revealed: HashSet<AnnotationId>,
    /// Settings kept between runs.
    pub settings: Settings,
    /// The find bar.
    pub find: FindState,
    /// The annotation list's filter.
    pub list: ListState,
    /// The command palette.
    pub palette: PaletteState,
    /// The label editor window.
    pub label_editor: LabelEditorState,
    /// The modal dialog shown, if any.
    pub dialog: Option<Dialog>,
    /// Messages (errors and notes).
    pub messages: Vec<Message>,
    /// Focus the note field on the next frame.
    pub focus_note: bool,
    /// The annotation editor's own state.
    pub editor_state: super::panels::editor::EditorState,
    pub(crate) commands: Vec<Command>,
    picker: Box<dyn FilePicker>,
    /// A file dialog open on its own thread.
    pending_pick: Option<PendingPick>,
    recovery: Option<Recovery>,
    /// The revision the recovery copy on disk holds, so an unchanged session is not
    /// written again every 30 s.
    recovery_revision: Option<u64>,
    close_confirmed: bool,
    /// Close the window on the next frame (after a confirmed close).
    close_now: bool,
    pub(crate) screenshot: Option<Screenshot>,
    title: String,
    example: Option<PathBuf>,
    now: f64,
}

impl GlossApp {
    /// A new app with no session open.
    pub fn new(options: AppOptions, settings: Settings) -> Self {
        let mut app = Self {
            session: Session::new(),
            history: History::new(),
            session_path: None,
            revision: 0,
            saved_revision: 0,
            current: None,
            readers: HashMap::new(),
            selected: None,
            revealed: HashSet::new(),
            settings,
            find: FindState::default(),
            list: ListState::default(),
            palette: PaletteState::default(),
            label_editor: LabelEditorState::default(),
            dialog: None,
            messages: Vec::new(),
            focus_note: false,
            editor_state: super::panels::editor::EditorState::default(),
            commands: Vec::new(),
            picker: options.picker,
            pending_pick: None,
            recovery: options.recovery_dir.map(Recovery::new),
            recovery_revision: None,
            close_confirmed: false,
            close_now: false,
            screenshot: None,
            title: String::new(),
            example: options.example,
            now: 0.0,
        };
        if let Some(found) = app
            .recovery
            .as_ref()
            .and_then(|r| r.find().into_iter().next())
        {
            app.dialog = Some(Dialog::Restore(found));
        }
        app
    }

    /// Build from eframe's creation context, restoring settings.
    pub fn from_creation(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, STORAGE_KEY))
            .unwrap_or_default();
        Self::new(options, settings)
    }

    /// Save settings and, with unsaved changes, a recovery copy (eframe calls this every
    /// 30 s and on exit).
    pub fn persist(&mut self, storage: Option<&mut dyn eframe::Storage>) {
        if let Some(storage) = storage {
            eframe::set_value(storage, STORAGE_KEY, &self.settings);
        }
        self.write_recovery();
    }

    /// Write the recovery copy now if there are unsaved changes.
    pub fn write_recovery(&mut self) {
        if !self.is_dirty() || self.recovery_revision == Some(self.revision) {
            return;
        }
        let Some(recovery) = &self.recovery else {
            return;
        };
        match recovery.write(&self.session, self.session_path.as_deref()) {
            Ok(()) => self.recovery_revision = Some(self.revision),
            Err(e) => log::error!("cannot write recovery copy: {e}"),
        }
    }

    /// The example session's path, if it was found.
    pub fn example_path(&self) -> Option<&Path> {
        self.example.as_deref()
    }

    /// True when the session has changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        self.revision != self.saved_revision
    }

    /// The window title: session name and a marker for unsaved changes.
    pub fn window_title(&self) -> String {
        let name = self
            .session_path
            .as_ref()
            .and_then(|p| p.file_name())
            .map_or_else(
                || "Untitled session".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
        let marker = if self.is_dirty() { "● " } else { "" };
        format!("{marker}{name} — Gloss")
    }

    /// Queue a command (applied after the panels of this frame).
    pub fn push(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// Show an error in the window and log it.
    pub fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        log::error!("{text}");
        self.show(text, true);
    }

    /// Show a short note in the window.
    pub fn note(&mut self, text: impl Into<String>) {
        let text = text.into();
        log::info!("{text}");
        self.show(text, false);
    }

    /// Add a message; the same message again only refreshes the one on screen.
    fn show(&mut self, text: String, error: bool) {
        self.messages.retain(|m| m.text != text);
        self.messages.push(Message {
            text,
            error,
            shown_at: self.now,
        });
    }

    /// The document shown.
    pub fn current_document(&self) -> Option<&crate::model::Document> {
        self.current
            .as_ref()
            .and_then(|id| self.session.document(id))
    }

    /// The reader of the current article (created on demand).
    pub fn current_reader(&mut self) -> Option<&mut Reader> {
        let id = self.current.clone()?;
        let text = self.session.document(&id)?.article.text.clone();
        Some(
            self.readers
                .entry(id.clone())
                .or_insert_with(|| Reader::new(text, egui::Id::unique(("reader", id)))),
        )
    }

    /// Apply every queued command.
    pub fn apply_commands(&mut self, ctx: &egui::Context) {
        self.now = ctx.input(|i| i.time);
        let commands = std::mem::take(&mut self.commands);
        if !commands.is_empty() {
            // Show the result at once, not at the next input event: a bar or field that
            // a command opens must have focus before the person's next key arrives.
            ctx.request_repaint();
        }
        for command in commands {
            self.apply(ctx, command);
        }
    }

    fn edit(&mut self, edit: Edit) -> bool {
        let merging = matches!(
            edit,
            Edit::ReplaceAnnotation { .. } | Edit::ReplaceLabel { .. }
        );
        let result = if merging {
            self.history.apply_merging(&mut self.session, edit)
        } else {
            self.history.apply(&mut self.session, edit)
        };
        match result {
            Ok(()) => {
                self.revision += 1;
                true
            }
            Err(e) => {
                self.error(format!("Could not change the session: {e}"));
                false
            }
        }
    }

    #[allow(clippy::too_many_lines)]
    fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::Open => self.pick(Pick::Open(OpenKind::Any)),
            Command::OpenArticle => self.pick(Pick::Open(OpenKind::Articles)),
            Command::OpenSession => self.pick(Pick::Open(OpenKind::Session)),
            Command::OpenPath => self.dialog = Some(Dialog::Path(PathPurpose::Open, String::new())),
            Command::SaveTo(path) => {
                self.save_to(path);
            }
            Command::ExportTo(format, path) => self.export_to(format, &path),
            Command::OpenExample => self.guard(AfterPrompt::OpenExample),
            Command::OpenRecent(path) => self.open_paths(vec![path]),
            Command::OpenPaths(paths) => self.open_paths(paths),
            Command::NewSession => self.guard(AfterPrompt::NewSession),
            Command::Save => self.save(false, None),
            Command::SaveAs => self.save(true, None),
            Command::Export => {
                if self.session.documents.is_empty() {
                    self.error("Nothing to export: open an article first.");
                } else {
                    self.dialog = Some(Dialog::Export(ExportFormat::Json));
                }
            }
            Command::ExportAs(format) => self.export(format),
            Command::Undo => match self.history.undo(&mut self.session) {
                Some(Ok(edit)) => {
                    self.revision += 1;
                    self.after_history(&edit, true);
                }
                Some(Err(e)) => self.error(format!("Cannot undo: {e}")),
                None => self.note("Nothing to undo."),
            },
            Command::Redo => match self.history.redo(&mut self.session) {
                Some(Ok(edit)) => {
                    self.revision += 1;
                    self.after_history(&edit, false);
                }
                Some(Err(e)) => self.error(format!("Cannot redo: {e}")),
                None => self.note("Nothing to redo."),
            },
            Command::Find => {
                self.find.open = true;
                self.find.focus = true;
            }
            Command::FindNext => self.step_match(true),
            Command::FindPrevious => self.step_match(false),
            Command::ToggleShield => {
                self.settings.shield = !self.settings.shield;
                self.revealed.clear();
            }
            Command::ZoomIn => self.settings.font_size = (self.settings.font_size + 1.0).min(40.0),
            Command::ZoomOut => self.settings.font_size = (self.settings.font_size - 1.0).max(9.0),
            Command::ZoomReset => self.settings.font_size = DEFAULT_FONT_SIZE,
            Command::ToggleTheme => self.settings.dark = !self.settings.dark,
            Command::CommandPalette => self.palette.open(),
            Command::AnnotateWith(n) => {
                if let Some(label) = self.session.labels.get(n).map(|l| l.id.clone()) {
                    self.annotate_selection(&label);
                }
            }
            Command::DeleteAnnotation => {
                if let (Some(article), Some(id)) = (self.current.clone(), self.selected) {
                    match self.session.delete_annotation(&article, id) {
                        Ok(edit) => {
                            if self.edit(edit) {
                                self.selected = None;
                            }
                        }
                        Err(e) => self.error(e.to_string()),
                    }
                }
            }
            Command::GrowStart => self.move_edge(Edge::Start, true),
            Command::ShrinkStart => self.move_edge(Edge::Start, false),
            Command::GrowEnd => self.move_edge(Edge::End, true),
            Command::ShrinkEnd => self.move_edge(Edge::End, false),
            Command::NextAnnotation => self.step_annotation(true),
            Command::PreviousAnnotation => self.step_annotation(false),
            Command::Copy => {
                if let Some(text) = self.current_reader().and_then(|r| r.selected_text()) {
                    ctx.copy_text(text.to_owned());
                }
            }
            Command::SelectAll => {
                if let Some(reader) = self.current_reader() {
                    reader.select_all();
                }
            }
            Command::Escape => {
                if self.palette.is_open() {
                    self.palette.close();
                } else if self.dialog.is_some() {
                    self.dialog = None;
                } else if self.label_editor.open && !ctx.text_edit_focused() {
                    self.label_editor.open = false;
                } else if ctx.text_edit_focused() {
                    // Esc leaves a text field first, so label keys annotate again.
                    if let Some(id) = ctx.memory(|m| m.focused()) {
                        ctx.memory_mut(|m| m.surrender_focus(id));
                    }
                } else if self.find.open {
                    self.find.open = false;
                } else if let Some(reader) = self.current_reader()
                    && reader.selection().is_some()
                {
                    reader.set_selection(None);
                } else {
                    self.selected = None;
                }
            }
            Command::NextArticle => self.step_article(true),
            Command::PreviousArticle => self.step_article(false),
            Command::EditLabels => self.label_editor.open = true,
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::SelectArticle(id) => {
                if self.session.document(&id).is_some() {
                    self.current = Some(id);
                    self.selected = None;
                    self.find.invalidate();
                }
            }
            Command::JumpTo(id) => {
                self.selected = Some(id);
                let span = self
                    .current_document()
                    .and_then(|d| d.annotation(id))
                    .filter(|a| !a.orphan)
                    .map(crate::model::Annotation::span);
                if let (Some(span), Some(reader)) = (span, self.current_reader()) {
                    reader.scroll_to(span, true);
                }
            }
            Command::Select(id) => self.selected = id,
            Command::Relabel(id, label) => self.update(id, |a| a.label = label),
            Command::SetNote(id, note) => self.update(id, |a| a.note = note),
            Command::SetAttribute(id, key, value) => self.update(id, |a| {
                a.attributes.insert(key, value);
            }),
            Command::RemoveAttribute(id, key) => self.update(id, |a| {
                a.attributes.remove(&key);
            }),
            Command::AnnotateMatches(label) => self.annotate_matches(&label),
            Command::AddLabel(label) => {
                let index = self.session.labels.len();
                self.edit(Edit::AddLabel { index, label });
            }
            Command::UpdateLabel(label) => {
                if let Some(before) = self.session.label(&label.id).cloned()
                    && before != label
                {
                    self.edit(Edit::ReplaceLabel {
                        before,
                        after: label,
                    });
                }
            }
            Command::RemoveLabel(id) => match self.session.remove_label(&id) {
                Ok(edit) => {
                    self.edit(edit);
                    if self.selected.is_some_and(|s| {
                        self.current_document()
                            .and_then(|d| d.annotation(s))
                            .is_none()
                    }) {
                        self.selected = None;
                    }
                }
                Err(e) => self.error(e.to_string()),
            },
            Command::Reveal(id) => {
                self.revealed.insert(id);
            }
            Command::Unsaved(answer) => self.answer_unsaved(answer),
            Command::Recover(restore) => {
                if let Some(Dialog::Restore(found)) = self.dialog.take() {
                    if restore {
                        self.guard(AfterPrompt::Restore(found));
                    } else if let Some(recovery) = &self.recovery {
                        recovery.remove(found.session.as_deref());
                    }
                }
            }
        }
    }

    fn after_history(&mut self, edit: &Edit, undone: bool) {
        let verb = if undone { "Undid" } else { "Redid" };
        self.note(format!("{verb} {}", edit.describe()));
        // Keep the selection on the annotation the edit touched, if it still exists.
        let touched = match edit {
            Edit::AddAnnotation { annotation, .. } | Edit::RemoveAnnotation { annotation, .. } => {
                Some(annotation.id)
            }
            Edit::ReplaceAnnotation { after, .. } => Some(after.id),
            _ => None,
        };
        if let Some(id) = touched {
            let exists = self
                .current_document()
                .is_some_and(|d| d.annotation(id).is_some());
            self.selected = exists.then_some(id);
        }
    }

    fn update(&mut self, id: AnnotationId, change: impl FnOnce(&mut crate::model::Annotation)) {
        let Some(article) = self.current.clone() else {
            return;
        };
        match self
            .session
            .update_annotation(&article, id, Timestamp::now(), change)
        {
            Ok(edit) => {
                if let Edit::ReplaceAnnotation { before, after, .. } = &edit
                    && before == after
                {
                    return;
                }
                self.edit(edit);
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Annotate the reader's selection with `label`.
    pub fn annotate_selection(&mut self, label: &str) {
        let Some(article) = self.current.clone() else {
            self.error("Open an article first.");
            return;
        };
        let Some(range) = self
            .current_reader()
            .and_then(|r| r.selection())
            .map(|s| s.range())
        else {
            self.note("Select some text first, then press the label's key.");
            return;
        };
        match self
            .session
            .annotate(&article, label, range, Timestamp::now())
        {
            Ok(edit) => {
                let id = match &edit {
                    Edit::AddAnnotation { annotation, .. } => Some(annotation.id),
                    _ => None,
                };
                if self.edit(edit) {
                    self.selected = id;
                    self.focus_note = true;
                    if let Some(reader) = self.current_reader() {
                        reader.set_selection(None);
                    }
                }
            }
            Err(e) => self.error(format!("Cannot annotate: {e}")),
        }
    }

    fn annotate_matches(&mut self, label: &str) {
        let Some(article) = self.current.clone() else {
            return;
        };
        let existing: HashSet<(usize, usize)> = self
            .current_document()
            .map(|d| {
                d.annotations
                    .iter()
                    .filter(|a| a.label == label)
                    .map(|a| (a.start, a.end))
                    .collect()
            })
            .unwrap_or_default();
        let mut edits = Vec::new();
        let now = Timestamp::now();
        for m in self.find.matches.clone() {
            let Ok(edit) = self.session.annotate(&article, label, m, now) else {
                continue;
            };
            if let Edit::AddAnnotation { annotation, .. } = &edit
                && existing.contains(&(annotation.start, annotation.end))
            {
                continue;
            }
            edits.push(edit);
        }
        let n = edits.len();
        if n == 0 {
            self.note("No new annotations: every match is already annotated with that label.");
            return;
        }
        if self.edit(Edit::Batch(edits)) {
            self.note(format!("Annotated {n} match(es) as {label}."));
        }
    }

    fn step_match(&mut self, forward: bool) {
        // The query may have changed in this very frame (typed, then Enter).
        if let Some(doc) = self
            .current
            .as_ref()
            .and_then(|id| self.session.document(id))
        {
            self.find.refresh(&doc.article.id, &doc.article.text);
        }
        let n = self.find.matches.len();
        if n == 0 {
            return;
        }
        let next = match (self.find.current, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        self.find.current = Some(next);
        if let Some(range) = self.find.matches.get(next).cloned()
            && let Some(reader) = self.current_reader()
        {
            reader.set_selection(Some(range.clone()));
            reader.scroll_to(range, false);
        }
    }

    fn step_annotation(&mut self, forward: bool) {
        let Some(doc) = self.current_document() else {
            return;
        };
        let live: Vec<AnnotationId> = doc
            .annotations
            .iter()
            .filter(|a| !a.orphan)
            .map(|a| a.id)
            .collect();
        let position = self
            .selected
            .and_then(|s| live.iter().position(|&id| id == s));
        let next = match (position, forward) {
            (None, true) => live.first(),
            (None, false) => live.last(),
            (Some(i), true) => live.get(i + 1).or(live.first()),
            (Some(i), false) => i.checked_sub(1).and_then(|j| live.get(j)).or(live.last()),
        };
        if let Some(&id) = next {
            self.push(Command::JumpTo(id));
        }
    }

    fn step_article(&mut self, forward: bool) {
        let ids: Vec<String> = self
            .session
            .documents
            .iter()
            .map(|d| d.article.id.clone())
            .collect();
        if ids.is_empty() {
            return;
        }
        let at = self
            .current
            .as_ref()
            .and_then(|c| ids.iter().position(|id| id == c))
            .unwrap_or(0);
        let next = if forward {
            (at + 1) % ids.len()
        } else {
            (at + ids.len() - 1) % ids.len()
        };
        if let Some(id) = ids.get(next) {
            self.push(Command::SelectArticle(id.clone()));
        }
    }

    fn move_edge(&mut self, edge: Edge, grow: bool) {
        let (Some(article), Some(id)) = (self.current.clone(), self.selected) else {
            return;
        };
        let Some((text, span)) = self
            .current_document()
            .and_then(|d| d.annotation(id).map(|a| (d.article.text.clone(), a.span())))
        else {
            return;
        };
        let new_span = match (edge, grow) {
            (Edge::Start, true) => word_before(&text, span.start)..span.end,
            (Edge::Start, false) => word_after(&text, span.start).min(span.end)..span.end,
            (Edge::End, true) => span.start..word_end_after(&text, span.end),
            (Edge::End, false) => span.start..word_end_before(&text, span.end).max(span.start),
        };
        if new_span.is_empty() || new_span == span {
            return;
        }
        match self
            .session
            .resize_annotation(&article, id, new_span, Timestamp::now())
        {
            Ok(edit) => {
                self.edit(edit);
            }
            Err(e) => self.error(format!("Cannot resize: {e}")),
        }
    }

    // --- Opening, saving, exporting -------------------------------------------------

    /// Show a file dialog. Native dialogs run on their own thread, so the window keeps
    /// painting and keys typed meanwhile do not pile up as commands.
    fn pick(&mut self, pick: Pick) {
        if self.pending_pick.is_some() {
            return;
        }
        if let Some(mut picker) = self.picker.background() {
            let (tx, rx) = std::sync::mpsc::channel();
            let asked = pick.clone();
            let spawned = std::thread::Builder::new()
                .name("file-dialog".to_owned())
                .spawn(move || {
                    let started = std::time::Instant::now();
                    let paths = asked.ask(picker.as_mut());
                    let _ = tx.send((paths, no_dialog(started)));
                });
            match spawned {
                Ok(_) => self.pending_pick = Some((pick, rx)),
                Err(e) => self.error(format!("Cannot show the file dialog: {e}")),
            }
            return;
        }
        let started = std::time::Instant::now();
        let paths = pick.ask(self.picker.as_mut());
        self.finish_pick(pick, paths, no_dialog(started));
    }

    /// True while a file dialog is open.
    pub fn is_picking(&self) -> bool {
        self.pending_pick.is_some()
    }

    /// Take the dialog's answer once it is there.
    pub fn poll_pick(&mut self) {
        let Some((_, rx)) = &self.pending_pick else {
            return;
        };
        let answer = match rx.try_recv() {
            Ok(answer) => answer,
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            // The dialog thread ended without answering: treat as cancelled.
            Err(std::sync::mpsc::TryRecvError::Disconnected) => (Vec::new(), false),
        };
        if let Some((pick, _)) = self.pending_pick.take() {
            self.finish_pick(pick, answer.0, answer.1);
        }
    }

    fn finish_pick(&mut self, pick: Pick, paths: Vec<PathBuf>, no_dialog_shown: bool) {
        let typed_default = |name: &str| {
            std::env::current_dir()
                .map(|d| d.join(name))
                .unwrap_or_else(|_| PathBuf::from(name))
                .display()
                .to_string()
        };
        let Some(first) = paths.first().cloned() else {
            // rfd answers at once when no dialog can be shown: offer a typed path.
            if no_dialog_shown {
                self.dialog = Some(match &pick {
                    Pick::Open(_) => Dialog::Path(PathPurpose::Open, String::new()),
                    Pick::SaveSession { suggested, .. } => {
                        Dialog::Path(PathPurpose::SaveSession, typed_default(suggested))
                    }
                    Pick::Export(format, suggested) => {
                        Dialog::Path(PathPurpose::Export(*format), typed_default(suggested))
                    }
                });
            }
            return;
        };
        match pick {
            Pick::Open(_) => self.open_paths(paths),
            Pick::SaveSession { then, .. } => {
                if self.save_to(first)
                    && let Some(then) = then
                {
                    self.proceed(then);
                }
            }
            Pick::Export(format, _) => {
                let target = match format.extension() {
                    Some(ext) => with_extension(first, ext),
                    None => first,
                };
                self.export_to(format, &target);
            }
        }
    }

    /// Open files: articles are added to the session, a `.ron` replaces the session
    /// (asking first about unsaved changes).
    pub fn open_paths(&mut self, paths: Vec<PathBuf>) {
        let (sessions, articles): (Vec<PathBuf>, Vec<PathBuf>) = paths
            .into_iter()
            .partition(|p| p.extension().and_then(|e| e.to_str()) == Some(SESSION_EXTENSION));
        if let Some(session) = sessions.first() {
            if sessions.len() > 1 {
                self.error("Only one session can be open at a time; opening the first.");
            }
            let mut open = vec![session.clone()];
            open.extend(articles);
            self.guard(AfterPrompt::Open(open));
            return;
        }
        for path in articles {
            self.add_article(&path);
        }
    }

    fn add_article(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        match formats::load_article(&path) {
            Ok(article) => {
                if let Some(at) = self.session.find_article(&article.source, &article.sha256) {
                    let id = self.session.documents.get(at).map(|d| d.article.id.clone());
                    self.current = id;
                    self.note(format!("{} is already open.", path.display()));
                } else {
                    let id = self.session.add_article(article);
                    self.revision += 1;
                    self.current = Some(id);
                }
                self.selected = None;
                self.find.invalidate();
                self.remember(&path);
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    fn load_session_file(&mut self, path: &Path) {
        match formats::load_session(path) {
            Ok(loaded) => {
                let problems: usize = loaded
                    .reports
                    .iter()
                    .map(|r| r.orphans.len() + r.moved.len())
                    .sum();
                let changed: Vec<String> = loaded
                    .reports
                    .iter()
                    .filter(|r| r.source_changed)
                    .map(|r| r.article.clone())
                    .collect();
                self.replace_session(loaded.session, Some(path.to_owned()));
                if !changed.is_empty() {
                    // The texts changed on disk: the re-anchored session differs from the file.
                    self.revision += 1;
                    self.error(format!(
                        "Article file(s) changed since the session was saved: {}. {problems} annotation(s) re-anchored or orphaned (orphans are listed, never dropped).",
                        changed.join(", ")
                    ));
                } else if problems > 0 {
                    self.error(format!(
                        "{problems} annotation(s) did not match their text and were re-anchored or marked orphan."
                    ));
                }
                self.remember(path);
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    fn replace_session(&mut self, session: Session, path: Option<PathBuf>) {
        self.session = session;
        self.session_path = path;
        self.history.clear();
        self.readers.clear();
        self.revealed.clear();
        self.selected = None;
        self.find.invalidate();
        self.revision += 1;
        self.saved_revision = self.revision;
        self.current = self.session.documents.first().map(|d| d.article.id.clone());
    }

    fn remember(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        self.settings.recent.retain(|p| *p != path);
        self.settings.recent.insert(0, path);
        self.settings.recent.truncate(MAX_RECENT);
    }

    /// Run `then` now, or ask first when there are unsaved changes.
    fn guard(&mut self, then: AfterPrompt) {
        if self.is_dirty() && !self.session.documents.is_empty() {
            self.dialog = Some(Dialog::Unsaved(then));
        } else {
            self.proceed(then);
        }
    }

    fn proceed(&mut self, then: AfterPrompt) {
        match then {
            AfterPrompt::Close => {
                self.close_confirmed = true;
                self.close_now = true;
            }
            AfterPrompt::Open(paths) => {
                let mut paths = paths.into_iter();
                if let Some(session) = paths.next() {
                    self.load_session_file(&session);
                }
                for article in paths {
                    self.add_article(&article);
                }
            }
            AfterPrompt::OpenDialog(kind) => self.pick(Pick::Open(kind)),
            AfterPrompt::NewSession => self.replace_session(Session::new(), None),
            AfterPrompt::OpenExample => match self.example.clone() {
                Some(path) => self.load_session_file(&path),
                None => self.error("The example session (sessions/example.ron) was not found."),
            },
            AfterPrompt::Restore(found) => match std::fs::read_to_string(&found.copy)
                .map_err(|e| e.to_string())
                .and_then(|text| {
                    formats::session_file::from_ron(&text, &found.copy, false)
                        .map_err(|e| e.to_string())
                }) {
                Ok(loaded) => {
                    self.replace_session(loaded.session, found.session.clone());
                    self.revision += 1; // restored changes are unsaved
                    self.note("Restored the recovery copy. Save to keep it.");
                }
                Err(e) => self.error(format!("Cannot restore the recovery copy: {e}")),
            },
        }
    }

    fn answer_unsaved(&mut self, answer: UnsavedAnswer) {
        let Some(Dialog::Unsaved(then)) = self.dialog.take() else {
            return;
        };
        match answer {
            UnsavedAnswer::Cancel => {}
            UnsavedAnswer::Discard => {
                if let Some(recovery) = &self.recovery {
                    recovery.remove(self.session_path.as_deref());
                }
                self.saved_revision = self.revision;
                self.proceed(then);
            }
            UnsavedAnswer::Save => self.save(false, Some(then)),
        }
    }

    /// Close the window now if a close was confirmed.
    pub fn close_if_confirmed(&mut self, ctx: &egui::Context) {
        if std::mem::take(&mut self.close_now) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// Save (asking for a path the first time, or always with `ask`), then go on with
    /// `then` once the session is saved.
    pub fn save(&mut self, ask: bool, then: Option<AfterPrompt>) {
        if self.session.documents.is_empty() {
            self.error("Nothing to save: open an article first.");
            return;
        }
        if let (Some(path), false) = (&self.session_path, ask) {
            if self.save_to(path.clone())
                && let Some(then) = then
            {
                self.proceed(then);
            }
            return;
        }
        let suggested = self
            .session
            .documents
            .first()
            .map_or_else(|| "session".to_owned(), |d| d.article.id.clone())
            + ".ron";
        self.pick(Pick::SaveSession { suggested, then });
    }

    /// Save the session to `path` (atomically). True on success.
    pub fn save_to(&mut self, path: PathBuf) -> bool {
        let path = with_extension(path, SESSION_EXTENSION);
        match formats::save_session(&self.session, &path) {
            Ok(()) => {
                if let Some(recovery) = &self.recovery {
                    recovery.remove(self.session_path.as_deref());
                    recovery.remove(Some(&path));
                }
                self.session_path = Some(path.clone());
                self.saved_revision = self.revision;
                self.note(format!("Saved {}", path.display()));
                self.remember(&path);
                true
            }
            Err(e) => {
                self.error(e.to_string());
                false
            }
        }
    }

    fn export(&mut self, format: ExportFormat) {
        let stem = self
            .session_path
            .as_ref()
            .and_then(|p| p.file_stem())
            .map_or_else(
                || "gloss-export".to_owned(),
                |s| s.to_string_lossy().into_owned(),
            );
        let suggested = format
            .extension()
            .map_or_else(|| format!("{stem}-brat"), |ext| format!("{stem}.{ext}"));
        self.pick(Pick::Export(format, suggested));
    }

    fn export_to(&mut self, format: ExportFormat, target: &Path) {
        match formats::export_session(&self.session, format, target) {
            Ok(()) => self.note(format!(
                "Exported {} to {}",
                format.name(),
                target.display()
            )),
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Handle the window's close button: ask about unsaved changes first.
    pub fn handle_close_request(&mut self, ctx: &egui::Context) {
        if !ctx.input(|i| i.viewport().close_requested()) {
            return;
        }
        if self.screenshot.is_some() || self.close_confirmed {
            return;
        }
        if self.is_dirty() && !self.session.documents.is_empty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialog = Some(Dialog::Unsaved(AfterPrompt::Close));
        }
    }

    /// Update the native window title when it changes.
    pub fn sync_title(&mut self, ctx: &egui::Context) {
        let title = self.window_title();
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }
}

#[derive(Clone, Copy)]
enum Edge {
    Start,
    End,
}

/// A dialog that "returned" faster than a person can click was never shown.
fn no_dialog(started: std::time::Instant) -> bool {
    started.elapsed() < std::time::Duration::from_millis(150)
}

fn with_extension(path: PathBuf, ext: &str) -> PathBuf {
    if path.extension().is_some() {
        path
    } else {
        path.with_extension(ext)
    }
}

/// Word segments (char ranges) in a window of the text around `at`.
fn words_around(text: &crate::model::Text, at: usize) -> Vec<Range<usize>> {
    use unicode_segmentation::UnicodeSegmentation as _;
    let from = at.saturating_sub(256);
    let to = (at + 256).min(text.char_len());
    let Some(window) = text.slice(from..to) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut pos = from;
    for word in window.split_word_bounds() {
        let n = word.chars().count();
        if word.chars().any(char::is_alphanumeric) {
            out.push(pos..pos + n);
        }
        pos += n;
    }
    out
}

fn word_before(text: &crate::model::Text, at: usize) -> usize {
    words_around(text, at)
        .iter()
        .rev()
        .find(|w| w.start < at)
        .map_or(at, |w| w.start)
}

fn word_after(text: &crate::model::Text, at: usize) -> usize {
    words_around(text, at)
        .iter()
        .find(|w| w.start > at)
        .map_or(at, |w| w.start)
}

fn word_end_after(text: &crate::model::Text, at: usize) -> usize {
    words_around(text, at)
        .iter()
        .find(|w| w.end > at)
        .map_or(at, |w| w.end)
}

fn word_end_before(text: &crate::model::Text, at: usize) -> usize {
    words_around(text, at)
        .iter()
        .rev()
        .find(|w| w.end < at)
        .map_or(at, |w| w.end)
}
