//! The reader: a virtualised article view. Each paragraph (line of the text) is laid
//! out as its own cached galley; a Fenwick tree of paragraph heights maps scroll
//! positions to paragraphs in O(log n), so only what is visible is laid out and painted.
//! The selection is kept here in global char offsets, so it survives scrolling and
//! clicks on other widgets. Highlights are painted from the annotations, never baked
//! into the galleys, so annotating or undoing never re-lays out text.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat};

use super::paragraph::ParagraphLayout;
use crate::model::suggestion::{Suggestion, SuggestionId};
use egui::{
    Align2, Color32, CornerRadius, CursorIcon, FontId, Galley, Id, Pos2, Rect, Sense, Stroke,
    StrokeKind, Ui, pos2, vec2,
};
use unicode_segmentation::UnicodeSegmentation as _;

use crate::model::{Annotation, AnnotationId, Label, Text};

/// Widest the text column gets, in points.
pub const MAX_COLUMN_WIDTH: f32 = 720.0;
/// Line height as a multiple of the font size.
pub const LINE_HEIGHT: f32 = 1.55;
/// Galleys kept in the cache beyond those on screen.
const CACHE_SLACK: usize = 256;
/// Seconds a flashed span stays highlighted.
const FLASH_SECONDS: f64 = 1.2;

/// One paragraph: a line of the article (without its `\n`).
#[derive(Clone, Debug)]
struct Paragraph {
    bytes: Range<usize>,
    chars: Range<usize>,
}

/// Prefix sums of paragraph heights with O(log n) update, prefix and search.
#[derive(Clone, Debug, Default)]
struct HeightIndex {
    tree: Vec<f64>,
    values: Vec<f32>,
}

impl HeightIndex {
    fn new(values: Vec<f32>) -> Self {
        let n = values.len();
        let mut tree: Vec<f64> = std::iter::once(0.0)
            .chain(values.iter().map(|&v| f64::from(v)))
            .collect();
        for i in 1..=n {
            let parent = i + (i & i.wrapping_neg());
            if parent <= n {
                let add = tree.get(i).copied().unwrap_or(0.0);
                if let Some(slot) = tree.get_mut(parent) {
                    *slot += add;
                }
            }
        }
        Self { tree, values }
    }

    fn get(&self, i: usize) -> f32 {
        self.values.get(i).copied().unwrap_or(0.0)
    }

    fn set(&mut self, i: usize, value: f32) {
        let Some(old) = self.values.get_mut(i) else {
            return;
        };
        let delta = f64::from(value) - f64::from(*old);
        *old = value;
        let mut k = i + 1;
        while k < self.tree.len() {
            if let Some(slot) = self.tree.get_mut(k) {
                *slot += delta;
            }
            k += k & k.wrapping_neg();
        }
    }

    /// Sum of heights of paragraphs `0..i`.
    fn prefix(&self, i: usize) -> f64 {
        let mut k = i.min(self.values.len());
        let mut sum = 0.0;
        while k > 0 {
            sum += self.tree.get(k).copied().unwrap_or(0.0);
            k -= k & k.wrapping_neg();
        }
        sum
    }

    fn total(&self) -> f64 {
        self.prefix(self.values.len())
    }

    /// The paragraph containing height `y` (clamped to the last one).
    fn find(&self, y: f64) -> usize {
        let n = self.values.len();
        if n == 0 || y <= 0.0 {
            return 0;
        }
        let mut pos = 0usize;
        let mut remaining = y;
        let mut step = n.next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next <= n {
                let v = self.tree.get(next).copied().unwrap_or(0.0);
                if v <= remaining {
                    pos = next;
                    remaining -= v;
                }
            }
            step /= 2;
        }
        pos.min(n - 1)
    }
}

/// What the layout of every paragraph depends on besides its text.
#[derive(Clone, Copy, Debug, PartialEq)]
struct LayoutKey {
    width: f32,
    font_size: f32,
    text_color: Color32,
}

struct CachedGalley {
    galley: Arc<ParagraphLayout>,
    last_used: u64,
}

/// Where the reader should scroll on the next frame.
#[derive(Clone, Debug, PartialEq)]
enum ScrollRequest {
    /// Bring this char range into view (centred) and flash it.
    Span(Range<usize>, bool),
    /// Keep this paragraph at this offset from the top (after a re-layout).
    Keep(usize, f32),
    /// Scroll to this offset from the top, in points.
    Offset(f32),
}

/// The selection as global char offsets: `anchor` stays, `cursor` moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Where the selection started.
    pub anchor: usize,
    /// Where it ends now.
    pub cursor: usize,
}

impl Selection {
    /// The selected range, ordered.
    pub fn range(self) -> Range<usize> {
        self.anchor.min(self.cursor)..self.anchor.max(self.cursor)
    }
}

/// Everything the reader shows besides its text; borrowed from the app each frame.
pub struct ReaderView<'a> {
    /// Annotations of the article, in text order.
    pub annotations: &'a [Annotation],
    /// Incremented by the app whenever annotations change.
    pub revision: u64,
    /// The session's labels.
    pub labels: &'a [Label],
    /// The selected annotation.
    pub selected: Option<AnnotationId>,
    /// Find matches, in text order.
    pub matches: &'a [Range<usize>],
    /// The current find match.
    pub current_match: Option<usize>,
    /// Draw spoilers as solid blocks.
    pub shield: bool,
    /// Spoilers revealed by a click while the shield is on.
    pub revealed: &'a HashSet<AnnotationId>,
    /// Font size in points.
    pub font_size: f32,
    /// The selected annotation's relations, drawn as arcs or markers.
    pub links: &'a [ReaderLink],
    /// Other annotators' spans while comparing: one thin lane above the text per
    /// annotator, in their colour.
    pub lanes: &'a [Lane],
    /// Pending suggestions, in text order: dashed outlines in their label's colour.
    pub suggestions: &'a [Suggestion],
    /// The suggestion under review: a solid outline.
    pub focused_suggestion: Option<SuggestionId>,
}

