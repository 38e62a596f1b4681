//! Import of brat standoff: a folder of `NAME.ann` files with their `NAME.txt` beside
//! them (and `annotation.conf`, if any), or one `.ann` file. Offsets are code points of
//! the `.txt` file as it is (brat counts Python string indices).
//!
//! `T` text-bound annotations become spans (a discontinuous one becomes one span from its
//! first fragment to its last, with a note listing the fragments, unless only line breaks
//! and spaces lie between them — which is how Gloss writes a span over several lines);
//! `R` relations become relations; `A`/`M` attributes become attributes (`true` for a
//! binary one); `#` notes become the note of their annotation or relation, except a
//! `key: value` note whose key the label declares as an attribute, which becomes that
//! attribute (how Gloss writes free-text attributes); `N` normalizations become
//! attributes `norm:RESOURCE` = `ID (text)`. Events (`E`) and equivalences (`*`) have no
//! place in Gloss: invalid records. With an `annotation.conf`, a type its `[entities]`
//! does not declare is invalid too. Only `.ann`/`.txt` files directly in the folder are
//! read, never through a symbolic link.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{ImportError, Imported, Tally, add_document, match_label, match_relation_type};
use crate::formats::input::{MAX_IMPORT_BYTES, read_regular_text};
use crate::model::{
    Annotation, AnnotationId, Article, ArticleIds, Document, Relation, RelationId, Session, Text,
};

pub(super) fn import_brat(path: &Path, mut tally: Tally<'_>) -> Result<Imported, ImportError> {
    let read_err = |path: &Path, e: crate::formats::input::InputError| ImportError::Read {
        path: path.to_owned(),
        reason: e.into_io(),
    };
    let meta = std::fs::symlink_metadata(path).map_err(|reason| ImportError::Read {
        path: path.to_owned(),
        reason,
    })?;
    let (folder, anns): (PathBuf, Vec<PathBuf>) = if meta.is_dir() {
        let mut anns: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|reason| ImportError::Read {
                path: path.to_owned(),
                reason,
            })?
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "ann"))
            .collect();
        anns.sort();
        (path.to_owned(), anns)
    } else {
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_owned();
        (folder, vec![path.to_owned()])
    };
    if anns.is_empty() {
        return Err(tally.fatal("no .ann files in the folder (brat standoff)".to_owned()));
    }
    let conf_path = folder.join("annotation.conf");
    let declared: Option<HashSet<String>> = match std::fs::symlink_metadata(&conf_path) {
        Ok(m) if m.is_file() => {
            let conf = read_regular_text(&conf_path, MAX_IMPORT_BYTES)
                .map_err(|e| read_err(&conf_path, e))?;
            Some(entities_of(&conf))
        }
        _ => None,
    };
    let mut session = Session::new();
    let mut article_ids = ArticleIds::default();
    let mut moved = Vec::new();
    let mut next_id = 1u64;
    for ann_path in &anns {
        let name = ann_path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let txt_path = ann_path.with_extension("txt");
        let text = match std::fs::symlink_metadata(&txt_path) {
            Ok(m) if m.is_file() => read_regular_text(&txt_path, MAX_IMPORT_BYTES)
                .map_err(|e| read_err(&txt_path, e))?,
            _ => {
                tally.invalid(format!(
                    "{name}: its text {} is missing (or not a regular file)",
                    txt_path
                        .file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                ))?;
                continue;
            }
        };
        let ann =
            read_regular_text(ann_path, MAX_IMPORT_BYTES).map_err(|e| read_err(ann_path, e))?;
        let stem = ann_path.file_stem().map_or_else(
            || "article".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        );
        let id = article_ids.claim(&crate::model::article_id_from(&stem));
        let title: String = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim().chars().take(80).collect())
            .unwrap_or_else(|| id.clone());
        let mut doc = Document::new(Article::new(
            &id,
            &title,
            &txt_path.to_string_lossy(),
            Text::new(text),
        ));
        let mut file = FileImport {
            name: &name,
            doc: &doc,
            declared: declared.as_ref(),
            next_id: &mut next_id,
            spans: BTreeMap::new(),
            relations: BTreeMap::new(),
        };
        file.read(&ann, &mut session, &mut tally)?;
        let FileImport {
            spans, relations, ..
        } = file;
        let ids: HashMap<&str, AnnotationId> =
            spans.iter().map(|(k, a)| (k.as_str(), a.id)).collect();
        let mut list: Vec<Annotation> = spans.values().cloned().collect();
        list.sort_by_key(Annotation::sort_key);
        doc.annotations = list.into();
        for (_, r) in relations {
            let (Some(&from), Some(&to)) = (ids.get(r.from.as_str()), ids.get(r.to.as_str()))
            else {
                continue;
            };
            let rid = RelationId(next_id);
            next_id += 1;
            session.relations.push(Relation {
                id: rid,
                kind: r.kind,
                from,
                to,
                note: r.note,
                attributes: r.attributes,
                created: tally.now,
                modified: tally.now,
            });
        }
        add_document(&mut session, doc, &mut moved);
    }
    if session.documents.is_empty() {
        return Err(tally.fatal("no article could be imported".to_owned()));
    }
    session.next_id = next_id;
    session.fix_next_id();
    Ok(tally.finish(session, moved))
}

