//! Agreement between annotators who annotated the same articles, each in a session of
//! their own: Krippendorff's unitizing alpha ([`alpha`]), pairwise span F1 (exact, and
//! overlap: intersection / union ≥ 0.5), and agreement on attribute values of spans that
//! all annotators marked alike ([`kappa`]).
//!
//! Articles are matched across sessions by the SHA-256 of their text, then by id; those
//! not every session has are left out (and listed). For αU the dataset is **one
//! continuum**: the matched articles end to end in the order of their ids, each article's
//! offsets shifted by the length of those before it — never overlaid at the same offsets
//! (which once made entirely different documents agree perfectly, INCEpTION #2219).
//! Overlapping spans of one annotator with the same label are merged into their union for
//! αU, as it requires non-overlapping units; the report counts them.

pub mod alpha;
pub mod kappa;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use self::alpha::{Study, Unit};
use super::annotation::Annotation;
use super::session::{Document, Session};

/// One annotator's session.
#[derive(Clone, Copy, Debug)]
pub struct Annotator<'a> {
    /// The name shown in reports.
    pub name: &'a str,
    /// Their session.
    pub session: &'a Session,
}

/// What `gloss agree` reports.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Annotator names, in the order given.
    pub annotators: Vec<String>,
    /// How many articles every session has (the ones compared).
    pub articles: usize,
    /// Articles left out because not every session has them.
    pub left_out: Vec<LeftOut>,
    /// Spans merged into the union of overlapping same-label spans of one annotator (αU
    /// needs non-overlapping units).
    pub merged_for_alpha: usize,
    /// Per label id.
    pub labels: BTreeMap<String, Figures>,
    /// Across the labels.
    pub overall: Figures,
    /// Per compared article, in continuum order (by id).
    pub per_article: Vec<ArticleFigures>,
}

/// An article that not every session has.
#[derive(Clone, Debug, Serialize)]
pub struct LeftOut {
    /// Its id (in the first session that has it).
    pub id: String,
    /// The annotators whose sessions lack it.
    pub missing_in: Vec<String>,
}

/// Agreement figures for one label, or across labels.
#[derive(Clone, Debug, Serialize)]
pub struct Figures {
    /// Krippendorff's αU; `None` (JSON `null`) when there are no units at all.
    pub alpha_u: Option<f64>,
    /// Every pair of annotators.
    pub pairs: Vec<Pair>,
    /// Agreement on each attribute over the spans all annotators marked alike.
    pub attributes: BTreeMap<String, AttributeFigures>,
}

/// Span F1 between two annotators.
#[derive(Clone, Debug, Serialize)]
pub struct Pair {
    /// First annotator.
    pub a: String,
    /// Second annotator.
    pub b: String,
    /// F1 of exact matches (same label, start and end); `None` when neither has a span.
    pub f1_exact: Option<f64>,
    /// F1 of overlap matches (same label, intersection / union ≥ 0.5, one to one).
    pub f1_overlap: Option<f64>,
    /// Exact matches.
    pub matched: usize,
    /// Spans only `a` has (exactly).
    pub only_a: usize,
    /// Spans only `b` has (exactly).
    pub only_b: usize,
    /// Overlap matches.
    pub matched_overlap: usize,
}

/// Agreement on one attribute's values.
#[derive(Clone, Debug, Serialize)]
pub struct AttributeFigures {
    /// Spans every annotator marked alike on which at least one set the attribute.
    pub spans: usize,
    /// Share of those spans with the same value from everyone.
    pub agreement: Option<f64>,
    /// Cohen's kappa (two annotators) or Fleiss' kappa (more).
    pub kappa: Option<f64>,
    /// `cohen` or `fleiss`.
    pub kappa_kind: &'static str,
}

/// Figures for one article.
#[derive(Clone, Debug, Serialize)]
pub struct ArticleFigures {
    /// Article id (the first session's).
    pub id: String,
    /// αU of the article alone, across labels.
    pub alpha_u: Option<f64>,
    /// Spans (label, start, end) that not every annotator has.
    pub disagreements: usize,
}

/// A span as compared: label, start, end.
type Span<'a> = (&'a str, usize, usize);

