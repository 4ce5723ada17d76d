//! The numbers the simulated carrier offers: generated from [`crate::areas`] with a seeded
//! RNG, so the same configuration always offers the same numbers, each validated by
//! libphonenumber for its country and type. What is owned is decided by the store; the
//! inventory itself never changes while the server runs.

use std::collections::{HashMap, HashSet};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::areas::{self, Area, CountryPlan};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberType {
    Local,
    Mobile,
    TollFree,
}

impl NumberType {
    pub const ALL: [NumberType; 3] = [NumberType::Local, NumberType::Mobile, NumberType::TollFree];

    /// As in the IncomingPhoneNumber `type` property and the configuration file.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberType::Local => "local",
            NumberType::Mobile => "mobile",
            NumberType::TollFree => "toll-free",
        }
    }

    /// The list resource's name: `Local`, `Mobile`, `TollFree`.
    pub fn list_name(self) -> &'static str {
        match self {
            NumberType::Local => "Local",
            NumberType::Mobile => "Mobile",
            NumberType::TollFree => "TollFree",
        }
    }

    /// The key in a country's `subresource_uris`.
    pub fn subresource_key(self) -> &'static str {
        match self {
            NumberType::Local => "local",
            NumberType::Mobile => "mobile",
            NumberType::TollFree => "toll_free",
        }
    }

    pub fn from_list_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.list_name() == s)
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    fn accepts(self, kind: phonenumber::Type) -> bool {
        use phonenumber::Type as T;
        match self {
            NumberType::Local => matches!(kind, T::FixedLine | T::FixedLineOrMobile),
            NumberType::Mobile => matches!(kind, T::Mobile | T::FixedLineOrMobile),
            NumberType::TollFree => matches!(kind, T::TollFree),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    pub voice: bool,
    pub sms: bool,
    pub mms: bool,
    pub fax: bool,
}

/// What Twilio's `address_requirements` says a number needs: `none`, `any`, `local`
/// (an address in the number's country) or `foreign` (an address outside it).
pub const ADDRESS_REQUIREMENTS: [&str; 4] = ["none", "any", "local", "foreign"];

/// One number the inventory offers.
#[derive(Debug, Clone, PartialEq)]
pub struct AvailableNumber {
    pub e164: String,
    pub national: String,
    pub iso_country: &'static str,
    pub kind: NumberType,
    pub area: Area,
    pub capabilities: Capabilities,
    pub address_requirements: &'static str,
    pub beta: bool,
    pub monthly_price: Decimal,
}

/// The inventory's settings, from the JSON file named by `--numbers-config`. Every field
/// is optional; what is absent keeps its default.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventoryConfig {
    /// Seed of the generator (default 2010).
    pub seed: Option<u64>,
    /// Numbers generated per dialling prefix (default 25).
    pub per_area: Option<usize>,
    /// ISO codes of the countries offered (default: all of US, CA, GB, DE, FR, AU).
    pub countries: Option<Vec<String>>,
    /// Country -> number type (`local`, `mobile`, `toll-free`) -> `none|any|local|foreign`.
    pub address_requirements: Option<HashMap<String, HashMap<String, String>>>,
    /// Country -> number type -> monthly price in USD, e.g. `"1.15"`.
    pub monthly_prices: Option<HashMap<String, HashMap<String, Decimal>>>,
    /// Specific E.164 numbers to offer as well (numbers your code or its tests use), in an
    /// offered country and valid for it; they take the geography of their prefix's area.
    pub extra_numbers: Option<Vec<String>>,
}

pub const DEFAULT_SEED: u64 = 2010;
pub const DEFAULT_PER_AREA: usize = 25;

