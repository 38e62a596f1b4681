//! Article text with an index for char ↔ UTF-8 byte ↔ UTF-16 offset conversion.
//!
//! The model counts offsets in Unicode scalar values (chars). Every conversion here is
//! O(log n) plus a walk of at most [`CHECKPOINT_EVERY`] chars: the index keeps one
//! checkpoint (byte and UTF-16 offset) per block of chars.

use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One checkpoint every this many chars.
pub const CHECKPOINT_EVERY: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Checkpoint {
    byte: u32,
    utf16: u32,
}

/// An immutable article text plus its offset index. Cheap to clone (shared).
#[derive(Clone)]
pub struct Text {
    text: Arc<str>,
    /// `checkpoints[k]` is the position of char `k * CHECKPOINT_EVERY`.
    checkpoints: Arc<[Checkpoint]>,
    char_len: usize,
    utf16_len: usize,
}

impl Text {
    /// Index `text`. One pass over the text.
    pub fn new(text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT_EVERY + 1);
        let mut utf16 = 0usize;
        let mut char_len = 0usize;
        // One pass over the bytes: every byte that is not a continuation byte starts a
        // char; a 4-byte char is two UTF-16 units. A block of CHECKPOINT_EVERY ASCII
        // bytes is one checkpoint and a jump.
        let bytes = text.as_bytes();
        let mut byte = 0usize;
        while let Some(&b) = bytes.get(byte) {
            if char_len.is_multiple_of(CHECKPOINT_EVERY) {
                checkpoints.push(Checkpoint {
                    byte: to_u32(byte),
                    utf16: to_u32(utf16),
                });
                if bytes
                    .get(byte..byte + CHECKPOINT_EVERY)
                    .is_some_and(<[u8]>::is_ascii)
                {
                    byte += CHECKPOINT_EVERY;
                    char_len += CHECKPOINT_EVERY;
                    utf16 += CHECKPOINT_EVERY;
                    continue;
                }
            }
            if b & 0xC0 != 0x80 {
                char_len += 1;
                utf16 += if b >= 0xF0 { 2 } else { 1 };
            }
            byte += 1;
            // Continuation bytes never start a char: skip to the next char start.
            while bytes.get(byte).is_some_and(|&c| c & 0xC0 == 0x80) {
                byte += 1;
            }
        }
        if char_len.is_multiple_of(CHECKPOINT_EVERY) {
            checkpoints.push(Checkpoint {
                byte: to_u32(text.len()),
                utf16: to_u32(utf16),
            });
        }
        Self {
            text,
            checkpoints: checkpoints.into(),
            char_len,
            utf16_len: utf16,
        }
    }

    /// The whole text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Length in chars (Unicode scalar values).
    pub fn char_len(&self) -> usize {
        self.char_len
    }

    /// Length in UTF-8 bytes.
    pub fn byte_len(&self) -> usize {
        self.text.len()
    }

    /// Length in UTF-16 code units.
    pub fn utf16_len(&self) -> usize {
        self.utf16_len
    }

    /// True when the text has no chars.
    pub fn is_empty(&self) -> bool {
        self.char_len == 0
    }

    /// UTF-8 byte offset of char offset `char_idx` (`char_len()` maps to `byte_len()`).
    pub fn byte_of_char(&self, char_idx: usize) -> Option<usize> {
        if char_idx >= self.char_len {
            return (char_idx == self.char_len).then_some(self.text.len());
        }
        let block = char_idx / CHECKPOINT_EVERY;
        let start = self.checkpoints.get(block)?.byte as usize;
        let skip = char_idx - block * CHECKPOINT_EVERY;
        let (offset, _) = self.text.get(start..)?.char_indices().nth(skip)?;
        Some(start + offset)
    }

    /// Char offset of UTF-8 byte offset `byte`; `None` inside a multi-byte char or past the end.
    pub fn char_of_byte(&self, byte: usize) -> Option<usize> {
        if byte > self.text.len() || !self.text.is_char_boundary(byte) {
            return None;
        }
        let block = self
            .checkpoints
            .partition_point(|c| c.byte as usize <= byte)
            .checked_sub(1)?;
        let start = self.checkpoints.get(block)?.byte as usize;
        let walked = self.text.get(start..byte)?.chars().count();
        Some(block * CHECKPOINT_EVERY + walked)
    }

    /// UTF-16 offset of char offset `char_idx`.
    pub fn utf16_of_char(&self, char_idx: usize) -> Option<usize> {
        if char_idx > self.char_len {
            return None;
        }
        let block = char_idx / CHECKPOINT_EVERY;
        let checkpoint = self.checkpoints.get(block)?;
        let skip = char_idx - block * CHECKPOINT_EVERY;
        let rest = self.text.get(checkpoint.byte as usize..)?;
        let extra: usize = rest.chars().take(skip).map(char::len_utf16).sum();
        Some(checkpoint.utf16 as usize + extra)
    }

    /// Char offset of UTF-16 offset `utf16`; `None` between the halves of a surrogate pair.
    pub fn char_of_utf16(&self, utf16: usize) -> Option<usize> {
        if utf16 > self.utf16_len {
            return None;
        }
        let block = self
            .checkpoints
            .partition_point(|c| c.utf16 as usize <= utf16)
            .checked_sub(1)?;
        let checkpoint = self.checkpoints.get(block)?;
        let mut at = checkpoint.utf16 as usize;
        let mut char_idx = block * CHECKPOINT_EVERY;
        let rest = self.text.get(checkpoint.byte as usize..)?;
        for ch in rest.chars() {
            if at >= utf16 {
                break;
            }
            at += ch.len_utf16();
            char_idx += 1;
        }
        (at == utf16).then_some(char_idx)
    }

    /// Byte range of a char range; `None` when out of bounds or reversed.
    pub fn byte_range(&self, chars: Range<usize>) -> Option<Range<usize>> {
        if chars.start > chars.end {
            return None;
        }
        // Both ends through the index: O(log n) however long the span is.
        let start = self.byte_of_char(chars.start)?;
        let end = self.byte_of_char(chars.end)?;
        Some(start..end)
    }

    /// The text of a char range; `None` when out of bounds or reversed.
    pub fn slice(&self, chars: Range<usize>) -> Option<&str> {
        let bytes = self.byte_range(chars)?;
        self.text.get(bytes)
    }
}

