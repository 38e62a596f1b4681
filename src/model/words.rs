//! Word boundaries in article text (Unicode word segmentation), for moving an
//! annotation's edges a word at a time. Offsets are chars.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation as _;

use super::text::Text;

/// How far around a position words are looked for, in chars.
const WINDOW_CHARS: usize = 256;

/// Word segments (char ranges that contain a letter or digit) in a window of the text
/// around `at`.
fn words_around(text: &Text, at: usize) -> Vec<Range<usize>> {
    let from = at.saturating_sub(WINDOW_CHARS);
    let to = (at + WINDOW_CHARS).min(text.char_len());
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

/// Start of the word before `at` (`at` itself when there is none).
pub fn word_start_before(text: &Text, at: usize) -> usize {
    words_around(text, at)
        .iter()
        .rev()
        .find(|w| w.start < at)
        .map_or(at, |w| w.start)
}

/// Start of the first word after `at` (`at` itself when there is none).
pub fn word_start_after(text: &Text, at: usize) -> usize {
    words_around(text, at)
        .iter()
        .find(|w| w.start > at)
        .map_or(at, |w| w.start)
}

/// End of the first word that ends after `at` (`at` itself when there is none).
pub fn word_end_after(text: &Text, at: usize) -> usize {
    words_around(text, at)
        .iter()
        .find(|w| w.end > at)
        .map_or(at, |w| w.end)
}

/// End of the last word that ends before `at` (`at` itself when there is none).
pub fn word_end_before(text: &Text, at: usize) -> usize {
    words_around(text, at)
        .iter()
        .rev()
        .find(|w| w.end < at)
        .map_or(at, |w| w.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_move_by_whole_words_and_skip_punctuation() {
        let text = Text::new("Hello, wide world! Ça va?");
        // "wide" is 7..11, "world" 12..17, "Ça" 19..21.
        assert_eq!(word_start_before(&text, 12), 7);
        assert_eq!(word_start_after(&text, 7), 12);
        assert_eq!(word_end_after(&text, 11), 17);
        assert_eq!(word_end_before(&text, 17), 11);
        assert_eq!(
            word_end_after(&text, 17),
            21,
            "accented words count as words"
        );
        assert_eq!(word_start_before(&text, 0), 0, "nothing before the start");
        assert_eq!(word_end_after(&text, 25), 25, "nothing after the end");
    }
}