/// One annotator's spans, drawn as a thin line above the text in their colour.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lane {
    /// The annotator's colour.
    pub color: Color32,
    /// Their spans, sorted by start.
    pub spans: Vec<Range<usize>>,
    /// The longest span's length (so a paragraph finds its spans by binary search).
    pub longest: usize,
}

impl Lane {
    /// A lane of `spans` (any order).
    pub fn new(color: Color32, mut spans: Vec<Range<usize>>) -> Self {
        spans.sort_by_key(|r| (r.start, r.end));
        let longest = spans.iter().map(|r| r.end - r.start).max().unwrap_or(0);
        Self {
            color,
            spans,
            longest,
        }
    }
}

/// A relation of the selected annotation as the reader draws it: an arc from span to
/// span when both are on screen, else a marker at the end that is.
#[derive(Clone, Debug, PartialEq)]
pub struct ReaderLink {
    /// The source's span in this article (`None`: in another article, or an orphan).
    pub from: Option<Range<usize>>,
    /// The target's span in this article.
    pub to: Option<Range<usize>>,
    /// The relation type's colour.
    pub color: Color32,
    /// The relation type's name.
    pub name: String,
    /// Where an end that is not in this article is (its article's title, or "orphan").
    pub elsewhere: String,
}

/// What happened in the reader this frame.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReaderOutput {
    /// An annotation was clicked.
    pub clicked: Option<AnnotationId>,
    /// A shielded spoiler was clicked to reveal it.
    pub revealed: Option<AnnotationId>,
    /// Empty text was clicked (deselect the annotation).
    pub clicked_nothing: bool,
    /// A suggestion (and no annotation) was clicked.
    pub clicked_suggestion: Option<SuggestionId>,
}

/// The reader's state for one article. Not saved.
pub struct Reader {
    text: Text,
    paragraphs: Vec<Paragraph>,
    heights: HeightIndex,
    measured: Vec<bool>,
    key: Option<LayoutKey>,
    avg_char_width: f32,
    cache: HashMap<usize, CachedGalley>,
    frame: u64,
    selection: Option<Selection>,
    scroll_request: Option<ScrollRequest>,
    /// A selection drag is under way.
    dragging: bool,
    flash: Option<(Range<usize>, f64)>,
    lanes: Vec<u8>,
    lanes_revision: Option<u64>,
    /// Top paragraph and the offset into it, for keeping the place on re-layout.
    top: (usize, f32),
    viewport_height: f32,
    /// Current scroll offset, in points.
    offset: f32,
    id: Id,
}

impl Reader {
    /// A reader over `text`. Splitting into paragraphs is one pass over the text.
    pub fn new(text: Text, id: Id) -> Self {
        Self::with_soft_breaks(text, id, &[])
    }

    /// A reader over `text` that shows the newlines at `soft` (sorted char offsets) as
    /// spaces inside one flowing paragraph (hard-wrapped text, see
    /// [`crate::model::reflow`]). The text and its offsets are unchanged: a newline and a
    /// space are both one char and one byte.
    pub fn with_soft_breaks(text: Text, id: Id, soft: &[usize]) -> Self {
        let mut paragraphs: Vec<Paragraph> = Vec::new();
        let mut byte = 0usize;
        let mut char_at = 0usize;
        let mut soft = soft.iter().copied().peekable();
        let mut joins_previous = false;
        for line in text.as_str().split('\n') {
            let chars = line.chars().count();
            match paragraphs.last_mut() {
                Some(last) if joins_previous => {
                    last.bytes.end = byte + line.len();
                    last.chars.end = char_at + chars;
                }
                _ => paragraphs.push(Paragraph {
                    bytes: byte..byte + line.len(),
                    chars: char_at..char_at + chars,
                }),
            }
            let newline = char_at + chars;
            while soft.next_if(|&b| b < newline).is_some() {}
            joins_previous = soft.next_if_eq(&newline).is_some();
            byte += line.len() + 1;
            char_at += chars + 1;
        }
        let n = paragraphs.len();
        Self {
            text,
            paragraphs,
            heights: HeightIndex::new(vec![0.0; n]),
            measured: vec![false; n],
            key: None,
            avg_char_width: 0.0,
            cache: HashMap::new(),
            frame: 0,
            selection: None,
            scroll_request: None,
            dragging: false,
            flash: None,
            lanes: Vec::new(),
            lanes_revision: None,
            top: (0, 0.0),
            viewport_height: 0.0,
            offset: 0.0,
            id,
        }
    }

    /// The article text.
    pub fn text(&self) -> &Text {
        &self.text
    }

    /// The current selection, if any and not empty.
    pub fn selection(&self) -> Option<Selection> {
        self.selection.filter(|s| s.anchor != s.cursor)
    }

    /// Replace the selection (clamped to the text).
    pub fn set_selection(&mut self, range: Option<Range<usize>>) {
        let len = self.text.char_len();
        self.selection = range.map(|r| Selection {
            anchor: r.start.min(len),
            cursor: r.end.min(len),
        });
    }

    /// Select the whole text.
    pub fn select_all(&mut self) {
        self.set_selection(Some(0..self.text.char_len()));
    }

    /// The selected text.
    pub fn selected_text(&self) -> Option<&str> {
        self.selection().and_then(|s| self.text.slice(s.range()))
    }

    /// Scroll so `span` is visible on the next frame; `flash` highlights it briefly.
    pub fn scroll_to(&mut self, span: Range<usize>, flash: bool) {
        self.scroll_request = Some(ScrollRequest::Span(span, flash));
    }

