//! Direct quotations and who said them.
//!
//! Quotation marks are paired per style (straight and curly double quotes, « », » «,
//! „ “, ‘ ’ where they cannot be apostrophes, 「 」), across line breaks of a
//! hard-wrapped paragraph and across paragraphs that each open with a quotation mark
//! (one closing mark at the end). The speaker comes from the clause next to the quote:
//! after it (`," said X`, `," X told Y`, `," X, the director, said`), before it
//! (`X said: "`, `According to X, "`, `X called it "`), from the words between the parts
//! of an interrupted quote, or from the previous quote when a paragraph continues it.
//! Pronouns are taken as the last named person before the quote.

use std::collections::HashMap;
use std::ops::Range;

use super::lexicon::{self, Gender};
use super::tokens::{Tok, ceil_boundary, floor_boundary, lower, tokens};

/// A quotation found in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    /// Bytes, quotation marks included.
    pub span: Range<usize>,
    /// In [0, 1].
    pub score: f32,
    /// Why, for the person.
    pub reason: String,
    /// Who said it.
    pub speaker: Option<Speaker>,
}

/// A quote's speaker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Speaker {
    /// The name as the `speaker` attribute gets it (the fullest form in the article).
    pub name: String,
    /// The name's mention in the text (bytes) the quote links to.
    pub mention: Range<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Straight,
    Curly,
    Low,
    French,
    Reversed,
    Single,
    StraightSingle,
    Corner,
    WhiteCorner,
    /// Two apostrophes for a double quote (`''We are ready,'' she said`), as some
    /// newspapers' archives write them.
    Apostrophes,
}

/// A pair of quotation marks.
#[derive(Clone, Debug)]
struct Raw {
    /// Byte of the opening mark.
    open: usize,
    /// Byte after the closing mark.
    end: usize,
    /// Where the quoted words are (between the marks).
    inner: Range<usize>,
    /// Runs over more than one paragraph.
    paragraphs: usize,
}

fn opens_here(prev: Option<char>) -> bool {
    prev.is_none_or(|p| {
        p.is_whitespace()
            || matches!(
                p,
                '(' | '[' | '{' | '—' | '–' | '-' | '/' | ':' | '“' | '"' | '«' | '„'
            )
    })
}

fn closes_here(next: Option<char>) -> bool {
    next.is_none_or(|n| !n.is_alphanumeric())
}

/// The opening mark that continues a quote of `style` in a new paragraph.
fn continues_style(style: Style, c: char) -> bool {
    match style {
        Style::Straight | Style::Curly => matches!(c, '"' | '“'),
        Style::Low => c == '„',
        Style::French => c == '«',
        Style::Reversed => c == '»',
        Style::Single => c == '‘',
        Style::StraightSingle => c == '\'',
        Style::Corner => c == '「',
        Style::WhiteCorner => c == '『',
        Style::Apostrophes => false,
    }
}

/// Pairs of quotation marks in `text`, in order.
fn pairs(text: &str) -> Vec<Raw> {
    let mut out = Vec::new();
    // (style, opening byte, paragraphs so far)
    let mut open: Option<(Style, usize, usize)> = None;
    let mut skip_until = 0usize;
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let next = iter.peek().map(|&(_, n)| n);
        if i < skip_until {
            prev = Some(c);
            continue;
        }
        let after = i + c.len_utf8();
        if c == '\n' {
            if let Some((style, at, paragraphs)) = open {
                open = line_break(text, i, style).map(|(cont, skip)| {
                    skip_until = skip;
                    (style, at, paragraphs + usize::from(cont))
                });
            }
            prev = Some(c);
            continue;
        }
        // `'old-school,'''`: a single quote closing, then the pair.
        if c == '\'' && next == Some('\'') && text[i + 2..].starts_with('\'') {
            prev = Some(c);
            continue;
        }
        if c == '\'' && next == Some('\'') {
            let after_pair = text[i + 2..].chars().next();
            match open {
                None if after_pair.is_some_and(|n| !n.is_whitespace()) => {
                    open = Some((Style::Apostrophes, i, 1));
                }
                Some((Style::Apostrophes, at, paragraphs)) => {
                    out.push(Raw {
                        open: at,
                        end: i + 2,
                        inner: at + 2..i,
                        paragraphs,
                    });
                    open = None;
                }
                _ => {}
            }
            skip_until = i + 2;
            prev = Some(c);
            continue;
        }
        let next_is_word = next.is_some_and(|n| !n.is_whitespace());
        let mut close = |open: &mut Option<(Style, usize, usize)>, at: usize, paragraphs| {
            out.push(Raw {
                open: at,
                end: after,
                inner: at + text[at..].chars().next().map_or(1, char::len_utf8)..i,
                paragraphs,
            });
            *open = None;
        };
        match (open, c) {
            (None, '"') if next_is_word && opens_here(prev) => {
                open = Some((Style::Straight, i, 1));
            }
            (Some((Style::Straight, at, p)), '"') => close(&mut open, at, p),
            // Mixed marks: `"…”` and `“…"`.
            (Some((Style::Straight, at, p)), '”') => close(&mut open, at, p),
            (Some((Style::Curly, at, p)), '"') if closes_here(next) => close(&mut open, at, p),
            // “ only ever opens in English, even with a space after it.
            (None, '“') => open = Some((Style::Curly, i, 1)),
            (Some((Style::Low, at, p)), '“' | '”') => close(&mut open, at, p),
            (Some((Style::Curly, at, p)), '”') => close(&mut open, at, p),
            // A curly quote closed with an opening mark by mistake.
            (Some((Style::Curly, at, p)), '“')
                if prev.is_some_and(|p| !p.is_whitespace()) && closes_here(next) =>
            {
                close(&mut open, at, p);
            }
            (None, '„') if next_is_word => open = Some((Style::Low, i, 1)),
            (None, '«') => open = Some((Style::French, i, 1)),
            (Some((Style::French, at, p)), '»') => close(&mut open, at, p),
            (None, '»') if next_is_word && opens_here(prev) => {
                open = Some((Style::Reversed, i, 1));
            }
            (Some((Style::Reversed, at, p)), '«') => close(&mut open, at, p),
            (None, '‘') if next_is_word && opens_here(prev) => {
                open = Some((Style::Single, i, 1));
            }
            (Some((Style::Single, at, p)), '’')
                if prev.is_some_and(|p| !p.is_whitespace()) && closes_here(next) =>
            {
                close(&mut open, at, p);
            }
            (None, '\'')
                if next.is_some_and(char::is_alphabetic)
                    && prev.is_none_or(char::is_whitespace) =>
            {
                open = Some((Style::StraightSingle, i, 1));
            }
            (Some((Style::StraightSingle, at, p)), '\'')
                if prev.is_some_and(|p| !p.is_whitespace() && p != 's') && closes_here(next) =>
            {
                close(&mut open, at, p);
            }
            (None, '「') => open = Some((Style::Corner, i, 1)),
            (Some((Style::Corner, at, p)), '」') => close(&mut open, at, p),
            (None, '『') => open = Some((Style::WhiteCorner, i, 1)),
            (Some((Style::WhiteCorner, at, p)), '』') => close(&mut open, at, p),
            _ => {}
        }
        prev = Some(c);
    }
    out
}

