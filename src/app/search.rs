//! Dataset search (Ctrl+Shift+F): one query over every article of the session, run on a
//! worker thread that streams results per article, so typing never waits for a search;
//! opening a result, stepping through results, and annotating every result as one edit.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use super::panels::search::SearchView;
use super::state::GlossApp;
use crate::model::search::{ArticleHits, Matcher, Query, SearchError};
use crate::model::{Document, Edit, Timestamp};

/// Most results kept over the whole dataset (the rest are counted).
pub const MAX_KEPT: usize = 20_000;

/// What the search panel asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchCommand {
    /// Close the panel (and stop a search under way).
    Close,
    /// Open the next (or previous) result.
    Step(bool),
    /// Open result number `n` (in the order shown).
    Show(usize),
    /// Annotate every result with this label, as one undoable edit.
    AnnotateAll(String),
}

/// One search under way or finished.
pub struct SearchRun {
    /// The query searched for.
    pub query: Query,
    /// The session revision it searched.
    pub revision: u64,
    /// Results per article with at least one match, in session order.
    pub results: Vec<ArticleHits>,
    /// Articles searched so far.
    pub searched: usize,
    /// Articles in all.
    pub articles: usize,
    /// Every article has been searched.
    pub done: bool,
    /// When the first result arrived, after the start.
    pub first_result: Option<Duration>,
    /// When the last article was searched, after the start.
    pub finished: Option<Duration>,
    started: Instant,
    receiver: Receiver<ArticleHits>,
    cancel: Arc<AtomicBool>,
}

impl SearchRun {
    /// Search `documents` for `matcher` on a new thread. The documents are cheap clones
    /// (texts and annotations are shared).
    pub fn start(query: Query, matcher: Matcher, documents: Vec<Document>, revision: u64) -> Self {
        let (sender, receiver) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let articles = documents.len();
        let stop = Arc::clone(&cancel);
        let spawned = std::thread::Builder::new()
            .name("gloss-search".into())
            .spawn(move || {
                let mut kept = 0usize;
                for doc in &documents {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let mut hits = matcher.search(doc, &stop);
                    hits.hits.truncate(MAX_KEPT.saturating_sub(kept));
                    kept += hits.hits.len();
                    // Every article is reported (an empty one counts as searched).
                    if sender.send(hits).is_err() {
                        return;
                    }
                }
            });
        let mut run = Self {
            query,
            revision,
            results: Vec::new(),
            searched: 0,
            articles,
            done: articles == 0,
            first_result: None,
            finished: None,
            started: Instant::now(),
            receiver,
            cancel,
        };
        if spawned.is_err() {
            // No thread: nothing will arrive; say so through an empty, finished run.
            run.done = true;
        }
        run
    }

