//! Readable text from HTML: the title and the paragraphs, without script, style,
//! navigation or footer text. Paragraph breaks become blank lines.

use scraper::{ElementRef, Html, Node, Selector};

/// What an HTML page reduces to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// From `<title>`, else the first `<h1>`.
    pub title: Option<String>,
    /// Paragraphs separated by blank lines.
    pub body: String,
}

const SKIPPED: [&str; 14] = [
    "script", "style", "nav", "footer", "noscript", "template", "svg", "form", "button", "iframe",
    "aside", "head", "select", "canvas",
];

const BLOCKS: [&str; 30] = [
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
    "tr",
    "td",
    "th",
    "dl",
    "dt",
    "dd",
    "br",
    "hr",
    "address",
    "body",
];

/// Extract title and readable paragraphs from an HTML document.
pub fn extract(html: &str) -> Page {
    let document = Html::parse_document(html);
    let title = first_text(&document, "title").or_else(|| first_text(&document, "h1"));
    let mut walker = Walker::default();
    walker.walk(document.root_element(), false);
    walker.flush();
    Page {
        title,
        body: walker.paragraphs.join("\n\n"),
    }
}

fn first_text(document: &Html, selector: &str) -> Option<String> {
    let selector = Selector::parse(selector).ok()?;
    document
        .select(&selector)
        .map(|e| collapse_whitespace(&e.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Default)]
struct Walker {
    paragraphs: Vec<String>,
    current: String,
}

impl Walker {
    fn flush(&mut self) {
        let text = collapse_whitespace(&self.current);
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

    fn walk(&mut self, element: ElementRef<'_>, in_pre: bool) {
        let name = element.value().name();
        if SKIPPED.contains(&name) || element.value().attr("hidden").is_some() {
            return;
        }
        let is_pre = name == "pre";
        let is_block = BLOCKS.contains(&name);
        if is_block {
            self.flush();
        }
        for child in element.children() {
            match child.value() {
                Node::Text(text) => self.current.push_str(text),
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.walk(child, in_pre || is_pre);
                    }
                }
                _ => {}
            }
        }
        if is_pre && !in_pre {
            self.flush_pre();
        } else if is_block && !in_pre {
            self.flush();
        }
    }
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
    fn title_falls_back_to_h1() {
        let page = extract("<body><h1> Only  heading </h1><p>x</p></body>");
        assert_eq!(page.title.as_deref(), Some("Only heading"));
    }
}