/// What an open quote does at the line break at byte `at`: `Some((true, skip))` when the
/// next paragraph opens with the quote's mark again (a multi-paragraph quote; `skip` is
/// past that mark), `Some((false, 0))` when the line break is inside a hard-wrapped
/// paragraph, `None` when the quote was never closed.
fn line_break(text: &str, at: usize, style: Style) -> Option<(bool, usize)> {
    let rest = &text[at..];
    let gap = rest.len() - rest.trim_start().len();
    let newlines = rest[..gap].matches('\n').count();
    let next = rest[gap..].chars().next()?;
    if style == Style::Apostrophes && rest[gap..].starts_with("''") {
        return Some((true, at + gap + 2));
    }
    if continues_style(style, next) {
        return Some((true, at + gap + next.len_utf8()));
    }
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let line = text[line_start..at].trim_end();
    let ends = line.ends_with(['.', '!', '?', ':', '"', '”', '»']);
    (newlines == 1 && !ends && line.chars().count() >= 40).then_some((false, 0))
}

/// Every direct quotation in `text` with its speaker. `sentences` are the text's
/// sentences (byte ranges, in order).
pub fn quotes(text: &str, sentences: &[Range<usize>]) -> Vec<Quote> {
    let raws: Vec<Raw> = pairs(text)
        .into_iter()
        .filter(|r| !is_title_or_term(text, r))
        .collect();
    let quoted: Vec<Range<usize>> = raws.iter().map(|r| r.open..r.end).collect();
    let full_names = if raws.is_empty() {
        Vec::new()
    } else {
        full_names(text, sentences)
    };
    // Last name → the longest full name with it (titles dropped).
    let mut by_surname: HashMap<&str, String> = HashMap::new();
    for name in &full_names {
        if let Some(last) = name.split_whitespace().last() {
            let full = strip_titles(name);
            let entry = by_surname.entry(last).or_default();
            if full.len() > entry.len() {
                *entry = full;
            }
        }
    }
    // Speakers so far: last name → the fullest name a quote gave.
    let mut speakers: HashMap<String, String> = HashMap::new();
    let mut out: Vec<Quote> = Vec::with_capacity(raws.len());
    let mut last_speaker: Option<(usize, Speaker)> = None;
    // The previous quote's attribution when it came after it (`"X," she said`), with
    // where that quote ends: a quote right after such an attribution is its second part.
    let mut said_after: Option<usize> = None;
    for (n, raw) in raws.iter().enumerate() {
        let inner = text[raw.inner.clone()].trim();
        let words = inner.split_whitespace().count();
        let next_open = raws.get(n + 1).map_or(text.len(), |r| r.open);
        let prev_end = if n == 0 { 0 } else { raws[n - 1].end };
        let ctx = Context {
            text,
            by_surname: &by_surname,
            speakers: &speakers,
            sentences,
            quoted: &quoted,
        };
        let after = ctx.after(raw, inner, next_open);
        // An interrupted quote (`"X," she said, "Y."` or `"X," she said. "Y."`): one
        // quote from the first mark to the last, as annotators mark it.
        if after.is_none()
            && said_after == Some(prev_end)
            && attribution_gap(text, prev_end, raw.open)
            && let Some(last) = out.last_mut()
        {
            last.span.end = raw.end;
            if !last.reason.contains("interrupted") {
                last.reason.push_str("; interrupted by the attribution");
            }
            said_after = None;
            continue;
        }
        let from_after = after.is_some();
        let found = after
            .or_else(|| ctx.before(raw, prev_end))
            .or_else(|| ctx.next_sentence(raw, next_open));
        // A paragraph that goes on quoting the speaker of the quote that ended the
        // previous paragraph is part of that quote, as annotators mark it.
        if found.is_none()
            && starts_paragraph(text, raw.open)
            && continuation_gap(text, sentences, prev_end, raw.open)
            && let Some(last) = out.last_mut()
            && last.speaker.is_some()
            && last.span.end == prev_end
        {
            last.span.end = raw.end;
            if !last.reason.contains("continued") {
                last.reason.push_str("; continued in the next paragraph");
            }
            said_after = None;
            continue;
        }
        said_after = from_after.then_some(raw.end);
        // A quoted phrase inside reported speech (`X said the plan was "a mistake" for
        // the town`): the reported content is the quote, from after the verb to the end of
        // the sentence.
        let partial = found
            .as_ref()
            .and_then(|f| f.verb_end)
            .and_then(|verb_end| reported_content(text, sentences, verb_end, raw));
        let (speaker, score, reason) = match found {
            Some(found) => {
                let (speaker, how) = ctx.speaker(&found, raw.open, &out);
                let score = match how {
                    How::Named => 0.95,
                    How::Pronoun => 0.85,
                    How::Unresolved => 0.8,
                };
                (speaker, score, found.reason)
            }
            None => match &last_speaker {
                Some((end, speaker))
                    if starts_paragraph(text, raw.open) && raw.open - end < 1500 =>
                {
                    (
                        Some(speaker.clone()),
                        0.7,
                        format!("continues the quotes of {}", speaker.name),
                    )
                }
                _ => {
                    // No attribution: the person the text was just about, if any, as a
                    // guess the person checks (scored lower).
                    let guess = ctx.antecedent(raw.open, Gender::Any, &out);
                    // A short quote nobody is said to have said is more often a
                    // phrase than a quotation (measured): not offered.
                    match (guess, words) {
                        (Some(g), 8..) => {
                            let reason =
                                format!("no attribution; the person just named, {}", g.name);
                            (Some(g), 0.6, reason)
                        }
                        (None, 8..) => (None, 0.6, "quotation with no speaker found".into()),
                        _ => continue,
                    }
                }
            },
        };
        if let Some(s) = &speaker {
            last_speaker = Some((raw.end, s.clone()));
            if let Some(last) = s.name.split_whitespace().last() {
                let entry = speakers.entry(last.to_owned()).or_default();
                if s.name.len() > entry.len() {
                    entry.clone_from(&s.name);
                }
            }
        }
        let reason = if raw.paragraphs > 1 {
            format!("{reason}; runs over {} paragraphs", raw.paragraphs)
        } else {
            reason
        };
        if let Some(content) = partial {
            // Two quoted phrases in one reported sentence are one content.
            if let Some(last) = out.last_mut()
                && last.span.end > content.start
            {
                last.span.end = last.span.end.max(content.end);
                continue;
            }
            out.push(Quote {
                span: content,
                score: f32::min(score, 0.75),
                reason: format!("{reason}; reported speech with quoted words"),
                speaker,
            });
            continue;
        }
        out.push(Quote {
            span: raw.open..raw.end,
            score,
            reason,
            speaker,
        });
    }
    out
}

