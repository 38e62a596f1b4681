//! Every user action as one [`Command`]: its title, its default shortcut, and where it
//! appears. Menus, key handling and the command palette are all generated from here.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::relations::RelationCommand;
use super::search::SearchCommand;
use super::suggestions::SuggestionCommand;
use crate::formats::ExportFormat;
use crate::model::{AnnotationId, Label};

/// A user action. Panels push commands; the app applies them after the panels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Open articles or a session through the native dialog.
    Open,
    /// Open article files through the native dialog.
    OpenArticle,
    /// Open a session through the native dialog.
    OpenSession,
    /// Type a path to open (works without any dialog).
    OpenPath,
    /// Open the example session shipped in `sessions/`.
    OpenExample,
    /// Import an annotated dataset (Gloss JSON/JSONL, doccano, Label Studio…): into the
    /// open session as one undoable step, or as a new session when nothing is open.
    Import,
    /// Import a brat folder (`.ann` + `.txt` files).
    ImportFolder,
    /// Open a file from the recent list.
    OpenRecent(std::path::PathBuf),
    /// Start a new, empty session.
    NewSession,
    /// Save the session (asks for a path the first time).
    Save,
    /// Save the session under a new path.
    SaveAs,
    /// Export the annotations.
    Export,
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Show the find bar.
    Find,
    /// Go to the next find match.
    FindNext,
    /// Go to the previous find match.
    FindPrevious,
    /// Show spoilers as solid blocks.
    ToggleShield,
    /// Larger text.
    ZoomIn,
    /// Smaller text.
    ZoomOut,
    /// Default text size.
    ZoomReset,
    /// Switch between dark and light.
    ToggleTheme,
    /// Show hard-wrapped paragraphs as flowing text, or every line as it is.
    ToggleReflow,
    /// List every command.
    CommandPalette,
    /// Annotate the selection with the label at this position (0-based).
    AnnotateWith(usize),
    /// Delete the selected annotation.
    DeleteAnnotation,
    /// Move the selected annotation's start one word earlier.
    GrowStart,
    /// Move the selected annotation's start one word later.
    ShrinkStart,
    /// Move the selected annotation's end one word later.
    GrowEnd,
    /// Move the selected annotation's end one word earlier.
    ShrinkEnd,
    /// Select the next annotation in text order.
    NextAnnotation,
    /// Select the previous annotation in text order.
    PreviousAnnotation,
    /// Copy the selected text.
    Copy,
    /// Select the whole article.
    SelectAll,
    /// Clear the selection and close bars.
    Escape,
    /// Show the next article of the session.
    NextArticle,
    /// Show the previous article of the session.
    PreviousArticle,
    /// Mark the current article done (or not done again).
    ToggleDone,
    /// Show the next article that is not done.
    NextUnfinished,
    /// Start linking the selected annotation to another (R).
    StartLink,
    /// Edit the label set.
    EditLabels,
    /// Set your name as this session's annotator.
    AnnotatorName,
    /// Compare with other annotators' sessions of the same articles (curation).
    CompareWith,
    /// Go to the next disagreement between the annotators.
    NextDisagreement,
    /// Go to the previous disagreement.
    PreviousDisagreement,
    /// Remove the curated spans of the selected disagreement.
    RejectDisagreement,
    /// Take every span group all annotators agree on (this article).
    AcceptAgreed,
    /// Stop comparing.
    CloseComparison,
    /// Close the window (asks about unsaved changes).
    Quit,

    // Commands with data, pushed by panels (not in menus or the palette).
    /// Open these files (articles and/or a session).
    OpenPaths(Vec<std::path::PathBuf>),
    /// Import these files or folders.
    ImportPaths(Vec<std::path::PathBuf>),
    /// Compare with these sessions.
    ComparePaths(Vec<std::path::PathBuf>),
    /// Name the annotator (empty: nobody).
    SetAnnotator(String),
    /// Re-attach an orphan to the reader's selection.
    Reattach(AnnotationId),
    /// Accept a changed annotation (its edited text is right; drop the old quote).
    AcceptChanged(AnnotationId),
    /// Delete this annotation (from the review list).
    DeleteById(AnnotationId),
    /// Resolve a merge conflict: keep the first version, drop the second.
    ResolveConflict(AnnotationId, Option<AnnotationId>),
    /// Make the selected disagreement this annotator's version (0-based).
    AcceptVersion(usize),
    /// Select this item of the comparison.
    SelectDisagreement(usize),
    /// Show this article.
    SelectArticle(String),
    /// Give an article this status.
    SetStatus(String, crate::model::Status),
    /// Rename an article.
    RenameArticle(String, String),
    /// Remove an article (asks first when it has annotations).
    RemoveArticle(String),
    /// Answer to "remove this article and its annotations?".
    ConfirmRemove(bool),
    /// Select an annotation (and scroll the reader to it, flashing it).
    JumpTo(AnnotationId),
    /// Select an annotation without scrolling, or deselect.
    Select(Option<AnnotationId>),
    /// Give an annotation another label.
    Relabel(AnnotationId, String),
    /// Replace an annotation's note.
    SetNote(AnnotationId, String),
    /// Set an attribute of an annotation.
    SetAttribute(AnnotationId, String, String),
    /// Remove an attribute of an annotation.
    RemoveAttribute(AnnotationId, String),
    /// Annotate every find match with this label.
    AnnotateMatches(String),
    /// Add a label.
    AddLabel(Label),
    /// Change a label (same id).
    UpdateLabel(Label),
    /// Remove a label and the annotations using it.
    RemoveLabel(String),
    /// Reveal one spoiler while the shield is on.
    Reveal(AnnotationId),
    /// Export in this format (asks where).
    ExportAs(ExportFormat),
    /// Save the session to this path.
    SaveTo(std::path::PathBuf),
    /// Export in this format to this path.
    ExportTo(ExportFormat, std::path::PathBuf),
    /// Answer to the unsaved-changes prompt.
    Unsaved(UnsavedAnswer),
    /// Answer to the offer to restore unsaved changes from an edit journal.
    Recover(RecoverAnswer),
    /// Answer to "article files changed on disk": re-anchor to them (true) or keep the
    /// stored text (false).
    ApplySourceChanges(bool),
    /// A relation command (linking, editing relations and relation types).
    Relation(RelationCommand),
    /// Read an article's file again and re-anchor its annotations (asks first, with
    /// what would move or be orphaned).
    ReloadArticle(String),
    /// Search every article of the session (opens the panel).
    SearchDataset,
    /// Run the suggestion engine on the current article.
    Suggest,
    /// Suggest whenever an article is first shown (on/off).
    ToggleSuggestOnOpen,
    /// Review a suggestion.
    Suggestion(SuggestionCommand),
    /// A dataset search action.
    Search(SearchCommand),
}

