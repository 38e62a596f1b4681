//! Curation: "Compare with…" opens other annotators' sessions of the same articles
//! (read-only); the open session is the curated one. The reader marks each annotator's
//! spans in a lane of their colour, the curation panel lists the disagreements of the
//! article, and each step (accept a version, reject, accept all agreed) is an undoable
//! edit of the open session. Agreement figures (with the curated session as one more
//! annotator) refresh as the person curates.

use std::path::PathBuf;

use egui::Color32;

use super::state::GlossApp;
use crate::formats;
use crate::model::agreement::{Annotator, agreement};
use crate::model::curation::{self, Item};
use crate::model::{Session, Timestamp};

/// Colours of the annotators' lanes (distinct from the label colours' hues).
pub const ANNOTATOR_COLORS: [Color32; 6] = [
    Color32::from_rgb(255, 140, 60),
    Color32::from_rgb(120, 200, 90),
    Color32::from_rgb(190, 120, 255),
    Color32::from_rgb(240, 90, 180),
    Color32::from_rgb(80, 200, 220),
    Color32::from_rgb(230, 210, 80),
];

/// The colour of annotator `n`.
pub fn annotator_color(n: usize) -> Color32 {
    ANNOTATOR_COLORS[n % ANNOTATOR_COLORS.len()]
}

/// The other annotators' sessions being compared with the open one.
#[derive(Default)]
pub struct Comparison {
    /// Annotator names, in order (their number keys are Alt+1, Alt+2, …).
    pub names: Vec<String>,
    /// Their sessions (read-only).
    pub sessions: Vec<Session>,
    /// The disagreement selected (an index into [`Comparison::items`]).
    pub current: Option<usize>,
    items: Option<(String, Vec<Item>)>,
    lanes: Option<(String, Vec<Lane>)>,
    figures: Option<(u64, String, Figures)>,
}

use super::reader::Lane;

/// Agreement of the annotators and the curated session.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    /// αU of the article.
    pub article: Option<f64>,
    /// αU of the whole dataset.
    pub dataset: Option<f64>,
}

impl Comparison {
    /// The items of `article` (cached: the other sessions never change).
    pub fn items(&mut self, article: &str) -> &[Item] {
        if self.items.as_ref().is_none_or(|(a, _)| a != article) {
            let docs: Vec<Option<&crate::model::Document>> =
                self.sessions.iter().map(|s| s.document(article)).collect();
            self.items = Some((article.to_owned(), curation::items(&docs)));
        }
        self.items
            .as_ref()
            .map_or(&[], |(_, items)| items.as_slice())
    }

    /// Each annotator's spans of `article` (cached), for the reader's lanes.
    pub fn lanes(&mut self, article: &str) -> &[Lane] {
        if self.lanes.as_ref().is_none_or(|(a, _)| a != article) {
            let lanes = self
                .sessions
                .iter()
                .enumerate()
                .map(|(n, s)| {
                    let spans: Vec<std::ops::Range<usize>> = s
                        .document(article)
                        .map(|d| {
                            d.annotations
                                .iter()
                                .filter(|a| !a.orphan)
                                .map(|a| a.start..a.end)
                                .collect()
                        })
                        .unwrap_or_default();
                    Lane::new(annotator_color(n), spans)
                })
                .collect();
            self.lanes = Some((article.to_owned(), lanes));
        }
        self.lanes
            .as_ref()
            .map_or(&[], |(_, lanes)| lanes.as_slice())
    }

    /// Indices of the disagreements among the items of `article`.
    pub fn disagreements(&mut self, article: &str) -> Vec<usize> {
        self.items(article)
            .iter()
            .enumerate()
            .filter(|(_, i)| !i.agreed())
            .map(|(n, _)| n)
            .collect()
    }

    /// Agreement figures with `curated` as one more annotator, worked out again only when
    /// the session or the article changed.
    pub fn figures(&mut self, curated: &Session, revision: u64, article: &str) -> Figures {
        if let Some((r, a, f)) = &self.figures
            && *r == revision
            && a == article
        {
            return f.clone();
        }
        let mut annotators: Vec<Annotator<'_>> = self
            .names
            .iter()
            .zip(&self.sessions)
            .map(|(name, session)| Annotator { name, session })
            .collect();
        annotators.push(Annotator {
            name: "curated",
            session: curated,
        });
        let report = agreement(&annotators, None);
        let figures = Figures {
            article: report
                .per_article
                .iter()
                .find(|a| a.id == article)
                .and_then(|a| a.alpha_u),
            dataset: report.overall.alpha_u,
        };
        self.figures = Some((revision, article.to_owned(), figures.clone()));
        figures
    }
}

