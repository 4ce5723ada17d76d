//! Date filters of lists: `Name=2018-01-15` (that whole UTC day), `Name>=...` (arrives as
//! key `Name>`: on or after that day) and `Name<=...` (`Name<`: on or before that day).
//!
//! Twilio documents these filters as dates with midnight boundaries, and the official
//! clients send even a plain date as a datetime at midnight (twilio-python's
//! `2018-01-15T00:00:00Z`), so a datetime counts as its UTC day.

use switchboard_wire::date::FilterDate;

use crate::error::{ApiError, ApiResult};
use crate::params::Params;

/// A half-open range `[from, until)` in milliseconds, and the filter forms that were given
/// (echoed in page URIs).
#[derive(Debug, Default)]
pub struct DateRange {
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub echo: Vec<(&'static str, String)>,
}

/// The range the three forms of `name` select.
pub fn date_range(p: &Params, name: &'static str) -> ApiResult<DateRange> {
    let parse = |key: &str| -> ApiResult<Option<FilterDate>> {
        p.get(key)
            .map(|v| {
                FilterDate::parse(v)
                    .map(FilterDate::day)
                    .ok_or_else(|| ApiError::invalid_parameter(key, v))
            })
            .transpose()
    };
    let (exact_key, after_key, before_key) = match name {
        "StartTime" => ("StartTime", "StartTime>", "StartTime<"),
        "EndTime" => ("EndTime", "EndTime>", "EndTime<"),
        "DateSent" => ("DateSent", "DateSent>", "DateSent<"),
        "MessageDate" => ("MessageDate", "MessageDate>", "MessageDate<"),
        _ => (name, name, name),
    };
    let mut from = None;
    let mut until = None;
    let mut echo = Vec::new();
    if let Some(d) = parse(exact_key)? {
        from = Some(d.start());
        until = Some(d.end_exclusive());
        echo.push((exact_key, p.get(exact_key).unwrap_or_default().to_owned()));
    }
    if let Some(d) = parse(after_key)? {
        from = Some(from.map_or(d.start(), |f: i64| f.max(d.start())));
        echo.push((after_key, p.get(after_key).unwrap_or_default().to_owned()));
    }
    if let Some(d) = parse(before_key)? {
        until = Some(until.map_or(d.end_exclusive(), |u: i64| u.min(d.end_exclusive())));
        echo.push((before_key, p.get(before_key).unwrap_or_default().to_owned()));
    }
    Ok(DateRange { from, until, echo })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: &str) -> Params {
        Params::from_pairs(form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into(), v.into())))
    }

    const DAY: i64 = 86_400_000;
    // 2018-01-15T00:00:00Z
    const D15: i64 = 1_515_974_400_000;

    #[test]
    fn a_day_is_the_whole_day() {
        let r = date_range(&p("StartTime=2018-01-15"), "StartTime").unwrap();
        assert_eq!((r.from, r.until), (Some(D15), Some(D15 + DAY)));
    }

    #[test]
    fn inequalities_include_their_bound() {
        let q = p("StartTime%3E=2018-01-15&StartTime%3C=2018-01-16");
        let r = date_range(&q, "StartTime").unwrap();
        assert_eq!((r.from, r.until), (Some(D15), Some(D15 + 2 * DAY)));
        assert_eq!(r.echo.len(), 2);
        let r = date_range(&p("EndTime%3C=2018-01-15T12:00:00Z"), "EndTime").unwrap();
        assert_eq!(
            (r.from, r.until),
            (None, Some(D15 + DAY)),
            "a datetime is its day"
        );
        let r = date_range(&p("StartTime=2018-01-15T00:00:00Z"), "StartTime").unwrap();
        assert_eq!(
            (r.from, r.until),
            (Some(D15), Some(D15 + DAY)),
            "as twilio-python sends dates"
        );
    }

    #[test]
    fn bad_dates_are_refused() {
        assert_eq!(
            date_range(&p("DateSent=yesterday"), "DateSent")
                .unwrap_err()
                .body()
                .code,
            20422
        );
    }
}