/// Answers to "restore unsaved changes?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecoverAnswer {
    /// Restore them (or, when the session file changed since, open them as a copy).
    Restore,
    /// Delete them.
    Discard,
    /// Not now: keep the journal and ask again at the next start.
    Later,
}

/// Answers to "save changes?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsavedAnswer {
    /// Save, then go on.
    Save,
    /// Throw the changes away and go on.
    Discard,
    /// Stay.
    Cancel,
}

const CTRL: Modifiers = Modifiers::COMMAND;
const CTRL_SHIFT: Modifiers = Modifiers {
    shift: true,
    ..Modifiers::COMMAND
};
const ALT: Modifiers = Modifiers::ALT;
const ALT_SHIFT: Modifiers = Modifiers {
    shift: true,
    ..Modifiers::ALT
};
const NONE: Modifiers = Modifiers::NONE;
const SHIFT: Modifiers = Modifiers::SHIFT;

impl Command {
    /// Every fixed command, in palette order (label commands are added per session).
    pub const FIXED: [Self; 50] = [
        Self::Open,
        Self::OpenArticle,
        Self::OpenSession,
        Self::OpenPath,
        Self::OpenExample,
        Self::Import,
        Self::ImportFolder,
        Self::NewSession,
        Self::Save,
        Self::SaveAs,
        Self::Export,
        Self::Undo,
        Self::Redo,
        Self::Find,
        Self::FindNext,
        Self::FindPrevious,
        Self::SearchDataset,
        Self::Suggest,
        Self::ToggleSuggestOnOpen,
        Self::ToggleShield,
        Self::ZoomIn,
        Self::ZoomOut,
        Self::ZoomReset,
        Self::ToggleTheme,
        Self::ToggleReflow,
        Self::CommandPalette,
        Self::DeleteAnnotation,
        Self::GrowStart,
        Self::ShrinkStart,
        Self::GrowEnd,
        Self::ShrinkEnd,
        Self::NextAnnotation,
        Self::PreviousAnnotation,
        Self::Copy,
        Self::SelectAll,
        Self::Escape,
        Self::NextArticle,
        Self::PreviousArticle,
        Self::ToggleDone,
        Self::NextUnfinished,
        Self::StartLink,
        Self::EditLabels,
        Self::AnnotatorName,
        Self::CompareWith,
        Self::NextDisagreement,
        Self::PreviousDisagreement,
        Self::RejectDisagreement,
        Self::AcceptAgreed,
        Self::CloseComparison,
        Self::Quit,
    ];