/// Agreement of `annotators` (two or more), for every label or only `only_label`.
pub fn agreement(annotators: &[Annotator<'_>], only_label: Option<&str>) -> Report {
    let names: Vec<String> = annotators.iter().map(|a| a.name.to_owned()).collect();
    let (matched, left_out) = match_articles(annotators);
    // Labels in use, as category indices.
    let mut label_set: BTreeSet<&str> = BTreeSet::new();
    for docs in &matched {
        for doc in docs {
            for a in live(doc) {
                if only_label.is_none_or(|l| l == a.label) {
                    label_set.insert(&a.label);
                }
            }
        }
    }
    if let Some(label) = only_label {
        label_set.insert(label);
    }
    let labels: Vec<&str> = label_set.into_iter().collect();
    let category: HashMap<&str, usize> = labels.iter().enumerate().map(|(n, l)| (*l, n)).collect();
    let keep = |a: &Annotation| only_label.is_none_or(|l| l == a.label);

    // The continuum, and each article's own study.
    let mut units = Vec::new();
    let mut merged = 0;
    let mut per_article = Vec::new();
    let mut shift = 0u64;
    for docs in &matched {
        let length = docs
            .iter()
            .map(|d| d.article.text.char_len() as u64)
            .max()
            .unwrap_or(0);
        let mut own = Vec::new();
        for (rater, doc) in docs.iter().enumerate() {
            let (spans, n) = merged_units(doc, rater, &category, &keep);
            merged += n;
            own.extend(spans.iter().copied());
            units.extend(spans.into_iter().map(|u| Unit {
                begin: u.begin + shift,
                ..u
            }));
        }
        let study = Study::new(docs.len(), 0, length, own);
        let sets: Vec<BTreeSet<Span<'_>>> = docs
            .iter()
            .map(|d| live(d).filter(|a| keep(a)).map(span).collect())
            .collect();
        let all: BTreeSet<Span<'_>> = sets.iter().flatten().copied().collect();
        let disagreements = all
            .iter()
            .filter(|s| !sets.iter().all(|set| set.contains(s)))
            .count();
        per_article.push(ArticleFigures {
            id: docs[0].article.id.clone(),
            alpha_u: study.alpha(),
            disagreements,
        });
        shift += length;
    }
    let study = Study::new(annotators.len(), 0, shift, units);

    let figures_for = |label: Option<&str>| -> Figures {
        let keep_label = |a: &Annotation| keep(a) && label.is_none_or(|l| l == a.label);
        let alpha_u = match label {
            Some(l) => category.get(l).and_then(|&c| {
                let has_units = study.categories().contains(&c);
                has_units.then(|| study.category_alpha(c))
            }),
            None => study.alpha(),
        };
        Figures {
            alpha_u,
            pairs: pairs(&names, &matched, &keep_label),
            attributes: attributes(&matched, &keep_label),
        }
    };
    let by_label = labels
        .iter()
        .map(|l| ((*l).to_owned(), figures_for(Some(l))))
        .collect();
    Report {
        annotators: names.clone(),
        articles: matched.len(),
        left_out,
        merged_for_alpha: merged,
        labels: by_label,
        overall: figures_for(None),
        per_article,
    }
}

fn live(doc: &Document) -> impl Iterator<Item = &Annotation> {
    doc.annotations.iter().filter(|a| !a.orphan)
}

fn span(a: &Annotation) -> Span<'_> {
    (a.label.as_str(), a.start, a.end)
}

/// The articles every annotator has, each as the annotators' documents in annotator
/// order, sorted by the first annotator's article id; and the others.
fn match_articles<'a>(annotators: &[Annotator<'a>]) -> (Vec<Vec<&'a Document>>, Vec<LeftOut>) {
    let mut matched = Vec::new();
    let mut left_out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut used: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); annotators.len()];
    let find = |session: &'a Session, doc: &Document, used: &BTreeSet<usize>| {
        let free = |n: &usize| !used.contains(n);
        (0..session.documents.len())
            .filter(free)
            .find(|&n| session.documents[n].article.sha256 == doc.article.sha256)
            .or_else(|| {
                (0..session.documents.len())
                    .filter(free)
                    .find(|&n| session.documents[n].article.id == doc.article.id)
            })
    };
    if let Some(first) = annotators.first() {
        for (n, doc) in first.session.documents.iter().enumerate() {
            let mut docs = vec![doc];
            let mut at = vec![n];
            let mut missing = Vec::new();
            for (k, other) in annotators.iter().enumerate().skip(1) {
                match find(other.session, doc, &used[k]) {
                    Some(m) => {
                        docs.push(&other.session.documents[m]);
                        at.push(m);
                    }
                    None => missing.push(other.name.to_owned()),
                }
            }
            if missing.is_empty() {
                for (k, m) in at.into_iter().enumerate() {
                    used[k].insert(m);
                }
                matched.push(docs);
            } else {
                left_out.insert(doc.article.id.clone(), missing);
            }
        }
    }
    // Articles of later sessions that the first lacks.
    for (k, annotator) in annotators.iter().enumerate().skip(1) {
        for (m, doc) in annotator.session.documents.iter().enumerate() {
            if !used[k].contains(&m) && !left_out.contains_key(&doc.article.id) {
                let missing = annotators
                    .iter()
                    .filter(|other| {
                        !other.session.documents.iter().any(|d| {
                            d.article.sha256 == doc.article.sha256 || d.article.id == doc.article.id
                        })
                    })
                    .map(|other| other.name.to_owned())
                    .collect();
                left_out.insert(doc.article.id.clone(), missing);
            }
        }
    }
    matched.sort_by(|a, b| a[0].article.id.cmp(&b[0].article.id));
    let left_out = left_out
        .into_iter()
        .map(|(id, missing_in)| LeftOut { id, missing_in })
        .collect();
    (matched, left_out)
}

