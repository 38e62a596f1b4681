//! Check-worthy claims: each sentence gets a score from what makes a statement
//! checkable — figures, percentages, money, counts, dates, comparisons and superlatives,
//! changes ("doubled", "fell"), causes, and attribution to studies, data or officials —
//! against what makes it not — questions, opinions and promises, greetings, very short
//! sentences. The weights are hand-set rules (no trained model, nothing downloaded), and
//! the score is a logistic of their sum so that it ranks sentences, not only thresholds
//! them.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A sentence's check-worthiness and the cues that made it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimScore {
    /// In [0, 1].
    pub score: f32,
    /// The strongest cues, for the reason shown to the person.
    pub cues: Vec<&'static str>,
}

/// Single words and what they add.
const WORDS: &[(&str, f32, &str)] = &[
    // Money and amounts.
    ("million", 1.0, "an amount"),
    ("millions", 0.6, "an amount"),
    ("billion", 1.1, "an amount"),
    ("billions", 0.7, "an amount"),
    ("trillion", 1.1, "an amount"),
    ("thousand", 0.6, "a count"),
    ("thousands", 0.5, "a count"),
    ("hundreds", 0.4, "a count"),
    ("dozens", 0.3, "a count"),
    ("dollars", 0.8, "money"),
    ("euros", 0.8, "money"),
    ("pounds", 0.5, "money"),
    ("percent", 1.1, "a percentage"),
    ("percentage", 0.6, "a percentage"),
    ("half", 0.4, "a proportion"),
    ("quarter", 0.3, "a proportion"),
    ("third", 0.2, "a proportion"),
    ("twice", 0.5, "a comparison"),
    ("average", 0.4, "a figure"),
    ("rate", 0.5, "a rate"),
    ("rates", 0.4, "a rate"),
    // Change.
    ("doubled", 1.2, "a change"),
    ("tripled", 1.2, "a change"),
    ("quadrupled", 1.2, "a change"),
    ("halved", 1.2, "a change"),
    ("increased", 0.6, "a change"),
    ("increase", 0.4, "a change"),
    ("decreased", 0.6, "a change"),
    ("decrease", 0.4, "a change"),
    ("rose", 0.6, "a change"),
    ("risen", 0.6, "a change"),
    ("fell", 0.5, "a change"),
    ("fallen", 0.6, "a change"),
    ("dropped", 0.5, "a change"),
    ("grew", 0.5, "a change"),
    ("grown", 0.4, "a change"),
    ("declined", 0.6, "a change"),
    ("soared", 0.6, "a change"),
    ("surged", 0.6, "a change"),
    ("plunged", 0.6, "a change"),
    ("cut", 0.4, "a change"),
    ("cuts", 0.4, "a change"),
    ("raised", 0.4, "a change"),
    ("lowered", 0.4, "a change"),
    ("lost", 0.5, "a change"),
    ("created", 0.4, "a change"),
    ("added", 0.2, "a change"),
    // Superlatives and comparisons.
    ("most", 0.3, "a superlative"),
    ("least", 0.3, "a superlative"),
    ("highest", 1.0, "a superlative"),
    ("lowest", 1.0, "a superlative"),
    ("largest", 1.0, "a superlative"),
    ("biggest", 1.0, "a superlative"),
    ("smallest", 0.7, "a superlative"),
    ("fastest", 0.6, "a superlative"),
    ("worst", 0.6, "a superlative"),
    ("best", 0.3, "a superlative"),
    ("record", 0.6, "a record"),
    ("first", 0.3, "a first"),
    ("ever", 0.2, "a record"),
    ("only", 0.2, "an absolute"),
    ("never", 0.3, "an absolute"),
    ("every", 0.2, "an absolute"),
    ("nobody", 0.2, "an absolute"),
    ("more", 0.25, "a comparison"),
    ("less", 0.25, "a comparison"),
    ("fewer", 0.4, "a comparison"),
    ("than", 0.4, "a comparison"),
    ("compared", 0.5, "a comparison"),
    // Causes.
    ("because", 0.3, "a cause"),
    ("caused", 0.6, "a cause"),
    ("causes", 0.5, "a cause"),
    ("blamed", 0.4, "a cause"),
    // Evidence and sources.
    ("study", 0.7, "a study"),
    ("studies", 0.7, "a study"),
    ("report", 0.4, "a report"),
    ("survey", 0.7, "a survey"),
    ("poll", 0.6, "a poll"),
    ("polls", 0.5, "a poll"),
    ("data", 0.7, "data"),
    ("statistics", 0.8, "statistics"),
    ("figures", 0.6, "figures"),
    ("census", 0.8, "a census"),
    ("research", 0.5, "research"),
    ("researchers", 0.6, "research"),
    ("scientists", 0.5, "research"),
    ("analysis", 0.4, "research"),
    ("estimates", 0.5, "an estimate"),
    ("estimated", 0.6, "an estimate"),
    ("officials", 0.3, "officials"),
    // Checkable public matters.
    ("voted", 0.7, "a vote"),
    ("vote", 0.3, "a vote"),
    ("passed", 0.4, "an act"),
    ("signed", 0.4, "an act"),
    ("approved", 0.4, "an act"),
    ("law", 0.3, "a law"),
    ("bill", 0.3, "a law"),
    ("tax", 0.5, "taxes"),
    ("taxes", 0.5, "taxes"),
    ("jobs", 0.5, "jobs"),
    ("unemployment", 0.7, "jobs"),
    ("employment", 0.4, "jobs"),
    ("wages", 0.5, "wages"),
    ("income", 0.4, "income"),
    ("deficit", 0.7, "public finance"),
    ("debt", 0.6, "public finance"),
    ("budget", 0.4, "public finance"),
    ("spending", 0.4, "public finance"),
    ("spent", 0.4, "public finance"),
    ("funding", 0.4, "public finance"),
    ("gdp", 0.8, "the economy"),
    ("economy", 0.3, "the economy"),
    ("inflation", 0.6, "the economy"),
    ("trade", 0.3, "trade"),
    ("crime", 0.5, "crime"),
    ("murders", 0.6, "crime"),
    ("deaths", 0.6, "deaths"),
    ("died", 0.4, "deaths"),
    ("killed", 0.4, "deaths"),
    ("cases", 0.4, "cases"),
    ("emissions", 0.6, "emissions"),
    ("immigrants", 0.4, "immigration"),
    ("illegal", 0.4, "a legal matter"),
    ("nuclear", 0.4, "security"),
    ("troops", 0.4, "security"),
    ("weapons", 0.3, "security"),
    ("insurance", 0.4, "health"),
    ("premiums", 0.6, "health"),
    ("population", 0.4, "population"),
    ("was", 0.15, "a past fact"),
    ("were", 0.15, "a past fact"),
    ("had", 0.1, "a past fact"),
    ("since", 0.2, "a period"),
    // Against.
    ("think", -0.4, ""),
    ("believe", -0.4, ""),
    ("feel", -0.4, ""),
    ("hope", -0.5, ""),
    ("want", -0.4, ""),
    ("wants", -0.3, ""),
    ("going", -0.3, ""),
    ("will", -0.3, ""),
    ("would", -0.3, ""),
    ("could", -0.3, ""),
    ("should", -0.4, ""),
    ("might", -0.3, ""),
    ("must", -0.3, ""),
    ("need", -0.3, ""),
    ("if", -0.3, ""),
    ("please", -0.6, ""),
    ("thank", -1.2, ""),
    ("thanks", -1.2, ""),
    ("hello", -1.2, ""),
    ("welcome", -0.8, ""),
    ("applause", -1.5, ""),
    ("laughter", -1.5, ""),
    ("crosstalk", -1.5, ""),
    ("question", -0.5, ""),
    ("wonderful", -0.4, ""),
    ("great", -0.2, ""),
    ("love", -0.4, ""),
    ("lovely", -0.6, ""),
    ("beautiful", -0.4, ""),
    ("let", -0.4, ""),
    ("okay", -0.8, ""),
    ("yes", -0.5, ""),
    ("no", -0.2, ""),
    ("well", -0.2, ""),
    ("maybe", -0.4, ""),
    ("perhaps", -0.4, ""),
    ("opinion", -0.6, ""),
    ("seems", -0.3, ""),
];

