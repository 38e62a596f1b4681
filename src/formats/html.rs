//! Readable text from HTML. The article is found by `dom_smoothie`, a close port of
//! Mozilla's Readability.js (the engine behind Firefox's Reader View), which also reads
//! the page's metadata (title without the site name, byline, site, date, language,
//! excerpt; JSON-LD first, then `<meta>` tags). Its cleaned HTML is turned into
//! paragraphs here: blocks become paragraphs separated by blank lines, `<br>` and table
//! cells become line breaks, whitespace collapses as a browser collapses it. Where the
//! engine finds no article — or the person asks for the whole page — all readable text of
//! the page is taken instead, and `metadata.extraction` says so.

use scraper::{ElementRef, Html, Node, Selector};

use crate::model::Metadata;

/// What an HTML page reduces to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The article's title (the engine's, without the site name), else `<title>`, else
    /// the first `<h1>`.
    pub title: Option<String>,
    /// Paragraphs separated by blank lines.
    pub body: String,
    /// What the page says about itself, and how the text was taken.
    pub metadata: Metadata,
}

/// How much of a page becomes the article's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HtmlMode {
    /// The article the readability engine finds (all readable text when it finds none).
    #[default]
    Article,
    /// All readable text of the page, menus and all.
    Full,
}

/// `metadata.extraction` when the engine found the article.
pub const EXTRACTED_ARTICLE: &str = "article";
/// `metadata.extraction` when the whole page's text was taken on purpose.
pub const EXTRACTED_FULL_PAGE: &str = "full page";
/// `metadata.extraction` when the engine found no article.
pub const EXTRACTED_FALLBACK: &str = "full page (no article found)";

/// An article shorter than this (chars) on a page that does not look like an article is
/// taken for a scrap, not an article (Readability's own minimum content length).
pub const MIN_ARTICLE_CHARS: usize = 140;

/// Pages with more elements than this are not given to the engine (its scoring walks
/// the tree many times); their whole text is taken, as for a page without an article.
pub const MAX_ENGINE_ELEMENTS: usize = 60_000;

const SKIPPED: [&str; 14] = [
    "script", "style", "nav", "footer", "noscript", "template", "svg", "form", "button", "iframe",
    "aside", "head", "select", "canvas",
];

/// Elements whose content is a paragraph of its own.
const BLOCKS: [&str; 31] = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "table",
    "caption",
    "dl",
    "dt",
    "dd",
    "hr",
    "address",
    "body",
    "details",
    "summary",
    "fieldset",
    "legend",
];

/// Elements that end a line, not a paragraph (table rows and cells).
const LINES: [&str; 3] = ["tr", "td", "th"];

/// Extract the article and its metadata from an HTML document.
pub fn extract(html: &str) -> Page {
    extract_with(html, HtmlMode::Article)
}

/// Extract text and metadata from an HTML document, the article or the whole page.
pub fn extract_with(html: &str, mode: HtmlMode) -> Page {
    let html = cap_nesting(html);
    let engine = engine_article(&html, mode);
    let (engine_title, body, mut metadata) = match engine {
        Engine::Found {
            title,
            content,
            metadata,
        } => {
            let document = Html::parse_fragment(&content);
            (title, paragraphs(document.root_element()), metadata)
        }
        Engine::Skipped { title, metadata } => (title, String::new(), metadata),
    };
    let article_found = !body.trim().is_empty();
    let mut page = None;
    let body = if article_found {
        body
    } else {
        paragraphs(page.insert(Html::parse_document(&html)).root_element())
    };
    let title = engine_title.or_else(|| {
        let document = page.get_or_insert_with(|| Html::parse_document(&html));
        first_text(document, "title").or_else(|| first_text(document, "h1"))
    });
    metadata.extraction = Some(
        match (article_found, mode) {
            (true, _) => EXTRACTED_ARTICLE,
            (false, HtmlMode::Full) => EXTRACTED_FULL_PAGE,
            (false, HtmlMode::Article) => EXTRACTED_FALLBACK,
        }
        .to_owned(),
    );
    Page {
        title,
        body,
        metadata,
    }
}

enum Engine {
    /// The engine found the article: its cleaned HTML.
    Found {
        title: Option<String>,
        content: String,
        metadata: Metadata,
    },
    /// No article (or not asked for one): the page's metadata only.
    Skipped {
        title: Option<String>,
        metadata: Metadata,
    },
}

