//! Import of W3C Web Annotations: an `AnnotationCollection` (its embedded pages), an
//! `AnnotationPage`, one `Annotation`, or a JSON array of them. Nothing is fetched.
//!
//! Texts: our export carries the articles in `gloss:articles`; for annotations from other
//! tools, a `target.source` that is a relative path or a `file:` URL naming an article
//! file (`.txt`, `.md`, `.html`) in the imported file's own folder is read — nowhere else
//! (no `..`, no absolute paths outside it, no symbolic links). Selectors: a
//! `TextPositionSelector` (code points) is checked against the `TextQuoteSelector`; when
//! they disagree, or there is only a quote, the annotation is placed by its quote and
//! context (and reported). Bodies: `tagging` is the label, `commenting` the note,
//! `describing` `key: value` an attribute, a bare string or `bodyValue` the note; an
//! annotation without a tag gets the label `highlight`. `linking` annotations whose
//! target and `SpecificResource` body are annotations of the file are relations.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{ImportError, Imported, Tally, match_label, match_relation_type};
use crate::formats::export::w3c::ARTICLES_PROPERTY;
use crate::model::{
    Annotation, AnnotationId, Article, ArticleIds, Document, MAX_ANNOTATION_ID, Relation,
    RelationId, Session, Text, Timestamp, article_id_from,
};

/// The label of annotations without a tag.
const UNTAGGED: &str = "highlight";

pub(super) fn import_w3c(data: &str, mut tally: Tally<'_>) -> Result<Imported, ImportError> {
    let root: Value = serde_json::from_str(data.trim_start_matches('\u{feff}'))
        .map_err(|e| super::malformed(tally.path(), "W3C JSON", 0, &e))?;
    let (items, articles) = collect(&root).map_err(|m| tally.fatal(m))?;
    let mut session = Session::new();
    let mut article_ids = ArticleIds::default();
    // Articles the file carries, by their target source.
    let mut docs: Vec<Document> = Vec::new();
    let mut by_source: HashMap<String, usize> = HashMap::new();
    for a in articles {
        let Some(text) = a.get("text").and_then(Value::as_str) else {
            continue;
        };
        let wanted = a
            .get("id")
            .and_then(Value::as_str)
            .map_or_else(|| format!("article-{}", docs.len() + 1), article_id_from);
        let id = article_ids.claim(&wanted);
        let title = a
            .get("title")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .unwrap_or(&id)
            .to_owned();
        let source = a.get("source").and_then(Value::as_str).unwrap_or_default();
        let keep_source = if source.starts_with("http://") || source.starts_with("https://") {
            source
        } else {
            ""
        };
        by_source.insert(source.to_owned(), docs.len());
        by_source.insert(format!("urn:gloss:article:{wanted}"), docs.len());
        docs.push(Document::new(Article::new(
            &id,
            &title,
            keep_source,
            Text::new(text),
        )));
    }

    // Ids `urn:gloss:annotation:N` keep N when free: reserve them first.
    let mut reserved: HashSet<u64> = HashSet::new();
    for item in &items {
        if let Some(n) = item.get("id").and_then(Value::as_str).and_then(our_number) {
            reserved.insert(n);
        }
    }
    let mut ids = Ids {
        reserved,
        taken: HashSet::new(),
        next: 0,
    };
    let mut by_id: HashMap<String, AnnotationId> = HashMap::new();
    let mut placed: Vec<Vec<Annotation>> = vec![Vec::new(); docs.len()];
    let mut links = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let name = match item.get("id").and_then(Value::as_str) {
            Some(id) => format!("annotation {id}"),
            None => format!("annotation #{}", k + 1),
        };
        if is_linking(item) {
            tally.relations_read += 1;
            links.push((name, item));
            continue;
        }
        tally.annotations_read += 1;
        let result = annotation(
            item,
            &mut session,
            &mut docs,
            &mut placed,
            &mut by_source,
            &mut article_ids,
            tally.path(),
            tally.now,
        );
        match result {
            Ok((doc, mut a)) => {
                a.id = AnnotationId(ids.take(item.get("id").and_then(Value::as_str)));
                if let Some(id) = item.get("id").and_then(Value::as_str) {
                    by_id.insert(id.to_owned(), a.id);
                }
                placed[doc].push(a);
            }
            Err(message) => tally.invalid(format!("{name}: {message}"))?,
        }
    }
    let mut moved = Vec::new();
    for (mut doc, list) in docs.into_iter().zip(placed) {
        doc.annotations = list.into();
        doc.sort();
        for (aid, how) in doc.reanchor_all() {
            moved.push((doc.article.id.clone(), aid, how));
        }
        session.documents.push(doc);
    }
    let mut seen = HashSet::new();
    for (name, item) in links {
        let wanted = item.get("id").and_then(Value::as_str);
        match relation(item, &by_id, &mut session, tally.now) {
            Ok(mut r) => {
                if !seen.insert((r.kind.clone(), r.from, r.to)) {
                    tally.invalid(format!("{name}: it repeats a {} link", r.kind))?;
                    continue;
                }
                r.id = RelationId(ids.take(wanted));
                session.relations.push(r);
            }
            Err(message) => tally.invalid(format!("{name}: {message}"))?,
        }
    }
    if session.documents.is_empty() {
        return Err(tally.fatal("no annotations or articles in the file".to_owned()));
    }
    let mut relations: Vec<Relation> = session.relations.iter().cloned().collect();
    relations.sort_by_key(|r| r.id);
    session.relations = relations.into();
    session.fix_next_id();
    Ok(tally.finish(session, moved))
}