/// Phrases (lower case, matched inside the lower-cased sentence).
const PHRASES: &[(&str, f32, &str)] = &[
    ("according to", 0.7, "attributed to a source"),
    ("more than", 0.5, "a comparison"),
    ("less than", 0.5, "a comparison"),
    ("fewer than", 0.5, "a comparison"),
    ("at least", 0.4, "a figure"),
    ("up from", 0.6, "a change"),
    ("down from", 0.6, "a change"),
    ("per cent", 1.1, "a percentage"),
    ("led to", 0.5, "a cause"),
    ("leads to", 0.4, "a cause"),
    ("due to", 0.4, "a cause"),
    ("as a result", 0.4, "a cause"),
    ("resulted in", 0.5, "a cause"),
    ("linked to", 0.4, "a cause"),
    ("the first", 0.4, "a first"),
    ("the only", 0.3, "an absolute"),
    ("in history", 0.5, "a record"),
    ("found that", 0.6, "a finding"),
    ("shows that", 0.5, "a finding"),
    ("showed that", 0.5, "a finding"),
    ("i think", -0.5, ""),
    ("i believe", -0.5, ""),
    ("in my opinion", -0.8, ""),
    ("we will", -0.4, ""),
    ("we're going to", -0.6, ""),
    ("i'm going to", -0.6, ""),
    ("i will", -0.4, ""),
    ("we need to", -0.4, ""),
    ("we have to", -0.3, ""),
    ("let me", -0.6, ""),
    ("let's", -0.6, ""),
    ("thank you", -1.2, ""),
    ("good evening", -1.5, ""),
    ("good night", -1.0, ""),
];