    /// Scroll to `offset` points from the top on the next frame.
    pub fn set_scroll_offset(&mut self, offset: f32) {
        self.scroll_request = Some(ScrollRequest::Offset(offset.max(0.0)));
    }

    /// The scroll offset of the last frame, in points.
    pub fn scroll_offset(&self) -> f32 {
        self.offset
    }

    /// Height of the visible part of the last frame, in points.
    pub fn viewport_height(&self) -> f32 {
        self.viewport_height
    }

    /// Height of the whole article as currently known (measured or estimated), in points.
    pub fn content_height(&self) -> f32 {
        self.heights.total() as f32
    }

    fn text_id(&self) -> Id {
        self.id.with("text")
    }

    /// Page and line keys while the reader has keyboard focus.
    fn keyboard_scroll(&mut self, ui: &Ui, key: LayoutKey) {
        if self.scroll_request.is_some() || !ui.memory(|m| m.has_focus(self.text_id())) {
            return;
        }
        let page = (self.viewport_height - Self::row_height(key.font_size) * 2.0).max(40.0);
        let line = Self::row_height(key.font_size) * 3.0;
        let delta = ui.input_mut(|i| {
            let none = egui::Modifiers::NONE;
            if i.consume_key(none, egui::Key::PageDown) || i.consume_key(none, egui::Key::Space) {
                Some(page)
            } else if i.consume_key(none, egui::Key::PageUp) {
                Some(-page)
            } else if i.consume_key(none, egui::Key::ArrowDown) {
                Some(line)
            } else if i.consume_key(none, egui::Key::ArrowUp) {
                Some(-line)
            } else if i.consume_key(egui::Modifiers::COMMAND, egui::Key::Home) {
                Some(f32::NEG_INFINITY)
            } else if i.consume_key(egui::Modifiers::COMMAND, egui::Key::End) {
                Some(f32::INFINITY)
            } else {
                None
            }
        });
        if let Some(delta) = delta {
            let max = (self.content_height() - self.viewport_height * 0.5).max(0.0);
            self.set_scroll_offset((self.offset + delta).clamp(0.0, max));
        }
    }

    /// Number of galleys held in the cache.
    pub fn cached_galleys(&self) -> usize {
        self.cache.len()
    }

    fn row_height(font_size: f32) -> f32 {
        (font_size * LINE_HEIGHT).round()
    }

    fn gap(font_size: f32) -> f32 {
        (font_size * 0.35).round()
    }

    fn estimate(&self, i: usize, key: LayoutKey) -> f32 {
        let row = Self::row_height(key.font_size);
        let chars = self.paragraphs.get(i).map_or(0, |p| p.chars.len());
        if chars == 0 {
            return (row * 0.5).round();
        }
        let per_row = (key.width / self.avg_char_width.max(1.0)).max(1.0);
        #[allow(clippy::cast_precision_loss)]
        let rows = (chars as f32 / per_row).ceil().max(1.0);
        rows * row + Self::gap(key.font_size)
    }

    /// Re-estimate every height for a new layout key, keeping the reading position.
    fn relayout(&mut self, ui: &Ui, key: LayoutKey) {
        let sample = "The quick brown fox jumps over the lazy dog, then rests.";
        let galley = ui.painter().layout_no_wrap(
            sample.to_owned(),
            FontId::proportional(key.font_size),
            key.text_color,
        );
        #[allow(clippy::cast_precision_loss)]
        let per_char = galley.size().x / sample.chars().count() as f32;
        self.avg_char_width = per_char;
        let values: Vec<f32> = (0..self.paragraphs.len())
            .map(|i| self.estimate(i, key))
            .collect();
        self.heights = HeightIndex::new(values);
        self.measured = vec![false; self.paragraphs.len()];
        self.cache.clear();
        if self.key.is_some() && self.scroll_request.is_none() {
            self.scroll_request = Some(ScrollRequest::Keep(self.top.0, self.top.1));
        }
        self.key = Some(key);
    }

    fn galley(&mut self, ui: &Ui, i: usize, key: LayoutKey) -> Option<Arc<ParagraphLayout>> {
        let frame = self.frame;
        if let Some(cached) = self.cache.get_mut(&i) {
            cached.last_used = frame;
            return Some(Arc::clone(&cached.galley));
        }
        let paragraph = self.paragraphs.get(i)?;
        // A soft break (hard-wrapped text) shows as a space: same length in chars.
        let text = self
            .text
            .as_str()
            .get(paragraph.bytes.clone())?
            .replace('\n', " ");
        let mut job = LayoutJob::single_section(
            text,
            TextFormat {
                font_id: FontId::proportional(key.font_size),
                color: key.text_color,
                line_height: Some(Self::row_height(key.font_size)),
                ..TextFormat::default()
            },
        );
        job.wrap.max_width = key.width;
        let galley = Arc::new(ParagraphLayout::new(ui.painter(), job, key.width));
        let height = if paragraph.chars.is_empty() {
            (Self::row_height(key.font_size) * 0.5).round()
        } else {
            galley.size().y + Self::gap(key.font_size)
        };
        if let Some(measured) = self.measured.get_mut(i)
            && (!*measured || (self.heights.get(i) - height).abs() > 0.5)
        {
            *measured = true;
            self.heights.set(i, height);
        }
        self.cache.insert(
            i,
            CachedGalley {
                galley: Arc::clone(&galley),
                last_used: frame,
            },
        );
        Some(galley)
    }

    fn evict(&mut self, keep_recent: usize) {
        if self.cache.len() <= keep_recent + CACHE_SLACK {
            return;
        }
        let mut ages: Vec<u64> = self.cache.values().map(|c| c.last_used).collect();
        ages.sort_unstable_by(|a, b| b.cmp(a));
        let cutoff = ages
            .get(keep_recent + CACHE_SLACK / 2)
            .copied()
            .unwrap_or(0);
        self.cache.retain(|_, c| c.last_used > cutoff);
    }

