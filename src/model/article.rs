//! Articles: a text to annotate, with where it came from and its SHA-256.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::text::Text;

/// An article in a session. The text has LF line endings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// Id unique in the session, made from the file name.
    pub id: String,
    /// Title shown to the person.
    pub title: String,
    /// Where the text was read from, as given (may be empty).
    pub source: String,
    /// Lowercase hex SHA-256 of the UTF-8 text.
    pub sha256: String,
    /// The text.
    pub text: Text,
}

impl Article {
    /// An article over `text`, hashing it.
    pub fn new(id: &str, title: &str, source: &str, text: impl Into<Text>) -> Self {
        let text = text.into();
        Self {
            id: id.to_owned(),
            title: title.to_owned(),
            source: source.to_owned(),
            sha256: sha256_hex(text.as_str()),
            text,
        }
    }
}

/// Lowercase hex SHA-256 of a string's UTF-8 bytes.
pub fn sha256_hex(text: &str) -> String {
    use std::fmt::Write as _;
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// An article id from a file stem or title: lowercase letters, digits and `-`.
pub fn article_id_from(stem: &str) -> String {
    let mut id = String::new();
    for ch in stem.chars() {
        if ch.is_alphanumeric() || ch == '_' {
            id.extend(ch.to_lowercase());
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    if id.is_empty() {
        "article".to_owned()
    } else {
        id.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_sha256() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn ids_from_stems() {
        assert_eq!(article_id_from("My Article (draft)"), "my-article-draft");
        assert_eq!(article_id_from("!!!"), "article");
    }
}