    /// Title for menus and the palette.
    pub fn title(&self) -> String {
        match self {
            Self::Open => "Open…".into(),
            Self::OpenArticle => "Open article…".into(),
            Self::OpenSession => "Open session…".into(),
            Self::OpenPath => "Open path…".into(),
            Self::OpenExample => "Open example session".into(),
            Self::Import => "Import…".into(),
            Self::ImportFolder => "Import brat folder…".into(),
            Self::OpenRecent(path) => format!("Open recent: {}", path.display()),
            Self::NewSession => "New session".into(),
            Self::Save => "Save".into(),
            Self::SaveAs => "Save as…".into(),
            Self::Export => "Export…".into(),
            Self::Undo => "Undo".into(),
            Self::Redo => "Redo".into(),
            Self::Find => "Find…".into(),
            Self::FindNext => "Find next".into(),
            Self::FindPrevious => "Find previous".into(),
            Self::ToggleShield => "Spoiler shield".into(),
            Self::ZoomIn => "Larger text".into(),
            Self::ZoomOut => "Smaller text".into(),
            Self::ZoomReset => "Default text size".into(),
            Self::ToggleTheme => "Dark / light theme".into(),
            Self::ToggleReflow => "Reflow hard-wrapped text".into(),
            Self::CommandPalette => "Command palette…".into(),
            Self::AnnotateWith(n) => format!("Annotate with label {}", n + 1),
            Self::DeleteAnnotation => "Delete annotation".into(),
            Self::GrowStart => "Grow start (one word earlier)".into(),
            Self::ShrinkStart => "Shrink start (one word later)".into(),
            Self::GrowEnd => "Grow end (one word later)".into(),
            Self::ShrinkEnd => "Shrink end (one word earlier)".into(),
            Self::NextAnnotation => "Next annotation".into(),
            Self::PreviousAnnotation => "Previous annotation".into(),
            Self::Copy => "Copy".into(),
            Self::SelectAll => "Select all".into(),
            Self::Escape => "Clear selection".into(),
            Self::NextArticle => "Next article".into(),
            Self::PreviousArticle => "Previous article".into(),
            Self::ToggleDone => "Mark article done / not done".into(),
            Self::NextUnfinished => "Next unfinished article".into(),
            Self::SetStatus(_, status) => format!("Mark as {}", status.title()),
            Self::RenameArticle(..) => "Rename article".into(),
            Self::RemoveArticle(_) => "Remove article".into(),
            Self::ConfirmRemove(_) => "Remove article and its annotations".into(),
            Self::StartLink => "Link to…".into(),
            Self::EditLabels => "Edit labels…".into(),
            Self::CompareWith => "Compare with…".into(),
            Self::AnnotatorName => "Annotator name…".into(),
            Self::SetAnnotator(name) => format!("Annotate as {name}"),
            Self::Reattach(id) => format!("Re-attach annotation {id} to the selection"),
            Self::AcceptChanged(id) => format!("Accept the edited text of annotation {id}"),
            Self::DeleteById(id) => format!("Delete annotation {id}"),
            Self::ResolveConflict(keep, _) => format!("Keep annotation {keep}"),
            Self::NextDisagreement => "Next disagreement".into(),
            Self::PreviousDisagreement => "Previous disagreement".into(),
            Self::RejectDisagreement => "Reject (no span here)".into(),
            Self::AcceptAgreed => "Accept all agreed".into(),
            Self::CloseComparison => "Stop comparing".into(),
            Self::ComparePaths(_) => "Compare with files".into(),
            Self::AcceptVersion(n) => format!("Accept annotator {}'s version", n + 1),
            Self::SelectDisagreement(n) => format!("Show disagreement {}", n + 1),
            Self::Quit => "Quit".into(),
            Self::OpenPaths(_) => "Open files".into(),
            Self::ImportPaths(_) => "Import files".into(),
            Self::SelectArticle(id) => format!("Show article {id}"),
            Self::JumpTo(id) | Self::Select(Some(id)) => format!("Select annotation {id}"),
            Self::Select(None) => "Deselect".into(),
            Self::Relabel(_, label) => format!("Relabel as {label}"),
            Self::SetNote(..) => "Edit note".into(),
            Self::SetAttribute(_, key, _) => format!("Set {key}"),
            Self::RemoveAttribute(_, key) => format!("Remove {key}"),
            Self::AnnotateMatches(label) => format!("Annotate all matches as {label}"),
            Self::AddLabel(label) => format!("Add label {}", label.name),
            Self::UpdateLabel(label) => format!("Edit label {}", label.name),
            Self::RemoveLabel(id) => format!("Remove label {id}"),
            Self::Reveal(_) => "Reveal spoiler".into(),
            Self::ExportAs(format) => format!("Export as {}", format.title()),
            Self::SaveTo(path) => format!("Save to {}", path.display()),
            Self::ExportTo(format, path) => {
                format!("Export {} to {}", format.name(), path.display())
            }
            Self::Unsaved(answer) => format!("{answer:?}"),
            Self::Recover(_) => "Restore unsaved changes".into(),
            Self::ApplySourceChanges(_) => "Re-anchor to changed article files".into(),
            Self::Relation(command) => format!("{command:?}"),
            Self::SearchDataset => "Search all articles…".into(),
            Self::Suggest => "Suggest quotes, claims and spoilers".into(),
            Self::ToggleSuggestOnOpen => "Suggest when an article is opened".into(),
            Self::Suggestion(command) => format!("{command:?}"),
            Self::ReloadArticle(id) => format!("Reload article {id} from its file"),
            Self::Search(command) => format!("{command:?}"),
        }
    }