    fn paragraph_of_char(&self, char_idx: usize) -> usize {
        self.paragraphs
            .partition_point(|p| p.chars.end < char_idx)
            .min(self.paragraphs.len().saturating_sub(1))
    }

    fn compute_lanes(&mut self, view: &ReaderView<'_>) {
        if self.lanes_revision == Some(view.revision) && self.lanes.len() == view.annotations.len()
        {
            return;
        }
        // Greedy interval colouring in text order: an annotation takes the lowest lane
        // whose previous occupant has ended. Lanes beyond 7 share the last one.
        let mut lane_ends: Vec<usize> = Vec::new();
        self.lanes.clear();
        for a in view.annotations {
            if a.orphan {
                self.lanes.push(0);
                continue;
            }
            let lane = match lane_ends.iter().position(|&end| end <= a.start) {
                Some(free) => free,
                None => {
                    lane_ends.push(0);
                    lane_ends.len() - 1
                }
            };
            if let Some(end) = lane_ends.get_mut(lane) {
                *end = a.end;
            }
            self.lanes.push(u8::try_from(lane.min(7)).unwrap_or(7));
        }
        self.lanes_revision = Some(view.revision);
    }

    /// Show the reader filling the available space.
    pub fn ui(&mut self, ui: &mut Ui, view: &ReaderView<'_>) -> ReaderOutput {
        self.frame += 1;
        self.compute_lanes(view);
        let mut output = ReaderOutput::default();
        let available = ui.available_width();
        let width = (available - 32.0).clamp(120.0, MAX_COLUMN_WIDTH).floor();
        let key = LayoutKey {
            width,
            font_size: view.font_size,
            text_color: ui.visuals().text_color(),
        };
        if self.key != Some(key) {
            self.relayout(ui, key);
        }
        self.keyboard_scroll(ui, key);
        let mut area = egui::ScrollArea::vertical()
            .id_salt(self.id)
            .auto_shrink([false, false]);
        let mut flash_after_scroll = None;
        match self.scroll_request.take() {
            Some(ScrollRequest::Span(span, flash)) => {
                let p = self.paragraph_of_char(span.start);
                // Measure the target first so its position is exact.
                let _ = self.galley(ui, p, key);
                let y = self.heights.prefix(p);
                let offset = (y as f32 - self.viewport_height * 0.3).max(0.0);
                area = area.vertical_scroll_offset(offset);
                if flash {
                    flash_after_scroll = Some(span);
                }
            }
            Some(ScrollRequest::Keep(p, within)) => {
                let y = self.heights.prefix(p) as f32 + within;
                area = area.vertical_scroll_offset(y.max(0.0));
            }
            Some(ScrollRequest::Offset(y)) => {
                area = area.vertical_scroll_offset(y);
            }
            None => {}
        }
        if let Some(span) = flash_after_scroll {
            self.flash = Some((span, ui.input(|i| i.time)));
        }
        area.show_viewport(ui, |ui, viewport| {
            self.viewport_height = viewport.height();
            self.offset = viewport.min.y;
            self.contents_ui(ui, viewport, key, view, &mut output);
        });
        output
    }

