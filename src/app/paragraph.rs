//! One paragraph laid out for the reader: egui's galley for left-to-right text, and for a
//! right-to-left paragraph (Arabic, Hebrew, Persian…) lines right-aligned with their runs
//! in visual order ([`crate::model::bidi`]), while every offset stays logical.
//!
//! egui 0.37 wraps and shapes text but has no bidi: it lays every line out left to
//! right, and a run its shaper reverses no longer maps glyphs to chars one to one. So
//! an RTL paragraph is wrapped by egui on its logical text, then each line is split into
//! bidi runs, each run laid out on its own (the shaper orders a right-to-left run's
//! glyphs itself) and placed right to left; where each char is shown is computed per run,
//! and hit testing and highlights go through that map.

use std::ops::Range;
use std::sync::Arc;

use egui::text::{CharIndex, LayoutJob};
use egui::{Galley, Painter, Pos2, Rect, Vec2, pos2, vec2};

use crate::model::bidi;

/// A laid-out paragraph.
pub enum ParagraphLayout {
    /// Left to right: egui's galley as it is.
    Ltr(Arc<Galley>),
    /// Right to left: lines of runs placed by the bidi algorithm.
    Rtl(RtlLayout),
}

/// A right-to-left paragraph's lines.
pub struct RtlLayout {
    lines: Vec<Line>,
    size: Vec2,
}

struct Line {
    /// Top and height, relative to the paragraph.
    top: f32,
    height: f32,
    /// Chars of the paragraph on this line (logical), without a trailing break.
    chars: Range<usize>,
    /// Runs left to right as shown.
    runs: Vec<PlacedRun>,
}

struct PlacedRun {
    /// Left edge relative to the paragraph.
    left: f32,
    galley: Arc<Galley>,
    /// Chars of the paragraph in this run (logical).
    chars: Range<usize>,
    /// For each char of the run (logical order): its left and right edge, relative to
    /// the run.
    edges: Vec<(f32, f32)>,
    rtl: bool,
}

impl ParagraphLayout {
    /// Lay out `job` (one paragraph, its first section's format), wrapped at `width`.
    pub fn new(painter: &Painter, job: LayoutJob, width: f32) -> Self {
        if !bidi::is_rtl_paragraph(&job.text) {
            return Self::Ltr(painter.layout_job(job));
        }
        Self::Rtl(RtlLayout::new(painter, &job, width))
    }

    /// Its size (the width is the column's for an RTL paragraph).
    pub fn size(&self) -> Vec2 {
        match self {
            Self::Ltr(galley) => galley.size(),
            Self::Rtl(rtl) => rtl.size,
        }
    }

    /// True for a right-to-left paragraph.
    pub fn is_rtl(&self) -> bool {
        matches!(self, Self::Rtl(_))
    }

    /// Draw the text with its top-left at `origin`.
    pub fn paint(&self, painter: &Painter, origin: Pos2, color: egui::Color32) {
        match self {
            Self::Ltr(galley) => painter.galley(origin, Arc::clone(galley), color),
            Self::Rtl(rtl) => {
                for line in &rtl.lines {
                    for run in &line.runs {
                        painter.galley(
                            origin + vec2(run.left, line.top),
                            Arc::clone(&run.galley),
                            color,
                        );
                    }
                }
            }
        }
    }

    /// Rectangles (relative to the paragraph) covering the local char range: one per
    /// row for left-to-right text, one per run piece for right-to-left text.
    pub fn range_rects(&self, range: Range<usize>) -> Vec<Rect> {
        match self {
            Self::Ltr(galley) => galley_range_rects(galley, range),
            Self::Rtl(rtl) => rtl.range_rects(range),
        }
    }

    /// The char (local, logical) a pointer at `pos` (relative to the paragraph) is
    /// before: the caret position a click there puts.
    pub fn char_at(&self, pos: Vec2) -> usize {
        match self {
            Self::Ltr(galley) => galley.cursor_from_pos(pos).index.0,
            Self::Rtl(rtl) => rtl.char_at(pos),
        }
    }
}

