//! Relations: typed links between two annotations of a session, in one article or across
//! articles (a quote → its speaker, a claim → its evidence).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::annotation::AnnotationId;
use super::label::{AttributeSpec, Rgb};
use super::time::Timestamp;

/// Stable id of a relation, unique in its session and drawn from the same counter as
/// annotation ids (so an id names one thing of the session).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct RelationId(pub u64);

impl std::fmt::Display for RelationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A kind of link, session data like a label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RelationType {
    /// Stable id used by relations and exports, e.g. `speaker`.
    pub id: String,
    /// Name shown to the person, e.g. `Speaker`.
    pub name: String,
    /// Colour of its arcs and markers.
    pub color: Rgb,
    /// Key (a digit 1–9 or an ASCII letter) that picks this type while linking.
    pub hotkey: Option<char>,
    /// What the relation means.
    pub description: String,
    /// Labels the source annotation may have; empty means any.
    pub from_labels: Vec<String>,
    /// Labels the target annotation may have; empty means any.
    pub to_labels: Vec<String>,
    /// Both ends must have the same label (`same_as`).
    pub same_label: bool,
    /// Attributes suggested for relations of this type.
    pub attributes: Vec<AttributeSpec>,
}

impl Default for RelationType {
    fn default() -> Self {
        Self {
            id: String::new(),
            name: String::new(),
            color: Rgb([0x7f, 0x84, 0x8e]),
            hotkey: None,
            description: String::new(),
            from_labels: Vec::new(),
            to_labels: Vec::new(),
            same_label: false,
            attributes: Vec::new(),
        }
    }
}

/// The values an `evidence` relation's `stance` attribute may take.
pub const STANCES: [&str; 2] = ["supports", "refutes"];

impl RelationType {
    /// A type with the given id and name, linking any labels.
    pub fn new(id: &str, name: &str, color: Rgb) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            color,
            ..Self::default()
        }
    }

    /// The default types: speaker (1), evidence (2), same as (3), contradicts (4).
    pub fn defaults() -> Vec<Self> {
        let labels = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect();
        vec![
            Self {
                hotkey: Some('1'),
                description: "Who said it: a quote → its source.".to_owned(),
                from_labels: labels(&["quote"]),
                to_labels: labels(&["source"]),
                ..Self::new("speaker", "Speaker", Rgb([0x61, 0xaf, 0xef]))
            },
            Self {
                hotkey: Some('2'),
                description: "What supports or refutes a claim.".to_owned(),
                from_labels: labels(&["claim"]),
                attributes: vec![AttributeSpec {
                    key: "stance".to_owned(),
                    choices: STANCES.iter().map(|s| (*s).to_owned()).collect(),
                    default: "supports".to_owned(),
                }],
                ..Self::new("evidence", "Evidence", Rgb([0x98, 0xc3, 0x79]))
            },
            Self {
                hotkey: Some('3'),
                description: "The same quote or claim again, usually in another article."
                    .to_owned(),
                same_label: true,
                ..Self::new("same_as", "Same as", Rgb([0xc6, 0x78, 0xdd]))
            },
            Self {
                hotkey: Some('4'),
                description: "A claim that contradicts another.".to_owned(),
                from_labels: labels(&["claim"]),
                to_labels: labels(&["claim"]),
                ..Self::new("contradicts", "Contradicts", Rgb([0xe0, 0x6c, 0x75]))
            },
        ]
    }

    /// True when a relation of this type may go from an annotation labelled `from` to
    /// one labelled `to`.
    pub fn allows(&self, from: &str, to: &str) -> bool {
        let fits = |allowed: &[String], label: &str| {
            allowed.is_empty() || allowed.iter().any(|l| l == label)
        };
        fits(&self.from_labels, from)
            && fits(&self.to_labels, to)
            && (!self.same_label || from == to)
    }

    /// Why a relation of this type may not go from `from` to `to` labels, in words.
    pub fn refusal(&self, from: &str, to: &str) -> Option<String> {
        if self.allows(from, to) {
            return None;
        }
        Some(if self.same_label && from != to {
            format!(
                "{} links annotations with the same label, not {from} and {to}",
                self.name
            )
        } else {
            let side = |allowed: &[String]| {
                if allowed.is_empty() {
                    "any label".to_owned()
                } else {
                    allowed.join(" or ")
                }
            };
            format!(
                "{} goes from {} to {}, not from {from} to {to}",
                self.name,
                side(&self.from_labels),
                side(&self.to_labels)
            )
        })
    }

    /// The default attribute values a new relation of this type starts with.
    pub fn default_attributes(&self) -> BTreeMap<String, String> {
        self.attributes
            .iter()
            .filter(|spec| !spec.default.is_empty())
            .map(|spec| (spec.key.clone(), spec.default.clone()))
            .collect()
    }
}