/// The reported content around a quoted phrase: from after the speech verb (at
/// `verb_end`; from `that` when it follows) to the end of the sentence (its last full
/// stop outside quotation marks left out), when words stand between the verb and the
/// quotation mark. `None` when the quote follows its verb directly (`said: "…"`).
fn reported_content(
    text: &str,
    sentences: &[Range<usize>],
    verb_end: usize,
    raw: &Raw,
) -> Option<Range<usize>> {
    let between = text.get(verb_end..raw.open)?;
    let words: Vec<&str> = between
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .collect();
    // `told reporters: "…"`, `said, "…"`: the quote is what was said.
    let introduced = between.trim_end().ends_with([':', ',']);
    if words.is_empty() || words == ["that"] || introduced || between.len() > 200 {
        return None;
    }
    let start = match between.find(" that ") {
        Some(at) => verb_end + at + 1,
        None => verb_end + (between.len() - between.trim_start().len()),
    };
    let i = sentences.partition_point(|s| s.end <= raw.open);
    let sentence = sentences.get(i)?;
    let mut end = sentence.end.max(raw.end);
    if end > raw.end && text[..end].ends_with(['.', ';']) {
        end -= 1;
    }
    (start < raw.open).then_some(start..end)
}

/// True when the text between two quotes is only an attribution in the same paragraph
/// (`, she said, ` or ` she said. `).
fn attribution_gap(text: &str, from: usize, to: usize) -> bool {
    let gap = &text[from..to];
    let end = gap
        .trim_end()
        .trim_end_matches(['"', '”', '\'', '’', '»'])
        .trim_end();
    let opens_clause = end.ends_with([',', '.', ':', ';', '—', '–', '-', '!', '?'])
        || end.ends_with(" and")
        || end.ends_with(" or");
    // `he said, and then predicted: "…"`: a second quote with a verb of its own.
    let words: Vec<&str> = gap
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let verbs = words
        .iter()
        .filter(|w| lexicon::speech_verb(w).is_some())
        .count();
    let own_verb = verbs >= 2
        && words
            .last()
            .is_some_and(|w| lexicon::speech_verb(w).is_some())
        && words.len() >= 2
        && matches!(
            words[words.len() - 2],
            "and" | "then" | "but" | "also" | "later" | "before" | "after"
        );
    // `, said X. Kasich replied: "…"`: a new sentence with its own subject.
    let new_sentence = gap
        .rmatch_indices(['.', '?', '!'])
        .find(|(at, _)| gap[at + 1..].starts_with(' '))
        .is_some_and(|(at, _)| {
            gap[at + 1..]
                .trim()
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        });
    gap.len() <= 300 && !gap.contains('\n') && opens_clause && !own_verb && !new_sentence
}

/// True when the text between a quote and a quote opening the next paragraph is at most
/// the rest of the first quote's attribution sentence and one paragraph break.
fn continuation_gap(text: &str, sentences: &[Range<usize>], from: usize, to: usize) -> bool {
    let gap = &text[from..to];
    if gap.len() > 300 || gap.matches('\n').count() > 2 {
        return false;
    }
    // No sentence starts inside the gap.
    let first = sentences.partition_point(|s| s.start < from);
    sentences.get(first).is_none_or(|s| s.start >= to)
}

/// A titled work or a term in quotation marks (`the film "The Long Night"`, `so-called
/// "reforms"`): a few words, no sentence punctuation, every word capitalised or only one
/// or two words.
fn is_title_or_term(text: &str, raw: &Raw) -> bool {
    let inner = text[raw.inner.clone()].trim();
    let words: Vec<&str> = inner.split_whitespace().collect();
    if words.is_empty() {
        return true;
    }
    if words.len() > 6 || starts_paragraph(text, raw.open) {
        return false;
    }
    let small = |w: &str| {
        matches!(
            w,
            "of" | "and"
                | "the"
                | "a"
                | "an"
                | "in"
                | "on"
                | "to"
                | "for"
                | "at"
                | "by"
                | "with"
                | "from"
                | "or"
                | "&"
        )
    };
    let title_case = words
        .first()
        .is_some_and(|w| w.chars().next().is_some_and(|c| !c.is_lowercase()))
        && words
            .iter()
            .all(|w| small(w) || w.chars().next().is_some_and(|c| !c.is_lowercase()));
    // The words after the quote: a speech verb right after says it was said.
    let after = text[raw.end..].trim_start_matches([',', ' ', '—', '–']);
    let said_after = after
        .split_whitespace()
        .take(3)
        .any(|w| lexicon::speech_verb(w.trim_matches(|c: char| !c.is_alphanumeric())).is_some());
    let punctuated = inner.ends_with(['.', ',', '!', '?', '…', ';', ':']);
    // `on "CBS This Morning," Sanders said`: a title after a preposition or article is a
    // title even when a speech verb follows.
    let before = text[..raw.open]
        .trim_end()
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    let names_a_work = before.ends_with("'s")
        || before.ends_with("’s")
        || lexicon::is_in(&lexicon::PREPOSITIONS, before)
        || lexicon::is_in(&lexicon::DETERMINERS, before)
        || matches!(
            before.to_lowercase().as_str(),
            "called"
                | "named"
                | "titled"
                | "dubbed"
                | "film"
                | "book"
                | "show"
                | "song"
                | "album"
                | "series"
                | "novel"
                | "movie"
                | "program"
                | "programme"
                | "headline"
        );
    (title_case && names_a_work)
        || (!said_after && (title_case || (!punctuated && words.len() <= 2)))
}

fn starts_paragraph(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .rev()
        .find(|c| !matches!(c, ' ' | '\t'))
        .is_none_or(|c| c == '\n')
}

/// A speaker's noun phrase next to a speech verb.
#[derive(Clone, Debug)]
struct Found {
    /// Bytes of the noun phrase.
    np: Range<usize>,
    reason: String,
    /// For a verb before the quote: where the verb ends (the reported content may start
    /// there, before the quotation mark).
    verb_end: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum How {
    Named,
    Pronoun,
    Unresolved,
}

struct Context<'a> {
    text: &'a str,
    /// Last names of the people named in full somewhere in the text (`Clinton` after
    /// `Hillary Clinton`), with that full name: alone, they still name a person.
    by_surname: &'a HashMap<&'a str, String>,
    /// The speakers so far, by last name.
    speakers: &'a HashMap<String, String>,
    sentences: &'a [Range<usize>],
    /// Every quotation's span (names inside quotes are not antecedents).
    quoted: &'a [Range<usize>],
}

