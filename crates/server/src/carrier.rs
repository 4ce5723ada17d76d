//! The simulated carrier's configuration in the running server: rates (fixed at start) and
//! scenarios (from the configuration file, changeable through the admin API).

use std::path::Path;
use std::sync::RwLock;

use serde::Deserialize;
use switchboard_carrier::{RateConfig, RateTable, Scenario, Scenarios};

/// The JSON file named by `--carrier-config`; both sections are optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarrierConfig {
    #[serde(default)]
    pub rates: RateConfig,
    #[serde(default)]
    pub scenarios: Vec<Scenario>,
}

pub struct Carrier {
    pub rates: RateTable,
    scenarios: RwLock<Scenarios>,
}

impl Default for Carrier {
    fn default() -> Self {
        Carrier::from_config(CarrierConfig::default())
    }
}

impl Carrier {
    pub fn from_config(config: CarrierConfig) -> Self {
        Carrier {
            rates: RateTable::default().with(&config.rates),
            scenarios: RwLock::new(Scenarios::new(config.scenarios)),
        }
    }

    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let config = match path {
            None => CarrierConfig::default(),
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| anyhow::anyhow!("reading {}: {e}", p.display()))?;
                serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
            }
        };
        Ok(Carrier::from_config(config))
    }

    /// A snapshot of the scenarios in force.
    pub fn scenarios(&self) -> Scenarios {
        self.scenarios
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn upsert_scenario(&self, s: Scenario) {
        self.scenarios
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .upsert(s);
    }

    pub fn remove_scenario(&self, to: &str) -> bool {
        self.scenarios
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(to)
    }

    pub fn clear_scenarios(&self) {
        *self.scenarios.write().unwrap_or_else(|e| e.into_inner()) = Scenarios::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_carrier_config_loads() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/carrier-config.example.json"
        );
        let c = Carrier::load(Some(Path::new(path))).unwrap();
        assert_eq!(c.rates.rates("US").voice_outbound.to_string(), "0.0130");
        let plan = c.scenarios().call_plan("+15005550100", 60, false);
        assert_eq!(plan.outcome, switchboard_carrier::CallOutcome::Busy);
        assert!(Carrier::load(Some(Path::new("/nonexistent"))).is_err());
    }
}
