//! Labels: the kinds of highlight a session offers (spoiler, quote, claim by default).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A colour as 8-bit sRGB, written `#rrggbb` in files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    /// Parse `#rrggbb` (the `#` is optional).
    pub fn parse(s: &str) -> Option<Self> {
        let hex = s.trim().trim_start_matches('#');
        if hex.len() != 6 || !hex.is_ascii() {
            return None;
        }
        let byte = |i: usize| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        };
        Some(Self([byte(0)?, byte(2)?, byte(4)?]))
    }

    /// `#rrggbb`.
    pub fn to_hex(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

impl Serialize for Rgb {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("colour {s:?} is not #rrggbb")))
    }
}

/// An attribute a label suggests for its annotations, e.g. quote → `speaker`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AttributeSpec {
    /// Attribute key, e.g. `status`.
    pub key: String,
    /// Allowed values; empty means free text.
    pub choices: Vec<String>,
    /// Value a new annotation starts with; empty means the key is not set until edited.
    pub default: String,
}

impl AttributeSpec {
    /// A free-text attribute.
    pub fn free(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            ..Self::default()
        }
    }
}

/// The values a claim's `status` attribute may take.
pub const CLAIM_STATUSES: [&str; 4] = ["unverified", "true", "false", "misleading"];

/// A kind of highlight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Label {
    /// Stable id used by annotations and exports, e.g. `quote`.
    pub id: String,
    /// Name shown to the person, e.g. `Quote`.
    pub name: String,
    /// Highlight colour.
    pub color: Rgb,
    /// Key that applies the label to the selection (an ASCII letter), if any.
    pub hotkey: Option<char>,
    /// What the label is for.
    pub description: String,
    /// Attributes suggested for annotations with this label.
    pub attributes: Vec<AttributeSpec>,
}

impl Default for Label {
    fn default() -> Self {
        Self {
            id: String::new(),
            name: String::new(),
            color: Rgb([0xcc, 0xcc, 0xcc]),
            hotkey: None,
            description: String::new(),
            attributes: Vec::new(),
        }
    }
}

impl Label {
    /// A label with the given id and name and nothing else.
    pub fn new(id: &str, name: &str, color: Rgb) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            color,
            ..Self::default()
        }
    }

    /// The default label set: spoiler (S), quote (Q), claim (C), source (O).
    pub fn defaults() -> Vec<Self> {
        vec![
            Self {
                hotkey: Some('S'),
                description: "Reveals a plot point; hidden by the spoiler shield.".to_owned(),
                ..Self::new("spoiler", "Spoiler", Rgb([0xe0, 0x6c, 0x75]))
            },
            Self {
                hotkey: Some('Q'),
                description: "Words attributed to someone.".to_owned(),
                attributes: vec![AttributeSpec::free("speaker")],
                ..Self::new("quote", "Quote", Rgb([0x61, 0xaf, 0xef]))
            },
            Self {
                hotkey: Some('C'),
                description: "A statement of fact that can be checked.".to_owned(),
                attributes: vec![
                    AttributeSpec {
                        key: "status".to_owned(),
                        choices: CLAIM_STATUSES.iter().map(|s| (*s).to_owned()).collect(),
                        default: "unverified".to_owned(),
                    },
                    AttributeSpec::free("source"),
                ],
                ..Self::new("claim", "Claim", Rgb([0xe5, 0xc0, 0x7b]))
            },
            Self {
                hotkey: Some('O'),
                description: "The person or organisation quoted or cited.".to_owned(),
                ..Self::new("source", "Source", Rgb([0x56, 0xb6, 0xc2]))
            },
        ]
    }

    /// Colour for the `n`-th label of a set (cycles through a palette that stays
    /// distinguishable from the default labels).
    pub fn palette_color(n: usize) -> Rgb {
        const PALETTE: [[u8; 3]; 6] = [
            [0x98, 0xc3, 0x79],
            [0xc6, 0x78, 0xdd],
            [0x56, 0xb6, 0xc2],
            [0xd1, 0x9a, 0x66],
            [0xbe, 0x50, 0x46],
            [0x7f, 0x84, 0x8e],
        ];
        Rgb(PALETTE.get(n % PALETTE.len()).copied().unwrap_or([0xaa; 3]))
    }

    /// A label id made from a display name: lowercase ASCII letters, digits and `-`.
    pub fn id_from_name(name: &str) -> String {
        let mut id = String::new();
        for ch in name.trim().chars() {
            if ch.is_alphanumeric() {
                id.extend(ch.to_lowercase());
            } else if !id.ends_with('-') && !id.is_empty() {
                id.push('-');
            }
        }
        let id = id.trim_end_matches('-').to_owned();
        if id.is_empty() {
            "label".to_owned()
        } else {
            id
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_round_trip_and_reject_garbage() {
        assert_eq!(Rgb::parse("#61afef"), Some(Rgb([0x61, 0xaf, 0xef])));
        assert_eq!(Rgb([1, 2, 255]).to_hex(), "#0102ff");
        assert_eq!(Rgb::parse("#12345"), None);
        assert_eq!(Rgb::parse("#12345g"), None);
        assert_eq!(Rgb::parse("#1234é"), None);
    }

    #[test]
    fn ids_from_names() {
        assert_eq!(Label::id_from_name("Key Claim!"), "key-claim");
        assert_eq!(Label::id_from_name("  "), "label");
    }
}
