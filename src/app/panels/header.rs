//! The reader's header for web pages: the article's title and what the page said about
//! it (byline, site, date, language, link, summary), above the text and not part of it.
//! Text and Markdown articles have no metadata and get no header.

use crate::formats::html::EXTRACTED_ARTICLE;
use crate::model::Article;

/// A date as the reader shows it: the day of an ISO 8601 date-time, else as stored.
fn day_of(published: &str) -> &str {
    match published.get(..10) {
        Some(day)
            if day.as_bytes().get(4) == Some(&b'-') && day.as_bytes().get(7) == Some(&b'-') =>
        {
            day
        }
        _ => published,
    }
}

/// Draw the header when the article has metadata.
pub fn header_ui(ui: &mut egui::Ui, article: &Article) {
    let m = &article.metadata;
    if m.is_empty() {
        return;
    }
    ui.add_space(4.0);
    ui.add(egui::Label::new(egui::RichText::new(&article.title).heading().strong()).wrap());
    let mut facts: Vec<String> = Vec::new();
    if let Some(byline) = &m.byline {
        let by = if byline.to_lowercase().starts_with("by ") {
            byline.clone()
        } else {
            format!("By {byline}")
        };
        facts.push(by);
    }
    if let Some(site) = &m.site_name {
        facts.push(site.clone());
    }
    if let Some(published) = &m.published {
        facts.push(day_of(published).to_owned());
    }
    if let Some(language) = &m.language {
        facts.push(language.clone());
    }
    ui.horizontal_wrapped(|ui| {
        if !facts.is_empty() {
            ui.label(facts.join("  ·  "));
        }
        if let Some(url) = &m.url {
            ui.hyperlink_to(super::shorten(url, 70), url)
                .on_hover_text(format!("{url}\nOpens in your web browser"));
        }
    });
    if let Some(excerpt) = &m.excerpt {
        ui.add(egui::Label::new(egui::RichText::new(excerpt).italics().weak()).wrap());
    }
    match m.extraction.as_deref() {
        Some(EXTRACTED_ARTICLE) | None => {}
        Some(other) => {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("Text: {other} — menus and other page text may be included."),
            );
        }
    }
    ui.separator();
}