fn engine_article(html: &str, mode: HtmlMode) -> Engine {
    let config = dom_smoothie::Config {
        max_elements_to_parse: MAX_ENGINE_ELEMENTS,
        ..dom_smoothie::Config::default()
    };
    let Ok(mut engine) = dom_smoothie::Readability::new(html, None, Some(config)) else {
        return Engine::Skipped {
            title: None,
            metadata: Metadata::default(),
        };
    };
    let url = canonical_url(&engine.doc);
    let lang = engine
        .doc
        .select("html[lang]")
        .attr("lang")
        .map(|l| l.to_string());
    let page_meta = engine.get_article_metadata(engine.parse_json_ld());
    let mut metadata = Metadata {
        byline: clean(page_meta.byline.as_deref()),
        site_name: clean(page_meta.site_name.as_deref()),
        published: clean(page_meta.published_time.as_deref()).map(|d| iso_date(&d)),
        language: clean(lang.as_deref()),
        url,
        excerpt: clean(page_meta.excerpt.as_deref()),
        extraction: None,
    };
    let meta_title = clean(Some(&page_meta.title));
    if mode == HtmlMode::Full {
        return Engine::Skipped {
            title: meta_title,
            metadata,
        };
    }
    // Firefox's test for offering Reader View, made before the engine changes the page.
    let readable = engine.is_probably_readable();
    match engine.parse() {
        // A page that does not look like an article, where the engine's best attempt is
        // a scrap (under Readability's 140-char minimum): no article found.
        Ok(article)
            if !readable && article.text_content.trim().chars().count() < MIN_ARTICLE_CHARS =>
        {
            Engine::Skipped {
                title: meta_title,
                metadata,
            }
        }
        Ok(article) => {
            // The engine's answers (Readability's choice between the page's metadata and
            // what it found in the text), then the page's metadata for what it left open.
            metadata.byline = clean(article.byline.as_deref()).or(metadata.byline);
            metadata.site_name = clean(article.site_name.as_deref()).or(metadata.site_name);
            metadata.excerpt = clean(article.excerpt.as_deref()).or(metadata.excerpt);
            metadata.language = metadata.language.or_else(|| clean(article.lang.as_deref()));
            if metadata.published.is_none() {
                metadata.published = clean(article.published_time.as_deref()).map(|d| iso_date(&d));
            }
            Engine::Found {
                title: clean(Some(&article.title)).or(meta_title),
                content: article.content.to_string(),
                metadata,
            }
        }
        Err(_) => Engine::Skipped {
            title: meta_title,
            metadata,
        },
    }
}