    #[allow(clippy::too_many_lines)]
    fn contents_ui(
        &mut self,
        ui: &mut Ui,
        viewport: Rect,
        key: LayoutKey,
        view: &ReaderView<'_>,
        output: &mut ReaderOutput,
    ) {
        let full_width = ui.available_width().max(key.width);
        let left = ui.max_rect().left() + ((full_width - key.width) / 2.0).max(0.0).floor();
        let top = ui.max_rect().top();
        let top_pad = 16.0;
        // Lay out the visible paragraphs (this may correct estimated heights).
        let first = self
            .heights
            .find(f64::from((viewport.min.y - top_pad).max(0.0)));
        let mut visible: Vec<(usize, Pos2, Arc<ParagraphLayout>)> = Vec::new();
        let mut i = first;
        while i < self.paragraphs.len() {
            let y = self.heights.prefix(i) as f32 + top_pad;
            if y > viewport.max.y {
                break;
            }
            if let Some(galley) = self.galley(ui, i, key) {
                visible.push((i, pos2(left, top + y), galley));
            }
            i += 1;
        }
        // Positions may have moved while measuring: recompute them from the index.
        for (i, pos, _) in &mut visible {
            pos.y = top + self.heights.prefix(*i) as f32 + top_pad;
        }
        self.top = (
            first,
            viewport.min.y - top_pad - self.heights.prefix(first) as f32,
        );
        let total = self.heights.total() as f32 + top_pad * 2.0;
        let (rect, _) = ui.allocate_exact_size(
            vec2(full_width, total.max(viewport.height())),
            Sense::hover(),
        );
        let response = ui.interact(rect, self.text_id(), Sense::click_and_drag());
        let response = response.on_hover_cursor(CursorIcon::Text);
        let painter = ui.painter_at(
            rect.intersect(viewport.translate(rect.min.to_vec2()))
                .expand(0.0),
        );
        let painter = painter.with_clip_rect(ui.clip_rect());

        // Hit testing: pointer → global char offset.
        let hit = |reader: &mut Self, ui: &Ui, pos: Pos2| -> usize {
            reader.char_at(ui, pos, left, top + top_pad, key)
        };
        let visible_chars = match (visible.first(), visible.last()) {
            (Some((a, _, _)), Some((b, _, _))) => {
                let start = self.paragraphs.get(*a).map_or(0, |p| p.chars.start);
                let end = self.paragraphs.get(*b).map_or(0, |p| p.chars.end);
                start..end
            }
            _ => 0..0,
        };
        let candidates: Vec<usize> = {
            let upto = view
                .annotations
                .partition_point(|a| a.start < visible_chars.end);
            (0..upto)
                .filter(|&k| {
                    view.annotations
                        .get(k)
                        .is_some_and(|a| !a.orphan && a.end > visible_chars.start)
                })
                .collect()
        };

        let shielded =
            |a: &Annotation| view.shield && a.label == "spoiler" && !view.revealed.contains(&a.id);
        // Innermost annotation under a char.
        let annotation_at = |char_idx: usize| -> Option<&Annotation> {
            candidates
                .iter()
                .filter_map(|&k| view.annotations.get(k))
                .filter(|a| a.start <= char_idx && char_idx < a.end)
                .min_by_key(|a| a.end.saturating_sub(a.start))
        };

        // Pointer interaction. Pressing the text takes keyboard focus from any text
        // field, so label keys pressed next annotate instead of typing.
        if response.is_pointer_button_down_on() && !response.has_focus() {
            response.request_focus();
        }
        if let Some(pos) = response.interact_pointer_pos() {
            let modifiers = ui.input(|i| i.modifiers);
            if response.drag_started() {
                // The drag is recognised a few points after the press: anchor at the press.
                let origin = ui.input(|i| i.pointer.press_origin()).unwrap_or(pos);
                let at = hit(self, ui, origin);
                if modifiers.shift {
                    if let Some(sel) = self.selection.as_mut() {
                        sel.cursor = at;
                    } else {
                        self.selection = Some(Selection {
                            anchor: at,
                            cursor: at,
                        });
                    }
                } else {
                    self.selection = Some(Selection {
                        anchor: at,
                        cursor: at,
                    });
                }
                self.dragging = true;
            } else if response.dragged() && self.dragging {
                let at = hit(self, ui, pos);
                if let Some(sel) = self.selection.as_mut() {
                    sel.cursor = at;
                }
                // Scroll when dragging past the edges.
                let margin = 24.0;
                let clip = ui.clip_rect();
                if pos.y < clip.top() + margin {
                    ui.scroll_with_delta(vec2(0.0, (clip.top() + margin - pos.y).min(40.0)));
                } else if pos.y > clip.bottom() - margin {
                    ui.scroll_with_delta(vec2(0.0, -(pos.y - clip.bottom() + margin).min(40.0)));
                }
            }
        }
        if response.drag_stopped() {
            self.dragging = false;
        }
        if response.triple_clicked() {
            if let Some(pos) = response.interact_pointer_pos() {
                let at = hit(self, ui, pos);
                let p = self.paragraph_of_char(at);
                if let Some(par) = self.paragraphs.get(p) {
                    self.selection = Some(Selection {
                        anchor: par.chars.start,
                        cursor: par.chars.end,
                    });
                }
            }
        } else if response.double_clicked() {
            if let Some(pos) = response.interact_pointer_pos() {
                let at = hit(self, ui, pos);
                let word = self.word_at(at);
                self.selection = Some(Selection {
                    anchor: word.start,
                    cursor: word.end,
                });
            }
        } else if response.clicked()
            && let Some(pos) = response.interact_pointer_pos()
        {
            let at = hit(self, ui, pos);
            let modifiers = ui.input(|i| i.modifiers);
            if modifiers.shift {
                let anchor = self.selection.map_or(at, |s| s.anchor);
                self.selection = Some(Selection { anchor, cursor: at });
            } else {
                self.selection = None;
                let suggestion = view
                    .suggestions
                    .iter()
                    .filter(|s| s.start <= at && at < s.end)
                    .min_by_key(|s| s.end - s.start);
                match (annotation_at(at), suggestion) {
                    (Some(a), _) if shielded(a) => output.revealed = Some(a.id),
                    (Some(a), _) => output.clicked = Some(a.id),
                    (None, Some(s)) => output.clicked_suggestion = Some(s.id),
                    (None, None) => output.clicked_nothing = true,
                }
            }
        }

        // Painting.
        let visuals = ui.visuals().clone();
        let dark = visuals.dark_mode;
        let longest_suggestion = view
            .suggestions
            .iter()
            .map(|s| s.end.saturating_sub(s.start))
            .max()
            .unwrap_or(0);
        let label_color = |id: &str| -> Color32 {
            view.labels
                .iter()
                .find(|l| l.id == id)
                .map_or(Color32::GRAY, |l| {
                    let [r, g, b] = l.color.0;
                    Color32::from_rgb(r, g, b)
                })
        };
        let now = ui.input(|i| i.time);
        let flash = self.flash.clone().filter(|(_, t)| now - *t < FLASH_SECONDS);
        if flash.is_some() {
            ui.ctx().request_repaint();
        } else {
            self.flash = None;
        }
        let selection = self.selection().map(Selection::range);
        let mut hovered: Option<AnnotationId> = None;
        let hover_pos = response.hover_pos();
        for (i, origin, galley) in &visible {
            let Some(par) = self.paragraphs.get(*i) else {
                continue;
            };
            let par_chars = par.chars.clone();
            let local = |range: &Range<usize>| -> Option<Range<usize>> {
                let start = range.start.max(par_chars.start);
                let end = range.end.min(par_chars.end);
                (start < end).then(|| start - par_chars.start..end - par_chars.start)
            };
            // Annotation backgrounds.
            for &k in &candidates {
                let Some(a) = view.annotations.get(k) else {
                    continue;
                };
                let Some(range) = local(&a.span()) else {
                    continue;
                };
                let color = label_color(&a.label);
                let alpha = if dark { 0.28 } else { 0.32 };
                for r in galley.range_rects(range) {
                    let r = r.translate(origin.to_vec2());
                    painter.rect_filled(r, CornerRadius::same(2), color.gamma_multiply(alpha));
                    if hover_pos.is_some_and(|p| r.contains(p)) {
                        hovered = match hovered {
                            Some(h) => view
                                .annotations
                                .iter()
                                .find(|x| x.id == h)
                                .filter(|x| {
                                    x.end.saturating_sub(x.start) <= a.end.saturating_sub(a.start)
                                })
                                .map(|x| x.id)
                                .or(Some(a.id)),
                            None => Some(a.id),
                        };
                    }
                }
            }
            // Find matches.
            let first_match = view.matches.partition_point(|m| m.end <= par_chars.start);
            for (m_idx, m) in view.matches.iter().enumerate().skip(first_match) {
                if m.start >= par_chars.end {
                    break;
                }
                if let Some(range) = local(m) {
                    let current = view.current_match == Some(m_idx);
                    let fill = if current {
                        Color32::from_rgb(255, 150, 0).gamma_multiply(0.75)
                    } else {
                        Color32::from_rgb(255, 220, 0).gamma_multiply(0.45)
                    };
                    for r in galley.range_rects(range) {
                        painter.rect_filled(r.translate(origin.to_vec2()), 1.0, fill);
                    }
                }
            }
            // Selection.
            if let Some(range) = selection.as_ref().and_then(&local) {
                for r in galley.range_rects(range) {
                    painter.rect_filled(
                        r.translate(origin.to_vec2()),
                        0.0,
                        visuals.selection.bg_fill.gamma_multiply(0.8),
                    );
                }
            }
            galley.paint(&painter, *origin, key.text_color);
            // Pending suggestions: dashed outlines (solid for the one under review).
            // Sorted by start: none starting this far before the paragraph reaches it.
            let first_suggestion = view
                .suggestions
                .partition_point(|s| s.start + longest_suggestion <= par_chars.start);
            for s in view.suggestions.iter().skip(first_suggestion) {
                if s.start >= par_chars.end {
                    break;
                }
                let Some(range) = local(&s.span()) else {
                    continue;
                };
                let color = label_color(&s.label);
                let focused = view.focused_suggestion == Some(s.id);
                for r in galley.range_rects(range) {
                    let r = r.translate(origin.to_vec2()).expand(1.5);
                    if focused {
                        painter.rect_filled(r, CornerRadius::same(2), color.gamma_multiply(0.18));
                        painter.rect_stroke(
                            r,
                            CornerRadius::same(2),
                            Stroke::new(2.0, color),
                            StrokeKind::Outside,
                        );
                    } else {
                        dashed_rect(&painter, r, Stroke::new(1.2, color));
                    }
                }
            }
            // Lanes: one underline per annotation, stacked so overlaps stay apart.
            for &k in &candidates {
                let Some(a) = view.annotations.get(k) else {
                    continue;
                };
                let Some(range) = local(&a.span()) else {
                    continue;
                };
                let lane = f32::from(self.lanes.get(k).copied().unwrap_or(0));
                let color = label_color(&a.label);
                let is_selected = view.selected == Some(a.id);
                for r in galley.range_rects(range) {
                    let r = r.translate(origin.to_vec2());
                    let y = r.bottom() - 1.0 - lane * 3.0;
                    painter.hline(r.x_range(), y, Stroke::new(2.0, color));
                    if is_selected {
                        painter.rect_stroke(
                            r.expand(1.0),
                            CornerRadius::same(2),
                            Stroke::new(2.0, visuals.strong_text_color()),
                            StrokeKind::Outside,
                        );
                    }
                    if let Some((span, t)) = &flash
                        && *span == a.span()
                    {
                        #[allow(clippy::cast_possible_truncation)]
                        let fade = (1.0 - (now - t) / FLASH_SECONDS).clamp(0.0, 1.0) as f32;
                        painter.rect_filled(
                            r.expand(2.0),
                            CornerRadius::same(3),
                            color.gamma_multiply(0.6 * fade),
                        );
                    }
                }
            }
            // Other annotators' lanes, above the line: annotator k at k × 2.5 points.
            for (k, lane) in view.lanes.iter().enumerate() {
                let (color, spans) = (&lane.color, &lane.spans);
                // Sorted by start: no span starting this far before the paragraph reaches it.
                let first = spans.partition_point(|s| s.start + lane.longest <= par_chars.start);
                for s in spans[first..]
                    .iter()
                    .take_while(|s| s.start < par_chars.end)
                {
                    let Some(range) = local(s) else { continue };
                    #[allow(clippy::cast_precision_loss)]
                    let offset = 1.0 + k as f32 * 2.5;
                    for r in galley.range_rects(range) {
                        let r = r.translate(origin.to_vec2());
                        painter.hline(r.x_range(), r.top() + offset, Stroke::new(1.5, *color));
                    }
                }
            }
            // Spoiler shield on top of everything.
            if view.shield {
                for &k in &candidates {
                    let Some(a) = view.annotations.get(k).filter(|a| shielded(a)) else {
                        continue;
                    };
                    let Some(range) = local(&a.span()) else {
                        continue;
                    };
                    let fill = if dark {
                        Color32::from_rgb(70, 40, 44)
                    } else {
                        Color32::from_rgb(120, 60, 66)
                    };
                    let rects = galley.range_rects(range.clone());
                    for r in &rects {
                        painter.rect_filled(
                            r.translate(origin.to_vec2()).expand2(vec2(1.0, 0.0)),
                            CornerRadius::same(3),
                            fill,
                        );
                    }
                    if range.start + par_chars.start == a.start
                        && let Some(r) = rects.first()
                    {
                        let r = r.translate(origin.to_vec2());
                        if r.width() > 40.0 {
                            painter.text(
                                r.center(),
                                Align2::CENTER_CENTER,
                                "spoiler",
                                FontId::proportional((key.font_size * 0.75).max(9.0)),
                                Color32::from_rgb(240, 210, 214),
                            );
                        }
                    }
                }
            }
        }
        self.paint_links(&painter, &visible, view, key, ui.visuals());
        // Screen readers (and UI tests) get the visible text, spoilers hidden by the shield
        // replaced by a marker, exactly as a sighted reader sees it.
        // Built only when accessibility (or a test) asks for it, not every frame.
        response.widget_info(|| {
            let mut info = egui::WidgetInfo::labeled(egui::Role::Document, true, "Article text");
            info.current_text_value = Some(self.visible_text(&visible, &candidates, view));
            info
        });
        if let Some(id) = hovered
            && !self.dragging
            && let Some(a) = view.annotations.iter().find(|a| a.id == id)
        {
            let shielded_now = shielded(a);
            let label = view.labels.iter().find(|l| l.id == a.label);
            response.on_hover_ui_at_pointer(|ui| {
                ui.set_min_width(220.0);
                ui.strong(label.map_or(a.label.as_str(), |l| l.name.as_str()));
                if shielded_now {
                    ui.label("Hidden by the spoiler shield — click to reveal.");
                    return;
                }
                if !a.note.is_empty() {
                    ui.label(&a.note);
                }
                for (k, v) in &a.attributes {
                    if !v.is_empty() {
                        ui.label(format!("{k}: {v}"));
                    }
                }
            });
        }
        self.evict(visible.len());
    }