/// One annotator's units of an article, overlapping same-label spans merged into their
/// union; and how many spans were merged away.
fn merged_units(
    doc: &Document,
    rater: usize,
    category: &HashMap<&str, usize>,
    keep: &dyn Fn(&Annotation) -> bool,
) -> (Vec<Unit>, usize) {
    let mut by_label: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
    for a in live(doc).filter(|a| keep(a)) {
        if let Some(&c) = category.get(a.label.as_str())
            && a.end > a.start
        {
            by_label.entry(c).or_default().push((a.start, a.end));
        }
    }
    let mut units = Vec::new();
    let mut merged = 0;
    for (c, mut spans) in by_label {
        spans.sort_unstable();
        let mut current: Option<(usize, usize)> = None;
        for (start, end) in spans {
            current = match current {
                Some((s, e)) if start < e => {
                    merged += 1;
                    Some((s, e.max(end)))
                }
                Some((s, e)) => {
                    units.push(unit(s, e, rater, c));
                    Some((start, end))
                }
                None => Some((start, end)),
            };
        }
        if let Some((s, e)) = current {
            units.push(unit(s, e, rater, c));
        }
    }
    (units, merged)
}

fn unit(start: usize, end: usize, rater: usize, category: usize) -> Unit {
    Unit {
        begin: start as u64,
        length: (end - start) as u64,
        rater,
        category,
    }
}

/// Pairwise span F1 over all matched articles.
fn pairs(
    names: &[String],
    matched: &[Vec<&Document>],
    keep: &dyn Fn(&Annotation) -> bool,
) -> Vec<Pair> {
    let mut out = Vec::new();
    for i in 0..names.len() {
        for j in i + 1..names.len() {
            let (mut n_a, mut n_b, mut exact, mut overlap) = (0, 0, 0, 0);
            for docs in matched {
                let a: Vec<Span<'_>> = live(docs[i]).filter(|x| keep(x)).map(span).collect();
                let b: Vec<Span<'_>> = live(docs[j]).filter(|x| keep(x)).map(span).collect();
                n_a += a.len();
                n_b += b.len();
                let set_b: BTreeSet<Span<'_>> = b.iter().copied().collect();
                let set_a: BTreeSet<Span<'_>> = a.iter().copied().collect();
                exact += set_a.intersection(&set_b).count();
                overlap += overlap_matches(&a, &b);
            }
            let f1 =
                |matches: usize| (n_a + n_b > 0).then(|| 2.0 * matches as f64 / (n_a + n_b) as f64);
            out.push(Pair {
                a: names[i].clone(),
                b: names[j].clone(),
                f1_exact: f1(exact),
                f1_overlap: f1(overlap),
                matched: exact,
                only_a: n_a - exact,
                only_b: n_b - exact,
                matched_overlap: overlap,
            });
        }
    }
    out
}

