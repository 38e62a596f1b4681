//! Which format a file to import is in, from its content (never from its extension
//! alone: our JSONL and doccano's JSONL share `.jsonl`, and taking one for the other
//! dropped every annotation).

use std::collections::HashMap;

use serde::de::IgnoredAny;

use super::ImportFormat;

/// The format of `data`, or why it is not one Gloss imports (naming what it looks like).
pub fn detect(data: &str) -> Result<ImportFormat, String> {
    let body = data.trim_start_matches('\u{feff}').trim_start();
    match body.chars().next() {
        None => Err("the file is empty".to_owned()),
        Some('[') => array_kind(body),
        Some('{') => object_kind(body),
        Some(_) => Err("not JSON or JSON Lines (it does not start with { or [)".to_owned()),
    }
}

/// Top-level keys of one JSON object (values skipped, nothing kept).
fn keys(json: &str) -> Option<Vec<String>> {
    serde_json::from_str::<HashMap<String, IgnoredAny>>(json)
        .ok()
        .map(|m| m.into_keys().collect())
}

fn object_kind(body: &str) -> Result<ImportFormat, String> {
    let first_line = body.lines().next().unwrap_or_default();
    // One object per line: JSON Lines, ours or doccano's.
    if let Some(keys) = keys(first_line) {
        let has = |k: &str| keys.iter().any(|x| x == k);
        let more_lines = body.lines().skip(1).any(|l| !l.trim().is_empty());
        if has("data") && !has("text") && !more_lines {
            return Ok(ImportFormat::LabelStudio);
        }
        if has("articles") && !more_lines {
            return Ok(ImportFormat::Json);
        }
        if has("annotations") || has("sha256") {
            return Ok(ImportFormat::Jsonl);
        }
        if has("label") || has("entities") || (has("text") && !has("@context")) {
            return Ok(ImportFormat::Doccano);
        }
        if looks_w3c(&keys) {
            return Ok(ImportFormat::W3c);
        }
        return Err(describe(&keys));
    }
    // One document over many lines.
    match keys(body) {
        Some(keys) if keys.iter().any(|k| k == "articles") => Ok(ImportFormat::Json),
        Some(keys) if keys.iter().any(|k| k == "data") => Ok(ImportFormat::LabelStudio),
        Some(keys) if looks_w3c(&keys) => Ok(ImportFormat::W3c),
        Some(keys) => Err(describe(&keys)),
        // Not valid JSON: let our JSON importer say where it breaks.
        None => Ok(ImportFormat::Json),
    }
}

fn looks_w3c(keys: &[String]) -> bool {
    let has = |k: &str| keys.iter().any(|x| x == k);
    has("@context") || has("type") && (has("items") || has("first") || has("target"))
}

fn describe(keys: &[String]) -> String {
    {
        let mut shown: Vec<&str> = keys.iter().map(String::as_str).take(6).collect();
        shown.sort_unstable();
        format!(
            "not a format Gloss imports: a JSON object with {} (Gloss JSON has \"articles\"; Gloss JSONL lines have \"text\" and \"annotations\"; doccano lines have \"text\" and \"label\" or \"entities\")",
            if shown.is_empty() {
                "no keys".to_owned()
            } else {
                format!("the keys {}", shown.join(", "))
            }
        )
    }
}

/// What a top-level array is.
fn array_kind(body: &str) -> Result<ImportFormat, String> {
    let first: Option<HashMap<String, IgnoredAny>> =
        serde_json::from_str::<Vec<HashMap<String, IgnoredAny>>>(body)
            .ok()
            .and_then(|items| items.into_iter().next());
    match first {
        Some(item) if item.contains_key("data") => Ok(ImportFormat::LabelStudio),
        Some(item) if item.contains_key("@context") || item.contains_key("target") => {
            Ok(ImportFormat::W3c)
        }
        _ => Err(
            "not a format Gloss imports: a JSON array (Gloss JSON is one object with \"articles\"; Label Studio tasks have \"data\")"
                .to_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_is_told_apart_by_its_content() {
        assert_eq!(
            detect("{\n  \"schema\": 2,\n  \"articles\": []\n}\n"),
            Ok(ImportFormat::Json)
        );
        assert_eq!(
            detect("{\"schema\": 2, \"articles\": []}"),
            Ok(ImportFormat::Json)
        );
        assert_eq!(
            detect(
                "{\"id\":\"a\",\"text\":\"x\",\"annotations\":[]}\n{\"id\":\"b\",\"text\":\"y\",\"annotations\":[]}\n"
            ),
            Ok(ImportFormat::Jsonl)
        );
        assert_eq!(
            detect("{\"text\":\"x\",\"label\":[[0,1,\"quote\"]]}\n"),
            Ok(ImportFormat::Doccano)
        );
        assert_eq!(
            detect("{\"text\":\"x\",\"entities\":[],\"relations\":[]}"),
            Ok(ImportFormat::Doccano)
        );
        assert_eq!(
            detect("[{\"data\": {\"text\": \"x\"}, \"annotations\": []}]"),
            Ok(ImportFormat::LabelStudio)
        );
        assert_eq!(
            detect("{\n \"id\": 3,\n \"data\": {\"text\": \"x\"},\n \"annotations\": []\n}"),
            Ok(ImportFormat::LabelStudio)
        );
        assert_eq!(
            detect(
                "{\n \"@context\": \"http://www.w3.org/ns/anno.jsonld\",\n \"type\": \"AnnotationCollection\",\n \"first\": {}\n}"
            ),
            Ok(ImportFormat::W3c)
        );
        assert_eq!(
            detect("[{\"type\": \"Annotation\", \"target\": \"x\"}]"),
            Ok(ImportFormat::W3c)
        );
        assert!(detect("").unwrap_err().contains("empty"));
        assert!(
            detect("T1\tquote 0 5\thello")
                .unwrap_err()
                .contains("not JSON")
        );
        assert!(detect("{\"foo\": 1}").unwrap_err().contains("the keys foo"));
    }
}
