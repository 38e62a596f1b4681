//! Sentence segmentation: Unicode sentence boundaries (UAX #29, from the
//! `unicode-segmentation` crate Gloss already uses for graphemes and words), corrected for
//! what UAX #29 gets wrong in news text: abbreviations and titles (`Dr. Ruiz`), initials
//! (`J. K. Rowling`), and lines broken inside a paragraph (hard-wrapped text). Decimals
//! (`4.2`), ellipses followed by lower case and closing quotes after a full stop are
//! already right in UAX #29.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// Abbreviations that end in a full stop without ending the sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "col", "capt", "lt",
    "sgt", "maj", "adm", "gov", "sen", "rep", "rev", "hon", "pres", "vs", "etc", "e.g", "i.e",
    "al", "inc", "ltd", "co", "corp", "dept", "univ", "est", "approx", "no", "nos", "vol", "p",
    "pp", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "ph.d", "cf", "ca", "mme", "mlle", "messrs",
    "gov", "supt", "insp", "det", "cpl", "pvt", "cmdr", "sgt", "ave", "blvd", "rd", "no", "op",
    "ed", "eds", "trans", "dist", "nr",
];

/// Words that usually start a sentence: after an ambiguous abbreviation (`U.S.`) they
/// say the sentence did end there.
const STARTERS: &[&str] = &[
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "but",
    "and",
    "in",
    "this",
    "that",
    "there",
    "these",
    "those",
    "his",
    "her",
    "their",
    "its",
    "our",
    "if",
    "when",
    "while",
    "as",
    "for",
    "on",
    "at",
    "after",
    "before",
    "since",
    "so",
    "yet",
    "now",
    "then",
    "what",
    "why",
    "how",
    "who",
    "where",
    "some",
    "many",
    "most",
    "all",
    "no",
    "one",
    "two",
    "three",
    "however",
    "meanwhile",
    "still",
    "last",
    "earlier",
    "later",
];

/// The sentences of `text` as byte ranges, trimmed of surrounding whitespace, in order.
/// Blank lines always end a sentence; a single line break does too unless the lines
/// around it are one hard-wrapped paragraph.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for segment in segments(text) {
        let piece = &text[segment.clone()];
        // Soft line breaks become spaces (same length) so UAX #29 does not break there.
        let flat: std::borrow::Cow<'_, str> = if piece.contains('\n') {
            piece.replace('\n', " ").into()
        } else {
            piece.into()
        };
        let mut pending: Option<Range<usize>> = None;
        for (at, s) in flat.split_sentence_bound_indices() {
            let trimmed = trim(s);
            if trimmed.is_empty() {
                continue;
            }
            let lead = s.len() - s.trim_start().len();
            let range = segment.start + at + lead..segment.start + at + lead + trimmed.len();
            pending = match pending {
                Some(prev) if continues(&text[prev.clone()], &text[range.clone()]) => {
                    Some(prev.start..range.end)
                }
                Some(prev) => {
                    out.push(prev);
                    Some(range)
                }
                None => Some(range),
            };
        }
        out.extend(pending);
    }
    out
}

fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace())
}

/// Byte ranges of the text between hard breaks: blank lines, and line breaks after a
/// line that ends a sentence, is short (a heading, a list item, verse), or before a
/// line that starts a list item or a quotation.
fn segments(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut line_start = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0usize;
    while i < bytes.len() {
        if bytes[i] != b'\n' {
            i += 1;
            continue;
        }
        let line = trim(&text[line_start..i]);
        let next_start = i + 1;
        let next_end = text[next_start..]
            .find('\n')
            .map_or(text.len(), |n| next_start + n);
        let next = trim(&text[next_start..next_end]);
        if line.is_empty() || next.is_empty() || hard_break(line, next) {
            if start < i {
                out.push(start..i);
            }
            start = next_start;
        }
        line_start = next_start;
        i = next_start;
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

fn hard_break(line: &str, next: &str) -> bool {
    let ends_sentence = line.ends_with(['.', '!', '?', ':', '"', '”', '»', '’', ')', ';']);
    let short = line.chars().count() < 40;
    let next_first = next.chars().next().unwrap_or(' ');
    let next_is_item = matches!(
        next_first,
        '-' | '*' | '•' | '–' | '—' | '"' | '“' | '„' | '«' | '»' | '‘' | '>' | '#'
    ) || next_first.is_ascii_digit();
    ends_sentence || short || next_is_item
}

/// True when `next` continues the sentence `prev` (UAX #29 broke after an abbreviation,
/// an initial, or a piece that is only closing punctuation).
fn continues(prev: &str, next: &str) -> bool {
    if !next.chars().any(char::is_alphanumeric) {
        return true;
    }
    // "“Is it over?” he asked.": a sentence does not start in lower case.
    if next.chars().next().is_some_and(char::is_lowercase) {
        return true;
    }
    let Some(before_stop) = prev.strip_suffix('.') else {
        return false;
    };
    let last_word = before_stop
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .next()
        .unwrap_or("");
    let lower = last_word.to_lowercase();
    let initial = last_word.chars().count() == 1 && last_word.chars().all(char::is_uppercase);
    let abbreviation = ABBREVIATIONS.contains(&lower.as_str());
    if !(initial || abbreviation) {
        return false;
    }
    let first_next = next
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_lowercase();
    // "in the U.S. The next day" ended; "Dr. Ruiz", "J. K. Rowling" did not.
    let dotted = lower.contains('.');
    !(dotted && STARTERS.contains(&first_next.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn abbreviations_initials_decimals_and_ellipses_do_not_end_a_sentence() {
        assert_eq!(
            split("Dr. Ana Ruiz met J. K. Lee at 3 p.m. in the hall. It cost 4.2 million."),
            [
                "Dr. Ana Ruiz met J. K. Lee at 3 p.m. in the hall.",
                "It cost 4.2 million."
            ]
        );
        assert_eq!(
            split("He waited... and waited. Then he left the U.S. The end came."),
            [
                "He waited... and waited.",
                "Then he left the U.S.",
                "The end came."
            ]
        );
        assert_eq!(
            split("U.S. President Ruiz spoke. Mr. Lee (no. 4) did not."),
            ["U.S. President Ruiz spoke.", "Mr. Lee (no. 4) did not."]
        );
    }

    #[test]
    fn quotes_stay_with_their_sentence() {
        assert_eq!(
            split("“We are ready. We start today,” she said. Nobody clapped."),
            [
                "“We are ready.",
                "We start today,” she said.",
                "Nobody clapped."
            ]
        );
        assert_eq!(
            split("“Is it over?” he asked. “Yes!” they shouted."),
            ["“Is it over?” he asked.", "“Yes!” they shouted."]
        );
    }

    #[test]
    fn hard_wrapped_lines_join_but_headings_and_blank_lines_break() {
        let text = "Harbour vote\n\nThe council met on a grey morning and after a long debate\n\
                    it voted for the new bridge over the river mouth.\n\n- one\n- two\n";
        assert_eq!(
            split(text),
            [
                "Harbour vote",
                "The council met on a grey morning and after a long debate\n\
                 it voted for the new bridge over the river mouth.",
                "- one",
                "- two"
            ]
        );
    }
}
