//! brat standoff: a folder of `ID.txt` + `ID.ann` per article and `annotation.conf`.

use std::path::Path;

use super::{ExportError, live};
use crate::model::{Document, Session, Text};

/// The `.ann` standoff text of one document. Spans that cross line breaks become
/// discontinuous fragments, as brat requires.
pub fn brat_ann(session: &Session, doc: &Document) -> String {
    let mut out = String::new();
    let mut note_n = 0;
    let mut attr_n = 0;
    let mut t_of = std::collections::HashMap::new();
    for (n, a) in live(doc).enumerate() {
        let t = n + 1;
        t_of.insert(a.id, t);
        let fragments = brat_fragments(&doc.article.text, a.start, a.end);
        let ranges: Vec<String> = fragments.iter().map(|(s, e)| format!("{s} {e}")).collect();
        let text: Vec<&str> = fragments
            .iter()
            .filter_map(|&(s, e)| doc.article.text.slice(s..e))
            .collect();
        out.push_str(&format!(
            "T{t}\t{} {}\t{}\n",
            brat_type(&a.label),
            ranges.join(";"),
            text.join(" ")
        ));
        for (key, value) in &a.attributes {
            if value.is_empty() {
                continue;
            }
            if is_brat_attribute(session, &a.label, key, value) {
                attr_n += 1;
                out.push_str(&format!(
                    "A{attr_n}\t{} T{t} {}\n",
                    brat_type(key),
                    brat_type(value)
                ));
            } else {
                note_n += 1;
                out.push_str(&format!(
                    "#{note_n}\tAnnotatorNotes T{t}\t{}: {}\n",
                    one_line(key),
                    one_line(value)
                ));
            }
        }
        if !a.note.is_empty() {
            note_n += 1;
            out.push_str(&format!(
                "#{note_n}\tAnnotatorNotes T{t}\t{}\n",
                one_line(&a.note)
            ));
        }
    }
    // Relations with both ends in this article (brat cannot link documents).
    let mut r_n = 0;
    for r in session.relations.iter() {
        if let (Some(from), Some(to)) = (t_of.get(&r.from), t_of.get(&r.to)) {
            r_n += 1;
            out.push_str(&format!(
                "R{r_n}\t{} Arg1:T{from} Arg2:T{to}\n",
                brat_type(&r.kind)
            ));
            // Attributes as for spans: choice values as `A` lines, others as notes.
            for (key, value) in r.attributes.iter().filter(|(_, v)| !v.is_empty()) {
                if is_brat_relation_attribute(session, &r.kind, key, value) {
                    attr_n += 1;
                    out.push_str(&format!(
                        "A{attr_n}\t{} R{r_n} {}\n",
                        brat_type(key),
                        brat_type(value)
                    ));
                } else {
                    note_n += 1;
                    out.push_str(&format!(
                        "#{note_n}\tAnnotatorNotes R{r_n}\t{}: {}\n",
                        one_line(key),
                        one_line(value)
                    ));
                }
            }
            if !r.note.is_empty() {
                note_n += 1;
                out.push_str(&format!(
                    "#{note_n}\tAnnotatorNotes R{r_n}\t{}\n",
                    one_line(&r.note)
                ));
            }
        }
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A brat type, attribute or value name: brat's files are tab- and line-separated and
/// use `:`, `,`, `|` and `=` as syntax, so anything but a letter, digit, `-`, `_` or `.`
/// becomes `_`.
fn brat_type(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() {
        "_".to_owned()
    } else {
        safe
    }
}

fn brat_fragments(text: &Text, start: usize, end: usize) -> Vec<(usize, usize)> {
    let Some(span) = text.slice(start..end) else {
        return Vec::new();
    };
    let mut fragments = Vec::new();
    let mut at = start;
    for line in span.split('\n') {
        let len = line.chars().count();
        let trimmed_start = line.chars().take_while(|c| c.is_whitespace()).count();
        let trimmed_end = line.chars().rev().take_while(|c| c.is_whitespace()).count();
        if trimmed_start < len {
            fragments.push((at + trimmed_start, at + len - trimmed_end));
        }
        at += len + 1;
    }
    fragments
}

/// Whether an attribute is written as a brat `A` line (a one-word value of an
/// attribute the label declares with choices); the others go into notes.
fn is_brat_attribute(session: &Session, label: &str, key: &str, value: &str) -> bool {
    !value.is_empty()
        && value.split_whitespace().count() == 1
        && session.label(label).is_some_and(|l| {
            l.attributes
                .iter()
                .any(|s| s.key == key && !s.choices.is_empty())
        })
}

/// [`is_brat_attribute`] for a relation's attribute (declared on its type).
fn is_brat_relation_attribute(session: &Session, kind: &str, key: &str, value: &str) -> bool {
    !value.is_empty()
        && value.split_whitespace().count() == 1
        && session.relation_type(kind).is_some_and(|t| {
            t.attributes
                .iter()
                .any(|s| s.key == key && !s.choices.is_empty())
        })
}

/// brat's `annotation.conf` for the session: every label (and any id annotations use),
/// any span allowed to overlap, nest in or cross any other (as Gloss allows, so brat's
/// `validate:all` accepts every session), the relation types with their argument
/// labels, and each `A` attribute with every value the session writes for it.
pub fn brat_conf(session: &Session) -> String {
    let mut out = String::from("[entities]\n");
    let mut entities: Vec<String> = session.labels.iter().map(|l| brat_type(&l.id)).collect();
    for doc in &session.documents {
        for a in live(doc) {
            let t = brat_type(&a.label);
            if !entities.contains(&t) {
                entities.push(t);
            }
        }
    }
    for entity in &entities {
        out.push_str(entity);
        out.push('\n');
    }
    out.push_str("\n[relations]\n");
    out.push_str("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n");
    // `<ENTITY>` is brat's "any entity type"; alternatives are separated by `|`.
    let arg = |labels: &[String]| {
        if labels.is_empty() {
            "<ENTITY>".to_owned()
        } else {
            labels
                .iter()
                .map(|l| brat_type(l))
                .collect::<Vec<_>>()
                .join("|")
        }
    };
    for kind in &session.relation_types {
        out.push_str(&format!(
            "{}\tArg1:{}, Arg2:{}\n",
            brat_type(&kind.id),
            arg(&kind.from_labels),
            arg(&kind.to_labels)
        ));
    }
    out.push_str("\n[events]\n\n[attributes]\n");
    // Per attribute: the labels that carry it and every value written.
    let mut attributes: std::collections::BTreeMap<String, (Vec<String>, Vec<String>)> =
        std::collections::BTreeMap::new();
    for label in &session.labels {
        for spec in label.attributes.iter().filter(|s| !s.choices.is_empty()) {
            let entry = attributes.entry(brat_type(&spec.key)).or_default();
            let l = brat_type(&label.id);
            if !entry.0.contains(&l) {
                entry.0.push(l);
            }
            for c in &spec.choices {
                let c = brat_type(c);
                if !entry.1.contains(&c) {
                    entry.1.push(c);
                }
            }
        }
    }
    for kind in &session.relation_types {
        for spec in kind.attributes.iter().filter(|s| !s.choices.is_empty()) {
            let entry = attributes.entry(brat_type(&spec.key)).or_default();
            let t = brat_type(&kind.id);
            if !entry.0.contains(&t) {
                entry.0.push(t);
            }
            for c in &spec.choices {
                let c = brat_type(c);
                if !entry.1.contains(&c) {
                    entry.1.push(c);
                }
            }
        }
    }
    for r in session.relations.iter() {
        for (key, value) in &r.attributes {
            if is_brat_relation_attribute(session, &r.kind, key, value)
                && let Some(entry) = attributes.get_mut(&brat_type(key))
            {
                let v = brat_type(value);
                if !entry.1.contains(&v) {
                    entry.1.push(v);
                }
            }
        }
    }
    for doc in &session.documents {
        for a in live(doc) {
            for (key, value) in &a.attributes {
                if is_brat_attribute(session, &a.label, key, value)
                    && let Some(entry) = attributes.get_mut(&brat_type(key))
                {
                    let v = brat_type(value);
                    if !entry.1.contains(&v) {
                        entry.1.push(v);
                    }
                }
            }
        }
    }
    for (key, (labels, values)) in attributes {
        out.push_str(&format!(
            "{key}\tArg:{}, Value:{}\n",
            labels.join("|"),
            values.join("|")
        ));
    }
    out
}

/// A file name for an article id: ids come from files, so anything that is not a
/// letter, digit, `-` or `_` becomes `_` (no `..`, no separators), and a name already
/// used gets a number.
fn brat_file_stem(id: &str, used: &mut std::collections::BTreeSet<String>) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let base = if safe.is_empty() {
        "article".to_owned()
    } else {
        safe
    };
    let stem = std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}-{n}")))
        .find(|name| !used.contains(name))
        .unwrap_or(base);
    used.insert(stem.clone());
    stem
}

/// Write the brat folder: `ID.txt` + `ID.ann` per article and `annotation.conf`, all or
/// nothing, never replacing a file unless `replace` ([`super::write_folder`]).
pub fn write_brat(session: &Session, folder: &Path, replace: bool) -> Result<(), ExportError> {
    let mut used = std::collections::BTreeSet::new();
    let mut files: Vec<(String, String)> = Vec::new();
    for doc in &session.documents {
        let stem = brat_file_stem(&doc.article.id, &mut used);
        files.push((format!("{stem}.txt"), doc.article.text.as_str().to_owned()));
        files.push((format!("{stem}.ann"), brat_ann(session, doc)));
    }
    files.push(("annotation.conf".to_owned(), brat_conf(session)));
    super::write_folder(&files, folder, replace)
}
