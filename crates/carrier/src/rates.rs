//! What calls and messages cost: a table by destination country, in USD, decimal.

use std::collections::HashMap;

use rust_decimal::prelude::*;
use serde::Deserialize;

/// The prices of one country. Voice is per started minute, SMS per segment, MMS per message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    pub voice_outbound: Decimal,
    pub voice_inbound: Decimal,
    pub sms_outbound: Decimal,
    pub sms_inbound: Decimal,
    pub mms_outbound: Decimal,
    pub mms_inbound: Decimal,
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("literal rate")
}

impl Rates {
    fn of(v_out: &str, v_in: &str, s_out: &str, s_in: &str, m_out: &str, m_in: &str) -> Self {
        Rates {
            voice_outbound: d(v_out),
            voice_inbound: d(v_in),
            sms_outbound: d(s_out),
            sms_inbound: d(s_in),
            mms_outbound: d(m_out),
            mms_inbound: d(m_in),
        }
    }
}

/// Rates by ISO country of the destination (outbound) or of the receiving number (inbound),
/// with a fallback for countries not listed. Defaults approximate Twilio's public US prices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateTable {
    pub by_country: HashMap<String, Rates>,
    pub fallback: Rates,
}

impl Default for RateTable {
    fn default() -> Self {
        let us = Rates::of("0.0140", "0.0085", "0.0079", "0.0079", "0.0200", "0.0100");
        let by_country = [
            ("US", us),
            ("CA", us),
            (
                "GB",
                Rates::of("0.0255", "0.0100", "0.0463", "0.0075", "0.0463", "0.0075"),
            ),
            (
                "DE",
                Rates::of("0.0300", "0.0100", "0.0858", "0.0075", "0.0858", "0.0075"),
            ),
            (
                "FR",
                Rates::of("0.0290", "0.0100", "0.0795", "0.0075", "0.0795", "0.0075"),
            ),
            (
                "AU",
                Rates::of("0.0300", "0.0100", "0.0515", "0.0075", "0.0515", "0.0075"),
            ),
        ]
        .into_iter()
        .map(|(c, r)| (c.to_owned(), r))
        .collect();
        RateTable {
            by_country,
            fallback: Rates::of("0.1000", "0.0100", "0.0800", "0.0075", "0.0800", "0.0075"),
        }
    }
}

/// The `rates` section of the carrier configuration: countries to add or replace, and an
/// optional fallback.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateConfig {
    #[serde(default)]
    pub countries: HashMap<String, Rates>,
    pub fallback: Option<Rates>,
}

impl RateTable {
    pub fn with(mut self, config: &RateConfig) -> Self {
        for (c, r) in &config.countries {
            self.by_country.insert(c.to_ascii_uppercase(), *r);
        }
        if let Some(f) = config.fallback {
            self.fallback = f;
        }
        self
    }

    pub fn rates(&self, iso_country: &str) -> &Rates {
        self.by_country.get(iso_country).unwrap_or(&self.fallback)
    }
}

/// Started minutes of a call of `seconds` (a 61-second call is two minutes).
pub fn billable_minutes(seconds: i64) -> i64 {
    if seconds <= 0 {
        0
    } else {
        (seconds + 59) / 60
    }
}

/// What a call of `seconds` costs at `per_minute`.
pub fn call_cost(per_minute: Decimal, seconds: i64) -> Decimal {
    per_minute * Decimal::from(billable_minutes(seconds))
}

/// Twilio's price strings: negative, five decimals (`-0.03000`).
pub fn price_string(cost: Decimal) -> String {
    format!("{:.5}", -cost.round_dp(5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_billed_per_started_minute() {
        let rate = d("0.0140");
        assert_eq!(call_cost(rate, 0), d("0"));
        assert_eq!(call_cost(rate, 1), d("0.0140"));
        assert_eq!(call_cost(rate, 60), d("0.0140"));
        assert_eq!(call_cost(rate, 61), d("0.0280"));
        assert_eq!(price_string(call_cost(rate, 61)), "-0.02800");
        assert_eq!(price_string(d("0.0079") * Decimal::from(3)), "-0.02370");
    }

    #[test]
    fn config_overrides_countries_and_fallback() {
        let cfg: RateConfig = serde_json::from_str(
            r#"{"countries": {"us": {"voice_outbound": "0.02", "voice_inbound": "0.01", "sms_outbound": "0.01", "sms_inbound": "0", "mms_outbound": "0.03", "mms_inbound": "0"}}}"#,
        )
        .unwrap();
        let t = RateTable::default().with(&cfg);
        assert_eq!(t.rates("US").voice_outbound, d("0.02"));
        assert_eq!(t.rates("ZZ").voice_outbound, d("0.1000"));
    }
}