impl Context<'_> {
    /// The sentence holding byte `at`.
    fn sentence_at(&self, at: usize) -> Option<Range<usize>> {
        let i = self.sentences.partition_point(|s| s.start <= at);
        let s = self.sentences.get(i.checked_sub(1)?)?;
        (at < s.end).then(|| s.clone())
    }

    /// `," said X`, `," X said`, `," X, the director, said`, `," according to X`.
    fn after(&self, raw: &Raw, inner: &str, next_open: usize) -> Option<Found> {
        // `"We start today." The vote…` ended; `"…." he said` (loosely punctuated) and
        // `"Well, I'm going to…" Clinton said` did not.
        let next_lower = self.text[raw.end..]
            .trim_start()
            .chars()
            .next()
            .is_some_and(char::is_lowercase);
        let ends_sentence = inner.ends_with('.') && !inner.ends_with("...") && !next_lower;
        if ends_sentence {
            return None;
        }
        let last_mark = raw.end - 1;
        let sentence = self.sentence_at(last_mark)?;
        let limit = floor_boundary(self.text, raw.end + 240);
        let end = sentence.end.min(next_open).min(limit);
        if end <= raw.end {
            return None;
        }
        let toks = tokens(self.text, raw.end..end);
        self.attribution_after(&toks, "after the quote")
    }

    /// A short next sentence naming the speaker: `"We will win." Ruiz said.`
    fn next_sentence(&self, raw: &Raw, next_open: usize) -> Option<Found> {
        let i = self.sentences.partition_point(|s| s.start < raw.end);
        let s = self.sentences.get(i)?;
        if s.start > raw.end + 3 || s.end > next_open || self.text[raw.end..s.start].contains('\n')
        {
            return None;
        }
        // The verb comes early: `Trump added during an interview on …`.
        let end = floor_boundary(self.text, s.end.min(s.start + 200));
        let toks = tokens(self.text, s.start..end);
        self.attribution_after(&toks[..toks.len().min(8)], "in the next sentence")
    }

    fn attribution_after(&self, toks: &[Tok], place: &str) -> Option<Found> {
        let text = self.text;
        let first = toks
            .iter()
            .position(|t| t.word || !matches!(t.text(text), "," | "—" | "–" | "-"))?;
        let toks = &toks[first..];
        if toks.first().is_some_and(|t| !t.word) {
            return None;
        }
        // "according to X"
        if toks.len() > 2 && lower(text, toks[0]) == "according" && lower(text, toks[1]) == "to" {
            let np = np_forward(text, toks, 2)?;
            return Some(Found {
                np,
                reason: format!("\"according to\" {place}"),
                verb_end: None,
            });
        }
        let limit = toks.len().min(18);
        let verb = (0..limit).find(|&i| {
            let t = toks[i];
            if !t.word {
                return false;
            }
            t.lowercase(text)
                && lexicon::speech_verb(t.text(text)).is_some()
                && !noun_or_infinitive(text, toks, i)
                && !t.text(text).ends_with("ing")
        })?;
        // No sentence punctuation before the verb.
        if toks[..verb]
            .iter()
            .any(|t| !t.word && matches!(t.text(text), "." | "!" | "?" | ";" | ":"))
        {
            return None;
        }
        let form = toks[verb].text(text);
        let reason = format!("speech verb \"{form}\" {place}");
        if verb == 0
            || (verb == 1
                && toks[0].lowercase(text)
                && lexicon::is_in(&lexicon::AUXILIARIES, toks[0].text(text)))
        {
            let np = np_forward(text, toks, verb + 1)?;
            return Some(Found {
                np,
                reason,
                verb_end: None,
            });
        }
        let np = np_backward(text, toks, 0, verb)?;
        Some(Found {
            np,
            reason,
            verb_end: None,
        })
    }

    /// `X said: "`, `X told reporters that "`, `According to X, "`, `As X put it, "`,
    /// `X called the plan "`.
    fn before(&self, raw: &Raw, prev_end: usize) -> Option<Found> {
        let text = self.text;
        let sentence = self.sentence_at(raw.open)?;
        // Looked at up to 400 bytes back (a "sentence" of a text with no punctuation can
        // be the whole text).
        let near = ceil_boundary(text, raw.open.saturating_sub(400));
        let mut start = sentence.start.max(prev_end).max(near);
        if start >= raw.open {
            // "Ana Ruiz said:" on its own line before the quote's paragraph.
            let i = self.sentences.partition_point(|s| s.end <= raw.open);
            let previous = self.sentences.get(i.checked_sub(1)?)?;
            let between = &text[previous.end..raw.open];
            if !text[previous.clone()].ends_with(':')
                || previous.start < prev_end
                || !between.trim().is_empty()
            {
                return None;
            }
            start = previous.start;
        }
        let toks = tokens(text, start..raw.open);
        // "According to X," / "As X put it,"
        if toks.len() > 2 && lower(text, toks[0]) == "according" && lower(text, toks[1]) == "to" {
            let np = np_forward(text, &toks, 2)?;
            return Some(Found {
                np,
                reason: "\"according to\" before the quote".into(),
                verb_end: None,
            });
        }
        if toks.len() > 3
            && lower(text, toks[0]) == "as"
            && let Some(put) = toks.iter().position(|t| lower(text, *t) == "put")
            && put > 1
        {
            return Some(Found {
                np: toks[1].start..toks[put - 1].end,
                reason: "\"as … put it\" before the quote".into(),
                verb_end: None,
            });
        }
        let Some(verb) = (0..toks.len()).rev().find(|&i| {
            let t = toks[i];
            t.lowercase(text)
                && lexicon::speech_verb(t.text(text)).is_some()
                && !noun_or_infinitive(text, &toks, i)
                && (!t.text(text).ends_with("ing") || (i > 0 && toks[i - 1].text(text) == ","))
        }) else {
            return colon_name(text, &toks, &|w| self.is_known(w));
        };
        let form = toks[verb].text(text);
        // `Ruiz backed the plan, saying "…"`: the speaker is the sentence's subject.
        if form.ends_with("ing") {
            let run = person_runs(text, &toks[..verb], &|w| self.is_known(w))
                .into_iter()
                .next()?;
            return Some(Found {
                np: run,
                reason: format!("speech verb \"{form}\" before the quote"),
                verb_end: Some(toks[verb].end),
            });
        }
        // `Donald Trump: "…"` after other words.
        let Some(np) = np_backward(text, &toks, 0, verb) else {
            return colon_name(text, &toks, &|w| self.is_known(w));
        };
        Some(Found {
            np,
            reason: format!("speech verb \"{form}\" before the quote"),
            verb_end: Some(toks[verb].end),
        })
    }

    /// The speaker named by `found`: pronouns are taken as the last named person before
    /// `at`, a surname alone as the fullest form of that name in the article.
    fn speaker(&self, found: &Found, at: usize, earlier: &[Quote]) -> (Option<Speaker>, How) {
        let np_text = &self.text[found.np.clone()];
        if let Some(gender) = lexicon::pronoun(np_text) {
            if np_text.eq_ignore_ascii_case("it") {
                return (None, How::Unresolved);
            }
            return match self.antecedent(found.np.start.min(at), gender, earlier) {
                Some(s) => (Some(s), How::Pronoun),
                None => (None, How::Unresolved),
            };
        }
        let toks = tokens(self.text, found.np.clone());
        let named = toks.iter().any(|t| is_name_word(self.text, *t));
        let name = if named {
            self.fullest(&strip_titles(np_text))
        } else {
            np_text.to_owned()
        };
        (
            Some(Speaker {
                name,
                mention: found.np.clone(),
            }),
            if named { How::Named } else { How::Unresolved },
        )
    }

    /// The fullest earlier form of a name: `Ruiz` → `Ana Ruiz` when a quote already had
    /// her as speaker.
    fn fullest(&self, name: &str) -> String {
        let last = name.split_whitespace().last().unwrap_or(name);
        if let Some(full) = self.speakers.get(last).filter(|f| f.len() > name.len()) {
            return full.clone();
        }
        // A name given in full somewhere in the text.
        if name.split_whitespace().count() == 1
            && let Some(full) = self.by_surname.get(last)
        {
            return full.clone();
        }
        name.to_owned()
    }

    /// True when `word` is the last name of a speaker or of someone named in full.
    fn is_known(&self, word: &str) -> bool {
        self.speakers.contains_key(word) || self.by_surname.contains_key(word)
    }

    /// True when `span` lies inside a quotation.
    fn is_quoted(&self, span: &Range<usize>) -> bool {
        let i = self.quoted.partition_point(|q| q.start <= span.start);
        i > 0 && span.end <= self.quoted[i - 1].end
    }

    /// The last named person before `at` (outside quotations) that agrees with a
    /// pronoun; earlier speakers count as named persons.
    fn antecedent(&self, at: usize, gender: Gender, earlier: &[Quote]) -> Option<Speaker> {
        let text = self.text;
        let from = ceil_boundary(text, at.saturating_sub(1500));
        let mut best: Option<Speaker> = None;
        // From the quote backwards: the first sentence naming someone decides.
        let window: Vec<Range<usize>> = self.sentences_between(from, at).cloned().collect();
        for sentence in window.iter().rev() {
            if best.is_some() {
                break;
            }
            let toks = tokens(text, sentence.start.max(from)..sentence.end.min(at));
            for run in person_runs(text, &toks, &|w| self.is_known(w)) {
                let span = run.clone();
                if self.is_quoted(&span) {
                    continue;
                }
                // A title says the gender (Mrs Ruiz); else a common given name may.
                let full = self.fullest(&strip_titles(&text[span.clone()]));
                let named_gender = toks
                    .iter()
                    .filter(|t| t.start >= span.start && t.end <= span.end)
                    .find_map(|t| {
                        lexicon::gender_of(
                            t.text(text),
                            &lexicon::MALE_TITLES,
                            &lexicon::FEMALE_TITLES,
                        )
                    })
                    .or_else(|| {
                        let first = full.split_whitespace().next()?;
                        lexicon::gender_of(first, &lexicon::MALE_NAMES, &lexicon::FEMALE_NAMES)
                    });
                let agrees = !matches!(
                    (gender, named_gender),
                    (Gender::Male, Some(Gender::Female)) | (Gender::Female, Some(Gender::Male))
                );
                if agrees {
                    // The first person of the last sentence naming one: its subject,
                    // more often the pronoun's antecedent than a later object.
                    best = Some(Speaker {
                        name: full,
                        mention: span,
                    });
                    break;
                }
            }
        }
        best.or_else(|| {
            earlier
                .iter()
                .rev()
                .take(20)
                .find_map(|q| q.speaker.clone())
                .filter(|s| s.mention.start >= from)
        })
    }

    fn sentences_between(&self, from: usize, to: usize) -> impl Iterator<Item = &Range<usize>> {
        let first = self.sentences.partition_point(|s| s.end <= from);
        self.sentences[first..]
            .iter()
            .take_while(move |s| s.start < to)
    }
}