/// Defaults, approximating Twilio's public prices and requirements at the time of writing.
fn default_terms(iso: &str, kind: NumberType) -> (&'static str, Decimal, Capabilities) {
    let caps = |voice, sms, mms| Capabilities {
        voice,
        sms,
        mms,
        fax: false,
    };
    let usd = |s: &str| s.parse::<Decimal>().expect("literal price");
    match (iso, kind) {
        ("US", NumberType::Local) => (
            "none",
            usd("1.15"),
            Capabilities {
                fax: true,
                ..caps(true, true, true)
            },
        ),
        ("US", NumberType::TollFree) => ("none", usd("2.15"), caps(true, true, true)),
        ("CA", NumberType::Local) => ("none", usd("1.15"), caps(true, true, true)),
        ("CA", NumberType::TollFree) => ("none", usd("2.15"), caps(true, true, false)),
        ("GB", NumberType::Local) => ("any", usd("1.15"), caps(true, false, false)),
        ("GB", NumberType::Mobile) => ("none", usd("1.15"), caps(true, true, false)),
        ("DE", NumberType::Local) => ("local", usd("1.15"), caps(true, false, false)),
        ("DE", NumberType::Mobile) => ("any", usd("2.00"), caps(true, true, false)),
        ("FR", NumberType::Local) => ("local", usd("1.15"), caps(true, false, false)),
        ("FR", NumberType::Mobile) => ("any", usd("2.00"), caps(true, true, false)),
        ("AU", NumberType::Local) => ("any", usd("3.00"), caps(true, false, false)),
        ("AU", NumberType::Mobile) => ("any", usd("6.50"), caps(true, true, true)),
        ("AU", NumberType::TollFree) => ("none", usd("16.00"), caps(true, false, false)),
        (_, NumberType::TollFree) => ("any", usd("2.15"), caps(true, false, false)),
        _ => ("none", usd("1.15"), caps(true, true, false)),
    }
}

/// The magic number of Twilio's test credentials: always in the inventory (US, area code
/// 500), outside libphonenumber's plan, so tests written for Twilio's magic values work.
pub const MAGIC_AVAILABLE: &str = "+15005550006";
const MAGIC_AREA: Area = Area {
    prefix: "500",
    nsn_len: 10,
    region: None,
    locality: None,
    rate_center: None,
    lata: None,
    latitude: None,
    longitude: None,
    postal_code: None,
};

pub struct Inventory {
    numbers: Vec<AvailableNumber>,
    index: HashMap<String, usize>,
    countries: Vec<&'static CountryPlan>,
}

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

