//! Parsing and formatting single numbers.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use phonenumber::{Mode, PhoneNumber};

/// A number that libphonenumber accepts as valid, with what Twilio shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedNumber {
    /// `+14155550100`
    pub e164: String,
    /// ISO 3166 alpha-2 of the number's region, e.g. `US`.
    pub iso_country: String,
    /// The national format Twilio uses for `friendly_name` and `*_formatted`, e.g.
    /// `(415) 555-0100`.
    pub national: String,
    pub kind: phonenumber::Type,
}

fn to_parsed(n: &PhoneNumber) -> Option<ParsedNumber> {
    if !phonenumber::is_valid(n) {
        return None;
    }
    let iso = n.country().id()?;
    Some(ParsedNumber {
        e164: n.format().mode(Mode::E164).to_string(),
        iso_country: format!("{iso:?}"),
        national: n.format().mode(Mode::National).to_string(),
        kind: n.number_type(&phonenumber::metadata::DATABASE),
    })
}

/// Parsed numbers, remembered: libphonenumber's regex-driven validation costs ~14 µs a
/// number, more than the rest of a request, and traffic repeats its numbers. Bounded by
/// clearing when full (a pure function's cache needs no eviction order).
fn cache() -> &'static Mutex<HashMap<String, Option<ParsedNumber>>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<ParsedNumber>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

const CACHE_CAPACITY: usize = 100_000;

/// A strictly E.164 string (`+` then 8 to 15 digits) that libphonenumber validates.
pub fn parse_e164(s: &str) -> Option<ParsedNumber> {
    let digits = s.strip_prefix('+')?;
    if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(hit) = cache().lock().unwrap_or_else(|e| e.into_inner()).get(s) {
        return hit.clone();
    }
    let parsed = phonenumber::parse(None, s).ok().and_then(|n| to_parsed(&n));
    let mut c = cache().lock().unwrap_or_else(|e| e.into_inner());
    if c.len() >= CACHE_CAPACITY {
        c.clear();
    }
    c.insert(s.to_owned(), parsed.clone());
    parsed
}

/// The national format of a valid E.164 number, or the input unchanged.
pub fn format_national(e164: &str) -> String {
    parse_e164(e164)
        .map(|p| p.national)
        .unwrap_or_else(|| e164.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_numbers_and_formats_them_nationally() {
        let p = parse_e164("+14155552671").unwrap();
        assert_eq!(p.iso_country, "US");
        assert_eq!(p.national, "(415) 555-2671");
        let gb = parse_e164("+442079460123").unwrap();
        assert_eq!(gb.iso_country, "GB");
        assert_eq!(gb.national, "020 7946 0123");
    }

    #[test]
    fn repeated_parses_agree() {
        for _ in 0..3 {
            assert_eq!(
                parse_e164("+14155552671").unwrap().national,
                "(415) 555-2671"
            );
            assert!(parse_e164("+10005550100").is_none());
        }
    }

    #[test]
    fn refuses_what_is_not_strict_e164_or_not_valid() {
        for s in [
            "4155552671",
            "+1415555267",
            "+1 415 555 2671",
            "+1415555267a",
            "",
            "+",
            "+10005550100",
        ] {
            assert!(parse_e164(s).is_none(), "{s}");
        }
    }
}