    /// The first row of `span` on screen, if its start is in a visible paragraph.
    fn span_rect(
        &self,
        visible: &[(usize, Pos2, Arc<ParagraphLayout>)],
        span: &Range<usize>,
    ) -> Option<Rect> {
        let p = self.paragraph_of_char(span.start);
        let (_, origin, galley) = visible.iter().find(|(i, _, _)| *i == p)?;
        let par = self.paragraphs.get(p)?;
        let start = span.start.saturating_sub(par.chars.start);
        let end = span.end.min(par.chars.end).saturating_sub(par.chars.start);
        galley
            .range_rects(start..end.max(start + 1))
            .first()
            .map(|r| r.translate(origin.to_vec2()))
    }

    /// Arcs between the selected annotation and the other ends of its relations, or
    /// markers where an end is off screen or in another article.
    fn paint_links(
        &self,
        painter: &egui::Painter,
        visible: &[(usize, Pos2, Arc<ParagraphLayout>)],
        view: &ReaderView<'_>,
        key: LayoutKey,
        visuals: &egui::Visuals,
    ) {
        if view.links.is_empty() {
            return;
        }
        let font = FontId::proportional((key.font_size * 0.7).max(9.0));
        let first_visible = visible
            .first()
            .and_then(|(i, _, _)| self.paragraphs.get(*i))
            .map_or(0, |p| p.chars.start);
        let background = visuals.extreme_bg_color.gamma_multiply(0.92);
        // Tags (arc names and markers) never cover each other: a tag that would is moved
        // up past the ones already placed.
        let mut placed: Vec<Rect> = Vec::new();
        let mut tag = |rect: Rect, galley: Arc<Galley>, color: Color32, framed: bool| {
            let mut rect = rect;
            for _ in 0..12 {
                match placed.iter().find(|p| p.intersects(rect)) {
                    Some(other) => {
                        rect = rect.translate(vec2(0.0, other.top() - rect.bottom() - 2.0));
                    }
                    None => break,
                }
            }
            placed.push(rect);
            painter.rect_filled(rect, CornerRadius::same(4), background);
            if framed {
                painter.rect_stroke(
                    rect,
                    CornerRadius::same(4),
                    Stroke::new(1.0, color),
                    StrokeKind::Inside,
                );
            }
            painter.galley(rect.min + vec2(4.0, 1.0), galley, color);
        };
        for link in view.links {
            let from = link.from.as_ref().and_then(|s| self.span_rect(visible, s));
            let to = link.to.as_ref().and_then(|s| self.span_rect(visible, s));
            let where_is = |span: &Option<Range<usize>>| match span {
                Some(s) if s.start < first_visible => "above".to_owned(),
                Some(_) => "below".to_owned(),
                None => link.elsewhere.clone(),
            };
            match (from, to) {
                (Some(a), Some(b)) => {
                    let stroke = Stroke::new(2.0, link.color);
                    let p0 = a.center_top();
                    let p3 = b.center_top();
                    let lift =
                        ((p3.x - p0.x).abs() * 0.25 + (p3.y - p0.y).abs() * 0.5).clamp(22.0, 140.0);
                    let p1 = p0 - vec2(0.0, lift);
                    let p2 = p3 - vec2(0.0, lift);
                    painter.add(egui::epaint::CubicBezierShape::from_points_stroke(
                        [p0, p1, p2, p3],
                        false,
                        Color32::TRANSPARENT,
                        stroke,
                    ));
                    // Arrowhead into the target.
                    painter.add(egui::Shape::convex_polygon(
                        vec![p3, p3 + vec2(-5.0, -8.0), p3 + vec2(5.0, -8.0)],
                        link.color,
                        Stroke::NONE,
                    ));
                    let middle = pos2(
                        (p0.x + 3.0 * p1.x + 3.0 * p2.x + p3.x) / 8.0,
                        (p0.y + 3.0 * p1.y + 3.0 * p2.y + p3.y) / 8.0,
                    );
                    let galley =
                        painter.layout_no_wrap(link.name.clone(), font.clone(), link.color);
                    let rect =
                        Rect::from_center_size(middle, galley.size()).expand2(vec2(4.0, 1.0));
                    tag(rect, galley, link.color, false);
                }
                (Some(at), None) | (None, Some(at)) => {
                    let text = if from.is_some() {
                        format!("{} to: {}", link.name, where_is(&link.to))
                    } else {
                        format!("{} from: {}", link.name, where_is(&link.from))
                    };
                    let galley = painter.layout_no_wrap(text, font.clone(), link.color);
                    // Right of the span, kept inside the reader's column.
                    let right = painter.clip_rect().right() - galley.size().x - 10.0;
                    let pos = pos2(
                        (at.right() + 6.0)
                            .min(right)
                            .max(painter.clip_rect().left()),
                        at.top() - galley.size().y - 2.0,
                    );
                    let rect = Rect::from_min_size(pos, galley.size()).expand2(vec2(4.0, 1.0));
                    tag(rect, galley, link.color, true);
                }
                (None, None) => {}
            }
        }
    }

