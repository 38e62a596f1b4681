//! CoNLL (IOB2): one token per line, `TOKEN<TAB>TAG` (`B-label`, `I-label` or `O`), a
//! blank line after each paragraph (a block of text between blank lines), and each
//! article opened by `-DOCSTART-<TAB>O` and a blank line, as CoNLL-2003 files are.
//!
//! Tokenisation: the word boundaries of Unicode (UAX #29, the `unicode-segmentation`
//! crate); every segment that is not whitespace is a token (words, numbers, and each
//! punctuation mark on its own). Tabs and line breaks cannot occur inside a token. A
//! token is tagged with an annotation when they overlap. CoNLL holds one flat layer:
//! where annotations overlap or nest, the outer one (earliest start, then longest) wins
//! and the others are left out — [`left_out`] counts them, and the export says so.

use unicode_segmentation::UnicodeSegmentation;

use super::live;
use crate::model::{Annotation, Document, Session};

/// The annotations written for `doc` (flat, in text order) and how many are left out.
fn flat(doc: &Document) -> (Vec<&Annotation>, usize) {
    let mut all: Vec<&Annotation> = live(doc).collect();
    all.sort_by_key(|a| (a.start, std::cmp::Reverse(a.end)));
    let mut kept: Vec<&Annotation> = Vec::new();
    let mut dropped = 0;
    for a in all {
        match kept.last() {
            Some(last) if a.start < last.end => dropped += 1,
            _ => kept.push(a),
        }
    }
    (kept, dropped)
}

/// Annotations the CoNLL export leaves out because an outer one covers them.
pub(super) fn left_out(session: &Session) -> usize {
    session.documents.iter().map(|d| flat(d).1).sum()
}

pub(super) fn conll(session: &Session) -> String {
    let mut out = String::new();
    for doc in &session.documents {
        out.push_str("-DOCSTART-\tO\n\n");
        let (spans, _) = flat(doc);
        let text = doc.article.text.as_str();
        let mut next_span = 0;
        let mut open: Option<usize> = None;
        let mut wrote_line = false;
        // Line breaks in the whitespace since the last token.
        let mut breaks = 0;
        let mut char_at = 0;
        let mut byte_at = 0;
        for (byte, token) in text.split_word_bound_indices() {
            char_at += text[byte_at..byte].chars().count();
            byte_at = byte;
            let start = char_at;
            let end = start + token.chars().count();
            if token.trim().is_empty() {
                // A blank line (two line breaks) ends a paragraph.
                breaks += token.matches('\n').count();
                if breaks >= 2 && wrote_line {
                    out.push('\n');
                    wrote_line = false;
                }
                continue;
            }
            breaks = 0;
            while spans.get(next_span).is_some_and(|a| a.end <= start) {
                next_span += 1;
            }
            let tag = match spans.get(next_span) {
                Some(a) if a.start < end => {
                    let first = open != Some(next_span);
                    open = Some(next_span);
                    format!("{}-{}", if first { "B" } else { "I" }, tag_name(&a.label))
                }
                _ => "O".to_owned(),
            };
            out.push_str(token);
            out.push('\t');
            out.push_str(&tag);
            out.push('\n');
            wrote_line = true;
        }
        if wrote_line {
            out.push('\n');
        }
    }
    out
}

/// A label as a tag: no whitespace (a token line has two tab-separated columns).
fn tag_name(label: &str) -> String {
    label
        .chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Article, Timestamp};

    #[test]
    fn iob2_with_the_outer_span_winning() {
        let text = "Zoë Brandt said the café opens.\n\nIt rained.\n";
        let mut s = Session::new();
        s.add_article(Article::new("a", "A", "", text));
        for (label, start, end) in [("source", 0, 10), ("quote", 16, 30), ("claim", 20, 24)] {
            let edit = s.annotate("a", label, start..end, Timestamp(1)).unwrap();
            edit.apply(&mut s).unwrap();
        }
        let out = conll(&s);
        assert_eq!(
            out,
            "-DOCSTART-\tO\n\n\
             Zoë\tB-source\nBrandt\tI-source\nsaid\tO\nthe\tB-quote\ncafé\tI-quote\n\
             opens\tI-quote\n.\tO\n\nIt\tO\nrained\tO\n.\tO\n\n"
        );
        assert_eq!(left_out(&s), 1, "the claim inside the quote");
    }
}
