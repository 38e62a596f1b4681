//! The eframe desktop app: state and command handling in [`state`], one file per panel
//! in [`panels`], the virtualised [`reader`], commands in [`command`].
//!
//! Each frame: keys → commands, panels draw and push commands, then the commands are
//! applied in one place ([`state::GlossApp::apply_commands`]).

pub mod articles;
pub mod command;
pub mod curation;
pub mod editing;
pub mod files;
pub mod journal;
pub mod panels;
pub mod paragraph;
pub mod picker;
pub mod reader;
pub mod recovery;
pub mod relations;
pub mod search;
pub mod state;
pub mod suggestions;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::anyhow;

use command::{Command, letter_key};
use reader::{Reader, ReaderView};
use relations::RelationCommand;
pub use state::{AppOptions, GlossApp, Settings};
use suggestions::SuggestionCommand;

/// The next (or previous) of `n` items after `current`, wrapping around; the first (or
/// last) when there is no current one. `n` must not be 0.
pub(crate) fn step_index(current: Option<usize>, n: usize, forward: bool) -> usize {
    match (current, forward) {
        (None, true) => 0,
        (None, false) => n.saturating_sub(1),
        (Some(i), true) => (i + 1) % n.max(1),
        (Some(i), false) => (i + n.max(1) - 1) % n.max(1),
    }
}

/// Frames rendered before `--screenshot` captures the window.
const SCREENSHOT_FRAMES: u32 = 10;

impl eframe::App for GlossApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.screenshot.is_none() {
            self.persist(Some(storage));
        }
    }

    fn auto_save_interval(&self) -> Duration {
        Duration::from_secs(30)
    }
}