    /// Take what the worker found since the last call. True when anything changed.
    pub fn poll(&mut self) -> bool {
        let mut changed = false;
        loop {
            match self.receiver.try_recv() {
                Ok(hits) => {
                    changed = true;
                    self.searched += 1;
                    if hits.total > 0 {
                        self.first_result
                            .get_or_insert_with(|| self.started.elapsed());
                        self.results.push(hits);
                    }
                    if self.searched == self.articles {
                        self.finish();
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    changed |= !self.done;
                    self.finish();
                    break;
                }
            }
        }
        changed
    }

    /// Wait (up to `limit`) until the search has finished; for tests and benchmarks.
    pub fn wait(&mut self, limit: Duration) {
        let end = Instant::now() + limit;
        while !self.done && Instant::now() < end {
            if !self.poll() {
                std::thread::sleep(Duration::from_micros(200));
            }
        }
    }

    fn finish(&mut self) {
        if !self.done {
            self.done = true;
            self.finished = Some(self.started.elapsed());
        }
    }

    /// Matches found in all (including those not kept).
    pub fn total(&self) -> usize {
        self.results.iter().map(|r| r.total).sum()
    }

    /// Results kept, in the order shown.
    pub fn kept(&self) -> usize {
        self.results.iter().map(|r| r.hits.len()).sum()
    }

    /// Result number `n` in the order shown: its article and char range.
    pub fn nth(&self, n: usize) -> Option<(&str, Range<usize>)> {
        let mut n = n;
        for r in &self.results {
            if let Some(hit) = r.hits.get(n) {
                return Some((&r.article, hit.range.clone()));
            }
            n -= r.hits.len();
        }
        None
    }
}

impl Drop for SearchRun {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// The panel's state and the search it shows.
#[derive(Default)]
pub struct DatasetSearch {
    /// What the panel shows and the person typed.
    pub view: SearchView,
    /// The latest search.
    pub run: Option<SearchRun>,
    /// Why the query cannot be searched (a bad pattern).
    pub error: Option<String>,
    /// The result opened last, in the order shown.
    pub current: Option<usize>,
    /// The query and session revision searched (or refused) last.
    tried: Option<(Query, u64)>,
}

impl DatasetSearch {
    /// Start a new search when the query or the session changed, and take what the
    /// worker found. Returns true while a search is under way (keep repainting).
    pub fn refresh(&mut self, documents: &[Document], revision: u64) -> bool {
        let query = self.view.query();
        if self
            .tried
            .as_ref()
            .is_none_or(|(q, r)| *q != query || *r != revision)
        {
            if self.tried.as_ref().is_none_or(|(q, _)| *q != query) {
                self.current = None;
            }
            self.tried = Some((query.clone(), revision));
            self.run = None;
            self.error = None;
            match Matcher::new(&query) {
                Ok(matcher) => {
                    self.run = Some(SearchRun::start(
                        query,
                        matcher,
                        documents.to_vec(),
                        revision,
                    ));
                }
                Err(SearchError::Empty) => {}
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        self.run.as_mut().is_some_and(|r| {
            r.poll();
            !r.done
        })
    }

    /// Stop and forget the search (the panel closed).
    pub fn stop(&mut self) {
        self.run = None;
        self.tried = None;
        self.current = None;
    }
}

impl GlossApp {
    /// Open the dataset search panel with its query field focused.
    pub(super) fn open_search(&mut self) {
        self.search.view.open = true;
        self.search.view.focus = true;
    }

    /// Apply a dataset search command.
    pub(super) fn apply_search(&mut self, command: SearchCommand) {
        match command {
            SearchCommand::Close => {
                self.search.view.open = false;
                self.search.stop();
            }
            SearchCommand::Step(forward) => {
                // The query may have changed this very frame (typed, then Enter).
                self.search.refresh(&self.session.documents, self.revision);
                let current = self.search.current;
                if let Some(run) = self.search.run.as_mut() {
                    // Enter right after typing: the next result is usually moments away
                    // (stepping back from the first needs the whole search).
                    let ready = |run: &SearchRun| {
                        run.done
                            || match (current, forward) {
                                (None, true) => run.kept() > 0,
                                (Some(i), true) => run.kept() > i + 1,
                                (Some(i), false) => i > 0,
                                (None, false) => false,
                            }
                    };
                    let end = Instant::now() + Duration::from_millis(300);
                    while !ready(run) && Instant::now() < end {
                        if !run.poll() {
                            std::thread::sleep(Duration::from_micros(200));
                        }
                    }
                }
                let Some(n) = self.search.run.as_ref().map(SearchRun::kept) else {
                    return;
                };
                if n == 0 {
                    return;
                }
                let next = super::step_index(self.search.current, n, forward);
                self.show_result(next);
            }
            SearchCommand::Show(n) => self.show_result(n),
            SearchCommand::AnnotateAll(label) => self.annotate_results(&label),
        }
    }

    fn show_result(&mut self, n: usize) {
        let Some((article, range)) = self
            .search
            .run
            .as_ref()
            .and_then(|r| r.nth(n))
            .map(|(a, r)| (a.to_owned(), r))
        else {
            return;
        };
        if self.session.document(&article).is_none() {
            return;
        }
        self.search.current = Some(n);
        if self.current.as_deref() != Some(article.as_str()) {
            self.current = Some(article);
            self.selected = None;
            self.find.invalidate();
        }
        if let Some(reader) = self.current_reader() {
            reader.set_selection(Some(range.clone()));
            reader.scroll_to(range, false);
        }
    }

    fn annotate_results(&mut self, label: &str) {
        let Some(run) = self.search.run.as_ref() else {
            return;
        };
        if !run.done {
            self.note("The search is still running; annotate when it has finished.");
            return;
        }
        if run.kept() < run.total() {
            self.note(format!(
                "Too many results to annotate at once ({} found, {MAX_KEPT} kept): narrow the search.",
                run.total()
            ));
            return;
        }
        let wanted: Vec<(String, Range<usize>)> = run
            .results
            .iter()
            .flat_map(|r| r.hits.iter().map(|h| (r.article.clone(), h.range.clone())))
            .collect();
        let now = Timestamp::now();
        let mut edits = Vec::new();
        let mut articles = std::collections::BTreeSet::new();
        for (article, range) in wanted {
            let exists = self.session.document(&article).is_some_and(|d| {
                d.annotations
                    .iter()
                    .any(|a| a.label == label && a.span() == range)
            });
            if exists {
                continue;
            }
            let Ok(edit) = self.session.annotate(&article, label, range, now) else {
                continue;
            };
            // Snapping may move a span onto one that already exists.
            if let Edit::AddAnnotation { annotation, .. } = &edit
                && self.session.document(&article).is_some_and(|d| {
                    d.annotations
                        .iter()
                        .any(|a| a.label == label && a.span() == annotation.span())
                })
            {
                continue;
            }
            articles.insert(article);
            edits.push(edit);
        }
        let n = edits.len();
        if n == 0 {
            self.note("No new annotations: every result is already annotated with that label.");
            return;
        }
        if self.edit(Edit::Batch(edits)) {
            self.note(format!(
                "Annotated {n} result(s) in {} article(s) as {label}; Ctrl+Z undoes it.",
                articles.len()
            ));
        }
    }
}