impl GlossApp {
    /// Compare the open session with the sessions at `paths` (other annotators').
    pub(super) fn compare_with(&mut self, paths: &[PathBuf]) {
        let mut comparison = self.comparison.take().unwrap_or_default();
        for path in paths {
            match formats::load_session(path) {
                Ok(loaded) => {
                    let name = loaded.session.annotator.clone().unwrap_or_else(|| {
                        path.file_stem()
                            .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
                    });
                    comparison.names.push(name);
                    comparison.sessions.push(loaded.session);
                }
                Err(e) => self.error(e.to_string()),
            }
        }
        comparison.items = None;
        comparison.lanes = None;
        comparison.figures = None;
        comparison.current = None;
        if comparison.sessions.is_empty() {
            return;
        }
        let shared = self
            .session
            .documents
            .iter()
            .filter(|d| {
                comparison
                    .sessions
                    .iter()
                    .any(|s| s.document(&d.article.id).is_some())
            })
            .count();
        self.note(format!(
            "Comparing with {}: {shared} article(s) in common. F8 goes to the next disagreement, Alt+1–9 accepts that annotator's version.",
            comparison.names.join(", ")
        ));
        self.comparison = Some(comparison);
    }

    /// Go to the next (or previous) disagreement of the article.
    pub(super) fn step_disagreement(&mut self, forward: bool) {
        let Some(article) = self.current.clone() else {
            return;
        };
        let Some(comparison) = self.comparison.as_mut() else {
            self.note("Compare with other annotators' sessions first (Compare with…).");
            return;
        };
        let list = comparison.disagreements(&article);
        if list.is_empty() {
            self.note("No disagreements in this article.");
            return;
        }
        let at = comparison
            .current
            .and_then(|c| list.iter().position(|&n| n == c));
        let next = match (at, forward) {
            (None, true) => 0,
            (None, false) => list.len() - 1,
            (Some(i), true) => (i + 1) % list.len(),
            (Some(i), false) => (i + list.len() - 1) % list.len(),
        };
        self.select_item(list[next]);
    }

    /// Select item `n` of the article and show it.
    pub(super) fn select_item(&mut self, n: usize) {
        let Some(article) = self.current.clone() else {
            return;
        };
        let Some(comparison) = self.comparison.as_mut() else {
            return;
        };
        let Some(range) = comparison.items(&article).get(n).map(|i| i.range.clone()) else {
            return;
        };
        comparison.current = Some(n);
        self.selected = None;
        if let Some(reader) = self.current_reader() {
            reader.set_selection(Some(range.clone()));
            reader.scroll_to(range, false);
        }
    }

    fn current_item(&mut self) -> Option<(String, Item)> {
        let article = self.current.clone()?;
        let comparison = self.comparison.as_mut()?;
        let n = comparison.current?;
        let item = comparison.items(&article).get(n)?.clone();
        Some((article, item))
    }

    /// Make the selected disagreement annotator `k`'s version.
    pub(super) fn accept_version(&mut self, k: usize) {
        let Some((article, item)) = self.current_item() else {
            self.note("Select a disagreement first (F8).");
            return;
        };
        let name = self
            .comparison
            .as_ref()
            .and_then(|c| c.names.get(k).cloned());
        let Some(name) = name else {
            self.note(format!("There is no annotator {}.", k + 1));
            return;
        };
        match curation::accept(&mut self.session, &article, &item, k, Timestamp::now()) {
            Some(edit) => {
                if self.edit(edit) {
                    self.note(format!("Took {name}'s version."));
                }
            }
            None => self.note(format!("The curated version is already {name}'s.")),
        }
    }

    /// Remove the curated spans of the selected disagreement.
    pub(super) fn reject_disagreement(&mut self) {
        let Some((article, item)) = self.current_item() else {
            self.note("Select a disagreement first (F8).");
            return;
        };
        match curation::reject(&self.session, &article, &item) {
            Some(edit) => {
                if self.edit(edit) {
                    self.note("Rejected: no span here in the curated version.");
                }
            }
            None => self.note("The curated version has no span here."),
        }
    }

    /// Take every span all annotators agree on (in this article).
    pub(super) fn accept_agreed(&mut self) {
        let Some(article) = self.current.clone() else {
            return;
        };
        let Some(comparison) = self.comparison.as_mut() else {
            self.note("Compare with other annotators' sessions first (Compare with…).");
            return;
        };
        let items = comparison.items(&article).to_vec();
        let agreed = items.iter().filter(|i| i.agreed()).count();
        match curation::accept_agreed(&mut self.session, &article, &items, Timestamp::now()) {
            Some(edit) => {
                if self.edit(edit) {
                    self.note(format!("Took the {agreed} agreed span group(s)."));
                }
            }
            None => self.note("Every agreed span is in the curated version already."),
        }
    }
}
