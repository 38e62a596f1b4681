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
    let html = cap_nesting(html);
    let document = Html::parse_document(&html);
    let title = first_text(&document, "title").or_else(|| first_text(&document, "h1"));
    let mut walker = Walker::default();
    walker.walk(document.root_element());
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

    /// Walk the element tree in document order with an explicit stack (pages nest
    /// elements arbitrarily deep; recursion would overflow the thread's stack).
    fn walk(&mut self, root: ElementRef<'_>) {
        enum Step<'a> {
            Enter(ElementRef<'a>, bool),
            Text(&'a str),
            Leave {
                is_pre: bool,
                is_block: bool,
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
                    in_pre,
                } => {
                    if is_pre && !in_pre {
                        self.flush_pre();
                    } else if is_block && !in_pre {
                        self.flush();
                    }
                }
                Step::Enter(element, in_pre) => {
                    let name = element.value().name();
                    if SKIPPED.contains(&name) || element.value().attr("hidden").is_some() {
                        continue;
                    }
                    let is_pre = name == "pre";
                    let is_block = BLOCKS.contains(&name);
                    if is_block {
                        self.flush();
                    }
                    stack.push(Step::Leave {
                        is_pre,
                        is_block,
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

/// `html` with start tags beyond [`MAX_NESTING`] open elements removed (with their end
/// tags). A cheap scan that keeps its own stack of open elements: an end tag closes the
/// nearest open element of its name and everything above it; one with no open element
/// of its name is dropped. This overestimates the parser's depth (it also closes
/// elements implicitly), which only caps earlier. Used only when the page has that many
/// tags at all.
fn cap_nesting(html: &str) -> std::borrow::Cow<'_, str> {
    if html.bytes().filter(|&b| b == b'<').count() <= MAX_NESTING {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut open: Vec<String> = Vec::new();
    let mut dropped: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        let (before, tag_and_after) = rest.split_at(at);
        out.push_str(before);
        let Some(end) = tag_and_after.find('>') else {
            out.push_str(tag_and_after);
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
        if !is_element || self_closing {
            out.push_str(tag);
        } else if closing {
            if let Some(n) = dropped.get_mut(&name).filter(|n| **n > 0) {
                *n -= 1;
                continue;
            }
            // An end tag with no open element of its name only makes the parser search
            // its whole stack (and at most adds an empty element): drop it.
            if let Some(at) = open.iter().rposition(|o| *o == name) {
                open.truncate(at);
                out.push_str(tag);
            }
        } else if open.len() >= MAX_NESTING {
            *dropped.entry(name).or_default() += 1;
        } else {
            open.push(name);
            out.push_str(tag);
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
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