impl RtlLayout {
    fn new(painter: &Painter, job: &LayoutJob, width: f32) -> Self {
        let text = job.text.as_str();
        let format = job
            .sections
            .first()
            .map(|s| s.format.clone())
            .unwrap_or_default();
        let height = format
            .line_height
            .unwrap_or_else(|| painter.ctx().fonts_mut(|f| f.row_height(&format.font_id)));
        let chars: Vec<char> = text.chars().collect();
        let analysis = bidi::Paragraph::new(text);
        let mut lines = Vec::new();
        let mut top = 0.0f32;
        for (start, end) in wrap(painter, text, &format, width) {
            // The line's chars without the spaces it wraps at (shown at the far end, they
            // would push the right edge in).
            let mut shown_end = end;
            while shown_end > start && chars.get(shown_end - 1).is_some_and(|c| c.is_whitespace()) {
                shown_end -= 1;
            }
            let mut runs = Vec::new();
            let mut x = 0.0f32;
            for run in analysis.visual_runs(start..shown_end) {
                // Each word or space of the run on its own: egui splits a run by font
                // (a space or a full stop may come from another font than the letters)
                // and places those pieces left to right, so a right-to-left run is laid
                // out piece by piece, pieces in reverse order; the shaper orders the
                // glyphs inside a word itself.
                let mut pieces = word_pieces(&chars, run.chars.clone());
                if run.rtl {
                    pieces.reverse();
                }
                for piece in pieces {
                    let piece_text: String = chars
                        .get(piece.clone())
                        .map(|c| {
                            c.iter()
                                .map(|&ch| if run.rtl { mirrored(ch) } else { ch })
                                .collect()
                        })
                        .unwrap_or_default();
                    let galley =
                        painter.layout_job(LayoutJob::single_section(piece_text, format.clone()));
                    let piece_run = bidi::Run {
                        chars: piece,
                        rtl: run.rtl,
                    };
                    let edges = run_edges(&galley, &chars, &piece_run);
                    let w = galley.size().x;
                    runs.push(PlacedRun {
                        left: x,
                        galley,
                        chars: piece_run.chars,
                        edges,
                        rtl: run.rtl,
                    });
                    x += w;
                }
            }
            // Right-aligned: the line ends at the column's right edge.
            let shift = (width - x).max(0.0);
            for run in &mut runs {
                run.left += shift;
            }
            lines.push(Line {
                top,
                height,
                chars: start..end,
                runs,
            });
            top += height;
        }
        Self {
            lines,
            size: vec2(width, top),
        }
    }

    fn range_rects(&self, range: Range<usize>) -> Vec<Rect> {
        let mut rects = Vec::new();
        for line in &self.lines {
            if line.chars.end <= range.start || line.chars.start >= range.end {
                continue;
            }
            let first = rects.len();
            for run in &line.runs {
                let start = range.start.max(run.chars.start);
                let end = range.end.min(run.chars.end);
                if start >= end {
                    continue;
                }
                let pieces = run
                    .edges
                    .get(start - run.chars.start..end - run.chars.start)
                    .unwrap_or_default();
                let (left, right) = if start == run.chars.start && end == run.chars.end {
                    // A whole piece: its galley's width, so neighbours meet.
                    (0.0, run.galley.size().x)
                } else {
                    (
                        pieces.iter().map(|e| e.0).fold(f32::INFINITY, f32::min),
                        pieces.iter().map(|e| e.1).fold(f32::NEG_INFINITY, f32::max),
                    )
                };
                if left.is_finite() && right.is_finite() {
                    rects.push(Rect::from_min_max(
                        pos2(run.left + left, line.top),
                        pos2(run.left + right, line.top + line.height),
                    ));
                }
            }
            // Pieces side by side on the line become one rectangle.
            let mut merged: Vec<Rect> = Vec::new();
            for rect in rects.drain(first..) {
                match merged.last_mut() {
                    Some(last) if rect.left() <= last.right() + 2.0 => *last = last.union(rect),
                    _ => merged.push(rect),
                }
            }
            rects.extend(merged);
        }
        rects
    }

    fn char_at(&self, pos: Vec2) -> usize {
        let Some(line) = self
            .lines
            .iter()
            .find(|l| pos.y < l.top + l.height)
            .or(self.lines.last())
        else {
            return 0;
        };
        // Right of everything: the line's logical start; left of everything: its end.
        let first = line.runs.first();
        let last = line.runs.last();
        if last.is_none_or(|r| pos.x >= r.left + r.galley.size().x) {
            return line.chars.start;
        }
        if first.is_some_and(|r| pos.x < r.left) {
            return line.chars.end;
        }
        for run in &line.runs {
            let x = pos.x - run.left;
            if x < 0.0 || x > run.galley.size().x {
                continue;
            }
            for (k, &(l, r)) in run.edges.iter().enumerate() {
                if x >= l && x <= r {
                    let char_idx = run.chars.start + k;
                    // The half nearer the char's start side puts the caret before it.
                    let before = if run.rtl {
                        x > (l + r) / 2.0
                    } else {
                        x < (l + r) / 2.0
                    };
                    return if before { char_idx } else { char_idx + 1 };
                }
            }
        }
        line.chars.start
    }
}

