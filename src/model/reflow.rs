//! Hard-wrapped text: which single newlines are only line wrapping (e-texts, books and
//! mails wrapped at ~70 columns) and can be shown as spaces, and which carry meaning
//! (verse, lists, dialogue, addresses, code). Offsets never change: the reader shows a
//! soft break as a space, the newline stays in the text.

/// Blocks (runs of lines between blank lines) wrapped at a width narrower than this are
/// not taken for prose (verse, addresses, tables of short items).
const MIN_WRAP_WIDTH: usize = 40;
/// Lines longer than this are not hard-wrapped prose (a paragraph per line).
const MAX_WRAP_WIDTH: usize = 120;

/// Char offsets of the newlines in `text` that are soft: inside a block of lines that
/// looks hard-wrapped — most lines but the last end near the same column, most breaks
/// fall inside a sentence, and no line looks like a list item, code or dialogue.
pub fn soft_breaks(text: &str) -> Vec<usize> {
    let mut breaks = Vec::new();
    // (char offset of the line's start, the line) for each line of the current block.
    let mut block: Vec<(usize, &str)> = Vec::new();
    let mut at = 0;
    for line in text.split('\n') {
        let chars = line.chars().count();
        if line.trim().is_empty() {
            decide(&block, &mut breaks);
            block.clear();
        } else {
            block.push((at, line));
        }
        at += chars + 1;
    }
    decide(&block, &mut breaks);
    breaks
}

/// Add the soft breaks of one block (its lines with their start offsets).
fn decide(block: &[(usize, &str)], breaks: &mut Vec<usize>) {
    if block.len() < 2 || !looks_wrapped(block.iter().map(|(_, l)| *l)) {
        return;
    }
    for pair in block.windows(2) {
        let [(start, line), (_, next)] = pair else {
            continue;
        };
        if starts_item(next) {
            continue;
        }
        breaks.push(start + line.chars().count());
    }
}

/// A block is hard-wrapped prose when its lines (all but the last) fill most of one
/// width between 40 and 120 columns, at least half its breaks fall inside a sentence,
/// and it has no list items, code or dialogue lines.
pub fn looks_wrapped<'a>(lines: impl Iterator<Item = &'a str>) -> bool {
    let lines: Vec<&str> = lines.collect();
    let Some((last, body)) = lines.split_last() else {
        return false;
    };
    if body.is_empty() {
        return false;
    }
    let lengths: Vec<usize> = lines.iter().map(|l| l.trim_end().chars().count()).collect();
    let width = lengths.iter().copied().max().unwrap_or(0);
    if !(MIN_WRAP_WIDTH..=MAX_WRAP_WIDTH).contains(&width) {
        return false;
    }
    let full = body
        .iter()
        .filter(|l| l.trim_end().chars().count() * 10 >= width * 7)
        .count();
    if full * 10 < body.len() * 8 {
        return false;
    }
    let mid_sentence = body.iter().filter(|l| !ends_sentence(l.trim_end())).count();
    if mid_sentence * 2 < body.len() {
        return false;
    }
    let _ = last;
    !lines
        .iter()
        .any(|l| looks_like_code(l) || starts_dialogue(l))
        && lines.iter().skip(1).filter(|l| starts_item(l)).count() * 2 < lines.len()
}

fn ends_sentence(line: &str) -> bool {
    line.ends_with(['.', '!', '?', ':', ';', '"', '”', '’', ')'])
}

/// A list item: `-`, `*`, `•`, or a number or letter with `.`/`)`, then a space.
fn starts_item(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ") {
        return true;
    }
    let marker: String = t.chars().take_while(char::is_ascii_alphanumeric).collect();
    !marker.is_empty()
        && marker.len() <= 3
        && (marker.chars().all(|c| c.is_ascii_digit()) || marker.len() == 1)
        && (t[marker.len()..].starts_with(". ") || t[marker.len()..].starts_with(") "))
}