impl Inventory {
    pub fn generate(cfg: &InventoryConfig) -> Result<Self, String> {
        let seed = cfg.seed.unwrap_or(DEFAULT_SEED);
        let per_area = cfg.per_area.unwrap_or(DEFAULT_PER_AREA);
        if per_area == 0 || per_area > 10_000 {
            return Err(format!("per_area must be 1 to 10000, not {per_area}"));
        }
        let countries: Vec<&'static CountryPlan> = match &cfg.countries {
            None => areas::COUNTRIES.iter().collect(),
            Some(list) => list
                .iter()
                .map(|c| areas::country(c).ok_or_else(|| format!("unknown country {c}")))
                .collect::<Result<_, _>>()?,
        };
        let lookup = |iso: &str,
                      kind: NumberType|
         -> Result<(&'static str, Decimal, Capabilities), String> {
            let (mut req, mut price, caps) = default_terms(iso, kind);
            if let Some(r) = cfg
                .address_requirements
                .as_ref()
                .and_then(|m| m.get(iso))
                .and_then(|m| m.get(kind.as_str()))
            {
                req = ADDRESS_REQUIREMENTS
                    .into_iter()
                    .find(|x| x == r)
                    .ok_or_else(|| {
                        format!(
                            "address requirement {r} for {iso} {}: use none, any, local or foreign",
                            kind.as_str()
                        )
                    })?;
            }
            if let Some(p) = cfg
                .monthly_prices
                .as_ref()
                .and_then(|m| m.get(iso))
                .and_then(|m| m.get(kind.as_str()))
            {
                if p.is_sign_negative() {
                    return Err(format!(
                        "negative monthly price for {iso} {}",
                        kind.as_str()
                    ));
                }
                price = *p;
            }
            Ok((req, price, caps))
        };
        let mut numbers = Vec::new();
        let mut seen = HashSet::new();
        for plan in &countries {
            for (kind, area_list) in plan.areas {
                let (req, price, caps) = lookup(plan.iso, *kind)?;
                for area in area_list.iter() {
                    let key = format!("{}|{}|{}", plan.iso, kind.as_str(), area.prefix);
                    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ fnv1a(&key));
                    let mut made = 0;
                    let mut attempts = 0;
                    while made < per_area {
                        attempts += 1;
                        if attempts > per_area * 200 {
                            return Err(format!("cannot generate numbers for {key}"));
                        }
                        let mut nsn = String::from(area.prefix);
                        while nsn.len() < area.nsn_len {
                            nsn.push(char::from(b'0' + rng.gen_range(0..10u8)));
                        }
                        let e164 = format!("+{}{nsn}", plan.calling_code);
                        let Ok(parsed) = phonenumber::parse(None, &e164) else {
                            continue;
                        };
                        // Shared plans (+44 covers Guernsey and Jersey too) must resolve to
                        // this country; NANP toll-free resolves to US for Canada's as well.
                        let region = parsed.country().id().map(|id| format!("{id:?}"));
                        let ours = region.as_deref() == Some(plan.iso)
                            || (*kind == NumberType::TollFree && plan.calling_code == "1");
                        if !ours
                            || !phonenumber::is_valid(&parsed)
                            || !kind.accepts(parsed.number_type(&phonenumber::metadata::DATABASE))
                            || !seen.insert(e164.clone())
                        {
                            continue;
                        }
                        numbers.push(AvailableNumber {
                            national: parsed
                                .format()
                                .mode(phonenumber::Mode::National)
                                .to_string(),
                            e164,
                            iso_country: plan.iso,
                            kind: *kind,
                            area: *area,
                            capabilities: caps,
                            address_requirements: req,
                            beta: false,
                            monthly_price: price,
                        });
                        made += 1;
                    }
                }
            }
        }
        for extra in cfg.extra_numbers.iter().flatten() {
            let parsed = phonenumber::parse(None, extra)
                .ok()
                .filter(phonenumber::is_valid)
                .ok_or_else(|| format!("extra number {extra} is not a valid number"))?;
            let iso = parsed
                .country()
                .id()
                .map(|id| format!("{id:?}"))
                .unwrap_or_default();
            let plan = countries
                .iter()
                .find(|c| c.iso == iso)
                .ok_or_else(|| format!("extra number {extra}: {iso} is not an offered country"))?;
            let kind = NumberType::ALL
                .into_iter()
                .find(|k| k.accepts(parsed.number_type(&phonenumber::metadata::DATABASE)))
                .ok_or_else(|| {
                    format!("extra number {extra} is not a local, mobile or toll-free number")
                })?;
            let e164 = parsed.format().mode(phonenumber::Mode::E164).to_string();
            if !seen.insert(e164.clone()) {
                continue;
            }
            let nsn = &e164[1 + plan.calling_code.len()..];
            let area = plan
                .areas
                .iter()
                .filter(|(t, _)| *t == kind)
                .flat_map(|(_, list)| list.iter())
                .filter(|a| nsn.starts_with(a.prefix))
                .max_by_key(|a| a.prefix.len())
                .copied()
                .unwrap_or(Area {
                    prefix: "",
                    nsn_len: nsn.len(),
                    ..MAGIC_AREA
                });
            let (req, price, caps) = lookup(plan.iso, kind)?;
            numbers.push(AvailableNumber {
                national: parsed
                    .format()
                    .mode(phonenumber::Mode::National)
                    .to_string(),
                e164,
                iso_country: plan.iso,
                kind,
                area,
                capabilities: caps,
                address_requirements: req,
                beta: false,
                monthly_price: price,
            });
        }
        if countries.iter().any(|c| c.iso == "US") {
            let (req, price, caps) = lookup("US", NumberType::Local)?;
            numbers.push(AvailableNumber {
                e164: MAGIC_AVAILABLE.into(),
                national: "(500) 555-0006".into(),
                iso_country: "US",
                kind: NumberType::Local,
                area: MAGIC_AREA,
                capabilities: caps,
                address_requirements: req,
                beta: false,
                monthly_price: price,
            });
        }
        let index = numbers
            .iter()
            .enumerate()
            .map(|(i, n)| (n.e164.clone(), i))
            .collect();
        Ok(Inventory {
            numbers,
            index,
            countries,
        })
    }

    pub fn len(&self) -> usize {
        self.numbers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }

    pub fn get(&self, e164: &str) -> Option<&AvailableNumber> {
        self.index.get(e164).map(|&i| &self.numbers[i])
    }

    pub fn countries(&self) -> &[&'static CountryPlan] {
        &self.countries
    }

    pub fn country(&self, iso: &str) -> Option<&'static CountryPlan> {
        self.countries
            .iter()
            .copied()
            .find(|c| c.iso.eq_ignore_ascii_case(iso))
    }

    /// The number types a country offers here.
    pub fn types_of(&self, plan: &CountryPlan) -> Vec<NumberType> {
        plan.areas.iter().map(|(t, _)| *t).collect()
    }

    /// Candidates in a country and type that match `q`, in inventory order. The caller
    /// removes the ones that are owned.
    pub fn search<'s, 'q>(
        &'s self,
        iso: &'q str,
        kind: NumberType,
        q: &'q SearchQuery,
    ) -> impl Iterator<Item = &'s AvailableNumber> + 'q
    where
        's: 'q,
    {
        self.numbers
            .iter()
            .filter(move |n| n.iso_country == iso && n.kind == kind && q.matches(n))
    }
}

