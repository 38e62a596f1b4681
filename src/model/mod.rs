//! The pure domain: articles, labels, annotations in char offsets, the session, edits
//! with undo/redo, re-anchoring and offset maps. No GUI, no file system.

mod adding;
pub mod agreement;
pub mod align;
pub mod anchor;
pub mod annotation;
pub mod article;
pub mod bidi;
pub mod curation;
pub mod edit;
pub mod fuzzy;
pub mod label;
pub mod merge;
pub mod reflow;
pub mod relation;
pub mod search;
pub mod session;
pub mod shared;
pub mod suggest;
pub mod suggestion;
pub mod text;
pub mod time;
pub mod words;

pub use anchor::{Anchoring, reanchor};
pub use annotation::{Annotation, AnnotationId, CONTEXT_CHARS, SpanError, snap_span};
pub use article::{Article, ArticleInfo, Metadata, Status, article_id_from, sha256_hex};
pub use edit::{Edit, EditError, History, Step};
pub use label::{AttributeSpec, CLAIM_STATUSES, Label, Rgb};
pub use relation::{Relation, RelationError, RelationId, RelationType, STANCES};
pub use session::{
    AnnotateError, Annotations, ArticleIds, Document, LabelCounts, Located, MAX_ANNOTATION_ID,
    Reanchored, Relations, Session,
};
pub use shared::Shared;
pub use text::Text;
pub use time::Timestamp;