/// One-to-one matches of same-label spans with intersection / union ≥ 0.5, best first.
fn overlap_matches(a: &[Span<'_>], b: &[Span<'_>]) -> usize {
    let mut b_sorted: Vec<(usize, usize, &str, usize)> = b
        .iter()
        .enumerate()
        .map(|(n, &(l, s, e))| (s, e, l, n))
        .collect();
    b_sorted.sort_unstable();
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for (i, &(label, start, end)) in a.iter().enumerate() {
        let len = end - start;
        // IoU ≥ 0.5 needs the other span no longer than twice this one and starting no
        // more than that far before it.
        let from = start.saturating_sub(2 * len);
        let first = b_sorted.partition_point(|x| x.0 < from);
        for &(s, e, l, j) in b_sorted[first..].iter().take_while(|x| x.0 < end) {
            if l != label {
                continue;
            }
            let inter = end.min(e).saturating_sub(start.max(s));
            let union = end.max(e) - start.min(s);
            let iou = inter as f64 / union as f64;
            if union > 0 && iou >= 0.5 {
                candidates.push((iou, i, j));
            }
        }
    }
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let (mut used_a, mut used_b) = (vec![false; a.len()], vec![false; b.len()]);
    let mut matches = 0;
    for (_, i, j) in candidates {
        if !used_a[i] && !used_b[j] {
            used_a[i] = true;
            used_b[j] = true;
            matches += 1;
        }
    }
    matches
}