/// Greedy line breaking at word boundaries (UAX #29), measuring each piece with egui's
/// fonts: `(start, end)` char ranges, trailing spaces included. egui's own wrapping
/// cannot be used here: a run its shaper reverses has more glyphs than chars, so its
/// rows no longer say which chars they hold. A word wider than the line gets a line.
fn wrap(
    painter: &Painter,
    text: &str,
    format: &egui::TextFormat,
    width: f32,
) -> Vec<(usize, usize)> {
    use unicode_segmentation::UnicodeSegmentation as _;
    let mut lines = Vec::new();
    let (mut line_start, mut at, mut x) = (0usize, 0usize, 0.0f32);
    for piece in text.split_word_bounds() {
        let n = piece.chars().count();
        let w = painter
            .layout_no_wrap(piece.to_owned(), format.font_id.clone(), format.color)
            .size()
            .x;
        let blank = piece.chars().all(char::is_whitespace);
        if !blank && x + w > width && at > line_start {
            lines.push((line_start, at));
            line_start = at;
            x = 0.0;
        }
        x += w;
        at += n;
    }
    if at > line_start || lines.is_empty() {
        lines.push((line_start, at));
    }
    lines
}

/// The words and spaces (UAX #29 word bounds) of `range`, as char ranges.
fn word_pieces(chars: &[char], range: Range<usize>) -> Vec<Range<usize>> {
    use unicode_segmentation::UnicodeSegmentation as _;
    let text: String = chars
        .get(range.clone())
        .map(|c| c.iter().collect())
        .unwrap_or_default();
    let mut at = range.start;
    text.split_word_bounds()
        .map(|w| {
            let n = w.chars().count();
            at += n;
            at - n..at
        })
        .collect()
}

/// A bracket as a right-to-left run shows it (Unicode's mirrored pairs that matter in
/// news text: the shaper mirrors only inside runs it shapes right to left itself).
fn mirrored(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        '‹' => '›',
        '›' => '‹',
        _ => c,
    }
}

/// Each char's left and right edge within a run's galley, in logical order. A
/// right-to-left run's glyphs come out of the shaper right to left, so char `k` is
/// glyph `n-1-k`; when the glyphs do not map one to one (a ligature), the run's width is
/// shared out evenly instead.
fn run_edges(galley: &Galley, chars: &[char], run: &bidi::Run) -> Vec<(f32, f32)> {
    let n = run.chars.len();
    let glyphs: Vec<&egui::epaint::text::Glyph> = galley
        .rows
        .iter()
        .flat_map(|r| r.row.glyphs.iter())
        .collect();
    let logical = chars.get(run.chars.clone()).unwrap_or_default();
    let edge = |g: &egui::epaint::text::Glyph| (g.pos.x, g.pos.x + g.advance_width);
    let same = |g: &egui::epaint::text::Glyph, c: char| g.chr == c || g.chr == mirrored(c);
    let forward = glyphs.len() >= n && glyphs.iter().zip(logical).all(|(g, c)| same(g, *c));
    let reversed = glyphs.len() >= n
        && glyphs
            .iter()
            .take(n)
            .zip(logical.iter().rev())
            .all(|(g, c)| same(g, *c));
    if reversed && run.rtl {
        return (0..n)
            .filter_map(|k| glyphs.get(n - 1 - k).map(|g| edge(g)))
            .collect();
    }
    if forward {
        return glyphs.iter().take(n).map(|g| edge(g)).collect();
    }
    #[allow(clippy::cast_precision_loss)]
    let step = galley.size().x / n.max(1) as f32;
    (0..n)
        .map(|k| {
            #[allow(clippy::cast_precision_loss)]
            let k = k as f32;
            if run.rtl {
                (
                    galley.size().x - (k + 1.0) * step,
                    galley.size().x - k * step,
                )
            } else {
                (k * step, (k + 1.0) * step)
            }
        })
        .collect()
}