    /// The default shortcuts; the first is shown in menus.
    pub fn shortcuts(&self) -> Vec<KeyboardShortcut> {
        let k = KeyboardShortcut::new;
        match self {
            Self::Open => vec![k(CTRL, Key::O)],
            Self::OpenPath => vec![k(CTRL, Key::L)],
            Self::Import => vec![k(CTRL, Key::I)],
            Self::NewSession => vec![k(CTRL, Key::N)],
            Self::Save => vec![k(CTRL, Key::S)],
            Self::SaveAs => vec![k(CTRL_SHIFT, Key::S)],
            Self::Export => vec![k(CTRL, Key::E)],
            Self::Undo => vec![k(CTRL, Key::Z)],
            Self::Redo => vec![k(CTRL_SHIFT, Key::Z), k(CTRL, Key::Y)],
            Self::Find => vec![k(CTRL, Key::F)],
            Self::FindNext => vec![k(NONE, Key::F3)],
            Self::FindPrevious => vec![k(SHIFT, Key::F3)],
            Self::SearchDataset => vec![k(CTRL_SHIFT, Key::F)],
            Self::Suggest => vec![k(CTRL_SHIFT, Key::G)],
            Self::ToggleShield => vec![k(CTRL_SHIFT, Key::H)],
            Self::ZoomIn => vec![k(CTRL, Key::Plus), k(CTRL, Key::Equals)],
            Self::ZoomOut => vec![k(CTRL, Key::Minus)],
            Self::ZoomReset => vec![k(CTRL, Key::Num0)],
            Self::ToggleTheme => vec![k(CTRL_SHIFT, Key::T)],
            Self::CommandPalette => vec![k(CTRL_SHIFT, Key::P)],
            Self::DeleteAnnotation => vec![k(NONE, Key::Delete)],
            Self::GrowStart => vec![k(ALT_SHIFT, Key::ArrowLeft)],
            Self::ShrinkStart => vec![k(ALT_SHIFT, Key::ArrowRight)],
            Self::GrowEnd => vec![k(ALT, Key::ArrowRight)],
            Self::ShrinkEnd => vec![k(ALT, Key::ArrowLeft)],
            Self::NextAnnotation => vec![k(ALT, Key::ArrowDown)],
            Self::PreviousAnnotation => vec![k(ALT, Key::ArrowUp)],
            Self::Copy => vec![k(CTRL, Key::C)],
            Self::SelectAll => vec![k(CTRL, Key::A)],
            Self::Escape => vec![k(NONE, Key::Escape)],
            Self::NextArticle => vec![k(CTRL, Key::PageDown)],
            Self::PreviousArticle => vec![k(CTRL, Key::PageUp)],
            Self::ToggleDone => vec![k(CTRL, Key::D)],
            Self::NextUnfinished => vec![k(CTRL_SHIFT, Key::D)],
            Self::Quit => vec![k(CTRL, Key::Q)],
            Self::StartLink => vec![k(NONE, Key::R)],
            Self::NextDisagreement => vec![k(NONE, Key::F8)],
            Self::PreviousDisagreement => vec![k(SHIFT, Key::F8)],
            Self::RejectDisagreement => vec![k(ALT, Key::Backspace)],
            Self::AcceptAgreed => vec![k(CTRL_SHIFT, Key::A)],
            Self::AcceptVersion(n) => number_key(*n).map(|key| k(ALT, key)).into_iter().collect(),
            Self::AnnotateWith(n) => number_key(*n).map(|key| k(NONE, key)).into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The first shortcut as text, e.g. `Ctrl+Shift+S`.
    pub fn shortcut_text(&self, ctx: &egui::Context) -> String {
        self.shortcuts()
            .first()
            .map(|s| ctx.format_shortcut(s))
            .unwrap_or_default()
    }

    /// True when the shortcut must not fire while a text field has keyboard focus
    /// (the field needs the key itself).
    pub fn yields_to_text_fields(&self) -> bool {
        matches!(
            self,
            Self::DeleteAnnotation
                | Self::StartLink
                | Self::Copy
                | Self::SelectAll
                | Self::AnnotateWith(_)
                | Self::GrowStart
                | Self::ShrinkStart
                | Self::GrowEnd
                | Self::ShrinkEnd
                | Self::NextAnnotation
                | Self::PreviousAnnotation
                | Self::FindNext
                | Self::FindPrevious
        )
    }
}

/// `1`–`9` for labels 0–8.
pub fn number_key(n: usize) -> Option<Key> {
    [
        Key::Num1,
        Key::Num2,
        Key::Num3,
        Key::Num4,
        Key::Num5,
        Key::Num6,
        Key::Num7,
        Key::Num8,
        Key::Num9,
    ]
    .get(n)
    .copied()
}

/// The egui key for a label's letter hotkey.
pub fn letter_key(letter: char) -> Option<Key> {
    Key::from_name(&letter.to_ascii_uppercase().to_string())
        .filter(|k| matches!(k.name().len(), 1) && letter.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for command in Command::FIXED {
            for s in command.shortcuts() {
                assert!(seen.insert(s), "{s:?} used twice ({command:?})");
            }
        }
    }

    #[test]
    fn letters_map_to_keys() {
        assert_eq!(letter_key('q'), Some(Key::Q));
        assert_eq!(letter_key('1'), None);
    }
}