    /// The text of the visible paragraphs, with shielded spoilers replaced.
    fn visible_text(
        &self,
        visible: &[(usize, Pos2, Arc<ParagraphLayout>)],
        candidates: &[usize],
        view: &ReaderView<'_>,
    ) -> String {
        let (Some((first, _, _)), Some((last, _, _))) = (visible.first(), visible.last()) else {
            return String::new();
        };
        let (Some(start), Some(end)) = (
            self.paragraphs.get(*first).map(|p| p.chars.start),
            self.paragraphs.get(*last).map(|p| p.chars.end),
        ) else {
            return String::new();
        };
        let mut hidden: Vec<Range<usize>> = candidates
            .iter()
            .filter_map(|&k| view.annotations.get(k))
            .filter(|a| view.shield && a.label == "spoiler" && !view.revealed.contains(&a.id))
            .map(|a| a.start.max(start)..a.end.min(end))
            .filter(|r| !r.is_empty())
            .collect();
        hidden.sort_by_key(|r| r.start);
        let mut out = String::new();
        let mut at = start;
        for range in hidden {
            if range.end <= at {
                continue;
            }
            out.push_str(self.text.slice(at..range.start.max(at)).unwrap_or_default());
            out.push_str("[spoiler]");
            at = range.end;
        }
        out.push_str(self.text.slice(at..end).unwrap_or_default());
        out
    }

