//! Words and punctuation of a stretch of text, with byte offsets: what the quote
//! attribution and claim rules look at.

use std::ops::Range;

use super::lexicon;

/// One word or punctuation mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tok {
    /// Byte offset in the whole text.
    pub start: usize,
    /// End byte offset.
    pub end: usize,
    /// A word (letters or digits), not punctuation.
    pub word: bool,
}

impl Tok {
    /// Its text.
    pub fn text(self, text: &str) -> &str {
        &text[self.start..self.end]
    }

    /// True for a word starting with an upper-case letter.
    pub fn capitalised(self, text: &str) -> bool {
        self.word
            && self
                .text(text)
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
    }

    /// True for a word that is all lower case.
    pub fn lowercase(self, text: &str) -> bool {
        self.word && !self.text(text).chars().any(char::is_uppercase)
    }
}

/// The tokens of `text[range]`. A word keeps inner apostrophes, hyphens and dots
/// (`don't`, `well-known`, `U.S`), and the full stop of a title or an initial (`Dr.`,
/// `J.`).
pub fn tokens(text: &str, range: Range<usize>) -> Vec<Tok> {
    let mut out = Vec::new();
    let piece = &text[range.clone()];
    let mut chars = piece.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let start = range.start + i;
        if !c.is_alphanumeric() {
            out.push(Tok {
                start,
                end: start + c.len_utf8(),
                word: false,
            });
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            let joiner = matches!(d, '\'' | '’' | '-' | '.' | '\u{00AD}')
                && piece[j + d.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric);
            if d.is_alphanumeric() || joiner {
                end = range.start + j + d.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        // A title or an initial keeps its full stop.
        if text[end..].starts_with('.') {
            let word = &text[start..end];
            let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
            if initial || lexicon::is_in(&lexicon::TITLES, word) || word.contains('.') {
                end += 1;
                chars.next();
            }
        }
        out.push(Tok {
            start,
            end,
            word: true,
        });
    }
    out
}

/// The char boundary at or before `at` (the text's end when past it): where a window
/// counted in bytes may be cut.
pub fn floor_boundary(text: &str, at: usize) -> usize {
    (0..=at.min(text.len()))
        .rev()
        .find(|&b| text.is_char_boundary(b))
        .unwrap_or(0)
}

/// The char boundary at or after `at` (the text's end when past it).
pub fn ceil_boundary(text: &str, at: usize) -> usize {
    (at.min(text.len())..=text.len())
        .find(|&b| text.is_char_boundary(b))
        .unwrap_or(text.len())
}

/// The word's text without a trailing full stop, lower-cased.
pub fn lower(text: &str, tok: Tok) -> String {
    tok.text(text).trim_end_matches('.').to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_inner_marks_and_titles_their_stop() {
        let text = "Dr. J. Lee's well-known U.S. plan, “done”.";
        let words: Vec<&str> = tokens(text, 0..text.len())
            .iter()
            .map(|t| t.text(text))
            .collect();
        assert_eq!(
            words,
            [
                "Dr.",
                "J.",
                "Lee's",
                "well-known",
                "U.S.",
                "plan",
                ",",
                "“",
                "done",
                "”",
                "."
            ]
        );
    }
}