/// True when the speech-verb form at `i` is a noun (`his attacks`, `the report`) or an
/// infinitive (`to announce`), not the verb of an attribution.
fn noun_or_infinitive(text: &str, toks: &[Tok], i: usize) -> bool {
    let possessive = i > 0 && {
        let w = toks[i - 1].text(text);
        w.ends_with("'s") || w.ends_with("’s")
    };
    possessive
        || i > 0
            && toks[i - 1].word
            && (lexicon::is_in(&lexicon::DETERMINERS, toks[i - 1].text(text))
                || lexicon::is_in(&lexicon::PREPOSITIONS, toks[i - 1].text(text)))
}

/// `Donald Trump: "…"`: a person's name right before the colon that opens the quote;
/// else, for a quote a colon opens after a sentence without a speech verb (`Kaine has
/// adopted the stance: "…"`), the person the sentence is about, its first.
fn colon_name(text: &str, toks: &[Tok], known: &dyn Fn(&str) -> bool) -> Option<Found> {
    let (colon, before) = toks.split_last()?;
    if colon.text(text) != ":" {
        return None;
    }
    let start = before.len().saturating_sub(5);
    if let Some(run) = person_runs(text, &before[start..], known).pop()
        && run.end == before.last()?.end
    {
        return Some(Found {
            np: run,
            reason: "a name and a colon before the quote".into(),
            verb_end: None,
        });
    }
    let subject = person_runs(text, before, known).into_iter().next()?;
    Some(Found {
        np: subject,
        reason: "the sentence a colon ends opens the quote".into(),
        verb_end: None,
    })
}

/// A capitalised word that can be part of a name (not a title, not a capitalised
/// pronoun or determiner at the start of a sentence).
fn is_name_word(text: &str, t: Tok) -> bool {
    t.capitalised(text)
        && !lexicon::is_in(&lexicon::TITLES, t.text(text))
        && !lexicon::is_in(&lexicon::NOT_PERSON, t.text(text))
}