/// A typed link from one annotation to another (in any articles of the session).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    /// Stable id.
    pub id: RelationId,
    /// Id of the [`RelationType`].
    #[serde(rename = "type")]
    pub kind: String,
    /// The source annotation.
    pub from: AnnotationId,
    /// The target annotation.
    pub to: AnnotationId,
    /// Free-text note.
    #[serde(default)]
    pub note: String,
    /// Attributes such as `stance`, sorted by key.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// When it was made.
    #[serde(default)]
    pub created: Timestamp,
    /// When it last changed.
    #[serde(default)]
    pub modified: Timestamp,
}

impl Relation {
    /// True when `annotation` is one of its ends.
    pub fn touches(&self, annotation: AnnotationId) -> bool {
        self.from == annotation || self.to == annotation
    }

    /// The end that is not `annotation` (the target when both are).
    pub fn other_end(&self, annotation: AnnotationId) -> AnnotationId {
        if self.from == annotation {
            self.to
        } else {
            self.from
        }
    }

    /// True when both link the same two annotations in the same direction with the same
    /// type: a session holds at most one such relation.
    pub fn duplicates(&self, other: &Self) -> bool {
        self.kind == other.kind && self.from == other.from && self.to == other.to
    }
}

/// Why a relation cannot be made or changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RelationError {
    /// No annotation with this id in the session.
    #[error("no annotation {0} in the session")]
    NoAnnotation(AnnotationId),
    /// No relation with this id.
    #[error("no relation {0} in the session")]
    NoRelation(RelationId),
    /// No relation type with this id.
    #[error("no relation type {0:?} in the session")]
    NoType(String),
    /// Both ends are the same annotation.
    #[error("an annotation cannot be linked to itself (annotation {0})")]
    SelfRelation(AnnotationId),
    /// The same link already exists.
    #[error("annotations {from} and {to} are already linked as {kind} (relation {existing})")]
    Duplicate {
        /// Type.
        kind: String,
        /// Source.
        from: AnnotationId,
        /// Target.
        to: AnnotationId,
        /// The relation that already links them.
        existing: RelationId,
    },
    /// The type does not allow these labels.
    #[error("{0}")]
    LabelsNotAllowed(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_types_constrain_labels() {
        let types = RelationType::defaults();
        let by = |id: &str| types.iter().find(|t| t.id == id).unwrap();
        assert!(by("speaker").allows("quote", "source"));
        assert!(!by("speaker").allows("claim", "source"));
        assert!(by("evidence").allows("claim", "quote"));
        assert!(!by("evidence").allows("quote", "claim"));
        assert!(by("same_as").allows("quote", "quote"));
        assert!(!by("same_as").allows("quote", "claim"));
        assert!(by("contradicts").allows("claim", "claim"));
        assert_eq!(
            by("speaker").refusal("claim", "source").unwrap(),
            "Speaker goes from quote to source, not from claim to source"
        );
        assert_eq!(
            by("evidence")
                .default_attributes()
                .get("stance")
                .map(String::as_str),
            Some("supports")
        );
    }
}