    fn char_at(&mut self, ui: &Ui, pos: Pos2, left: f32, top: f32, key: LayoutKey) -> usize {
        let y = f64::from(pos.y - top);
        if y < 0.0 {
            return 0;
        }
        if y >= self.heights.total() {
            return self.text.char_len();
        }
        let p = self.heights.find(y);
        let Some(start) = self.paragraphs.get(p).map(|par| par.chars.start) else {
            return self.text.char_len();
        };
        let Some(galley) = self.galley(ui, p, key) else {
            return start;
        };
        let origin = pos2(left, top + self.heights.prefix(p) as f32);
        let local = galley.char_at(pos - origin);
        let len = self.paragraphs.get(p).map_or(0, |par| par.chars.len());
        start + local.min(len)
    }

    /// The word (by Unicode word boundaries) around a char, or the char itself.
    fn word_at(&self, at: usize) -> Range<usize> {
        let p = self.paragraph_of_char(at);
        let Some(par) = self.paragraphs.get(p) else {
            return at..at;
        };
        let Some(line) = self.text.as_str().get(par.bytes.clone()) else {
            return at..at;
        };
        let local = at.saturating_sub(par.chars.start);
        let mut chars_before = 0usize;
        for word in line.split_word_bounds() {
            let n = word.chars().count();
            if local < chars_before + n {
                let start = par.chars.start + chars_before;
                return start..start + n;
            }
            chars_before += n;
        }
        at..at
    }
}

/// A rectangle outlined with dashes.
fn dashed_rect(painter: &egui::Painter, r: Rect, stroke: Stroke) {
    let corners = [
        r.left_top(),
        r.right_top(),
        r.right_bottom(),
        r.left_bottom(),
        r.left_top(),
    ];
    painter.extend(egui::Shape::dashed_line(&corners, stroke, 4.0, 3.0));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn height_index_prefix_and_find() {
        let mut h = HeightIndex::new(vec![10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(h.prefix(0), 0.0);
        assert_eq!(h.prefix(3), 60.0);
        assert_eq!(h.total(), 150.0);
        assert_eq!(h.find(0.0), 0);
        assert_eq!(h.find(9.9), 0);
        assert_eq!(h.find(10.0), 1);
        assert_eq!(h.find(59.0), 2);
        assert_eq!(h.find(1000.0), 4);
        h.set(1, 5.0);
        assert_eq!(h.prefix(3), 45.0);
        assert_eq!(h.find(15.0), 2);
    }

    #[test]
    fn paragraphs_follow_lines() {
        let reader = Reader::new(Text::new("ab\n\ncdé\n"), Id::unique("r"));
        let chars: Vec<_> = reader.paragraphs.iter().map(|p| p.chars.clone()).collect();
        assert_eq!(chars, vec![0..2, 3..3, 4..7, 8..8]);
        assert_eq!(reader.word_at(5), 4..7);
    }

    #[test]
    fn soft_breaks_join_lines_into_one_paragraph_without_moving_offsets() {
        let text = "one two\nthree\n\nfour\nfivé\n";
        let reader = Reader::with_soft_breaks(Text::new(text), Id::unique("r"), &[7, 17]);
        let chars: Vec<_> = reader.paragraphs.iter().map(|p| p.chars.clone()).collect();
        // "one two\nthree" is one paragraph (chars 0–13), the blank line stays, then
        // "four" and "fivé" stay two lines (17 is not a newline: ignored).
        assert_eq!(chars, vec![0..13, 14..14, 15..19, 20..24, 25..25]);
        let bytes: Vec<_> = reader.paragraphs.iter().map(|p| p.bytes.clone()).collect();
        assert_eq!(bytes[0], 0..13);
        assert_eq!(reader.word_at(9), 8..13, "a word after the soft break");
    }
}