/// Every full name in the text (two words or more besides titles), sorted and without
/// duplicates.
fn full_names<'a>(text: &'a str, sentences: &[Range<usize>]) -> Vec<&'a str> {
    let mut out = Vec::new();
    for sentence in sentences.iter().filter(|s| s.len() <= 5000) {
        let toks = tokens(text, sentence.clone());
        for run in person_runs(text, &toks, &|_| false) {
            let name = &text[run];
            let words = name
                .split_whitespace()
                .filter(|w| !lexicon::is_in(&lexicon::TITLES, w))
                .count();
            if words >= 2 {
                out.push(name);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A name without its leading titles (`Mayor Ana Ruiz` → `Ana Ruiz`), unless it is only
/// titles.
fn strip_titles(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let first = words
        .iter()
        .position(|w| !lexicon::is_in(&lexicon::TITLES, w))
        .unwrap_or(0);
    words[first..].join(" ")
}

/// Runs of capitalised words that look like a person's name: two or more words, or one
/// after a title; none of them a day, month, place or institution word. Byte ranges.
fn person_runs(text: &str, toks: &[Tok], known: &dyn Fn(&str) -> bool) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !toks[i].capitalised(text) {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        while j < toks.len()
            && (toks[j].capitalised(text)
                || (j > start
                    && j + 1 < toks.len()
                    && toks[j + 1].capitalised(text)
                    && matches!(
                        lower(text, toks[j]).as_str(),
                        "de" | "van" | "von" | "bin" | "al" | "da" | "del" | "la" | "le" | "di"
                    )))
        {
            j += 1;
        }
        // Capitalised function words at the start of a sentence ("For Quell, ...").
        let mut first = start;
        while first < j && lexicon::is_in(&lexicon::NOT_PERSON, toks[first].text(text)) {
            first += 1;
        }
        let run = &toks[first..j];
        if run.is_empty() {
            i = j.max(i + 1);
            continue;
        }
        let titled = run
            .iter()
            .take_while(|t| lexicon::is_in(&lexicon::TITLES, t.text(text)))
            .count();
        let names = &run[titled..];
        let blocked = names
            .iter()
            .any(|t| lexicon::is_in(&lexicon::NOT_PERSON, t.text(text)));
        let surname = |t: &Tok| {
            let w = t.text(text);
            let w = w
                .strip_suffix("'s")
                .or_else(|| w.strip_suffix("’s"))
                .unwrap_or(w);
            known(w)
        };
        let enough = (titled > 0 && !names.is_empty())
            || names.len() >= 2
            || (names.len() == 1 && surname(&names[0]));
        if enough && !blocked && names.len() <= 4 {
            let last = run[run.len() - 1];
            let word = last.text(text);
            let possessive = ["'s", "’s"]
                .iter()
                .find(|p| word.ends_with(*p) && word.len() > p.len())
                .map_or(0, |p| p.len());
            out.push(run[0].start..last.end - possessive);
        }
        i = j.max(i + 1);
    }
    out
}

/// The speaker's noun phrase after a verb: `said Mayor Ana Ruiz on Monday` → `Mayor Ana
/// Ruiz`; `said the mayor of the town, Ana Ruiz` → `Ana Ruiz`.
fn np_forward(text: &str, toks: &[Tok], from: usize) -> Option<Range<usize>> {
    let mut end = None;
    let mut i = from;
    while i < toks.len() && i - from < 10 {
        let t = toks[i];
        if !t.word {
            break;
        }
        let w = lower(text, t);
        let stop = lexicon::is_in(&lexicon::NP_STOP, &w)
            || (t.lowercase(text) && w.len() > 4 && w.ends_with("ly"))
            || (i > from && t.lowercase(text) && lexicon::speech_verb(&w).is_some());
        if stop {
            break;
        }
        end = Some(i);
        i += 1;
    }
    let end = end?;
    let np = &toks[from..=end];
    let has_name = np.iter().any(|t| is_name_word(text, *t));
    // An appositive name after a role: "the mayor of the town, Ana Ruiz".
    if !has_name
        && toks.get(end + 1).is_some_and(|t| t.text(text) == ",")
        && toks.get(end + 2).is_some_and(|t| t.capitalised(text))
    {
        let runs = person_runs(text, &toks[end + 2..toks.len().min(end + 7)], &|_| false);
        if let Some(run) = runs.first().filter(|r| r.start == toks[end + 2].start) {
            return Some(run.clone());
        }
    }
    Some(np[0].start..np[np.len() - 1].end)
}

/// The speaker's noun phrase before a verb at `verb`: `Mayor Ana Ruiz has said` →
/// `Mayor Ana Ruiz`; `Ruiz, the mayor, said` → `Ruiz`.
fn np_backward(text: &str, toks: &[Tok], lo: usize, verb: usize) -> Option<Range<usize>> {
    let mut j = verb;
    while j > lo && toks[j - 1].word && {
        let w = lower(text, toks[j - 1]);
        lexicon::is_in(&lexicon::AUXILIARIES, &w)
            || (toks[j - 1].lowercase(text) && w.len() > 4 && w.ends_with("ly"))
    } {
        j -= 1;
    }
    // "Ruiz, the mayor, said" / "Ruiz, 45, said": skip the appositive.
    if j > lo && toks[j - 1].text(text) == "," {
        let mut k = j - 1;
        while k > lo
            && toks[k - 1].text(text) != ","
            && (toks[k - 1].word
                || !matches!(
                    toks[k - 1].text(text),
                    "." | "!" | "?" | ";" | ":" | "\"" | "“" | "”" | "«" | "»"
                ))
        {
            k -= 1;
        }
        if k > lo && toks[k - 1].text(text) == "," && j - 1 - k <= 20 {
            // "Its transport minister, Ivo Brandt, wrote": the name, not the role.
            let appositive = &toks[k..j - 1];
            let role_before = toks[lo..k - 1]
                .iter()
                .rev()
                .take_while(|t| t.word)
                .all(|t| !is_name_word(text, *t));
            if role_before
                && let Some(run) = person_runs(text, appositive, &|_| false)
                    .into_iter()
                    .find(|r| {
                        r.start == appositive[0].start
                            && r.end == appositive[appositive.len() - 1].end
                    })
            {
                return Some(run);
            }
            j = k - 1;
        } else {
            return None;
        }
    }
    // "An official who asked not to be named said": the subject is before "who".
    if let Some(who) = (lo.max(j.saturating_sub(10))..j)
        .rev()
        .find(|&i| toks[i].word && matches!(toks[i].text(text), "who" | "which"))
        && who > lo
        && toks[who..j].iter().all(|t| t.word)
        // Not "in which Ruiz said": there the subject follows.
        && toks.get(who + 1).is_some_and(|t| t.lowercase(text))
        && !lexicon::is_in(&lexicon::PREPOSITIONS, toks[who - 1].text(text))
    {
        return np_backward(text, toks, lo, who);
    }
    let end = j;
    let mut s = j;
    while s > lo && end - s < 8 {
        let t = toks[s - 1];
        if !t.word {
            break;
        }
        let w = lower(text, t);
        let boundary = matches!(
            w.as_str(),
            "and"
                | "but"
                | "that"
                | "which"
                | "who"
                | "when"
                | "while"
                | "because"
                | "as"
                | "if"
                | "so"
                | "where"
                | "after"
                | "before"
                | "since"
                | "although"
                | "though"
                | "what"
                | "how"
                | "why"
        ) || (t.lowercase(text)
            && lexicon::speech_verb(&w).is_some()
            && !noun_or_infinitive(text, toks, s - 1));
        if boundary {
            break;
        }
        s -= 1;
    }
    if s == end {
        return None;
    }
    // "The radio host has in the past described": the subject ends at the auxiliary.
    if let Some(aux) = (s + 1..end).find(|&i| {
        toks[i].lowercase(text)
            && matches!(
                lower(text, toks[i]).as_str(),
                "has" | "have" | "had" | "was" | "is" | "were" | "are" | "will" | "would"
            )
    }) {
        return Some(toks[s].start..toks[aux - 1].end);
    }
    // Only function words ("to", "both") are no speaker; a pronoun is. Nor is a phrase
    // that starts like a predicate ("is likely to be", "for the racial").
    let np = &toks[s..end];
    let first = lower(text, np[0]);
    if np[0].lowercase(text)
        && (lexicon::is_in(&lexicon::AUXILIARIES, &first)
            || first.ends_with("ing")
            || first.ends_with("n't")
            || first.ends_with("n’t")
            || lexicon::is_in(&lexicon::PREPOSITIONS, &first))
    {
        return None;
    }
    if np.len() == 1 && lexicon::pronoun(np[0].text(text)).is_some() {
        return Some(np[0].start..np[0].end);
    }
    if np.iter().all(|t| {
        lexicon::is_in(&lexicon::NOT_PERSON, t.text(text))
            || lexicon::is_in(&lexicon::NP_STOP, t.text(text))
    }) {
        return None;
    }
    // Leading lower-case words that are not part of a noun phrase ("then Ruiz said").
    while s + 1 < end && toks[s].lowercase(text) && {
        let w = lower(text, toks[s]);
        !lexicon::is_in(&lexicon::DETERMINERS, &w)
            && !matches!(
                w.as_str(),
                "one"
                    | "two"
                    | "three"
                    | "several"
                    | "many"
                    | "some"
                    | "other"
                    | "another"
                    | "local"
            )
            && !toks[s + 1..end].iter().all(|t| t.lowercase(text))
    } {
        s += 1;
    }
    Some(toks[s].start..toks[end - 1].end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::suggest::sentences::sentences;

    /// (quoted text, speaker) for every quote found.
    fn found(text: &str) -> Vec<(String, Option<String>)> {
        let s = sentences(text);
        quotes(text, &s)
            .into_iter()
            .map(|q| (text[q.span].to_owned(), q.speaker.map(|s| s.name)))
            .collect()
    }

    fn one(text: &str) -> (String, Option<String>) {
        let all = found(text);
        assert_eq!(all.len(), 1, "{all:?}");
        all.into_iter().next().unwrap()
    }

    #[test]
    fn every_quote_style_is_found() {
        for (text, quote) in [
            ("\"We are ready,\" said Ana Ruiz.", "\"We are ready,\""),
            ("“We are ready,” said Ana Ruiz.", "“We are ready,”"),
            ("„We are ready“, said Ana Ruiz.", "„We are ready“"),
            ("« We are ready », said Ana Ruiz.", "« We are ready »"),
            ("»We are ready«, said Ana Ruiz.", "»We are ready«"),
            ("「We are ready」 said Ana Ruiz.", "「We are ready」"),
            ("‘We are ready,’ said Ana Ruiz.", "‘We are ready,’"),
            ("'We are ready,' said Ana Ruiz.", "'We are ready,'"),
            ("''We are ready,'' said Ana Ruiz.", "''We are ready,''"),
        ] {
            let all = found(text);
            assert!(all.iter().any(|(q, _)| q == quote), "{text}: {all:?}");
        }
    }

    #[test]
    fn apostrophes_are_not_single_quotes() {
        let text = "The mayor’s plan isn’t ready, and the workers’ union said nothing.";
        assert!(found(text).is_empty(), "{:?}", found(text));
    }

    #[test]
    fn attribution_after_the_quote_in_each_form() {
        for (text, speaker) in [
            (
                "“We are ready to start,” said Mayor Ana Ruiz on Monday.",
                "Ana Ruiz",
            ),
            ("“We are ready to start,” Ana Ruiz said.", "Ana Ruiz"),
            (
                "“We are ready to start,” Ana Ruiz told reporters.",
                "Ana Ruiz",
            ),
            (
                "“We are ready to start,” Ana Ruiz, the director, said.",
                "Ana Ruiz",
            ),
            (
                "“We are ready to start,” Ana Ruiz wrote on Twitter.",
                "Ana Ruiz",
            ),
            (
                "“We are ready to start,” according to Dr. Ana Ruiz.",
                "Ana Ruiz",
            ),
            (
                "“We are ready to start,” the president said.",
                "the president",
            ),
            ("“Are we ready to start?” asked Ana Ruiz.", "Ana Ruiz"),
            (
                "“We are ready to start,” Ana Ruiz has also insisted.",
                "Ana Ruiz",
            ),
            (
                "“We are ready,” said the mayor of the town, Ana Ruiz.",
                "Ana Ruiz",
            ),
        ] {
            assert_eq!(one(text).1.as_deref(), Some(speaker), "{text}");
        }
    }

    #[test]
    fn attribution_before_the_quote_in_each_form() {
        for (text, speaker) in [
            ("Ana Ruiz said: “We are ready to start.”", "Ana Ruiz"),
            (
                "The minister told reporters: “We are ready to start.”",
                "The minister",
            ),
            (
                "According to Ana Ruiz, “we are ready to start.”",
                "Ana Ruiz",
            ),
            ("As Ana Ruiz put it, “we are ready to start.”", "Ana Ruiz"),
            (
                "Ana Ruiz called the plan “a costly mistake for everyone.”",
                "Ana Ruiz",
            ),
        ] {
            assert_eq!(one(text).1.as_deref(), Some(speaker), "{text}");
        }
    }

    #[test]
    fn an_interrupted_quote_is_one_quote_from_the_first_mark_to_the_last() {
        // Within a sentence and across the attribution's sentence.
        for text in [
            "Ana Ruiz opened the meeting. “We are ready,” she said, “to start the works.”",
            "Ana Ruiz opened the meeting. “We are ready,” she said. “We start the works.”",
        ] {
            let all = found(text);
            assert_eq!(all.len(), 1, "{all:?}");
            assert!(all[0].0.starts_with("“We are ready,”") && all[0].0.ends_with("works.”"));
            assert_eq!(all[0].1.as_deref(), Some("Ana Ruiz"), "{text}");
        }
        // Two quotes with their own attributions stay two.
        let all = found("“We are ready,” she said. “We are not,” Tom Lee said.");
        assert_eq!(all.len(), 2, "{all:?}");
    }

    #[test]
    fn pronouns_are_the_last_named_person_of_their_gender() {
        let text = "Mayor Ana Ruiz met Mr. Tom Lee at the port. Both spoke briefly.\n\n\
                    “We start in May,” she said.\n\n“The money is there,” he added.";
        assert_eq!(
            found(text),
            [
                ("“We start in May,”".to_owned(), Some("Ana Ruiz".to_owned())),
                (
                    "“The money is there,”".to_owned(),
                    Some("Tom Lee".to_owned())
                )
            ]
        );
    }

    #[test]
    fn a_surname_alone_takes_the_full_name_of_an_earlier_speaker() {
        let text = "“We start in May,” said Ana Ruiz. Later came a vote.\n\n\
                    “The money is there,” Ruiz said.";
        assert_eq!(found(text)[1].1.as_deref(), Some("Ana Ruiz"));
    }

    #[test]
    fn a_quote_over_several_paragraphs_is_one_quote() {
        let text = "Ana Ruiz said:\n\n“The bridge is the first step.\n\n\
                    “The harbour comes next, and then the station.”\n\nThe vote followed.";
        let all = found(text);
        assert_eq!(all.len(), 1, "{all:?}");
        assert!(all[0].0.starts_with("“The bridge") && all[0].0.ends_with("station.”"));
        assert_eq!(all[0].1.as_deref(), Some("Ana Ruiz"));
    }

    #[test]
    fn a_paragraph_that_goes_on_quoting_the_speaker_is_part_of_the_quote() {
        let text = "“We start in May,” said Ana Ruiz.\n\n\
                    “There is money for the bridge and for the harbour as well.”\n\n\
                    The vote is on Friday. “It will pass,” Tom Lee said.";
        let all = found(text);
        assert_eq!(all.len(), 2, "{all:?}");
        assert!(all[0].0.ends_with("as well.”"), "{all:?}");
        assert_eq!(all[0].1.as_deref(), Some("Ana Ruiz"));
        assert_eq!(all[1].1.as_deref(), Some("Tom Lee"));
    }

    #[test]
    fn quoted_words_in_reported_speech_take_the_reported_content() {
        let text = "Ana Ruiz said the plan was “a costly mistake” for the town.";
        assert_eq!(
            found(text),
            [(
                "the plan was “a costly mistake” for the town".to_owned(),
                Some("Ana Ruiz".to_owned())
            )]
        );
    }

    #[test]
    fn harder_attributions() {
        for (text, speaker) in [
            // After an ellipsis, and a loose full stop before a lower-case attribution.
            (
                "“Well, I am going to look at a lot of people…” Ana Ruiz said.",
                "Ana Ruiz",
            ),
            (
                "“We will look at the plans again.” she said. Ana Ruiz left.",
                "she",
            ),
            // Early in the next sentence.
            (
                "“Is this over?” Ana Ruiz asked during the meeting on Monday.",
                "Ana Ruiz",
            ),
            // A participle after a comma: the subject of the sentence.
            (
                "Ana Ruiz backed the plan on Monday, saying it was “the right thing to do.”",
                "Ana Ruiz",
            ),
            // A relative clause between the subject and the verb.
            (
                "An official who asked not to be named said: “The vote is lost.”",
                "An official",
            ),
            // Adverbs between the subject and the verb.
            (
                "Ana Ruiz has since apologized for the delay: “We were wrong.”",
                "Ana Ruiz",
            ),
            // After "in which" the subject follows.
            (
                "Video of a dinner in which Ana Ruiz said: “The bridge is late.”",
                "Ana Ruiz",
            ),
            // A colon after a sentence without a speech verb: its first person.
            (
                "Ana Ruiz took a new line on the bridge: “We will wait a year.”",
                "Ana Ruiz",
            ),
            // Mixed straight and curly marks.
            (
                "“We are ready to start the works,\" said Ana Ruiz.",
                "Ana Ruiz",
            ),
        ] {
            let all = found(text);
            let got = all.first().and_then(|q| q.1.clone());
            // A pronoun with nobody before it stays unresolved.
            if speaker == "she" {
                assert!(got.is_none(), "{text}: {all:?}");
            } else {
                assert_eq!(got.as_deref(), Some(speaker), "{text}: {all:?}");
            }
        }
        // A noun that looks like a speech verb is no attribution.
        let all = found("“We are ready to start the works,” the judge’s remarks went on.");
        assert!(all.iter().all(|q| q.1.is_none()), "{all:?}");
    }

    #[test]
    fn a_quote_without_attribution_guesses_the_person_just_named_with_a_lower_score() {
        let text = "Ana Ruiz spoke to the crowd for an hour.\n\n\
                    “We will build the bridge and the harbour this year, whatever it costs.”";
        let s = sentences(text);
        let all = quotes(text, &s);
        assert_eq!(all.len(), 1);
        let speaker = all[0].speaker.as_ref().expect("a guess");
        assert_eq!(speaker.name, "Ana Ruiz");
        assert!(all[0].score < 0.7 && all[0].reason.contains("no attribution"));
        // With nobody named before, no guess.
        let text = "“We will build the bridge and the harbour this year, whatever it costs.”";
        assert!(quotes(text, &sentences(text))[0].speaker.is_none());
    }

    #[test]
    fn titles_and_scare_quotes_are_not_quotes() {
        assert!(found("She loved the film “The Long Night” and its “twist”.").is_empty());
        // A title before a speech verb is still a title after "on".
        let all = found("Asked on “Morning Harbour,” Ana Ruiz said nothing new.");
        assert!(all.is_empty(), "{all:?}");
    }

    #[test]
    fn an_unclosed_mark_does_not_swallow_the_next_paragraph() {
        let text = "He wrote “a long\n\nThen “We are ready,” said Ana Ruiz.";
        let all = found(text);
        assert_eq!(
            all,
            [("“We are ready,”".to_owned(), Some("Ana Ruiz".to_owned()))]
        );
    }
}