/// Rectangles (galley-relative) covering the local char range, one per row.
pub fn galley_range_rects(galley: &Galley, range: Range<usize>) -> Vec<Rect> {
    let mut rects = Vec::new();
    let mut row_start = 0usize;
    for placed in &galley.rows {
        let n = placed.row.glyphs.len();
        let row_end = row_start + n;
        let start = range.start.max(row_start);
        let end = range.end.min(row_end);
        if start < end {
            let x0 = placed.pos.x + placed.row.x_offset(CharIndex(start - row_start));
            let x1 = placed.pos.x + placed.row.x_offset(CharIndex(end - row_start));
            let r = placed.rect();
            rects.push(Rect::from_min_max(pos2(x0, r.top()), pos2(x1, r.bottom())));
        }
        row_start += placed.char_count_including_newline().0;
        if row_start >= range.end {
            break;
        }
    }
    rects
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::text::TextFormat;
    use egui::{FontId, LayerId};

    fn layout(text: &str, width: f32) -> ParagraphLayout {
        let ctx = egui::Context::default();
        let mut laid = None;
        let output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let painter = ui.ctx().layer_painter(LayerId::background());
            let mut job = LayoutJob::single_section(
                text.to_owned(),
                TextFormat {
                    font_id: FontId::proportional(16.0),
                    ..TextFormat::default()
                },
            );
            job.wrap.max_width = width;
            laid = Some(ParagraphLayout::new(&painter, job, width));
        });
        let mut output = output;
        output.textures_delta.clear();
        laid.expect("laid out")
    }

    fn center_x(laid: &ParagraphLayout, c: usize) -> f32 {
        laid.range_rects(c..c + 1)
            .first()
            .map(|r| r.center().x)
            .expect("char shown")
    }

    #[test]
    fn an_rtl_paragraph_is_right_aligned_and_reads_right_to_left() {
        // Hebrew, then Latin inside it, then Hebrew.
        let text = "אבגד GPS הוזח";
        let laid = layout(text, 400.0);
        assert!(laid.is_rtl());
        // The first logical char is the rightmost, near the column's right edge.
        let first = center_x(&laid, 0);
        let last = center_x(&laid, 12);
        assert!(first > last, "{first} should be right of {last}");
        assert!(first > 350.0, "right-aligned: {first}");
        // The Latin run keeps its own order, between the two Hebrew words.
        let (g, p, s) = (center_x(&laid, 5), center_x(&laid, 6), center_x(&laid, 7));
        assert!(g < p && p < s);
        assert!(first > s && g > last);
    }

    #[test]
    fn clicking_a_char_of_an_rtl_paragraph_finds_that_char() {
        let text = "שלום עולם ABC ומה";
        let laid = layout(text, 500.0);
        for c in 0..text.chars().count() {
            let Some(rect) = laid.range_rects(c..c + 1).first().copied() else {
                continue;
            };
            if rect.width() < 2.0 {
                continue;
            }
            // Just inside the edge where the char starts (right edge in an RTL run).
            let rtl_char = !(10..13).contains(&c);
            let x = if rtl_char {
                rect.right() - 0.5
            } else {
                rect.left() + 0.5
            };
            assert_eq!(laid.char_at(vec2(x, rect.center().y)), c, "char {c}");
        }
    }

    #[test]
    fn wrapped_rtl_lines_each_start_at_the_right() {
        let text = "אבג דהו זחט יכל מנס עפצ קרש תאב גדה וזח טיכ למנ";
        let laid = layout(text, 120.0);
        let ParagraphLayout::Rtl(rtl) = &laid else {
            panic!("an RTL layout");
        };
        assert!(rtl.lines.len() > 2);
        for line in &rtl.lines {
            let right = line
                .runs
                .iter()
                .map(|r| r.left + r.galley.size().x)
                .fold(0.0, f32::max);
            assert!((right - 120.0).abs() < 1.0, "line ends at {right}");
        }
        // A highlight over two lines gives a rect on each.
        assert!(laid.range_rects(0..text.chars().count()).len() >= rtl.lines.len());
    }

    #[test]
    fn ltr_paragraphs_keep_the_galley() {
        let laid = layout("Plain text with שלום inside.", 400.0);
        assert!(!laid.is_rtl());
        assert!(center_x(&laid, 0) < center_x(&laid, 5));
    }
}
