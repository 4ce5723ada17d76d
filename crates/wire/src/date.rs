//! Dates as Twilio writes them (RFC 2822 with `+0000`) and as clients send them in filters.
//!
//! Internally every instant is an `i64` of milliseconds since the Unix epoch, UTC: it sorts,
//! stores the same way in SQLite and Postgres, and needs no time-zone handling.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

pub fn to_datetime(ms: Millis) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// `Thu, 30 Jul 2015 20:00:00 +0000`: twilio-python parses this shape and nothing else.
/// Written digit by digit: every resource carries two to four of these (a page of 50 calls,
/// two hundred), and `write!` with padded fields showed in profiles of lists.
pub fn rfc2822(ms: Millis) -> String {
    use chrono::{Datelike, Timelike};
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    fn digits(s: &mut String, n: u32, width: u32) {
        for p in (0..width).rev() {
            s.push(char::from(b'0' + (n / 10u32.pow(p) % 10) as u8));
        }
    }
    let t = to_datetime(ms);
    let mut s = String::with_capacity(31);
    s.push_str(DAYS[t.weekday().num_days_from_monday() as usize]);
    s.push_str(", ");
    digits(&mut s, t.day(), 2);
    s.push(' ');
    s.push_str(MONTHS[t.month0() as usize]);
    s.push(' ');
    match u32::try_from(t.year()) {
        Ok(y) if y <= 9999 => digits(&mut s, y, 4),
        _ => s.push_str(&t.year().to_string()),
    }
    s.push(' ');
    digits(&mut s, t.hour(), 2);
    s.push(':');
    digits(&mut s, t.minute(), 2);
    s.push(':');
    digits(&mut s, t.second(), 2);
    s.push_str(" +0000");
    s
}

/// `2016-08-01T22:10:40Z`: how the v1 subdomain APIs (TaskRouter) write dates.
pub fn iso8601(ms: Millis) -> String {
    to_datetime(ms).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The default subaccount name: `SubAccount Created at 2015-07-30 08:00 pm`.
pub fn subaccount_default_name(ms: Millis) -> String {
    format!(
        "SubAccount Created at {}",
        to_datetime(ms).format("%Y-%m-%d %I:%M %P")
    )
}

/// A filter value: a whole UTC day (`2018-01-15`) or an instant (`2018-01-15T00:00:00Z`,
/// with any offset, as twilio-python and twilio-node send it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterDate {
    Day(NaiveDate),
    Instant(Millis),
}

impl FilterDate {
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Some(FilterDate::Day(d));
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
            return Some(FilterDate::Instant(dt.timestamp_millis()));
        }
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
            return Some(FilterDate::Instant(dt.and_utc().timestamp_millis()));
        }
        if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
            return Some(FilterDate::Instant(dt.timestamp_millis()));
        }
        None
    }

    /// The UTC day the value falls on.
    pub fn day(self) -> Self {
        match self {
            FilterDate::Day(_) => self,
            FilterDate::Instant(ms) => FilterDate::Day(to_datetime(ms).date_naive()),
        }
    }

    /// The first millisecond the value covers.
    pub fn start(self) -> Millis {
        match self {
            FilterDate::Day(d) => d.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp_millis(),
            FilterDate::Instant(ms) => ms,
        }
    }

    /// One past the last millisecond the value covers (a day covers 24 hours).
    pub fn end_exclusive(self) -> Millis {
        match self {
            FilterDate::Day(_) => self.start() + 86_400_000,
            FilterDate::Instant(ms) => ms + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2822_matches_the_format_string_everywhere() {
        let mut ms: i64 = -86_400_000 * 400;
        while ms < 4_102_444_800_000 {
            let want = to_datetime(ms)
                .format("%a, %d %b %Y %H:%M:%S +0000")
                .to_string();
            assert_eq!(rfc2822(ms), want);
            ms += 7_919_999_937;
        }
        assert_eq!(
            rfc2822(1_438_286_400_000),
            "Thu, 30 Jul 2015 20:00:00 +0000"
        );
    }

    #[test]
    fn rfc2822_matches_twilio() {
        // 2015-07-30T20:00:00Z
        assert_eq!(
            rfc2822(1_438_286_400_000),
            "Thu, 30 Jul 2015 20:00:00 +0000"
        );
        assert_eq!(rfc2822(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        // Single-digit days keep their zero, as Twilio writes them.
        assert_eq!(
            rfc2822(1_420_070_400_000),
            "Thu, 01 Jan 2015 00:00:00 +0000"
        );
    }

    #[test]
    fn iso8601_matches_the_v1_apis() {
        assert_eq!(iso8601(1_470_089_440_000), "2016-08-01T22:10:40Z");
    }

    #[test]
    fn default_subaccount_name_uses_12_hour_clock() {
        assert_eq!(
            subaccount_default_name(1_438_286_400_000),
            "SubAccount Created at 2015-07-30 08:00 pm"
        );
        assert_eq!(
            subaccount_default_name(1_438_246_800_000),
            "SubAccount Created at 2015-07-30 09:00 am"
        );
    }

    #[test]
    fn filter_dates_accept_days_and_instants() {
        let day = FilterDate::parse("2018-01-15").unwrap();
        assert_eq!(day.end_exclusive() - day.start(), 86_400_000);
        let inst = FilterDate::parse("2018-01-15T00:00:00Z").unwrap();
        assert_eq!(inst.start(), day.start());
        let offset = FilterDate::parse("2018-01-15T01:00:00+01:00").unwrap();
        assert_eq!(offset.start(), day.start());
        assert!(FilterDate::parse("yesterday").is_none());
        assert_eq!(
            FilterDate::parse("2018-01-15T23:59:59Z").unwrap().day(),
            day
        );
    }
}
