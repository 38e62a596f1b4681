//! The dataset search panel (Ctrl+Shift+F): query, options, and the results of every
//! article grouped by article, virtualised so thousands of results scroll smoothly.

use egui::text::LayoutJob;
use egui::{Color32, FontId, Key, TextFormat, Ui};

use crate::app::command::Command;
use crate::app::search::{DatasetSearch, MAX_KEPT, SearchCommand};
use crate::model::search::{Mode, Query, Scope};
use crate::model::{Label, Session};

/// Where matches count, as the person picks it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Within {
    /// Everywhere.
    #[default]
    Everywhere,
    /// Inside annotations with this label id.
    Label(String),
    /// Where nothing is annotated yet.
    NotAnnotated,
}

/// What the person typed and chose.
#[derive(Debug, Default)]
pub struct SearchView {
    /// Shown.
    pub open: bool,
    /// Focus the query field on the next frame.
    pub focus: bool,
    /// The text or pattern.
    pub pattern: String,
    /// Plain, whole word or regular expression.
    pub mode: Mode,
    /// Match case.
    pub case_sensitive: bool,
    /// Where matches count.
    pub within: Within,
    /// Scroll the current result into view on the next frame.
    pub scroll_to_current: bool,
}

impl SearchView {
    /// The query as the model reads it.
    pub fn query(&self) -> Query {
        Query {
            pattern: self.pattern.clone(),
            mode: self.mode,
            case_sensitive: self.case_sensitive,
            scope: match &self.within {
                Within::Everywhere => Scope::Everywhere,
                Within::Label(id) => Scope::InsideLabel(id.clone()),
                Within::NotAnnotated => Scope::NotAnnotated,
            },
        }
    }
}

/// A row of the result list: an article's heading or one of its results.
enum Row {
    Article(usize),
    Hit(usize, usize),
}

/// The panel.
pub fn search_ui(
    ui: &mut Ui,
    search: &mut DatasetSearch,
    session: &Session,
    commands: &mut Vec<Command>,
) {
    query_ui(ui, search, &session.labels, commands);
    ui.separator();
    results_ui(ui, search, session, commands);
}

