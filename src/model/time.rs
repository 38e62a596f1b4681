//! Timestamps for annotations, written as RFC 3339 (UTC, seconds) in files.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Seconds since the Unix epoch, UTC.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// The current time.
    pub fn now() -> Self {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self(secs)
    }

    /// RFC 3339, e.g. `2026-11-22T04:29:30Z`.
    pub fn to_rfc3339(self) -> String {
        humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(self.0)).to_string()
    }

    /// Parse RFC 3339 (`Z` or no zone).
    pub fn parse(s: &str) -> Option<Self> {
        let time = humantime::parse_rfc3339_weak(s.trim()).ok()?;
        let secs = time.duration_since(UNIX_EPOCH).ok()?.as_secs();
        Some(Self(secs))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Borrowed where the format allows (no String per annotation while loading).
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an RFC 3339 time such as \"2026-11-22T04:29:30Z\"")
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Timestamp, E> {
                Timestamp::parse(s).ok_or_else(|| E::custom(format!("bad timestamp {s:?}")))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip() {
        let t = Timestamp(1_795_000_000);
        let s = t.to_rfc3339();
        assert!(s.ends_with('Z'), "{s}");
        assert_eq!(Timestamp::parse(&s), Some(t));
        assert_eq!(Timestamp::parse("yesterday"), None);
    }

    #[test]
    fn deserialises_from_borrowed_and_owned_strings() {
        let t: Timestamp = serde_json::from_str("\"2026-11-22T04:29:30Z\"").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-22T04:29:30Z");
        // An escape makes serde_json hand over an owned string.
        let t: Timestamp = serde_json::from_str("\"2026-11-22T04:29:30\\u005a\"").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-22T04:29:30Z");
        assert!(serde_json::from_str::<Timestamp>("\"soon\"").is_err());
        assert!(serde_json::from_str::<Timestamp>("12").is_err());
    }
}
