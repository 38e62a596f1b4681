//! Gloss: read and annotate articles — spoilers, quotes and claims — with exact offsets.
//!
//! Layers, arrows pointing one way:
//! - [`model`]: the pure domain (articles, labels, annotations in char offsets, the
//!   session, invertible edits and history, re-anchoring, offset maps). No egui, no files.
//! - [`formats`]: the file-system boundary: article loading (txt/md/html, encodings),
//!   the versioned RON session file with atomic saves, exports and imports.
//! - [`cli`]: headless subcommands (`new`, `import`, `export`, `check`) over both.
//! - [`app`]: the eframe desktop app; panels emit `Command`s applied in one place.

pub mod app;
pub mod cli;
pub mod formats;
pub mod model;