fn query_ui(
    ui: &mut Ui,
    search: &mut DatasetSearch,
    labels: &[Label],
    commands: &mut Vec<Command>,
) {
    let view = &mut search.view;
    ui.horizontal_wrapped(|ui| {
        let label = ui.strong("Search all articles:");
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut view.pattern)
                    .hint_text("word, phrase or pattern")
                    .desired_width(260.0),
            )
            .labelled_by(label.id);
        if view.focus {
            let mut state =
                egui::text_edit::TextEditState::load(ui.ctx(), response.id).unwrap_or_default();
            state
                .cursor
                .set_char_range(Some(egui::text_selection::CCursorRange::select_all_str(
                    &view.pattern,
                )));
            state.store(ui.ctx(), response.id);
            response.request_focus();
            view.focus = false;
        }
        if response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
            let forward = !ui.input(|i| i.modifiers.shift);
            commands.push(Command::Search(SearchCommand::Step(forward)));
            view.scroll_to_current = true;
            response.request_focus();
        }
        for (mode, name, hover) in [
            (Mode::Plain, "Text", "The exact characters"),
            (Mode::WholeWord, "Whole word", "Not inside a longer word"),
            (
                Mode::Regex,
                "Regex",
                "A regular expression (Rust regex syntax)",
            ),
        ] {
            ui.selectable_value(&mut view.mode, mode, name)
                .on_hover_text(hover);
        }
        ui.checkbox(&mut view.case_sensitive, "Match case");
        let within_text = match &view.within {
            Within::Everywhere => "anywhere".to_owned(),
            Within::Label(id) => format!(
                "inside {}",
                labels
                    .iter()
                    .find(|l| &l.id == id)
                    .map_or(id.as_str(), |l| l.name.as_str())
            ),
            Within::NotAnnotated => "not yet annotated".to_owned(),
        };
        let within = ui.label("In:");
        egui::ComboBox::from_id_salt("search-within")
            .selected_text(within_text)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut view.within, Within::Everywhere, "anywhere");
                for label in labels {
                    ui.selectable_value(
                        &mut view.within,
                        Within::Label(label.id.clone()),
                        format!("inside {}", label.name),
                    );
                }
                ui.selectable_value(&mut view.within, Within::NotAnnotated, "not yet annotated");
            })
            .response
            .labelled_by(within.id);
    });
    ui.horizontal_wrapped(|ui| {
        match (&search.error, &search.run) {
            (Some(error), _) => {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            (None, Some(run)) => {
                let total = run.total();
                let found = format!(
                    "{total} match{} in {} article{}",
                    if total == 1 { "" } else { "es" },
                    run.results.len(),
                    if run.results.len() == 1 { "" } else { "s" },
                );
                if run.done {
                    ui.label(found);
                } else {
                    ui.spinner();
                    ui.label(format!(
                        "{found} · searched {} of {}",
                        run.searched, run.articles
                    ));
                }
                if run.kept() < total {
                    ui.weak(format!("(the first {MAX_KEPT} are listed)"));
                }
            }
            (None, None) => {
                ui.weak(
                    "Type to search every article of the session. Enter opens the next result.",
                );
            }
        }
        let can_annotate = search
            .run
            .as_ref()
            .is_some_and(|r| r.done && r.kept() > 0 && r.kept() == r.total());
        super::next_row_unless_fits(ui, 200.0);
        ui.add_enabled_ui(can_annotate, |ui| {
            ui.menu_button("Annotate all results as…", |ui| {
                for label in labels {
                    if ui.button(&label.name).clicked() {
                        commands.push(Command::Search(SearchCommand::AnnotateAll(
                            label.id.clone(),
                        )));
                        ui.close();
                    }
                }
            });
        });
        super::next_row_unless_fits(ui, 110.0);
        if ui
            .button("Close search")
            .on_hover_text("Close (Esc when the field is not focused)")
            .clicked()
        {
            commands.push(Command::Search(SearchCommand::Close));
        }
    });
}

