//! The file-system boundary: article loading, the RON session file, exports and imports.

pub mod article;
pub mod export;
pub mod html;
pub mod import;
pub mod input;
pub mod journal;
pub mod session_file;

pub use article::{
    ARTICLE_EXTENSIONS, ArticleError, MAX_ARTICLE_BYTES, load_article, load_article_with,
};
pub use export::{ExportError, ExportFormat, export_session};
pub use html::HtmlMode;
pub use import::{
    ImportError, ImportFormat, ImportOptions, Imported, import_file, import_file_detecting,
    import_path,
};
pub use session_file::{
    ArticleReport, LoadedSession, SESSION_EXTENSION, SESSION_VERSION, SessionFileError,
    is_article_path, load_session, save_session, save_session_without_backup, write_atomic,
    write_atomic_keeping_backup,
};