/// Dialogue set as lines of their own: a dash or a quotation mark first.
fn starts_dialogue(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('—') || t.starts_with("– ") || t.starts_with("-- ")
}

/// Code: indented by a tab or four spaces, ending in a brace, or a statement (a
/// semicolon at the end of a line with brackets or `=`).
fn looks_like_code(line: &str) -> bool {
    let end = line.trim_end();
    line.starts_with('\t')
        || line.starts_with("    ")
        || end.ends_with(['{', '}'])
        || (end.ends_with(';') && end.contains(['(', '=', '[']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn newline_offsets(text: &str) -> Vec<usize> {
        text.chars()
            .enumerate()
            .filter(|(_, c)| *c == '\n')
            .map(|(i, _)| i)
            .collect()
    }

    const PROSE: &str = "The ferry left the harbour an hour before dawn, as it had done\n\
every morning for thirty years, and the keeper watched it go from\n\
the gallery of the lighthouse with his coffee going cold in his\n\
hands. Nobody on board looked back at the town.\n\
\n\
By noon the wind had turned and the sea was the colour of slate;\n\
the captain said afterwards that he had never seen it change so\n\
quickly in all his years on the crossing to the island.\n";

    #[test]
    fn hard_wrapped_prose_flows() {
        let breaks = soft_breaks(PROSE);
        let all = newline_offsets(PROSE);
        // Every newline inside a paragraph is soft: 3 in the first, 2 in the second;
        // the blank line and the paragraph ends are not.
        assert_eq!(breaks.len(), 5);
        for b in &breaks {
            assert!(all.contains(b));
            let next = PROSE.chars().nth(b + 1).unwrap();
            assert_ne!(next, '\n');
        }
    }

    #[test]
    fn verse_keeps_its_lines() {
        let verse = "The tide came in at midnight,\nthe lamps went out one by one;\n\
                     the keeper climbed the ladder\nand waited for the sun.\n";
        assert!(soft_breaks(verse).is_empty());
    }

    #[test]
    fn lists_keep_their_lines() {
        let list = "Bring the following items to the harbour office before Friday:\n\
                    - a copy of the mooring licence for the current season\n\
                    - proof of insurance for the vessel and its crew members\n\
                    - the signed form from the harbour master's office window\n";
        assert!(soft_breaks(list).is_empty());
        let numbered = "1. Check the mooring lines and the fenders on the port side\n\
                        2. Check the mooring lines and the fenders on the starboard\n\
                        3. Report anything broken to the harbour master at once\n";
        assert!(soft_breaks(numbered).is_empty());
    }

    #[test]
    fn code_keeps_its_lines() {
        let code = "fn main() {\n    let harbour = Harbour::open(\"north pier\");\n    \
                    harbour.ring_bell(3);\n    println!(\"the ferry has left the pier\");\n}\n";
        assert!(soft_breaks(code).is_empty());
    }

    #[test]
    fn one_line_paragraphs_are_left_alone() {
        let news = "The council met on Tuesday.\nIt voted to close the pier in March.\n\
                    Islanders said they would appeal the decision.\n";
        assert!(soft_breaks(news).is_empty());
        let long = format!("{}\n{}\n", "word ".repeat(60), "more ".repeat(50));
        assert!(
            soft_breaks(&long).is_empty(),
            "lines longer than any wrap width"
        );
    }

    #[test]
    fn dialogue_keeps_its_lines() {
        let dialogue = "— Where is the keeper tonight, and why is the lamp not lit yet\n\
                        — He went down to the village at six and has not come back\n\
                        — Then we light it ourselves, and we wait for him up here\n";
        assert!(soft_breaks(dialogue).is_empty());
    }

    #[test]
    fn multibyte_text_counts_chars() {
        let text = "Zoë walked along the quay past the café and the old fish market,\n\
                    thinking about the letter that had come that morning from Tromsø.\n";
        assert_eq!(soft_breaks(text), vec![64]);
        assert_eq!(text.chars().nth(64), Some('\n'));
    }
}