fn results_ui(
    ui: &mut Ui,
    search: &mut DatasetSearch,
    session: &Session,
    commands: &mut Vec<Command>,
) {
    let Some(run) = search.run.as_ref() else {
        // Keep the panel's size: a resizable panel shrinks to what it holds.
        ui.allocate_space(ui.available_size());
        return;
    };
    // Row n of the list, by article: one heading then its results.
    let mut starts = Vec::with_capacity(run.results.len());
    let mut rows = 0usize;
    for r in &run.results {
        starts.push(rows);
        rows += 1 + r.hits.len();
    }
    let row_of = |row: usize| -> Option<Row> {
        let a = starts.partition_point(|&s| s <= row).checked_sub(1)?;
        let within = row - starts.get(a)?;
        Some(if within == 0 {
            Row::Article(a)
        } else {
            Row::Hit(a, within - 1)
        })
    };
    // Result number (in the order shown) of each article's first result.
    let mut firsts = Vec::with_capacity(run.results.len());
    let mut n = 0usize;
    for r in &run.results {
        firsts.push(n);
        n += r.hits.len();
    }
    let font = FontId::proportional(13.0);
    let row_height = ui.fonts_mut(|f| f.row_height(&font)) + 4.0;
    let mut area = egui::ScrollArea::vertical()
        .auto_shrink(false)
        .id_salt("search-results");
    if search.view.scroll_to_current
        && let Some(current) = search.current
    {
        // The current result's row: its article's heading rows come before it.
        let article = firsts.partition_point(|&f| f <= current).saturating_sub(1);
        let row = current + article + 1;
        let spacing = ui.spacing().item_spacing.y;
        let y = row as f32 * (row_height + spacing);
        area = area.vertical_scroll_offset((y - 3.0 * row_height).max(0.0));
        search.view.scroll_to_current = false;
    }
    let strong = ui.visuals().strong_text_color();
    let weak = ui.visuals().weak_text_color();
    let normal = ui.visuals().text_color();
    let mark = ui.visuals().selection.bg_fill.gamma_multiply(0.6);
    area.show_rows(ui, row_height, rows, |ui, visible| {
        for row in visible {
            match row_of(row) {
                Some(Row::Article(a)) => {
                    let Some(r) = run.results.get(a) else {
                        continue;
                    };
                    let title = session
                        .document(&r.article)
                        .map_or(r.article.as_str(), |d| d.article.title.as_str());
                    let mut job = LayoutJob::single_section(
                        format!("{title} — {}", r.total),
                        TextFormat {
                            font_id: FontId::proportional(14.0),
                            color: strong,
                            ..TextFormat::default()
                        },
                    );
                    job.wrap.max_rows = 1;
                    job.wrap.max_width = ui.available_width();
                    row_ui(ui, job, row_height, None);
                }
                Some(Row::Hit(a, h)) => {
                    let Some(hit) = run.results.get(a).and_then(|r| r.hits.get(h)) else {
                        continue;
                    };
                    let n = firsts.get(a).copied().unwrap_or(0) + h;
                    let mut job = LayoutJob::default();
                    let fmt = |color: Color32| TextFormat {
                        font_id: font.clone(),
                        color,
                        ..TextFormat::default()
                    };
                    job.append("      ", 0.0, fmt(weak));
                    job.append(&hit.before, 0.0, fmt(weak));
                    job.append(
                        &hit.matched,
                        0.0,
                        TextFormat {
                            background: mark,
                            ..fmt(strong)
                        },
                    );
                    job.append(&hit.after, 0.0, fmt(normal));
                    job.wrap.max_rows = 1;
                    job.wrap.break_anywhere = true;
                    job.wrap.max_width = ui.available_width();
                    let selected = search.current == Some(n);
                    let response = row_ui(ui, job, row_height, Some(selected));
                    if response.clicked() {
                        commands.push(Command::Search(SearchCommand::Show(n)));
                    }
                }
                None => {}
            }
        }
    });
}

/// One left-aligned line of the result list: a heading (`selected` is `None`) or a
/// clickable result, highlighted when it is the current one.
fn row_ui(ui: &mut Ui, job: LayoutJob, height: f32, selected: Option<bool>) -> egui::Response {
    let sense = if selected.is_some() {
        egui::Sense::click()
    } else {
        egui::Sense::hover()
    };
    let (rect, response) = ui.allocate_exact_size(egui::vec2(ui.available_width(), height), sense);
    let galley = ui.fonts_mut(|f| f.layout_job(job));
    let text = galley.text().to_owned();
    response.widget_info(|| match selected {
        Some(selected) => egui::WidgetInfo::selected(egui::Role::Button, true, selected, &text),
        None => egui::WidgetInfo::labeled(egui::Role::Label, true, &text),
    });
    if ui.is_rect_visible(rect) {
        let visuals = ui.visuals();
        let fill = match selected {
            Some(true) => Some(visuals.selection.bg_fill.gamma_multiply(0.5)),
            Some(false) if response.hovered() => Some(visuals.widgets.hovered.weak_bg_fill),
            _ => None,
        };
        if let Some(fill) = fill {
            ui.painter().rect_filled(rect, 2.0, fill);
        }
        let pos = egui::pos2(rect.left() + 4.0, rect.center().y - galley.size().y / 2.0);
        ui.painter().galley(pos, galley, visuals.text_color());
    }
    if selected.is_some() {
        response.on_hover_cursor(egui::CursorIcon::PointingHand)
    } else {
        response
    }
}
