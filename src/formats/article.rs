//! Loading article files: `.txt`/`.md` as text, `.html`/`.htm` through an HTML parser;
//! UTF-8 (BOM or not), UTF-16 with BOM and detected legacy encodings; CRLF/CR → LF.

use std::path::{Path, PathBuf};

use super::html::HtmlMode;
use crate::model::{Article, Metadata, article_id_from};

/// Largest article file accepted, in bytes (64 MiB).
pub const MAX_ARTICLE_BYTES: u64 = 64 * 1024 * 1024;

/// Why an article file could not be opened. Messages end with the path.
#[derive(Debug, thiserror::Error)]
pub enum ArticleError {
    /// The path does not exist.
    #[error("no such file: {}", .0.display())]
    NotFound(PathBuf),
    /// The path exists but could not be read (permissions, a folder, …).
    #[error("cannot read ({reason}): {}", .path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The reason (part of the message, not a separate `source()`, so the path stays
        /// last when the error chain is printed with `{:#}`).
        reason: std::io::Error,
    },
    /// Larger than [`MAX_ARTICLE_BYTES`].
    #[error("file is {size} bytes, over the {max} byte limit for articles: {}", .path.display(), max = MAX_ARTICLE_BYTES)]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
    },
    /// Contains NUL bytes (and no UTF-16 byte order mark).
    #[error("binary file (contains NUL bytes), not an article: {}", .0.display())]
    Binary(PathBuf),
    /// Nothing but whitespace after decoding.
    #[error("empty file, nothing to annotate: {}", .0.display())]
    Empty(PathBuf),
}

/// The kind of article file, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArticleKind {
    /// Plain text.
    Text,
    /// Markdown, kept as text.
    Markdown,
    /// HTML, reduced to readable paragraphs.
    Html,
}

impl ArticleKind {
    /// Guess from the path's extension (unknown extensions are read as text).
    pub fn from_path(path: &Path) -> Self {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("html" | "htm" | "xhtml") => Self::Html,
            Some("md" | "markdown") => Self::Markdown,
            _ => Self::Text,
        }
    }
}

/// File extensions offered in open dialogs.
pub const ARTICLE_EXTENSIONS: [&str; 6] = ["txt", "md", "markdown", "html", "htm", "xhtml"];

/// Read and decode an article file. The article's `source` is the path as given; a web
/// page gives the article the readability engine finds in it.
pub fn load_article(path: &Path) -> Result<Article, ArticleError> {
    load_article_with(path, HtmlMode::Article)
}

/// [`load_article`], with the choice of how much of a web page to take.
pub fn load_article_with(path: &Path, html: HtmlMode) -> Result<Article, ArticleError> {
    let bytes = read_limited(path)?;
    article_from_bytes(path, &bytes, html)
}

/// Decode an article from bytes already read from `path`.
pub fn article_from_bytes(
    path: &Path,
    bytes: &[u8],
    html: HtmlMode,
) -> Result<Article, ArticleError> {
    let decoded = decode(bytes).ok_or_else(|| ArticleError::Binary(path.to_owned()))?;
    let text = normalize_newlines(&decoded);
    let kind = ArticleKind::from_path(path);
    let mut metadata = Metadata::default();
    let (title, body) = match kind {
        ArticleKind::Html => {
            let page = super::html::extract_with(&text, html);
            metadata = page.metadata;
            (page.title, page.body)
        }
        ArticleKind::Markdown => (markdown_title(&text), text),
        ArticleKind::Text => (first_line_title(&text), text),
    };
    if body.trim().is_empty() {
        return Err(ArticleError::Empty(path.to_owned()));
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = title
        .and_then(|t| shorten_title(&t))
        .unwrap_or_else(|| stem.clone());
    let mut article = Article::new(
        &article_id_from(&stem),
        &title,
        &path.to_string_lossy(),
        body,
    );
    article.metadata = Box::new(metadata);
    Ok(article)
}

fn read_limited(path: &Path) -> Result<Vec<u8>, ArticleError> {
    use super::input::{InputError, read_regular};
    read_regular(path, MAX_ARTICLE_BYTES).map_err(|e| match e {
        InputError::NotFound(_) => ArticleError::NotFound(path.to_owned()),
        InputError::TooLarge { size, .. } => ArticleError::TooLarge {
            path: path.to_owned(),
            size,
        },
        InputError::NotRegular(kind) => ArticleError::Unreadable {
            path: path.to_owned(),
            reason: std::io::Error::other(format!("not a regular file: {kind}")),
        },
        InputError::Io(reason) => ArticleError::Unreadable {
            path: path.to_owned(),
            reason,
        },
    })
}

/// Decode bytes to text: BOM first (UTF-8, UTF-16 LE/BE), then UTF-8, then a detected
/// legacy encoding. `None` for binary data (NUL bytes without a UTF-16 BOM).
pub fn decode(bytes: &[u8]) -> Option<String> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or_default();
        let (text, _) = encoding.decode_without_bom_handling(body);
        return (!text.contains('\0')).then(|| text.into_owned());
    }
    if bytes.contains(&0) {
        return None;
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.to_owned());
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, _) = encoding.decode(bytes);
    Some(text.into_owned())
}

/// CRLF and lone CR become LF.
pub fn normalize_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

const MAX_TITLE_CHARS: usize = 120;

fn shorten_title(line: &str) -> Option<String> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let mut title: String = line.chars().take(MAX_TITLE_CHARS).collect();
    if line.chars().count() > MAX_TITLE_CHARS {
        title.push('…');
    }
    Some(title)
}

fn first_line_title(text: &str) -> Option<String> {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .and_then(shorten_title)
}

fn markdown_title(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| {
            l.trim_start()
                .strip_prefix('#')
                .map(|t| t.trim_start_matches('#'))
        })
        .and_then(shorten_title)
        .or_else(|| first_line_title(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms_and_legacy() {
        assert_eq!(decode(b"\xEF\xBB\xBFcaf\xC3\xA9").as_deref(), Some("café"));
        assert_eq!(decode(b"\xFF\xFEh\0i\0").as_deref(), Some("hi"));
        assert_eq!(decode(b"\xFE\xFF\0h\0i").as_deref(), Some("hi"));
        assert_eq!(decode(b"bin\0ary"), None);
        // windows-1252 / latin-1 "café crème"
        assert_eq!(
            decode(b"caf\xE9 cr\xE8me au lait, d\xE9j\xE0 vu").as_deref(),
            Some("café crème au lait, déjà vu")
        );
    }

    #[test]
    fn newlines_become_lf() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n"), "a\nb\nc\n");
    }
}