impl GlossApp {
    /// One frame of the whole app.
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let theme = if self.settings.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        };
        if ctx.theme() != theme {
            ctx.set_theme(theme);
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if !dropped.is_empty() {
            self.push(Command::OpenPaths(dropped));
        }
        self.poll_pick();
        self.poll_save();
        self.poll_suggestions();
        self.suggest_on_open();
        if self.suggestions.is_running() {
            ctx.request_repaint_after(Duration::from_millis(30));
        }
        if self.is_saving() {
            // The save runs on its own thread: keep the title current and look again soon.
            ctx.request_repaint_after(Duration::from_millis(30));
        }
        self.report_journal_errors();
        self.ask_about_changed_sources();
        if self.is_picking() {
            // The native dialog runs on its own thread: keep painting and look again soon.
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        self.handle_keys(&ctx);
        self.handle_close_request(&ctx);
        self.panels_ui(ui, &ctx);
        self.apply_commands(&ctx);
        self.was_typing = ctx.text_edit_focused();
        self.close_if_confirmed(&ctx);
        self.sync_title(&ctx);
        self.screenshot_step(&ctx);
    }

    fn handle_keys(&mut self, ctx: &egui::Context) {
        let typing = ctx.text_edit_focused();
        if self.is_picking() {
            // Keys meant for the file dialog must not turn into commands here.
            ctx.input_mut(|i| i.events.clear());
            return;
        }
        let modal = self.dialog.is_some() || self.palette.is_open();
        // egui drops the focus on Esc before this frame's widgets run, so whether a text
        // field had it is what the last frame saw.
        if (typing || self.was_typing)
            && !modal
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        {
            // Esc leaves a text field first (and only that), so the keys that follow are
            // commands again; the selection and a link under way stay.
            if let Some(id) = ctx.memory(|m| m.focused()) {
                ctx.memory_mut(|m| m.surrender_focus(id));
            }
            return;
        }
        let mut candidates: Vec<Command> = Command::FIXED.to_vec();
        // While a link's type is picked, every number key picks a type.
        let numbers = if self.linking.as_ref().is_some_and(|l| l.to.is_some()) {
            9
        } else {
            self.session.labels.len().min(9)
        };
        candidates.extend((0..numbers).map(Command::AnnotateWith));
        if let Some(comparison) = &self.comparison {
            candidates.extend((0..comparison.names.len().min(9)).map(Command::AcceptVersion));
        }
        // Most specific shortcuts first (egui ignores extra Shift/Alt when matching).
        let mut shortcuts: Vec<(egui::KeyboardShortcut, Command)> = candidates
            .into_iter()
            .flat_map(|c| c.shortcuts().into_iter().map(move |s| (s, c.clone())))
            .collect();
        shortcuts.sort_by_key(|(s, _)| {
            std::cmp::Reverse(
                u8::from(s.modifiers.shift)
                    + u8::from(s.modifiers.alt)
                    + u8::from(s.modifiers.command),
            )
        });
        for (shortcut, command) in shortcuts {
            if modal && command != Command::Escape && command != Command::CommandPalette {
                continue;
            }
            if typing && command.yields_to_text_fields() {
                continue;
            }
            if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                self.push(command);
            }
        }
        if typing || modal {
            return;
        }
        // Reviewing a suggestion: Enter / A accept, X rejects, Shift+Enter accepts every
        // suggestion of its label, Space skips to the next.
        if self.linking.is_none() && self.suggestions.focused.is_some() {
            use egui::{Key, Modifiers};
            let review = [
                (
                    Modifiers::SHIFT,
                    Key::Enter,
                    SuggestionCommand::AcceptAll(None),
                ),
                (Modifiers::NONE, Key::Enter, SuggestionCommand::Accept(None)),
                (Modifiers::NONE, Key::A, SuggestionCommand::Accept(None)),
                (Modifiers::NONE, Key::X, SuggestionCommand::Reject(None)),
                (Modifiers::NONE, Key::Space, SuggestionCommand::Step(true)),
            ];
            for (modifiers, key, command) in review {
                if ctx.input_mut(|i| i.consume_key(modifiers, key)) {
                    self.push(Command::Suggestion(command));
                    return;
                }
            }
        }
        // Enter starts reviewing an article's pending suggestions (from a saved session,
        // say) when none is under review and nothing is selected.
        if self.linking.is_none()
            && self.suggestions.focused.is_none()
            && self.selected.is_none()
            && self
                .current_document()
                .is_some_and(|d| !d.pending.suggestions.is_empty())
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter))
        {
            self.push(Command::Suggestion(SuggestionCommand::Step(true)));
            return;
        }
        // Enter re-attaches the selected orphan to the reader's selection.
        if self.linking.is_none()
            && let Some(id) = self.selected
            && self
                .current_document()
                .and_then(|d| d.annotation(id))
                .is_some_and(|a| a.orphan)
            && self
                .current
                .as_ref()
                .and_then(|c| self.readers.get(c))
                .is_some_and(|r| r.selection().is_some())
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter))
        {
            self.push(Command::Reattach(id));
        }
        if let Some(linking) = &self.linking
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter))
        {
            let command = match linking.to {
                None => RelationCommand::TargetSelected,
                Some(_) => match self.linking_types().first() {
                    Some(kind) => RelationCommand::Finish(kind.id.clone()),
                    None => RelationCommand::Cancel,
                },
            };
            self.push(Command::Relation(command));
        }
        let letters: Vec<(usize, egui::Key)> = self
            .session
            .labels
            .iter()
            .enumerate()
            .filter_map(|(n, l)| l.hotkey.and_then(letter_key).map(|k| (n, k)))
            .collect();
        for (n, key) in letters {
            if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key)) {
                self.push(Command::AnnotateWith(n));
            }
        }
    }

    #[allow(clippy::too_many_lines)]
    fn panels_ui(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        self.counts.refresh(&self.session);
        let mut commands = std::mem::take(&mut self.commands);
        let has_article = self.current_document().is_some();
        let menu = panels::toolbar::MenuContext {
            labels: &self.session.labels,
            recent: &self.settings.recent,
            can_undo: self.history.can_undo(),
            can_redo: self.history.can_redo(),
            has_article,
            has_selected: self.selected.is_some(),
            has_example: self.has_example(),
            shield: self.settings.shield,
        };
        egui::Panel::top("menu").show(ui, |ui| {
            panels::toolbar::menu_ui(ui, &menu, &mut commands);
            panels::toolbar::chips_ui(
                ui,
                &self.session.labels,
                self.settings.shield,
                has_article,
                &mut commands,
            );
            ui.add_space(2.0);
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            self.status_ui(ui);
        });
        if self.search.view.open {
            if self.search.refresh(&self.session.documents, self.revision) {
                // Results stream in from the worker: look again soon.
                ctx.request_repaint_after(Duration::from_millis(16));
            }
            egui::Panel::bottom("dataset-search")
                .resizable(true)
                .default_size(260.0)
                .min_size(120.0)
                .show(ui, |ui| {
                    panels::search::search_ui(ui, &mut self.search, &self.session, &mut commands);
                });
        }
        if !self.session.documents.is_empty() {
            egui::Panel::left("articles")
                .resizable(true)
                .default_size(210.0)
                .show(ui, |ui| {
                    panels::articles::articles_ui(
                        ui,
                        &self.session,
                        &self.counts.per_article,
                        self.current.as_deref(),
                        &mut self.articles_view,
                        &mut commands,
                    );
                });
        }
        let suggestion_order = self.ordered_suggestions();
        if let Some(doc) = self
            .current
            .as_ref()
            .and_then(|id| self.session.document(id))
        {
            egui::Panel::right("annotations")
                .resizable(true)
                .default_size(480.0)
                .show(ui, |ui| {
                    if let Some(comparison) = self.comparison.as_mut() {
                        let figures =
                            comparison.figures(&self.session, self.revision, &doc.article.id);
                        let current = comparison.current;
                        let names = comparison.names.clone();
                        let items = comparison.items(&doc.article.id);
                        panels::curation::curation_ui(
                            ui,
                            &panels::curation::CurationView {
                                names: &names,
                                items,
                                current,
                                curated: doc,
                                figures: &figures,
                                labels: &self.session.labels,
                            },
                            &mut commands,
                        );
                        ui.separator();
                    }
                    if panels::review::needs_review(doc) {
                        let has_selection = self
                            .readers
                            .get(&doc.article.id)
                            .is_some_and(|r| r.selection().is_some());
                        panels::review::review_ui(ui, doc, has_selection, &mut commands);
                        ui.separator();
                    }
                    if !doc.pending.suggestions.is_empty() || self.suggestions.is_running() {
                        panels::suggestions::suggestions_ui(
                            ui,
                            &panels::suggestions::SuggestionsView {
                                doc,
                                order: &suggestion_order,
                                focused: self.suggestions.focused,
                                by_score: self.suggestions.by_score,
                                running: self.suggestions.is_running(),
                                labels: &self.session.labels,
                            },
                            &mut commands,
                        );
                        ui.separator();
                    }
                    ui.heading("Annotation");
                    match self.selected.and_then(|id| doc.annotation(id)) {
                        Some(a) => {
                            let mut editor = std::mem::take(&mut self.editor_state);
                            panels::editor::editor_ui(
                                ui,
                                a,
                                &self.session.labels,
                                &mut self.focus_note,
                                &mut editor,
                                &mut commands,
                            );
                            self.editor_state = editor;
                            ui.separator();
                            let rows =
                                self.links.rows(&self.session, self.selected, self.revision);
                            panels::links::links_ui(
                                ui,
                                rows,
                                &self.session,
                                &doc.article.id,
                                &mut commands,
                            );
                        }
                        None => {
                            ui.weak("Select text and press a label's key (S, Q, C, O or 1–9), or click an annotation.");
                        }
                    }
                    ui.separator();
                    ui.heading("Annotations");
                    panels::list::list_ui(
                        ui,
                        &mut self.list,
                        &panels::list::Listed {
                            doc,
                            counts: self.counts.per_article.get(&doc.article.id),
                            revision: self.revision,
                            linking: self.linking.as_ref().is_some_and(|l| l.to.is_none()),
                        },
                        &self.session.labels,
                        self.selected,
                        &mut commands,
                    );
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            let doc = self
                .current
                .as_ref()
                .and_then(|id| self.session.document(id));
            let Some(doc) = doc else {
                panels::start::start_ui(
                    ui,
                    &self.settings.recent,
                    self.has_example(),
                    &mut commands,
                );
                return;
            };
            panels::header::header_ui(ui, &doc.article);
            if self.find.open {
                self.find.refresh(&doc.article.id, &doc.article.text);
                panels::find::find_ui(ui, &mut self.find, &self.session.labels, &mut commands);
                ui.separator();
            }
            let reader = self
                .readers
                .entry(doc.article.id.clone())
                .or_insert_with(|| {
                    state::new_reader(
                        doc.article.text.clone(),
                        &doc.article.id,
                        self.settings.reflow,
                    )
                });
            let links = self
                .links
                .reader_links(&self.session, doc, self.selected, self.revision);
            let lanes = self
                .comparison
                .as_mut()
                .map_or(&[][..], |c| c.lanes(&doc.article.id));
            let view = ReaderView {
                annotations: &doc.annotations,
                revision: self.revision,
                labels: &self.session.labels,
                selected: self.selected,
                matches: if self.find.open {
                    &self.find.matches
                } else {
                    &[]
                },
                current_match: self.find.current,
                shield: self.settings.shield,
                revealed: &self.revealed,
                font_size: self.settings.font_size,
                links,
                lanes,
                suggestions: &doc.pending.suggestions,
                focused_suggestion: self.suggestions.focused,
            };
            let output = reader.ui(ui, &view);
            if let Some(id) = output.clicked {
                if self.linking.as_ref().is_some_and(|l| l.to.is_none()) {
                    commands.push(Command::Relation(RelationCommand::Target(id)));
                } else {
                    commands.push(Command::Select(Some(id)));
                }
            }
            if let Some(id) = output.revealed {
                commands.push(Command::Reveal(id));
            }
            if output.clicked_nothing {
                commands.push(Command::Select(None));
            }
            if let Some(id) = output.clicked_suggestion {
                commands.push(Command::Suggestion(SuggestionCommand::Focus(id)));
            }
        });
        if self.linking.as_ref().is_some_and(|l| l.to.is_some()) {
            let types: Vec<crate::model::RelationType> =
                self.linking_types().into_iter().cloned().collect();
            egui::Window::new("Link as…")
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 80.0))
                .show(ctx, |ui| {
                    for (n, kind) in types.iter().enumerate() {
                        let key = kind.hotkey.map(String::from).unwrap_or_default();
                        let [r, g, b] = kind.color.0;
                        let text = egui::RichText::new(format!("{key}  {}", kind.name))
                            .color(egui::Color32::from_rgb(r, g, b))
                            .strong();
                        let button = ui
                            .add_sized([260.0, 22.0], egui::Button::new(text).selected(n == 0))
                            .on_hover_text(&kind.description);
                        if button.clicked() {
                            commands
                                .push(Command::Relation(RelationCommand::Finish(kind.id.clone())));
                        }
                    }
                    ui.weak("Number key or click · Enter takes the first · Esc cancels");
                });
        }
        if let Some(doc) = self
            .confirm_remove
            .as_ref()
            .and_then(|id| self.session.document(id))
        {
            egui::Window::new("Remove article?")
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 80.0))
                .show(ctx, |ui| {
                    ui.label(format!(
                        "“{}” has {} annotation(s). Remove it with them? (Undo brings it back.)",
                        doc.article.title,
                        doc.annotations.len()
                    ));
                    ui.horizontal(|ui| {
                        if ui.button("Remove").clicked() {
                            commands.push(Command::ConfirmRemove(true));
                        }
                        if ui.button("Cancel").clicked() {
                            commands.push(Command::ConfirmRemove(false));
                        }
                    });
                });
        }
        panels::palette::palette_ui(ctx, &mut self.palette, &self.session.labels, &mut commands);
        if self.label_editor.open {
            let mut open = true;
            egui::Window::new("Labels")
                .open(&mut open)
                .default_width(460.0)
                .show(ctx, |ui| {
                    panels::labels::labels_ui(
                        ui,
                        &mut self.label_editor,
                        &self.session,
                        &mut commands,
                    );
                });
            self.label_editor.open = open;
        }
        if let Some((id, count)) = self.label_editor.confirm_remove.clone() {
            let name = self
                .session
                .label(&id)
                .map_or_else(|| id.clone(), |l| l.name.clone());
            let modal = egui::Modal::new(egui::Id::unique("confirm-remove-label")).show(ctx, |ui| {
                ui.heading("Remove label?");
                ui.label(format!(
                    "{count} annotation(s) use the label “{name}”. Removing it removes them too (Undo brings them back)."
                ));
                ui.horizontal(|ui| {
                    if ui.button("Remove label and annotations").clicked() {
                        commands.push(Command::RemoveLabel(id.clone()));
                        self.label_editor.confirm_remove = None;
                    }
                    if ui.button("Cancel").clicked() {
                        self.label_editor.confirm_remove = None;
                    }
                });
            });
            if modal.should_close() {
                self.label_editor.confirm_remove = None;
            }
        }
        if let Some((id, count)) = self.label_editor.confirm_remove_type.clone() {
            let name = self
                .session
                .relation_type(&id)
                .map_or_else(|| id.clone(), |t| t.name.clone());
            let modal =
                egui::Modal::new(egui::Id::unique("confirm-remove-relation-type")).show(ctx, |ui| {
                    ui.heading("Remove relation type?");
                    ui.label(format!(
                        "{count} link(s) are of the type “{name}”. Removing it removes them too (Undo brings them back)."
                    ));
                    ui.horizontal(|ui| {
                        if ui.button("Remove type and links").clicked() {
                            commands.push(Command::Relation(RelationCommand::RemoveType(
                                id.clone(),
                            )));
                            self.label_editor.confirm_remove_type = None;
                        }
                        if ui.button("Cancel").clicked() {
                            self.label_editor.confirm_remove_type = None;
                        }
                    });
                });
            if modal.should_close() {
                self.label_editor.confirm_remove_type = None;
            }
        }
        if let Some(mut dialog) = self.dialog.take() {
            let keep = panels::dialogs::dialog_ui(ctx, &mut dialog, &mut commands);
            if keep {
                self.dialog = Some(dialog);
            }
        }
        if self.is_picking() {
            egui::Modal::new(egui::Id::unique("waiting-for-dialog")).show(ctx, |ui| {
                ui.label("Waiting for the file dialog…");
            });
        }
        let now = ctx.input(|i| i.time);
        panels::dialogs::messages_ui(ctx, &mut self.messages, now);
        self.commands.extend(commands);
    }

    fn status_ui(&mut self, ui: &mut egui::Ui) {
        if let Some(text) = self.linking_status() {
            ui.horizontal(|ui| {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    egui::RichText::new(text).strong(),
                );
            });
        }
        ui.horizontal(|ui| {
            let selection = self
                .current
                .clone()
                .and_then(|id| self.readers.get(&id))
                .and_then(Reader::selection)
                .map(|s| s.range());
            if let Some(doc) = self.current_document() {
                ui.label(format!(
                    "{} annotations · {} chars",
                    doc.annotations.len(),
                    doc.article.text.char_len()
                ));
                if let Some(range) = selection {
                    ui.separator();
                    ui.label(format!(
                        "selected chars {}–{} ({})",
                        range.start,
                        range.end,
                        range.end - range.start
                    ));
                }
            } else {
                ui.label("No article open");
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let saved = if self.session.documents.is_empty() {
                    String::new()
                } else if self.is_dirty() {
                    "unsaved changes".to_owned()
                } else {
                    "saved".to_owned()
                };
                ui.label(saved);
                ui.separator();
                ui.weak(format!("{:.0} pt", self.settings.font_size));
            });
        });
    }

    fn has_example(&self) -> bool {
        self.example_path().is_some()
    }

    fn screenshot_step(&mut self, ctx: &egui::Context) {
        let Some(shot) = self.screenshot.as_mut() else {
            return;
        };
        shot.frames += 1;
        ctx.request_repaint();
        if shot.frames >= SCREENSHOT_FRAMES && !shot.requested {
            shot.requested = true;
            let path = shot.path.clone();
            let slot = Arc::clone(&shot.result);
            ctx.request_screenshot(move |image: Arc<egui::ColorImage>| {
                let result = save_png(&path, &image);
                if let Ok(mut slot) = slot.lock() {
                    *slot = Some(result);
                }
            });
        }
        let done = shot.result.lock().map(|s| s.is_some()).unwrap_or(true);
        if done {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

/// Write the window image as PNG; refuse a blank image (a broken renderer).
fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let [w, h] = image.size;
    let mut distinct = std::collections::HashSet::new();
    let mut bytes = Vec::with_capacity(w * h * 4);
    for pixel in &image.pixels {
        if distinct.len() < 64 {
            distinct.insert(pixel.to_array());
        }
        bytes.extend_from_slice(&pixel.to_array());
    }
    if distinct.len() < 8 {
        return Err(format!(
            "the window rendered blank ({} colours)",
            distinct.len()
        ));
    }
    let (Ok(w), Ok(h)) = (u32::try_from(w), u32::try_from(h)) else {
        return Err("screenshot too large".to_owned());
    };
    image::save_buffer(path, &bytes, w, h, image::ExtendedColorType::Rgba8)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Where the example session is: next to the working folder, the binary, or the source.
pub fn find_example() -> Option<PathBuf> {
    let relative = std::path::Path::new("sessions").join("example.ron");
    let mut candidates = vec![relative.clone()];
    if let Ok(exe) = std::env::current_exe() {
        candidates.extend(exe.ancestors().skip(1).take(4).map(|d| d.join(&relative)));
    }
    candidates.push(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&relative));
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .map(|p| std::path::absolute(&p).unwrap_or(p))
}

/// Open the app with `files`; with `screenshot`, render a few frames to a PNG and exit.
pub fn run(files: Vec<PathBuf>, screenshot: Option<&Path>) -> anyhow::Result<ExitCode> {
    let _ = env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn"))
        .try_init();
    let result: Arc<Mutex<Option<Result<(), String>>>> = Arc::new(Mutex::new(None));
    let slot = Arc::clone(&result);
    let shot_path = screenshot.map(Path::to_path_buf);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Gloss")
            .with_app_id("gloss")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        persist_window: screenshot.is_none(),
        ..Default::default()
    };
    eframe::run_native(
        "gloss",
        options,
        Box::new(move |cc| {
            let recovery_dir = if shot_path.is_some() {
                None
            } else {
                eframe::storage_dir("gloss").map(|d| d.join("recovery"))
            };
            let app_options = AppOptions {
                picker: Box::new(picker::NativePicker),
                recovery_dir,
                example: find_example(),
            };
            let mut app = GlossApp::from_creation(cc, app_options);
            app.open_paths(files);
            app.apply_commands(&cc.egui_ctx);
            if let Some(path) = shot_path {
                app.screenshot = Some(state::Screenshot {
                    path,
                    frames: 0,
                    result: slot,
                    requested: false,
                });
                let first = app
                    .current_document()
                    .and_then(|d| d.annotations.iter().find(|a| !a.orphan))
                    .map(|a| a.id);
                app.selected = first;
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow!("cannot open the window: {e}"))?;
    if screenshot.is_none() {
        return Ok(ExitCode::SUCCESS);
    }
    let outcome = result.lock().map(|mut s| s.take()).unwrap_or(None);
    match outcome {
        Some(Ok(())) => Ok(ExitCode::SUCCESS),
        Some(Err(e)) => Err(anyhow!("screenshot failed: {e}")),
        None => Err(anyhow!("the window closed before the screenshot was taken")),
    }
}
