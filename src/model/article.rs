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
    /// What the page said about itself (web pages); empty for text files. Boxed: most
    /// articles have none, and edits carry whole articles.
    #[serde(default, skip_serializing_if = "no_metadata")]
    pub metadata: Box<Metadata>,
    /// Where the person is with it: set by them (done) or by annotating (in progress).
    #[serde(default, skip_serializing_if = "Status::is_todo")]
    pub status: Status,
}

/// An article's progress in a dataset.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not started.
    #[default]
    Todo,
    /// Started: it has annotations, or the person said so.
    InProgress,
    /// The person marked it done.
    Done,
}

impl Status {
    /// Every status, in order.
    pub const ALL: [Self; 3] = [Self::Todo, Self::InProgress, Self::Done];

    /// Not started.
    pub fn is_todo(&self) -> bool {
        *self == Self::Todo
    }

    /// The name in files and exports: `todo`, `in_progress`, `done`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Todo => "todo",
            Self::InProgress => "in_progress",
            Self::Done => "done",
        }
    }

    /// The words shown to the person.
    pub fn title(self) -> &'static str {
        match self {
            Self::Todo => "to do",
            Self::InProgress => "in progress",
            Self::Done => "done",
        }
    }

    /// From [`Status::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// What the person can change about an article itself: its title and status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleInfo {
    /// The title shown.
    pub title: String,
    /// Its progress.
    pub status: Status,
}

/// For `skip_serializing_if` on a boxed [`Metadata`] (articles and session records).
#[allow(clippy::borrowed_box)] // serde's skip_serializing_if passes the field by reference
pub fn no_metadata(metadata: &Box<Metadata>) -> bool {
    metadata.is_empty()
}

/// What a web page says about the article on it, kept beside the text (never part of the
/// annotatable text). The title is the article's own `title`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// Author(s), as the page names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byline: Option<String>,
    /// The site or publication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_name: Option<String>,
    /// When it was published: ISO 8601 when the page's date could be read, else as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Language tag (`en`, `pt-BR`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The canonical URL (`<link rel="canonical">`, else `og:url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The page's summary of the article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// How the text was taken from the page: `article` (the readability engine found
    /// it) or `full page` (all readable text: no article found, or asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extraction: Option<String>,
}

impl Metadata {
    /// Nothing known.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// The known fields as (name, value) pairs, in a fixed order, for display.
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        [
            ("byline", &self.byline),
            ("site", &self.site_name),
            ("published", &self.published),
            ("language", &self.language),
            ("url", &self.url),
            ("excerpt", &self.excerpt),
            ("extraction", &self.extraction),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_deref().map(|v| (name, v)))
        .collect()
    }
}

impl Article {
    /// Its title and status.
    pub fn info(&self) -> ArticleInfo {
        ArticleInfo {
            title: self.title.clone(),
            status: self.status,
        }
    }

    /// An article over `text`, hashing it.
    pub fn new(id: &str, title: &str, source: &str, text: impl Into<Text>) -> Self {
        let text = text.into();
        Self {
            id: id.to_owned(),
            title: title.to_owned(),
            source: source.to_owned(),
            sha256: sha256_hex(text.as_str()),
            text,
            metadata: Box::default(),
            status: Status::Todo,
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
