//! The app's state and the one place where commands are applied.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::command::{Command, RecoverAnswer};
use super::editing::Edge;
use super::files::SaveJob;
use super::journal::FoundJournal;
use super::panels::find::FindState;
use super::panels::labels::LabelEditorState;
use super::panels::list::ListState;
use super::panels::palette::PaletteState;
use super::picker::{FilePicker, OpenKind, SaveKind};
use super::reader::Reader;
use super::recovery::Recovery;
use super::relations::RelationCommand;
use crate::formats::ExportFormat;
use crate::model::{
    Annotation, AnnotationId, Article, Document, Edit, History, LabelCounts, Session, Step,
};

/// Default reader font size, points.
pub const DEFAULT_FONT_SIZE: f32 = 17.0;
pub(super) const MAX_RECENT: usize = 12;
pub(super) const STORAGE_KEY: &str = "gloss-settings";

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
    /// Your name as an annotator: saved into sessions that name nobody (agreement
    /// reports and curation use it).
    pub annotator: String,
    /// Show hard-wrapped paragraphs as flowing text.
    pub reflow: bool,
    /// Run the suggestion engine on an article when it is first shown.
    pub suggest_on_open: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            font_size: DEFAULT_FONT_SIZE,
            dark: true,
            shield: false,
            recent: Vec::new(),
            annotator: String::new(),
            reflow: true,
            suggest_on_open: false,
        }
    }
}

