//! Bidirectional text: a paragraph's direction and the visual order of a line's runs, by
//! the Unicode Bidirectional Algorithm (UAX #9) as the `unicode-bidi` crate implements
//! it (the crate Servo and Firefox's Rust code use; hand-written bidi is a known source
//! of bugs). Offsets stay logical: this only says where chars are *shown*.

use std::ops::Range;

use unicode_bidi::ParagraphBidiInfo;

/// True when the paragraph's first strong char is right-to-left (Arabic, Hebrew,
/// Persian, Urdu…): rules P2–P3 of UAX #9. A paragraph with no strong char is
/// left-to-right.
pub fn is_rtl_paragraph(paragraph: &str) -> bool {
    matches!(
        unicode_bidi::get_base_direction(paragraph),
        unicode_bidi::Direction::Rtl
    )
}

/// One run of a displayed line: chars shown in one direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Char range in the paragraph (logical order).
    pub chars: Range<usize>,
    /// Shown right to left (its chars appear in reverse logical order).
    pub rtl: bool,
}

/// The bidi analysis of one paragraph, for laying out its lines.
pub struct Paragraph<'a> {
    info: ParagraphBidiInfo<'a>,
    /// Byte offset of each char, plus the end.
    char_bytes: Vec<usize>,
}

impl<'a> Paragraph<'a> {
    /// Analyse `text` (one paragraph: a line break inside counts as a space).
    pub fn new(text: &'a str) -> Self {
        let info = ParagraphBidiInfo::new(text, None);
        let mut char_bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        char_bytes.push(text.len());
        Self { info, char_bytes }
    }

    /// True when the paragraph's direction is right to left.
    pub fn is_rtl(&self) -> bool {
        self.info.paragraph_level.is_rtl()
    }

    /// The runs of the line holding chars `line`, left to right as shown.
    pub fn visual_runs(&self, line: Range<usize>) -> Vec<Run> {
        let byte = |c: usize| {
            self.char_bytes
                .get(c)
                .copied()
                .unwrap_or(self.info.text.len())
        };
        let char_of = |b: usize| self.char_bytes.partition_point(|&x| x < b);
        let bytes = byte(line.start)..byte(line.end.max(line.start));
        if bytes.is_empty() {
            return Vec::new();
        }
        let (levels, runs) = self.info.visual_runs(bytes);
        runs.into_iter()
            .filter(|r| !r.is_empty())
            .map(|r| Run {
                rtl: levels.get(r.start).is_some_and(|l| l.is_rtl()),
                chars: char_of(r.start)..char_of(r.end),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_comes_from_the_first_strong_char() {
        assert!(is_rtl_paragraph("שלום עולם"));
        assert!(is_rtl_paragraph("مرحبا بالعالم"));
        assert!(is_rtl_paragraph("«سلام» گفت ۱۴۰۲")); // Persian after a neutral mark
        assert!(is_rtl_paragraph("2024: שנה טובה"));
        assert!(!is_rtl_paragraph("He said “שלום” and left."));
        assert!(!is_rtl_paragraph("12 — 34"));
        assert!(!is_rtl_paragraph(""));
    }

    #[test]
    fn an_rtl_line_shows_its_runs_right_to_left_with_latin_kept_in_order() {
        // Logical: HEBREW(0..4) space LATIN "GPS"(5..8) space HEBREW(9..13).
        let text = "אבגד GPS הוזח";
        let p = Paragraph::new(text);
        assert!(p.is_rtl());
        let runs = p.visual_runs(0..text.chars().count());
        // Shown left to right: the last Hebrew word, "GPS", then the first Hebrew word.
        let shown: Vec<(Range<usize>, bool)> =
            runs.iter().map(|r| (r.chars.clone(), r.rtl)).collect();
        assert_eq!(shown, vec![(8..13, true), (5..8, false), (0..5, true)]);
    }

    #[test]
    fn an_ltr_paragraph_with_an_rtl_word_reverses_only_that_word() {
        let text = "He said שלום today";
        let p = Paragraph::new(text);
        assert!(!p.is_rtl());
        let runs = p.visual_runs(0..text.chars().count());
        let shown: Vec<(Range<usize>, bool)> =
            runs.iter().map(|r| (r.chars.clone(), r.rtl)).collect();
        assert_eq!(shown, vec![(0..8, false), (8..12, true), (12..18, false)]);
    }

    #[test]
    fn a_line_is_analysed_on_its_own_and_empty_lines_have_no_runs() {
        let text = "אבג def גהו";
        let p = Paragraph::new(text);
        // The second line alone: "def גהו" within an RTL paragraph.
        let runs = p.visual_runs(4..11);
        // The space between "def" and the Hebrew word takes the paragraph's direction.
        assert_eq!(runs.first().map(|r| r.chars.clone()), Some(7..11));
        assert!(p.visual_runs(3..3).is_empty());
        assert!(p.visual_runs(50..60).is_empty());
    }
}