const BIAS: f32 = -2.2;

fn word_weights() -> &'static HashMap<&'static str, (f32, &'static str)> {
    static MAP: OnceLock<HashMap<&'static str, (f32, &'static str)>> = OnceLock::new();
    MAP.get_or_init(|| WORDS.iter().map(|&(w, v, c)| (w, (v, c))).collect())
}

/// How check-worthy `sentence` is.
pub fn score(sentence: &str) -> ClaimScore {
    // Every cue found, with its weight; the score is the logistic of their sum.
    let mut parts: Vec<(f32, &'static str)> = Vec::new();
    let mut add = |weight: f32, cue: &'static str| parts.push((weight, cue));
    let lowered = sentence.to_lowercase();
    let words: Vec<&str> = lowered
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .collect();
    let count = words.len();
    // Figures.
    let numbers = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .count();
    let years = words
        .iter()
        .filter(|w| {
            w.len() == 4
                && (w.starts_with("19") || w.starts_with("20"))
                && w.bytes().all(|b| b.is_ascii_digit())
        })
        .count();
    if numbers > years {
        add(1.3, "a figure");
        if numbers - years > 1 {
            add(0.4, "several figures");
        }
    }
    if years > 0 {
        add(0.5, "a date");
    }
    if sentence.contains('%') {
        add(1.1, "a percentage");
    }
    if sentence.contains(['$', '€', '£', '¥', '₹']) {
        add(1.0, "money");
    }
    // Words, each at most once.
    let weights = word_weights();
    let mut seen: Vec<&str> = Vec::new();
    let mut positive = 0.0f32;
    for w in &words {
        if let Some(&(weight, cue)) = weights.get(w) {
            if seen.contains(w) {
                continue;
            }
            seen.push(w);
            // Many topic words do not make a sentence more checkable without limit.
            let weight = if weight > 0.0 {
                let room = (2.5 - positive).max(0.0);
                positive += weight;
                weight.min(room)
            } else {
                weight
            };
            add(weight, cue);
        }
    }
    for &(phrase, weight, cue) in PHRASES {
        if contains_words(&lowered, phrase) {
            add(weight, cue);
        }
    }
    // Superlatives in -est and comparatives in -er than are caught above by "than" and
    // the list; names of people, places and bodies make a statement checkable.
    let names = sentence
        .split_whitespace()
        .skip(1)
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    if names > 0 {
        add(0.2 + 0.1 * (names.min(3) as f32), "names");
    }
    // Shape.
    let trimmed = sentence.trim_end_matches(['"', '”', '’', '\'', ')', ' ']);
    if trimmed.ends_with('?') {
        add(-1.6, "");
    }
    if trimmed.ends_with('!') {
        add(-0.4, "");
    }
    if count < 6 {
        add(-1.2, "");
    } else {
        add(0.6 * (count.min(30) as f32 / 30.0), "");
    }
    if words.first().is_some_and(|w| matches!(*w, "i" | "we")) {
        add(-0.2, "");
    }
    let total = BIAS + parts.iter().map(|(w, _)| w).sum::<f32>();
    // The strongest positive cues, each named once, for the reason.
    parts.retain(|(w, cue)| *w > 0.0 && !cue.is_empty());
    parts.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut cues: Vec<&'static str> = Vec::new();
    for (_, cue) in parts {
        if !cues.contains(&cue) {
            cues.push(cue);
        }
    }
    cues.truncate(3);
    ClaimScore {
        score: 1.0 / (1.0 + (-total).exp()),
        cues,
    }
}

/// True when `phrase` stands in `text` as whole words (`ever` is not in `however`).
fn contains_words(text: &str, phrase: &str) -> bool {
    // `contains` first: it has a fast path `match_indices` lacks (claims over a 10 MB
    // text took twice as long without it).
    text.contains(phrase)
        && text.match_indices(phrase).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + phrase.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> f32 {
        score(text).score
    }

    #[test]
    fn figures_money_and_percentages_make_a_claim() {
        let claim = score(
            "The new bridge cost €4.2 million, 30% more than planned, according to council figures.",
        );
        assert!(claim.score > 0.9, "{claim:?}");
        assert!(claim.cues.contains(&"a figure"), "{claim:?}");
        assert!(s("Unemployment fell to 4.1 percent in March, the lowest rate since 2001.") > 0.9);
    }

    #[test]
    fn each_kind_of_claim_ranks_above_plain_prose() {
        let plain = s("She walked along the harbour and looked at the boats for a while.");
        for claim in [
            "The number of ferries on the route has doubled since the new port opened.",
            "It is the largest bridge ever built in the region, the council says.",
            "A study by the university found that the flooding caused most of the damage.",
            "The senator voted against the budget bill three times last year.",
            "More than a thousand families left the island after the storm.",
            "Crime in the city rose sharply after the police budget was cut.",
        ] {
            assert!(s(claim) > plain + 0.15, "{claim}: {} vs {plain}", s(claim));
        }
    }

    #[test]
    fn questions_opinions_promises_and_greetings_rank_low() {
        let claim = s("The city spent 12 million dollars on the bridge in 2023.");
        for not in [
            "What will the city spend on the bridge next year?",
            "I think we are going to do great things together.",
            "Thank you very much, good evening.",
            "We will build a better harbour for everyone.",
            "Lovely.",
        ] {
            assert!(s(not) < 0.3 && s(not) < claim, "{not}: {}", s(not));
        }
    }

    #[test]
    fn phrases_count_only_as_whole_words() {
        // "ever" is not in "however" or "every", "i will" not in "Hawaii will".
        let plain = score("However, every boat in Hawaii will sail on Sunday morning.");
        assert!(!plain.cues.contains(&"a record"), "{plain:?}");
        let record = score("It is the tallest tower ever built on the island, they say.");
        assert!(record.cues.contains(&"a record"), "{record:?}");
        assert!(contains_words("the best ever.", "ever") && !contains_words("however", "ever"));
        assert!(score("Hawaii will host the games.").score > score("I will host the games.").score);
    }

    #[test]
    fn scores_stay_in_range_on_any_input() {
        for text in [
            "",
            "?",
            "1 2 3 4 5 6 7 8 9 % $ € million billion record",
            "\u{0}",
        ] {
            let v = s(text);
            assert!((0.0..=1.0).contains(&v), "{text:?}: {v}");
        }
    }
}