/// A reader for article `id`, its hard-wrapped paragraphs flowing when `reflow` is on.
pub(super) fn new_reader(text: crate::model::Text, id: &str, reflow: bool) -> Reader {
    let soft = if reflow {
        crate::model::reflow::soft_breaks(text.as_str())
    } else {
        Vec::new()
    };
    Reader::with_soft_breaks(text, egui::Id::unique(("reader", id)), &soft)
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
    /// Restore an edit journal.
    Restore(FoundJournal),
    /// Restore an edit journal as a separate copy (its session file changed).
    RestoreCopy(FoundJournal),
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
    /// Import these files or folders.
    Import,
    /// Compare with these sessions.
    Compare,
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
    pub(super) fn ask(&self, picker: &mut dyn FilePicker) -> Vec<PathBuf> {
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
pub(super) type PendingPick = (Pick, std::sync::mpsc::Receiver<(Vec<PathBuf>, bool)>);

/// A modal question or prompt.
#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    /// Save / Discard / Cancel.
    Unsaved(AfterPrompt),
    /// Type a path (works when no native dialog can be shown).
    Path(PathPurpose, String),
    /// Choose an export format.
    Export(ExportFormat),
    /// Type the annotator's name.
    Annotator(String),
    /// Offer to restore an edit journal's unsaved changes.
    Restore(FoundJournal),
    /// The journal's session file changed since: offer a separate copy.
    RestoreChanged(FoundJournal),
    /// Article files changed on disk: re-anchor to them, or keep the stored text.
    SourceChanged(Vec<SourceChange>),
}

/// An article whose file changed on disk, and what re-anchoring to it would do.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceChange {
    /// The document as it is.
    pub before: Document,
    /// The document re-anchored to the file's text.
    pub after: Document,
    /// Annotations that would move.
    pub moved: usize,
    /// Quotes of the annotations that would become orphans.
    pub orphans: Vec<String>,
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

/// Annotation counts of every article for the panels, kept up to date edit by edit
/// (the panels show them every frame; recounting 100k annotations per edit would cost
/// milliseconds).
#[derive(Default)]
pub struct Counts {
    /// Counts per article id.
    pub per_article: HashMap<String, LabelCounts>,
    /// Recount everything at the next refresh (another session, label changes).
    stale: bool,
}

impl Counts {
    /// Recount everything at the next refresh.
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Recount if needed.
    pub fn refresh(&mut self, session: &Session) {
        if !self.stale && self.per_article.len() == session.documents.len() {
            return;
        }
        self.per_article = session
            .documents
            .iter()
            .map(|d| (d.article.id.clone(), d.label_counts(&session.labels)))
            .collect();
        self.stale = false;
    }

    /// Follow an edit that was just applied to `session`.
    pub fn follow(&mut self, edit: &Edit, session: &Session) {
        match edit {
            Edit::AddAnnotation {
                article,
                annotation,
            } => self.bump(session, article, annotation, true),
            Edit::RemoveAnnotation {
                article,
                annotation,
            } => self.bump(session, article, annotation, false),
            Edit::ReplaceAnnotation {
                article,
                before,
                after,
            } => {
                self.bump(session, article, before, false);
                self.bump(session, article, after, true);
            }
            Edit::AddArticle { document, .. }
            | Edit::RemoveArticle { document, .. }
            | Edit::ReplaceArticle {
                after: document, ..
            } => {
                let id = &document.article.id;
                match session.document(id) {
                    Some(doc) => {
                        self.per_article
                            .insert(id.clone(), doc.label_counts(&session.labels));
                    }
                    None => {
                        self.per_article.remove(id);
                    }
                }
            }
            Edit::AddLabel { .. } | Edit::RemoveLabel { .. } | Edit::ReplaceLabel { .. } => {
                self.stale = true;
            }
            // Relations do not change what the counts count.
            Edit::AddRelation { .. }
            | Edit::RemoveRelation { .. }
            | Edit::ReplaceRelation { .. }
            | Edit::AddRelationType { .. }
            | Edit::RemoveRelationType { .. }
            | Edit::ReplaceRelationType { .. }
            | Edit::ReviseArticle { .. }
            | Edit::ReviseSuggestions { .. } => {}
            Edit::Batch(edits) => {
                for edit in edits {
                    self.follow(edit, session);
                }
            }
        }
    }

    fn bump(&mut self, session: &Session, article: &str, a: &Annotation, add: bool) {
        let (Some(counts), Some(label)) = (
            self.per_article.get_mut(article),
            session.labels.iter().position(|l| l.id == a.label),
        ) else {
            self.stale = true;
            return;
        };
        let change = |n: &mut usize| {
            *n = if add { *n + 1 } else { n.saturating_sub(1) };
        };
        if let Some(n) = counts.per_label.get_mut(label) {
            change(n);
        }
        if a.orphan {
            change(&mut counts.orphans);
        }
    }
}

/// How the app is wired to the outside world.
pub struct AppOptions {
    /// File dialogs.
    pub picker: Box<dyn FilePicker>,
    /// Folder for edit journals (`None`: no journal).
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
    pub(super) saved_revision: u64,
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
    /// Dataset search: its panel and the search under way.
    pub search: super::search::DatasetSearch,
    /// The suggestion engine's runs and the focused suggestion.
    pub suggestions: super::suggestions::Suggestions,
    /// The annotation list's filter.
    pub list: ListState,
    /// The command palette.
    pub palette: PaletteState,
    /// The label editor window.
    pub label_editor: LabelEditorState,
    /// The article list's filter, order and rename field.
    pub articles_view: super::panels::articles::ArticlesView,
    /// An article with annotations the person asked to remove: waiting for "Remove".
    pub confirm_remove: Option<String>,
    /// The modal dialog shown, if any.
    pub dialog: Option<Dialog>,
    /// Messages (errors and notes).
    pub messages: Vec<Message>,
    /// Focus the note field on the next frame.
    pub focus_note: bool,
    /// The annotation editor's own state.
    pub editor_state: super::panels::editor::EditorState,
    /// A link under way (R).
    pub linking: Option<super::relations::Linking>,
    /// Other annotators' sessions being compared with this one (curation).
    pub comparison: Option<super::curation::Comparison>,
    /// A text field had the keyboard at the end of the last frame.
    pub(super) was_typing: bool,
    /// The selected annotation's relations, for the editor and the reader.
    pub(super) links: super::relations::LinkCache,
    pub(crate) commands: Vec<Command>,
    pub(super) picker: Box<dyn FilePicker>,
    /// A file dialog open on its own thread.
    pub(super) pending_pick: Option<PendingPick>,
    /// The edit journal of the open session.
    pub(super) recovery: Option<Recovery>,
    /// Annotation counts per article, for the panels (recounted once per revision).
    pub(super) counts: Counts,
    /// Article files found changed when the session was opened: (article id, the
    /// article as read from its file), asked about once no other dialog is open.
    pub(super) changed_sources: Vec<(String, Article)>,
    /// The save running on its own thread.
    pub(super) save_job: Option<SaveJob>,
    /// Incremented whenever another session replaces the open one (a save that
    /// finishes after that must not mark the new session saved).
    pub(super) generation: u64,
    /// A save asked for while another ran: where, and what to do after.
    pub(super) save_queued: Option<(PathBuf, Option<AfterPrompt>)>,
    pub(super) close_confirmed: bool,
    /// Close the window on the next frame (after a confirmed close).
    pub(super) close_now: bool,
    pub(crate) screenshot: Option<Screenshot>,
    pub(super) title: String,
    pub(super) example: Option<PathBuf>,
    pub(super) now: f64,
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
            search: super::search::DatasetSearch::default(),
            suggestions: super::suggestions::Suggestions::default(),
            list: ListState::default(),
            palette: PaletteState::default(),
            label_editor: LabelEditorState::default(),
            articles_view: super::panels::articles::ArticlesView::default(),
            confirm_remove: None,
            dialog: None,
            messages: Vec::new(),
            focus_note: false,
            editor_state: super::panels::editor::EditorState::default(),
            linking: None,
            comparison: None,
            was_typing: false,
            links: super::relations::LinkCache::default(),
            commands: Vec::new(),
            picker: options.picker,
            pending_pick: None,
            recovery: options.recovery_dir.and_then(Recovery::new),
            counts: Counts::default(),
            changed_sources: Vec::new(),
            save_job: None,
            generation: 0,
            save_queued: None,
            close_confirmed: false,
            close_now: false,
            screenshot: None,
            title: String::new(),
            example: options.example,
            now: 0.0,
        };
        app.offer_recovery();
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
        if self.is_saving() {
            format!("{marker}{name} — saving… — Gloss")
        } else {
            format!("{marker}{name} — Gloss")
        }
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
    pub(super) fn show(&mut self, text: String, error: bool) {
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
        let reflow = self.settings.reflow;
        Some(
            self.readers
                .entry(id.clone())
                .or_insert_with(|| new_reader(text, &id, reflow)),
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

    #[allow(clippy::too_many_lines)]
    pub(super) fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::Open => self.pick(Pick::Open(OpenKind::Any)),
            Command::OpenArticle => self.pick(Pick::Open(OpenKind::Articles)),
            Command::OpenSession => self.pick(Pick::Open(OpenKind::Session)),
            Command::OpenPath => self.dialog = Some(Dialog::Path(PathPurpose::Open, String::new())),
            Command::SaveTo(path) => self.save_to(path, None),
            Command::ExportTo(format, path) => self.export_to(format, &path),
            Command::OpenExample => self.guard(AfterPrompt::OpenExample),
            Command::OpenRecent(path) => self.open_paths(vec![path]),
            Command::OpenPaths(paths) => self.open_paths(paths),
            Command::Import => self.pick(Pick::Open(OpenKind::Import)),
            Command::ImportFolder => self.pick(Pick::Open(OpenKind::ImportFolder)),
            Command::ImportPaths(paths) => self.import_paths(&paths),
            Command::CompareWith => self.pick(Pick::Open(OpenKind::Compare)),
            Command::ComparePaths(paths) => self.compare_with(&paths),
            Command::NextDisagreement => self.step_disagreement(true),
            Command::PreviousDisagreement => self.step_disagreement(false),
            Command::SelectDisagreement(n) => self.select_item(n),
            Command::AcceptVersion(k) => self.accept_version(k),
            Command::RejectDisagreement => self.reject_disagreement(),
            Command::AcceptAgreed => self.accept_agreed(),
            Command::AnnotatorName => {
                let name = self
                    .session
                    .annotator
                    .clone()
                    .unwrap_or_else(|| self.settings.annotator.clone());
                self.dialog = Some(Dialog::Annotator(name));
            }
            Command::SetAnnotator(name) => {
                let name = name.trim().to_owned();
                self.settings.annotator.clone_from(&name);
                let new = (!name.is_empty()).then_some(name);
                if self.session.annotator != new {
                    self.session.annotator = new;
                    // Saved with the session (not an undoable edit of its annotations).
                    self.revision += 1;
                }
                self.note(match &self.session.annotator {
                    Some(name) => format!("Annotating as {name}."),
                    None => "No annotator name: agreement reports use the file name.".to_owned(),
                });
            }
            Command::Reattach(id) => self.reattach(id),
            Command::ResolveConflict(keep, drop) => self.resolve_conflict(keep, drop),
            Command::AcceptChanged(id) => self.update(id, |a| {
                a.attributes.remove(crate::model::session::PREVIOUS_TEXT);
            }),
            Command::DeleteById(id) => {
                if let Some(article) = self.current.clone() {
                    match self.session.delete_annotation(&article, id) {
                        Ok(edit) => {
                            if self.edit(edit) && self.selected == Some(id) {
                                self.selected = None;
                            }
                        }
                        Err(e) => self.error(e.to_string()),
                    }
                }
            }
            Command::CloseComparison => {
                self.comparison = None;
                self.note("Stopped comparing.");
            }
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
                    self.journal(Step::Undo(edit.clone()));
                    self.after_history(&edit, true);
                }
                Some(Err(e)) => self.error(format!("Cannot undo: {e}")),
                None => self.note("Nothing to undo."),
            },
            Command::Redo => match self.history.redo(&mut self.session) {
                Some(Ok(edit)) => {
                    self.revision += 1;
                    self.journal(Step::Redo(edit.clone()));
                    self.after_history(&edit, false);
                }
                Some(Err(e)) => self.error(format!("Cannot redo: {e}")),
                None => self.note("Nothing to redo."),
            },
            Command::Find => {
                self.find.open = true;
                self.find.focus = true;
            }
            Command::SearchDataset => self.open_search(),
            Command::Suggest => self.suggest(),
            Command::ToggleSuggestOnOpen => {
                self.settings.suggest_on_open = !self.settings.suggest_on_open;
                self.note(if self.settings.suggest_on_open {
                    "Suggestions run when an article is first shown."
                } else {
                    "Suggestions run only when you ask (Ctrl+Shift+G)."
                });
            }
            Command::Suggestion(command) => self.apply_suggestion(command),
            Command::ReloadArticle(id) => self.reload_article(&id),
            Command::Search(command) => self.apply_search(command),
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
            Command::AnnotateWith(n) if self.linking.as_ref().is_some_and(|l| l.to.is_some()) => {
                // While a link's type is picked, the number keys pick the type.
                if let Some(key) = char::from_digit(u32::try_from(n + 1).unwrap_or(0), 10) {
                    self.apply_relation(RelationCommand::FinishWithKey(key));
                }
            }
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
                } else if self.linking.is_some() {
                    self.apply_relation(RelationCommand::Cancel);
                } else if self.label_editor.open && !ctx.text_edit_focused() {
                    self.label_editor.open = false;
                } else if ctx.text_edit_focused() {
                    // Esc leaves a text field first, so label keys annotate again.
                    if let Some(id) = ctx.memory(|m| m.focused()) {
                        ctx.memory_mut(|m| m.surrender_focus(id));
                    }
                } else if self.find.open {
                    self.find.open = false;
                } else if self.suggestions.focused.is_some() {
                    self.suggestions.focused = None;
                } else if self.search.view.open {
                    self.apply_search(super::search::SearchCommand::Close);
                } else if let Some(reader) = self.current_reader()
                    && reader.selection().is_some()
                {
                    reader.set_selection(None);
                } else {
                    self.selected = None;
                }
            }
            Command::NextArticle => self.step_article(true),
            Command::ToggleDone => self.toggle_done(),
            Command::ToggleReflow => {
                self.settings.reflow = !self.settings.reflow;
                // Readers are rebuilt with or without soft breaks when next shown.
                self.readers.clear();
                self.note(if self.settings.reflow {
                    "Hard-wrapped paragraphs flow."
                } else {
                    "Every line shown as it is in the file."
                });
            }
            Command::NextUnfinished => self.next_unfinished(),
            Command::SetStatus(id, status) => {
                if let Some(before) = self.session.document(&id).map(|d| d.article.info()) {
                    self.set_status(&id, before, status);
                }
            }
            Command::RenameArticle(id, title) => self.rename_article(&id, &title),
            Command::RemoveArticle(id) => self.remove_article(&id, false),
            Command::ConfirmRemove(yes) => match self.confirm_remove.take() {
                Some(id) if yes => self.remove_article(&id, true),
                _ => {}
            },
            Command::PreviousArticle => self.step_article(false),
            Command::EditLabels => self.label_editor.open = true,
            Command::StartLink => self.start_link(),
            Command::Relation(command) => self.apply_relation(command),
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
            Command::ApplySourceChanges(apply) => self.answer_source_changes(apply),
            Command::Recover(answer) => match (self.dialog.take(), answer) {
                (Some(Dialog::Restore(found)), RecoverAnswer::Restore) => {
                    self.guard(AfterPrompt::Restore(found));
                }
                (Some(Dialog::RestoreChanged(found)), RecoverAnswer::Restore) => {
                    self.guard(AfterPrompt::RestoreCopy(found));
                }
                (
                    Some(Dialog::Restore(found) | Dialog::RestoreChanged(found)),
                    RecoverAnswer::Discard,
                ) => {
                    if let Some(recovery) = &self.recovery {
                        recovery.discard(&found);
                    }
                    self.note(format!(
                        "Discarded {} unsaved change(s) to {}.",
                        found.steps,
                        found.session_name()
                    ));
                }
                (Some(Dialog::Restore(_) | Dialog::RestoreChanged(_)), RecoverAnswer::Later) => {}
                (other, _) => self.dialog = other,
            },
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