fn to_u32(n: usize) -> u32 {
    // Texts are limited far below 4 GiB by the article loader; saturate rather than wrap.
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.text, f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.text, &other.text) || self.text == other.text
    }
}

impl Eq for Text {}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Self::new(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_with_emoji_and_combining_marks() {
        // "a😀é" with é as e + U+0301.
        let text = Text::new("a\u{1F600}e\u{301}b");
        assert_eq!(text.char_len(), 5);
        assert_eq!(text.byte_len(), 1 + 4 + 1 + 2 + 1);
        assert_eq!(text.utf16_len(), 1 + 2 + 1 + 1 + 1);
        assert_eq!(text.byte_of_char(2), Some(5));
        assert_eq!(text.utf16_of_char(2), Some(3));
        assert_eq!(text.char_of_utf16(2), None, "inside the surrogate pair");
        assert_eq!(text.char_of_byte(3), None, "inside the emoji");
        assert_eq!(text.char_of_byte(5), Some(2));
        assert_eq!(text.slice(1..2), Some("\u{1F600}"));
        assert_eq!(text.slice(0..5), Some(text.as_str()));
        assert_eq!(text.slice(4..6), None);
        assert_eq!(text.byte_of_char(5), Some(text.byte_len()));
    }

    #[test]
    fn conversions_across_checkpoints() {
        let s: String = (0..500)
            .map(|i| if i % 7 == 0 { '€' } else { 'x' })
            .collect();
        let text = Text::new(s.as_str());
        for (char_idx, (byte, _)) in s.char_indices().enumerate() {
            assert_eq!(text.byte_of_char(char_idx), Some(byte));
            assert_eq!(text.char_of_byte(byte), Some(char_idx));
            let utf16 = s[..byte].encode_utf16().count();
            assert_eq!(text.utf16_of_char(char_idx), Some(utf16));
            assert_eq!(text.char_of_utf16(utf16), Some(char_idx));
        }
        assert_eq!(text.char_of_byte(s.len()), Some(500));
    }
}