/// Agreement on attribute values over spans every annotator has (same label and ends).
fn attributes(
    matched: &[Vec<&Document>],
    keep: &dyn Fn(&Annotation) -> bool,
) -> BTreeMap<String, AttributeFigures> {
    let raters = matched.first().map_or(0, Vec::len);
    // key → per shared span, every annotator's value ("" when unset).
    let mut values: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for docs in matched {
        let maps: Vec<HashMap<Span<'_>, &Annotation>> = docs
            .iter()
            .map(|d| live(d).filter(|a| keep(a)).map(|a| (span(a), a)).collect())
            .collect();
        let Some(first) = maps.first() else { continue };
        let mut shared: Vec<&Span<'_>> = first
            .keys()
            .filter(|s| maps.iter().all(|m| m.contains_key(s)))
            .collect();
        shared.sort_unstable();
        for s in shared {
            let annotations: Vec<&Annotation> = maps.iter().map(|m| m[s]).collect();
            let keys: BTreeSet<&String> = annotations
                .iter()
                .flat_map(|a| a.attributes.iter().filter(|(_, v)| !v.is_empty()))
                .map(|(k, _)| k)
                .collect();
            for key in keys {
                let row = annotations
                    .iter()
                    .map(|a| a.attributes.get(key).cloned().unwrap_or_default())
                    .collect();
                values.entry(key.clone()).or_default().push(row);
            }
        }
    }
    values
        .into_iter()
        .map(|(key, rows)| {
            let kappa = if raters == 2 {
                let pairs: Vec<(String, String)> =
                    rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
                kappa::cohen(&pairs)
            } else {
                let categories: BTreeSet<&String> = rows.iter().flatten().collect();
                let index: HashMap<&String, usize> = categories
                    .iter()
                    .enumerate()
                    .map(|(n, c)| (*c, n))
                    .collect();
                let table: Vec<Vec<u32>> = rows
                    .iter()
                    .map(|r| {
                        let mut counts = vec![0u32; index.len()];
                        for v in r {
                            counts[index[v]] += 1;
                        }
                        counts
                    })
                    .collect();
                kappa::fleiss(&table)
            };
            let figures = AttributeFigures {
                spans: rows.len(),
                agreement: kappa::percent_agreement(&rows),
                kappa,
                kappa_kind: if raters == 2 { "cohen" } else { "fleiss" },
            };
            (key, figures)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Article, Timestamp};

    fn session(articles: &[(&str, &str)], spans: &[(&str, &str, &str)]) -> Session {
        let mut s = Session::new();
        for (id, text) in articles {
            s.add_article(Article::new(id, id, "", *text));
        }
        for (article, label, quote) in spans {
            let text = &s.document(article).unwrap().article.text;
            let byte = text.as_str().find(quote).unwrap();
            let start = text.as_str()[..byte].chars().count();
            let edit = s
                .annotate(
                    article,
                    label,
                    start..start + quote.chars().count(),
                    Timestamp(1),
                )
                .unwrap();
            edit.apply(&mut s).unwrap();
        }
        s
    }

    const PORT: &str = "The port opens at dawn. Ships leave at noon. Nobody waits.";
    const MILL: &str = "The mill burned in May. Its owner rebuilt it by winter.";

    #[test]
    fn identical_annotators_agree_perfectly_and_symmetrically() {
        let spans = [
            ("port", "claim", "The port opens at dawn"),
            ("mill", "claim", "The mill burned in May"),
        ];
        let a = session(&[("port", PORT), ("mill", MILL)], &spans);
        let b = session(&[("mill", MILL), ("port", PORT)], &spans);
        let report = agreement(
            &[
                Annotator {
                    name: "ann",
                    session: &a,
                },
                Annotator {
                    name: "bob",
                    session: &b,
                },
            ],
            None,
        );
        assert_eq!(report.articles, 2);
        assert_eq!(report.overall.alpha_u, Some(1.0));
        let pair = &report.overall.pairs[0];
        assert_eq!(
            (pair.f1_exact, pair.matched, pair.only_a),
            (Some(1.0), 2, 0)
        );
        assert_eq!(
            report
                .per_article
                .iter()
                .map(|a| a.id.as_str())
                .collect::<Vec<_>>(),
            ["mill", "port"],
            "the continuum is in id order"
        );
    }

    #[test]
    fn different_documents_never_agree_by_being_overlaid() {
        // Each annotator marks the first sentence of a different article: at the same
        // offsets, but on different texts of the continuum.
        let a = session(
            &[("port", PORT), ("mill", MILL)],
            &[("port", "claim", "The port opens at dawn")],
        );
        let b = session(
            &[("port", PORT), ("mill", MILL)],
            &[("mill", "claim", "The mill burned in May")],
        );
        let report = agreement(
            &[
                Annotator {
                    name: "a",
                    session: &a,
                },
                Annotator {
                    name: "b",
                    session: &b,
                },
            ],
            None,
        );
        assert!(
            report.overall.alpha_u.unwrap() < 0.0,
            "{:?}",
            report.overall.alpha_u
        );
        assert_eq!(report.overall.pairs[0].matched, 0);
        assert!(report.per_article.iter().all(|a| a.disagreements == 1));
    }

    #[test]
    fn overlap_match_needs_half_of_the_union() {
        let a = session(
            &[("port", PORT)],
            &[("port", "claim", "The port opens at dawn")],
        );
        let b = session(
            &[("port", PORT)],
            &[("port", "claim", "port opens at dawn.")],
        );
        let c = session(&[("port", PORT)], &[("port", "claim", "dawn. Ships")]);
        let ab = agreement(
            &[
                Annotator {
                    name: "a",
                    session: &a,
                },
                Annotator {
                    name: "b",
                    session: &b,
                },
                Annotator {
                    name: "c",
                    session: &c,
                },
            ],
            None,
        );
        let pair = |x: &str, y: &str| {
            ab.overall
                .pairs
                .iter()
                .find(|p| p.a == x && p.b == y)
                .unwrap()
                .clone()
        };
        assert_eq!(
            (pair("a", "b").matched, pair("a", "b").matched_overlap),
            (0, 1)
        );
        assert_eq!(pair("a", "c").matched_overlap, 0);
        assert_eq!(pair("a", "b").f1_overlap, Some(1.0));
    }

    #[test]
    fn articles_not_everyone_has_are_left_out_and_listed() {
        let a = session(&[("port", PORT), ("mill", MILL)], &[]);
        let b = session(&[("port", PORT)], &[]);
        let report = agreement(
            &[
                Annotator {
                    name: "a",
                    session: &a,
                },
                Annotator {
                    name: "b",
                    session: &b,
                },
            ],
            None,
        );
        assert_eq!(report.articles, 1);
        assert_eq!(report.left_out.len(), 1);
        assert_eq!(report.left_out[0].id, "mill");
        assert_eq!(report.left_out[0].missing_in, ["b"]);
        assert_eq!(report.overall.alpha_u, None, "no units: undefined, not NaN");
        assert_eq!(report.overall.pairs[0].f1_exact, None);
    }

    #[test]
    fn attribute_values_of_shared_spans_are_compared() {
        let spans = [
            ("port", "claim", "The port opens at dawn"),
            ("port", "claim", "Ships leave at noon"),
        ];
        let a = session(&[("port", PORT)], &spans);
        let mut b = session(&[("port", PORT)], &spans);
        let id = b.documents[0].annotations[1].id;
        let edit = b
            .update_annotation("port", id, Timestamp(2), |x| {
                x.attributes.insert("status".into(), "false".into());
            })
            .unwrap();
        edit.apply(&mut b).unwrap();
        let report = agreement(
            &[
                Annotator {
                    name: "a",
                    session: &a,
                },
                Annotator {
                    name: "b",
                    session: &b,
                },
            ],
            Some("claim"),
        );
        let status = &report.labels["claim"].attributes["status"];
        assert_eq!(status.spans, 2);
        assert_eq!(status.agreement, Some(0.5));
        assert_eq!(status.kappa_kind, "cohen");
    }
}