/// The filters of the AvailablePhoneNumbers lists.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub area_code: Option<String>,
    pub contains: Option<ContainsPattern>,
    pub in_region: Option<String>,
    pub in_postal_code: Option<String>,
    pub in_locality: Option<String>,
    pub in_lata: Option<String>,
    pub in_rate_center: Option<String>,
    pub sms_enabled: Option<bool>,
    pub mms_enabled: Option<bool>,
    pub voice_enabled: Option<bool>,
    pub fax_enabled: Option<bool>,
    pub exclude_all_address_required: bool,
    pub exclude_local_address_required: bool,
    pub exclude_foreign_address_required: bool,
    pub beta: Option<bool>,
    /// Within a distance of a point (`NearLatLong`/`NearNumber` with `Distance`).
    pub near: Option<Near>,
}

/// A point and a radius in miles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub latitude: f64,
    pub longitude: f64,
    pub miles: f64,
}

impl Near {
    /// Great-circle distance, in miles, from this point to an area's coordinates.
    pub fn contains(&self, area: &Area) -> bool {
        let (Some(lat), Some(lon)) = (
            area.latitude.and_then(|v| v.parse::<f64>().ok()),
            area.longitude.and_then(|v| v.parse::<f64>().ok()),
        ) else {
            return false;
        };
        let (p1, p2) = (self.latitude.to_radians(), lat.to_radians());
        let dp = p2 - p1;
        let dl = (lon - self.longitude).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        let miles = 3958.8 * 2.0 * a.sqrt().atan2((1.0 - a).sqrt());
        miles <= self.miles
    }
}

fn eq_opt(want: &Option<String>, have: Option<&str>) -> bool {
    match want {
        None => true,
        Some(w) => have.is_some_and(|h| h.eq_ignore_ascii_case(w.trim())),
    }
}

fn cap(want: Option<bool>, have: bool) -> bool {
    want.is_none_or(|w| w == have)
}

impl SearchQuery {
    pub fn matches(&self, n: &AvailableNumber) -> bool {
        let a = &n.area;
        if let Some(code) = &self.area_code {
            if a.prefix != code.trim() {
                return false;
            }
        }
        if let Some(p) = &self.contains {
            if !p.matches(&n.e164) {
                return false;
            }
        }
        let req = n.address_requirements;
        eq_opt(&self.in_region, a.region)
            && eq_opt(&self.in_postal_code, a.postal_code)
            && eq_opt(&self.in_locality, a.locality)
            && eq_opt(&self.in_lata, a.lata)
            && eq_opt(&self.in_rate_center, a.rate_center)
            && cap(self.sms_enabled, n.capabilities.sms)
            && cap(self.mms_enabled, n.capabilities.mms)
            && cap(self.voice_enabled, n.capabilities.voice)
            && cap(self.fax_enabled, n.capabilities.fax)
            && !(self.exclude_all_address_required && req != "none")
            && !(self.exclude_local_address_required && req == "local")
            && !(self.exclude_foreign_address_required && req == "foreign")
            && (self.beta != Some(false) || !n.beta)
            && self.near.is_none_or(|p| p.contains(a))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Digit(u8),
    AnyOne,
    AnyRun,
}

/// `Contains`: 2 to 16 digits or letters (letters are keypad digits: `STORE` is `78673`),
/// `*` for any one digit, `%` for any run; a leading `+` anchors at the start of the E.164
/// number, a trailing `$` at its end; otherwise the pattern may match anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainsPattern {
    tokens: Vec<Token>,
    anchored_start: bool,
    anchored_end: bool,
}

fn keypad(c: u8) -> Option<u8> {
    Some(match c.to_ascii_uppercase() {
        b'0'..=b'9' => c,
        b'A'..=b'C' => b'2',
        b'D'..=b'F' => b'3',
        b'G'..=b'I' => b'4',
        b'J'..=b'L' => b'5',
        b'M'..=b'O' => b'6',
        b'P'..=b'S' => b'7',
        b'T'..=b'V' => b'8',
        b'W'..=b'Z' => b'9',
        _ => return None,
    })
}