/// `<link rel="canonical">`, else `og:url`.
fn canonical_url(doc: &dom_query::Document) -> Option<String> {
    let canonical = doc.select(r#"link[rel~="canonical"]"#).attr("href");
    let og = || {
        doc.select(r#"meta[property="og:url"]"#)
            .attr("content")
            .map(|c| c.to_string())
    };
    clean(canonical.map(|c| c.to_string()).or_else(og).as_deref())
}

/// Whitespace collapsed; `None` for nothing.
fn clean(value: Option<&str>) -> Option<String> {
    let value = collapse_whitespace(value?);
    (!value.is_empty()).then_some(value)
}

/// A page's date as ISO 8601 (RFC 3339) when it can be read, else as given.
pub fn iso_date(value: &str) -> String {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let value = value.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(value) {
        return d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(value) {
        return d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(value, format) {
            return d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(value, format) {
            return d.format("%Y-%m-%dT%H:%M:%S").to_string();
        }
    }
    for format in [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%B %d, %Y",
        "%b %d, %Y",
        "%d %B %Y",
        "%d %b %Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(value, format) {
            return d.format("%Y-%m-%d").to_string();
        }
    }
    value.to_owned()
}

/// The readable text under `root`, as paragraphs separated by blank lines.
fn paragraphs(root: ElementRef<'_>) -> String {
    let mut walker = Walker::default();
    walker.walk(root);
    walker.flush();
    walker.paragraphs.join("\n\n")
}

fn first_text(document: &Html, selector: &str) -> Option<String> {
    let selector = Selector::parse(selector).ok()?;
    document
        .select(&selector)
        .map(|e| collapse_whitespace(&e.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

/// Runs of HTML whitespace (space, tab, newlines, form feed) become one space, trimmed at
/// both ends, as a browser renders them; a no-break space is text and stays.
fn collapse_whitespace(s: &str) -> String {
    s.split(|c: char| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Marks a line break while a paragraph is collected (the HTML parser turns NUL in text
/// into U+FFFD, so it cannot come from the page).
const LINE_BREAK: char = '\0';

#[derive(Default)]
struct Walker {
    paragraphs: Vec<String>,
    current: String,
}

impl Walker {
    /// The paragraph so far: each line (ended by `<br>` or a table cell) collapsed as a
    /// browser collapses whitespace, empty lines dropped.
    fn flush(&mut self) {
        let text = self
            .current
            .split(LINE_BREAK)
            .map(collapse_whitespace)
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if !text.is_empty() {
            self.paragraphs.push(text);
        }
        self.current.clear();
    }

    fn flush_pre(&mut self) {
        let text = self.current.trim_matches('\n').to_owned();
        if !text.trim().is_empty() {
            self.paragraphs.push(text);
        }
        self.current.clear();
    }

    /// Walk the element tree in document order with an explicit stack (pages nest
    /// elements arbitrarily deep; recursion would overflow the thread's stack).
    fn walk(&mut self, root: ElementRef<'_>) {
        enum Step<'a> {
            Enter(ElementRef<'a>, bool),
            Text(&'a str),
            Leave {
                is_pre: bool,
                is_block: bool,
                is_line: bool,
                in_pre: bool,
            },
        }
        let mut stack = vec![Step::Enter(root, false)];
        while let Some(step) = stack.pop() {
            match step {
                Step::Text(text) => self.current.push_str(text),
                Step::Leave {
                    is_pre,
                    is_block,
                    is_line,
                    in_pre,
                } => {
                    if is_pre && !in_pre {
                        self.flush_pre();
                    } else if is_block && !in_pre {
                        self.flush();
                    } else if is_line && !in_pre {
                        self.current.push(LINE_BREAK);
                    }
                }
                Step::Enter(element, in_pre) => {
                    let name = element.value().name();
                    if SKIPPED.contains(&name) || is_hidden(element) {
                        continue;
                    }
                    if name == "br" {
                        self.current.push(if in_pre { '\n' } else { LINE_BREAK });
                        continue;
                    }
                    let is_pre = name == "pre";
                    let is_block = BLOCKS.contains(&name);
                    let is_line = LINES.contains(&name);
                    if is_block && !in_pre {
                        self.flush();
                    }
                    stack.push(Step::Leave {
                        is_pre,
                        is_block,
                        is_line,
                        in_pre,
                    });
                    // Children pushed in reverse so they come off the stack in order.
                    let children: Vec<_> = element.children().collect();
                    for child in children.into_iter().rev() {
                        match child.value() {
                            Node::Text(text) => stack.push(Step::Text(text)),
                            Node::Element(_) => {
                                if let Some(child) = ElementRef::wrap(child) {
                                    stack.push(Step::Enter(child, in_pre || is_pre));
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
    }
}

/// Hidden from readers: `hidden`, `aria-hidden="true"` or an inline `display: none`.
fn is_hidden(element: ElementRef<'_>) -> bool {
    let e = element.value();
    e.attr("hidden").is_some()
        || e.attr("aria-hidden") == Some("true")
        || e.attr("style").is_some_and(|style| {
            let style: String = style
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            style.contains("display:none") || style.contains("visibility:hidden")
        })
}

/// Deepest element nesting kept; tags nested deeper are dropped (their text is kept).
/// Browsers stop nesting at a few hundred levels too (Chromium's parser at 512); the HTML
/// parser's scope checks walk the stack of open elements for many tags, so the cost of a
/// page is its tags times this depth. Real articles nest a few dozen levels.
pub const MAX_NESTING: usize = 256;

/// Void elements: never closed, never nest.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose content is raw text to the parser: a `<` inside is not a tag.
const RAW_TEXT: [&str; 8] = [
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// `html` with start tags beyond [`MAX_NESTING`] open elements removed (with their end
/// tags). A cheap scan that keeps its own stack of open elements: an end tag closes the
/// nearest open element of its name and everything above it; one with no open element
/// of its name is dropped. Comments and the content of raw-text elements (`<script>`,
/// `<style>`, …) are copied as they are. This overestimates the parser's depth (it also
/// closes elements implicitly), which only caps earlier. A page that never gets that deep
/// is returned untouched: the scan runs once to measure before anything is rewritten.
fn cap_nesting(html: &str) -> std::borrow::Cow<'_, str> {
    if html.bytes().filter(|&b| b == b'<').count() <= MAX_NESTING
        || scan_nesting(html, None) <= MAX_NESTING
    {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    scan_nesting(html, Some(&mut out));
    std::borrow::Cow::Owned(out)
}

/// Where the raw text of a `name` element ends in `rest`: past its end tag (matched
/// without regard to case), or the end of the page. Linear in what it skips.
fn raw_text_end(rest: &str, name: &str) -> usize {
    let bytes = rest.as_bytes();
    let mut from = 0;
    while let Some(at) = rest.get(from..).and_then(|r| r.find("</")) {
        let tag = from + at + 2;
        let matches = bytes
            .get(tag..tag + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
        if matches {
            return rest[tag..].find('>').map_or(rest.len(), |g| tag + g + 1);
        }
        from = tag;
    }
    rest.len()
}

/// The scan behind [`cap_nesting`]: returns the deepest nesting seen (before capping);
/// with `out`, writes the capped page there.
fn scan_nesting(html: &str, mut out: Option<&mut String>) -> usize {
    let mut push = |piece: &str| {
        if let Some(out) = out.as_deref_mut() {
            out.push_str(piece);
        }
    };
    let mut open: Vec<String> = Vec::new();
    let mut deepest = 0;
    let mut dropped: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        let (before, tag_and_after) = rest.split_at(at);
        push(before);
        if let Some(comment) = tag_and_after.strip_prefix("<!--") {
            let end = comment
                .find("-->")
                .map_or(tag_and_after.len(), |e| 4 + e + 3);
            push(&tag_and_after[..end]);
            rest = &tag_and_after[end..];
            continue;
        }
        let Some(end) = tag_and_after.find('>') else {
            push(tag_and_after);
            rest = "";
            break;
        };
        let (tag, after) = tag_and_after.split_at(end + 1);
        rest = after;
        let inner = tag.trim_start_matches('<').trim_end_matches('>');
        let closing = inner.starts_with('/');
        let name: String = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect::<String>()
            .to_ascii_lowercase();
        let is_element = name.starts_with(|c: char| c.is_ascii_alphabetic());
        let self_closing = inner.ends_with('/') || VOID.contains(&name.as_str());
        if is_element && !closing && RAW_TEXT.contains(&name.as_str()) {
            // Copy the raw text and its end tag as they are.
            push(tag);
            let end = raw_text_end(rest, &name);
            push(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        if !is_element || self_closing {
            push(tag);
        } else if closing {
            if let Some(n) = dropped.get_mut(&name).filter(|n| **n > 0) {
                *n -= 1;
                continue;
            }
            // An end tag with no open element of its name only makes the parser search
            // its whole stack (and at most adds an empty element): drop it.
            if let Some(at) = open.iter().rposition(|o| *o == name) {
                open.truncate(at);
                push(tag);
            }
        } else if open.len() >= MAX_NESTING {
            deepest = deepest.max(open.len() + 1);
            *dropped.entry(name).or_default() += 1;
        } else {
            open.push(name);
            deepest = deepest.max(open.len());
            push(tag);
        }
    }
    push(rest);
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_paragraphs_drops_chrome() {
        let page = extract(
            "<html><head><title>The Title</title><style>p{}</style></head><body>\
             <nav>Home | About</nav><h1>Heading</h1><p>First <b>bold</b>\n  para.</p>\
             <script>var x = 1;</script><p>Second.</p><footer>© someone</footer></body></html>",
        );
        assert_eq!(page.title.as_deref(), Some("The Title"));
        assert_eq!(page.body, "Heading\n\nFirst bold para.\n\nSecond.");
    }

    #[test]
    fn deep_nesting_neither_overflows_the_stack_nor_takes_long() {
        // Run where a user's main thread would: an ordinary 8 MiB stack, debug build.
        let handle = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(|| {
                for tag in ["span", "b", "div"] {
                    let depth = 100_000;
                    let html = format!(
                        "<p>before</p>{}deep text{}<p>after</p>",
                        format!("<{tag}>").repeat(depth),
                        format!("</{tag}>").repeat(depth)
                    );
                    let page = extract(&html);
                    assert!(page.body.contains("deep text"), "{tag}");
                    assert!(page.body.starts_with("before"), "{tag}");
                    assert!(page.body.ends_with("after"), "{tag}: {}", page.body);
                }
            })
            .unwrap();
        handle.join().unwrap();
    }

    #[test]
    fn nesting_is_capped_without_losing_text() {
        let depth = MAX_NESTING + 100;
        let html = format!(
            "{}x{}<p>tail</p>",
            "<div><br>".repeat(depth),
            "</div>".repeat(depth)
        );
        let capped = cap_nesting(&html);
        assert_eq!(capped.matches("<div>").count(), MAX_NESTING);
        assert_eq!(capped.matches("</div>").count(), MAX_NESTING);
        assert_eq!(capped.matches("<br>").count(), depth, "void tags are kept");
        assert!(
            capped.contains("<br>x</div>"),
            "the text stays where it was"
        );
        assert!(capped.ends_with("<p>tail</p>"));
        let small = "<p>a</p>";
        assert!(matches!(cap_nesting(small), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn title_falls_back_to_h1() {
        let page = extract("<body><h1> Only  heading </h1><p>x</p></body>");
        assert_eq!(page.title.as_deref(), Some("Only heading"));
    }
}