fn push_page<'a>(page: &'a Value, items: &mut Vec<&'a Map<String, Value>>) {
    if let Some(list) = page.get("items").and_then(Value::as_array) {
        items.extend(list.iter().filter_map(Value::as_object));
    }
}

type Objects<'a> = Vec<&'a Map<String, Value>>;

/// The annotations of the file and the articles it carries.
fn collect(root: &Value) -> Result<(Objects<'_>, Objects<'_>), String> {
    let articles: Vec<&Map<String, Value>> = root
        .get(ARTICLES_PROPERTY)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let mut items = Vec::new();
    match root {
        Value::Array(list) => items.extend(list.iter().filter_map(Value::as_object)),
        Value::Object(obj) => match kind(obj).as_str() {
            "AnnotationCollection" => {
                // Embedded pages only: `first`, then each `next` that is an object.
                let mut page = obj.get("first");
                let mut guard = 0;
                while let Some(p @ Value::Object(_)) = page {
                    push_page(p, &mut items);
                    page = p.get("next");
                    guard += 1;
                    if guard > 100_000 {
                        break;
                    }
                }
            }
            "AnnotationPage" => push_page(root, &mut items),
            "Annotation" => items.push(obj),
            other => {
                return Err(format!(
                    "not W3C Web Annotation: the top-level type is {other:?} (AnnotationCollection, AnnotationPage or Annotation)"
                ));
            }
        },
        _ => return Err("not W3C Web Annotation: the file is neither an object nor a list".into()),
    }
    Ok((items, articles))
}

fn kind(obj: &Map<String, Value>) -> String {
    match obj.get("type") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .find(|t| t.starts_with("Annotation"))
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    }
}

fn is_linking(item: &Map<String, Value>) -> bool {
    match item.get("motivation") {
        Some(Value::String(m)) => m == "linking",
        Some(Value::Array(list)) => list.iter().any(|m| m == "linking"),
        _ => false,
    }
}

/// `urn:gloss:annotation:N` or `urn:gloss:relation:N` → N.
fn our_number(id: &str) -> Option<u64> {
    let n: u64 = id
        .strip_prefix("urn:gloss:annotation:")
        .or_else(|| id.strip_prefix("urn:gloss:relation:"))?
        .parse()
        .ok()?;
    (n > 0 && n <= MAX_ANNOTATION_ID).then_some(n)
}

struct Ids {
    reserved: HashSet<u64>,
    taken: HashSet<u64>,
    next: u64,
}

impl Ids {
    fn take(&mut self, wanted: Option<&str>) -> u64 {
        if let Some(n) = wanted.and_then(our_number)
            && self.taken.insert(n)
        {
            return n;
        }
        loop {
            self.next += 1;
            if !self.reserved.contains(&self.next) && self.taken.insert(self.next) {
                return self.next;
            }
        }
    }
}