impl ContainsPattern {
    pub fn parse(s: &str) -> Option<Self> {
        let mut body = s.trim();
        let anchored_start = body.starts_with('+');
        if anchored_start {
            body = &body[1..];
        }
        let anchored_end = body.ends_with('$');
        if anchored_end {
            body = &body[..body.len() - 1];
        }
        if !(2..=16).contains(&body.len()) {
            return None;
        }
        let tokens = body
            .bytes()
            .map(|c| match c {
                b'*' => Some(Token::AnyOne),
                b'%' => Some(Token::AnyRun),
                _ => keypad(c).map(Token::Digit),
            })
            .collect::<Option<Vec<_>>>()?;
        Some(ContainsPattern {
            tokens,
            anchored_start,
            anchored_end,
        })
    }

    pub fn matches(&self, e164: &str) -> bool {
        let digits = e164.trim_start_matches('+').as_bytes();
        let starts: Vec<usize> = if self.anchored_start {
            vec![0]
        } else {
            (0..=digits.len()).collect()
        };
        starts
            .into_iter()
            .any(|s| self.match_at(&self.tokens, &digits[s..]))
    }

    fn match_at(&self, tokens: &[Token], rest: &[u8]) -> bool {
        match tokens.split_first() {
            None => !self.anchored_end || rest.is_empty(),
            Some((Token::Digit(d), more)) => {
                rest.first() == Some(d) && self.match_at(more, &rest[1..])
            }
            Some((Token::AnyOne, more)) => !rest.is_empty() && self.match_at(more, &rest[1..]),
            Some((Token::AnyRun, more)) => {
                (0..=rest.len()).any(|k| self.match_at(more, &rest[k..]))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inventory() -> Inventory {
        Inventory::generate(&InventoryConfig::default()).unwrap()
    }

    #[test]
    fn every_number_is_valid_for_its_country_and_type() {
        let inv = inventory();
        for n in inv.numbers.iter().filter(|n| n.e164 != MAGIC_AVAILABLE) {
            let p = phonenumber::parse(None, &n.e164).unwrap();
            assert!(phonenumber::is_valid(&p), "{}", n.e164);
            assert!(
                n.kind
                    .accepts(p.number_type(&phonenumber::metadata::DATABASE)),
                "{}",
                n.e164
            );
            let region = format!("{:?}", p.country().id().unwrap());
            // NANP toll-free numbers belong to no single country; libphonenumber says US.
            if !(n.iso_country == "CA" && n.kind == NumberType::TollFree) {
                assert_eq!(region, n.iso_country, "{}", n.e164);
            }
            assert!(n.e164[1..].starts_with(&format!("{}", p.code().value())));
        }
    }

    #[test]
    fn generation_is_deterministic_and_sized_by_the_config() {
        let a = inventory();
        let b = inventory();
        assert_eq!(a.numbers, b.numbers);
        let per_area: usize = areas::COUNTRIES
            .iter()
            .flat_map(|c| c.areas.iter())
            .map(|(_, list)| list.len())
            .sum::<usize>()
            * DEFAULT_PER_AREA;
        assert_eq!(a.len(), per_area + 1, "plus the magic number");
        let other = Inventory::generate(&InventoryConfig {
            seed: Some(7),
            ..Default::default()
        })
        .unwrap();
        assert_ne!(other.numbers[0].e164, a.numbers[0].e164);
        let small = Inventory::generate(&InventoryConfig {
            per_area: Some(2),
            countries: Some(vec!["GB".into()]),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(small.len(), 2 * (6 + 3 + 2));
        assert!(small.get(MAGIC_AVAILABLE).is_none());
    }

    #[test]
    fn config_overrides_prices_and_requirements() {
        let cfg: InventoryConfig = serde_json_like(
            r#"{"address_requirements": {"US": {"local": "local"}}, "monthly_prices": {"US": {"local": "3.50"}}}"#,
        );
        let inv = Inventory::generate(&cfg).unwrap();
        let all = SearchQuery::default();
        let n = inv.search("US", NumberType::Local, &all).next().unwrap();
        assert_eq!(n.address_requirements, "local");
        assert_eq!(n.monthly_price.to_string(), "3.50");
        let bad: InventoryConfig =
            serde_json_like(r#"{"address_requirements": {"US": {"local": "maybe"}}}"#);
        assert!(Inventory::generate(&bad).is_err());
    }

    #[test]
    fn extra_numbers_join_their_area() {
        let cfg: InventoryConfig =
            serde_json_like(r#"{"extra_numbers": ["+14158141829", "+442079460123"]}"#);
        let inv = Inventory::generate(&cfg).unwrap();
        let n = inv.get("+14158141829").unwrap();
        assert_eq!(
            (n.kind, n.area.locality),
            (NumberType::Local, Some("San Francisco"))
        );
        assert_eq!(
            inv.get("+442079460123").unwrap().area.locality,
            Some("London")
        );
        let bad: InventoryConfig = serde_json_like(r#"{"extra_numbers": ["+1415"]}"#);
        assert!(Inventory::generate(&bad).is_err());
        let absent: InventoryConfig =
            serde_json_like(r#"{"countries": ["GB"], "extra_numbers": ["+14158141829"]}"#);
        assert!(Inventory::generate(&absent).is_err());
    }

    fn serde_json_like(s: &str) -> InventoryConfig {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn search_filters() {
        let inv = inventory();
        let q = SearchQuery {
            area_code: Some("510".into()),
            ..Default::default()
        };
        let found: Vec<_> = inv.search("US", NumberType::Local, &q).collect();
        assert_eq!(found.len(), DEFAULT_PER_AREA);
        assert!(found
            .iter()
            .all(|n| n.e164.starts_with("+1510") && n.area.locality == Some("Oakland")));
        let q = SearchQuery {
            in_region: Some("scotland".into()),
            ..Default::default()
        };
        assert!(inv
            .search("GB", NumberType::Local, &q)
            .all(|n| n.area.region == Some("Scotland")));
        let q = SearchQuery {
            sms_enabled: Some(true),
            ..Default::default()
        };
        assert_eq!(
            inv.search("GB", NumberType::Local, &q).count(),
            0,
            "GB landlines have no SMS"
        );
        let q = SearchQuery {
            exclude_all_address_required: true,
            ..Default::default()
        };
        assert_eq!(inv.search("DE", NumberType::Local, &q).count(), 0);
        let q = SearchQuery {
            exclude_foreign_address_required: true,
            ..Default::default()
        };
        assert!(inv.search("DE", NumberType::Local, &q).count() > 0);
        let q = SearchQuery {
            in_postal_code: Some("94612".into()),
            ..Default::default()
        };
        assert_eq!(
            inv.search("US", NumberType::Local, &q).count(),
            DEFAULT_PER_AREA
        );
    }

    #[test]
    fn near_filters_by_distance() {
        let inv = inventory();
        // Downtown San Francisco: Oakland (~8 mi) is near, Los Angeles is not.
        let near = Near {
            latitude: 37.7749,
            longitude: -122.4194,
            miles: 25.0,
        };
        let q = SearchQuery {
            near: Some(near),
            ..Default::default()
        };
        let found: Vec<_> = inv.search("US", NumberType::Local, &q).collect();
        assert!(found.iter().any(|n| n.area.locality == Some("Oakland")));
        assert!(found
            .iter()
            .all(|n| matches!(n.area.locality, Some("Oakland" | "San Francisco"))));
        let q = SearchQuery {
            near: Some(Near {
                miles: 400.0,
                ..near
            }),
            ..Default::default()
        };
        assert!(inv
            .search("US", NumberType::Local, &q)
            .any(|n| n.area.locality == Some("Los Angeles")));
    }

    #[test]
    fn contains_patterns() {
        let p = |s: &str| ContainsPattern::parse(s).unwrap();
        assert!(p("510555****").matches("+15105551234"));
        assert!(!p("510555****").matches("+15105561234"));
        assert!(p("1234").matches("+15105551234"));
        assert!(p("+1510").matches("+15105551234"));
        assert!(!p("+510").matches("+15105551234"));
        assert!(p("34$").matches("+15105551234"));
        assert!(!p("12$").matches("+15105551234"));
        assert!(p("51%34").matches("+15105551234"));
        assert!(
            p("JK").matches("+15105551255"),
            "letters are keypad digits (J, K = 5)"
        );
        assert!(p("STORE").matches("+14157867300"));
        for bad in ["1", "12345678901234567", "12-3", "+", "$"] {
            assert!(ContainsPattern::parse(bad).is_none(), "{bad}");
        }
    }
}
