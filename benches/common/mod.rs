//! What every benchmark shares: appending figures to `target/bench/NAME.jsonl`.

#![allow(dead_code, clippy::print_stdout)]
#![allow(clippy::cast_possible_truncation)]

use std::io::Write as _;
use std::path::PathBuf;

/// Append one JSON object per figure to `target/bench/{name}.jsonl` (under
/// `CARGO_TARGET_DIR` when set) and say where; a failure to write is printed, not fatal.
pub fn append_figures(name: &str, figures: &[serde_json::Value]) {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    let dir = target.join("bench");
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        let path = dir.join(format!("{name}.jsonl"));
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        for figure in figures {
            writeln!(file, "{figure}")?;
        }
        Ok(path)
    });
    match written {
        Ok(path) => println!("figures appended to {}", path.display()),
        Err(e) => println!("cannot write the figures: {e}"),
    }
}

/// `value` rounded to three decimals (figures stay readable in the JSONL).
pub fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

// --- the generated article -------------------------------------------------------------

/// A small deterministic generator.
pub struct Lcg(pub u64);

impl Lcg {
    /// The next value.
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A value below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The words of the generated article.
pub const WORDS: [&str; 40] = [
    "the",
    "harbour",
    "lantern",
    "council",
    "said",
    "that",
    "night",
    "ferry",
    "keeper",
    "bridge",
    "river",
    "storm",
    "café",
    "naïve",
    "season",
    "episode",
    "finale",
    "reveal",
    "witness",
    "claimed",
    "percent",
    "mayor",
    "budget",
    "island",
    "signal",
    "ledger",
    "brother",
    "sister",
    "archive",
    "tide",
    "“quoted”",
    "—",
    "évidence",
    "crossing",
    "lighthouse",
    "secret",
    "north",
    "promised",
    "report",
    "🙂",
];

/// The generated article of about `bytes` bytes (the reader's and the suggestion
/// engine's benchmarks use it): sentences of random words with quotes, accents and
/// emoji, in paragraphs.
pub fn generate_text(bytes: usize) -> String {
    let mut rng = Lcg(0x5eed ^ bytes as u64);
    let mut out = String::with_capacity(bytes + 1024);
    while out.len() < bytes {
        let words = 40 + rng.below(120);
        let mut sentence_start = true;
        for w in 0..words {
            let word = WORDS[rng.below(WORDS.len() as u64) as usize];
            if w > 0 {
                out.push(' ');
            }
            if sentence_start {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(chars.as_str());
                }
                sentence_start = false;
            } else {
                out.push_str(word);
            }
            if rng.below(12) == 0 {
                out.push('.');
                sentence_start = true;
            }
        }
        out.push_str(".\n\n");
    }
    out
}
