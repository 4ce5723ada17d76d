//! The list envelope and keyset page tokens.
//!
//! Every list answers `end, first_page_uri, next_page_uri, page, page_size,
//! previous_page_uri, start, uri` plus exactly one list key: twilio-python refuses a page with
//! two unknown top-level keys.

use serde::ser::{Serialize, SerializeMap, Serializer};

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 1000;

/// Where a page starts, as carried by `PageToken`. Tokens hold the sort key of the row at
/// the page edge, so any page costs what the first costs (no OFFSET).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    Start,
    /// Rows with a key greater than this (the next page).
    After(i64),
    /// Rows with a key less than this (the previous page).
    Before(i64),
}

impl Cursor {
    /// `PA<hex>` for the next page, `PB<hex>` for the previous one.
    pub fn token(self) -> Option<String> {
        match self {
            Cursor::Start => None,
            Cursor::After(k) => Some(format!("PA{k:x}")),
            Cursor::Before(k) => Some(format!("PB{k:x}")),
        }
    }

    pub fn parse_token(s: &str) -> Option<Cursor> {
        let (dir, hex) = (s.get(..2)?, s.get(2..)?);
        if hex.is_empty() || hex.len() > 16 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let key = i64::from_str_radix(hex, 16).ok()?;
        match dir {
            "PA" => Some(Cursor::After(key)),
            "PB" => Some(Cursor::Before(key)),
            _ => None,
        }
    }
}

/// The paging fields of a list response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageMeta {
    pub page: u32,
    pub page_size: u32,
    pub uri: String,
    pub first_page_uri: String,
    pub next_page_uri: Option<String>,
    pub previous_page_uri: Option<String>,
}

/// A page of `items` under the list key `key` (`accounts`, `calls`, ...).
pub struct Page<T> {
    pub key: &'static str,
    pub meta: PageMeta,
    pub items: Vec<T>,
}

impl<T> Page<T> {
    /// The same page with each item changed (one resource in another shape).
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            key: self.key,
            meta: self.meta,
            items: self.items.into_iter().map(f).collect(),
        }
    }
}

impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let start = u64::from(self.meta.page) * u64::from(self.meta.page_size);
        // Twilio's `end` is the index of the last item on the page (0 on an empty page).
        let end = (start + self.items.len() as u64)
            .saturating_sub(1)
            .max(start);
        let mut m = s.serialize_map(Some(9))?;
        m.serialize_entry("end", &end)?;
        m.serialize_entry("first_page_uri", &self.meta.first_page_uri)?;
        m.serialize_entry("next_page_uri", &self.meta.next_page_uri)?;
        m.serialize_entry("page", &self.meta.page)?;
        m.serialize_entry("page_size", &self.meta.page_size)?;
        m.serialize_entry("previous_page_uri", &self.meta.previous_page_uri)?;
        m.serialize_entry("start", &start)?;
        m.serialize_entry("uri", &self.meta.uri)?;
        m.serialize_entry(self.key, &self.items)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        for c in [
            Cursor::After(0),
            Cursor::After(123_456_789),
            Cursor::Before(42),
        ] {
            assert_eq!(Cursor::parse_token(&c.token().unwrap()), Some(c));
        }
        assert_eq!(Cursor::Start.token(), None);
    }

    #[test]
    fn malformed_tokens_are_rejected() {
        for t in [
            "",
            "PA",
            "PZ12",
            "PAxyz",
            "PA-1",
            "P",
            "PA11111111111111111",
            "é",
        ] {
            assert_eq!(Cursor::parse_token(t), None, "{t}");
        }
    }

    #[test]
    fn envelope_has_the_spec_keys_in_order() {
        let page = Page {
            key: "accounts",
            meta: PageMeta {
                page: 0,
                page_size: 50,
                uri: "/u".into(),
                first_page_uri: "/f".into(),
                next_page_uri: None,
                previous_page_uri: None,
            },
            items: Vec::<u8>::new(),
        };
        assert_eq!(
            serde_json::to_string(&page).unwrap(),
            r#"{"end":0,"first_page_uri":"/f","next_page_uri":null,"page":0,"page_size":50,"previous_page_uri":null,"start":0,"uri":"/u","accounts":[]}"#
        );
    }

    #[test]
    fn start_and_end_count_from_the_page_number() {
        let page = Page {
            key: "accounts",
            meta: PageMeta {
                page: 2,
                page_size: 10,
                uri: "/u".into(),
                first_page_uri: "/f".into(),
                next_page_uri: None,
                previous_page_uri: None,
            },
            items: vec![1, 2, 3],
        };
        let v: serde_json::Value = serde_json::to_value(&page).unwrap();
        assert_eq!(v["start"], 20);
        assert_eq!(v["end"], 22);
    }
}