/// Textual bodies: (tag, note, attributes), and `SpecificResource` sources.
fn bodies(
    item: &Map<String, Value>,
) -> (
    Option<String>,
    String,
    BTreeMap<String, String>,
    Vec<String>,
) {
    let mut tag = None;
    let mut notes: Vec<String> = Vec::new();
    let mut attributes = BTreeMap::new();
    let mut resources = Vec::new();
    if let Some(v) = item.get("bodyValue").and_then(Value::as_str) {
        notes.push(v.to_owned());
    }
    let list: Vec<&Value> = match item.get("body") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    for body in list {
        match body {
            Value::String(s) => notes.push(s.clone()),
            Value::Object(b) => {
                let value = b.get("value").and_then(Value::as_str).unwrap_or_default();
                let purpose = b.get("purpose").and_then(Value::as_str).unwrap_or_default();
                if kind(b) == "SpecificResource"
                    || b.get("source").is_some() && b.get("value").is_none()
                {
                    if let Some(s) = b.get("source").and_then(Value::as_str) {
                        resources.push(s.to_owned());
                    }
                    continue;
                }
                match purpose {
                    "tagging" if tag.is_none() && !value.trim().is_empty() => {
                        tag = Some(value.to_owned());
                    }
                    "describing" => match value.split_once(": ") {
                        Some((k, v)) if !k.is_empty() => {
                            attributes.insert(k.to_owned(), v.to_owned());
                        }
                        _ => notes.push(value.to_owned()),
                    },
                    _ if !value.is_empty() => notes.push(value.to_owned()),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    (tag, notes.join("\n"), attributes, resources)
}

fn times(item: &Map<String, Value>, now: Timestamp) -> (Timestamp, Timestamp) {
    let at = |k: &str| {
        item.get(k)
            .and_then(Value::as_str)
            .and_then(Timestamp::parse)
    };
    let created = at("created").unwrap_or(now);
    (created, at("modified").unwrap_or(created))
}

/// One text annotation: its document (index) and the annotation (id set later).
#[allow(clippy::too_many_arguments)]
fn annotation(
    item: &Map<String, Value>,
    session: &mut Session,
    docs: &mut Vec<Document>,
    placed: &mut Vec<Vec<Annotation>>,
    by_source: &mut HashMap<String, usize>,
    article_ids: &mut ArticleIds,
    path: &Path,
    now: Timestamp,
) -> Result<(usize, Annotation), String> {
    let target = match item.get("target") {
        Some(Value::Array(list)) => list
            .iter()
            .find(|t| t.get("selector").is_some())
            .or_else(|| list.first()),
        other => other,
    }
    .ok_or("it has no target")?;
    let source = match target {
        Value::String(s) => s.as_str(),
        Value::Object(t) => t.get("source").and_then(Value::as_str).unwrap_or_default(),
        _ => "",
    };
    if source.is_empty() {
        return Err("its target has no source".to_owned());
    }
    let doc = match by_source.get(source) {
        Some(&n) => n,
        None => {
            let file = article_file(source, path)?;
            let article = crate::formats::load_article(&file).map_err(|e| e.to_string())?;
            let mut article = article;
            article.id = article_ids.claim(&article.id);
            docs.push(Document::new(article));
            placed.push(Vec::new());
            by_source.insert(source.to_owned(), docs.len() - 1);
            docs.len() - 1
        }
    };
    let selectors: Vec<&Map<String, Value>> = match target.get("selector") {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(one)) => vec![one],
        _ => Vec::new(),
    };
    let quote = selectors.iter().find(|s| kind(s) == "TextQuoteSelector");
    let position = selectors.iter().find(|s| kind(s) == "TextPositionSelector");
    if quote.is_none() && position.is_none() {
        let kinds: Vec<String> = selectors.iter().map(|s| kind(s)).collect();
        return Err(if kinds.is_empty() {
            "its target has no TextQuoteSelector or TextPositionSelector".to_owned()
        } else {
            format!(
                "its selector ({}) is not one Gloss reads: TextQuoteSelector or TextPositionSelector",
                kinds.join(", ")
            )
        });
    }
    let text = &docs[doc].article.text;
    let offset = |key: &str| {
        position
            .and_then(|p| p.get(key))
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    let (start, end) = (offset("start"), offset("end"));
    let exact = quote.and_then(|q| q.get("exact")).and_then(Value::as_str);
    let at_position = start
        .zip(end)
        .and_then(|(s, e)| text.slice(s..e).filter(|_| s < e));
    let (label, note, attributes, _) = bodies(item);
    let label = match_label(session, label.as_deref().unwrap_or(UNTAGGED));
    let (created, modified) = times(item, now);
    let mut a = Annotation {
        id: AnnotationId(0),
        label,
        start: start.unwrap_or(0),
        end: end.unwrap_or(0),
        text: String::new(),
        prefix: String::new(),
        suffix: String::new(),
        note,
        attributes,
        created,
        modified,
        orphan: false,
    };
    match (exact, at_position) {
        (Some(exact), Some(found)) if exact == found => {
            a.text = exact.to_owned();
            a.refresh_context(text);
        }
        (None, Some(found)) => {
            if found.trim().is_empty() {
                return Err("its position selects only whitespace".to_owned());
            }
            a.text = found.to_owned();
            a.refresh_context(text);
        }
        (Some(exact), _) => {
            if exact.trim().is_empty() {
                return Err("its TextQuoteSelector's exact text is empty".to_owned());
            }
            // Disagreeing or missing position: placed by the quote and its context.
            a.text = exact.to_owned();
            let q = quote.ok_or("no quote")?;
            a.prefix = q
                .get("prefix")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            a.suffix = q
                .get("suffix")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let len = text.char_len();
            a.start = a.start.min(len);
            a.end = a.end.clamp(a.start, len);
        }
        (None, None) => {
            return Err(format!(
                "its position {}..{} is outside the text ({} code points)",
                start.unwrap_or(0),
                end.unwrap_or(0),
                text.char_len()
            ));
        }
    }
    Ok((doc, a))
}

/// The article file a foreign annotation's `target.source` names: only a relative path
/// or a `file:` URL inside the imported file's folder, with an article extension, not a
/// symbolic link.
fn article_file(source: &str, path: &Path) -> Result<PathBuf, String> {
    let refuse = |why: &str| {
        Err(format!(
            "its target source {source:?} {why}; Gloss reads article texts only from files beside the imported one"
        ))
    };
    if source.starts_with("urn:") || source.starts_with("http:") || source.starts_with("https:") {
        return refuse("is not a file, and the file carries no text for it");
    }
    let relative = match source.strip_prefix("file://") {
        Some(rest) => percent_decode(rest),
        None => percent_decode(source),
    };
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let folder =
        std::fs::canonicalize(folder).map_err(|e| format!("cannot read its folder: {e}"))?;
    let candidate = if Path::new(&relative).is_absolute() {
        PathBuf::from(&relative)
    } else {
        folder.join(&relative)
    };
    if Path::new(&relative)
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return refuse("goes up out of the folder");
    }
    let Ok(meta) = std::fs::symlink_metadata(&candidate) else {
        return refuse("is not a file there");
    };
    if !meta.is_file() {
        return refuse("is not a regular file (a link, folder or device)");
    }
    if candidate.parent() != Some(folder.as_path()) {
        return refuse("is outside the folder");
    }
    let extension = candidate
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !crate::formats::ARTICLE_EXTENSIONS.contains(&extension.as_str()) {
        return refuse("is not an article file (.txt, .md, .html)");
    }
    Ok(candidate)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or("zz"), 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A `linking` annotation as a relation between two annotations of the file.
fn relation(
    item: &Map<String, Value>,
    by_id: &HashMap<String, AnnotationId>,
    session: &mut Session,
    now: Timestamp,
) -> Result<Relation, String> {
    let from_ref = match item.get("target") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(t)) => t
            .get("source")
            .or_else(|| t.get("id"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    };
    let (tag, note, attributes, resources) = bodies(item);
    let to_ref = resources.first().cloned().unwrap_or_default();
    let end = |r: &str, which: &str| {
        by_id
            .get(r)
            .copied()
            .ok_or_else(|| format!("its {which} {r:?} is not an annotation of the file"))
    };
    let (from, to) = (end(&from_ref, "target")?, end(&to_ref, "linked resource")?);
    if from == to {
        return Err("it links an annotation to itself".to_owned());
    }
    let kind = match_relation_type(session, tag.as_deref().unwrap_or("related"));
    let (created, modified) = times(item, now);
    Ok(Relation {
        id: RelationId(0),
        kind,
        from,
        to,
        note,
        attributes,
        created,
        modified,
    })
}