/// The entity types `[entities]` declares (names, hierarchy flattened).
fn entities_of(conf: &str) -> HashSet<String> {
    let mut section = String::new();
    let mut out = HashSet::new();
    for line in conf.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') {
            section = t.to_owned();
            continue;
        }
        if section == "[entities]" {
            let name = t.trim_start_matches('!');
            if let Some(first) = name.split_whitespace().next() {
                out.insert(first.to_owned());
            }
        }
    }
    out
}

/// A relation read from an `.ann` file, its ends by brat id.
struct PendingRelation {
    kind: String,
    from: String,
    to: String,
    note: String,
    attributes: BTreeMap<String, String>,
}

struct FileImport<'a> {
    name: &'a str,
    doc: &'a Document,
    declared: Option<&'a HashSet<String>>,
    next_id: &'a mut u64,
    /// `T` id → annotation.
    spans: BTreeMap<String, Annotation>,
    /// `R` id → relation.
    relations: BTreeMap<String, PendingRelation>,
}

impl FileImport<'_> {
    fn read(
        &mut self,
        ann: &str,
        session: &mut Session,
        tally: &mut Tally<'_>,
    ) -> Result<(), ImportError> {
        let lines: Vec<(usize, &str)> = ann
            .lines()
            .enumerate()
            .map(|(n, l)| (n + 1, l.trim_end_matches('\r')))
            .filter(|(_, l)| !l.trim().is_empty())
            .collect();
        // Spans first, then relations, then what refers to them.
        for &(n, line) in &lines {
            if line.starts_with('T') {
                tally.annotations_read += 1;
                if let Err(m) = self.span(line, session) {
                    tally.invalid(format!("{} line {n}: {m}", self.name))?;
                }
            }
        }
        for &(n, line) in &lines {
            if line.starts_with('R') {
                tally.relations_read += 1;
                if let Err(m) = self.relation(line, session) {
                    tally.invalid(format!("{} line {n}: {m}", self.name))?;
                }
            }
        }
        for &(n, line) in &lines {
            let result = match line.chars().next() {
                Some('T' | 'R') => Ok(()),
                Some('A' | 'M') => self.attribute(line),
                Some('#') => self.note(line, session),
                Some('N') => self.normalization(line),
                Some('E') => Err("an event (E); Gloss has no events".to_owned()),
                Some('*') => Err("an equivalence (*); Gloss has no equivalence sets".to_owned()),
                _ => Err(format!(
                    "not a brat annotation line: {:?}",
                    line.chars().take(40).collect::<String>()
                )),
            };
            if let Err(m) = result {
                tally.invalid(format!("{} line {n}: {m}", self.name))?;
            }
        }
        Ok(())
    }

    fn span(&mut self, line: &str, session: &mut Session) -> Result<(), String> {
        let mut parts = line.splitn(3, '\t');
        let (id, middle, quote) = (
            parts.next().unwrap_or_default(),
            parts.next().ok_or("no tab after the id")?,
            parts.next().ok_or("no text after the offsets")?,
        );
        let (kind, ranges) = middle.split_once(' ').ok_or("no offsets after the type")?;
        if let Some(declared) = self.declared
            && !declared.contains(kind)
        {
            return Err(format!(
                "{id} type {kind:?} is not in annotation.conf's [entities]"
            ));
        }
        let mut fragments = Vec::new();
        for range in ranges.split(';') {
            let (s, e) = range
                .trim()
                .split_once(' ')
                .ok_or_else(|| format!("{id}: offsets {range:?} are not \"START END\""))?;
            let (s, e): (usize, usize) = (
                s.parse()
                    .map_err(|_| format!("{id}: {s:?} is not an offset"))?,
                e.parse()
                    .map_err(|_| format!("{id}: {e:?} is not an offset"))?,
            );
            if s >= e {
                return Err(format!("{id}: fragment {s}–{e} is empty or reversed"));
            }
            fragments.push((s, e));
        }
        let text = &self.doc.article.text;
        let mut pieces = Vec::new();
        for &(s, e) in &fragments {
            pieces.push(text.slice(s..e).ok_or_else(|| {
                format!(
                    "{id}: {s}–{e} is outside the text ({} code points)",
                    text.char_len()
                )
            })?);
        }
        if pieces.join(" ") != quote {
            return Err(format!(
                "{id}: its text {quote:?} is not what the .txt has at its offsets ({:?})",
                pieces.join(" ")
            ));
        }
        let start = fragments.iter().map(|f| f.0).min().unwrap_or(0);
        let end = fragments.iter().map(|f| f.1).max().unwrap_or(0);
        let gaps_blank = fragments.windows(2).all(|w| {
            text.slice(w[0].1.min(w[1].0)..w[1].0.max(w[0].1))
                .is_some_and(|g| g.trim().is_empty())
        });
        let note = if fragments.len() > 1 && !gaps_blank {
            format!(
                "discontinuous in brat: {}",
                fragments
                    .iter()
                    .map(|(s, e)| format!("{s}–{e}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            String::new()
        };
        let label = match_label(session, kind);
        let mut a = Annotation {
            id: AnnotationId(*self.next_id),
            label,
            start,
            end,
            text: text.slice(start..end).unwrap_or_default().to_owned(),
            prefix: String::new(),
            suffix: String::new(),
            note,
            attributes: BTreeMap::new(),
            created: crate::model::Timestamp::now(),
            modified: crate::model::Timestamp::now(),
            orphan: false,
        };
        a.refresh_context(text);
        if self.spans.contains_key(id) {
            return Err(format!("{id} appears twice"));
        }
        *self.next_id += 1;
        self.spans.insert(id.to_owned(), a);
        Ok(())
    }

    fn relation(&mut self, line: &str, session: &mut Session) -> Result<(), String> {
        let (id, rest) = line.split_once('\t').ok_or("no tab after the id")?;
        let mut words = rest.split_whitespace();
        let kind = words.next().ok_or("no relation type")?;
        let mut arg = |name: &str| {
            words
                .next()
                .and_then(|w| w.split_once(':'))
                .map(|(_, t)| t.to_owned())
                .ok_or_else(|| format!("{id}: no {name}"))
        };
        let (from, to) = (arg("Arg1")?, arg("Arg2")?);
        for end in [&from, &to] {
            if !self.spans.contains_key(end) {
                return Err(format!(
                    "{id}: its argument {end} is not a text-bound annotation of this file"
                ));
            }
        }
        if from == to {
            return Err(format!("{id}: it links {from} to itself"));
        }
        let kind = match_relation_type(session, kind);
        if self
            .relations
            .values()
            .any(|r| r.kind == kind && r.from == from && r.to == to)
        {
            return Err(format!(
                "{id}: it repeats a {kind} link from {from} to {to}"
            ));
        }
        self.relations.insert(
            id.to_owned(),
            PendingRelation {
                kind,
                from,
                to,
                note: String::new(),
                attributes: BTreeMap::new(),
            },
        );
        Ok(())
    }

    fn attributes_of(&mut self, target: &str) -> Result<&mut BTreeMap<String, String>, String> {
        if let Some(a) = self.spans.get_mut(target) {
            return Ok(&mut a.attributes);
        }
        if let Some(r) = self.relations.get_mut(target) {
            return Ok(&mut r.attributes);
        }
        Err(format!(
            "its target {target} is not an annotation of this file"
        ))
    }

    fn attribute(&mut self, line: &str) -> Result<(), String> {
        let (_, rest) = line.split_once('\t').ok_or("no tab after the id")?;
        let mut words = rest.split_whitespace();
        let key = words.next().ok_or("no attribute name")?.to_owned();
        let target = words.next().ok_or("no target")?.to_owned();
        let value = words.next().unwrap_or("true").to_owned();
        self.attributes_of(&target)?.insert(key, value);
        Ok(())
    }

    fn normalization(&mut self, line: &str) -> Result<(), String> {
        let mut parts = line.splitn(3, '\t');
        let _ = parts.next();
        let middle = parts.next().ok_or("no tab after the id")?;
        let shown = parts.next().unwrap_or_default();
        let mut words = middle.split_whitespace();
        let _reference = words.next();
        let target = words.next().ok_or("no target")?.to_owned();
        let (resource, entry) = words
            .next()
            .and_then(|w| w.split_once(':'))
            .ok_or("no RESOURCE:ID")?;
        let value = if shown.is_empty() {
            entry.to_owned()
        } else {
            format!("{entry} ({shown})")
        };
        self.attributes_of(&target)?
            .insert(format!("norm:{resource}"), value);
        Ok(())
    }

    fn note(&mut self, line: &str, session: &Session) -> Result<(), String> {
        let mut parts = line.splitn(3, '\t');
        let _ = parts.next();
        let middle = parts.next().ok_or("no tab after the id")?;
        let text = parts.next().unwrap_or_default().to_owned();
        let target = middle
            .split_whitespace()
            .nth(1)
            .ok_or("no target")?
            .to_owned();
        // `key: value` of an attribute the label declares: that attribute.
        if let Some(a) = self.spans.get_mut(&target) {
            if let Some((key, value)) = text.split_once(": ")
                && session
                    .label(&a.label)
                    .is_some_and(|l| l.attributes.iter().any(|s| s.key == key))
                && !a.attributes.contains_key(key)
            {
                a.attributes.insert(key.to_owned(), value.to_owned());
                return Ok(());
            }
            append(&mut a.note, &text);
            return Ok(());
        }
        if let Some(r) = self.relations.get_mut(&target) {
            if let Some((key, value)) = text.split_once(": ")
                && session
                    .relation_type(&r.kind)
                    .is_some_and(|t| t.attributes.iter().any(|s| s.key == key))
                && !r.attributes.contains_key(key)
            {
                r.attributes.insert(key.to_owned(), value.to_owned());
                return Ok(());
            }
            append(&mut r.note, &text);
            return Ok(());
        }
        Err(format!(
            "its target {target} is not an annotation of this file"
        ))
    }
}

fn append(note: &mut String, text: &str) {
    if !note.is_empty() {
        note.push('\n');
    }
    note.push_str(text);
}
