//! What happens to a call or a message, by destination number: documented defaults, and
//! scenarios that override them for one number or a prefix (`+1555*`), so that a test can
//! make a number busy or a call last 42 seconds.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallOutcome {
    Completed,
    Busy,
    NoAnswer,
    Failed,
}

impl CallOutcome {
    pub fn status(self) -> &'static str {
        match self {
            CallOutcome::Completed => "completed",
            CallOutcome::Busy => "busy",
            CallOutcome::NoAnswer => "no-answer",
            CallOutcome::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "completed" => CallOutcome::Completed,
            "busy" => CallOutcome::Busy,
            "no-answer" => CallOutcome::NoAnswer,
            "failed" => CallOutcome::Failed,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageOutcome {
    Delivered,
    Undelivered,
    Failed,
}

impl MessageOutcome {
    pub fn status(self) -> &'static str {
        match self {
            MessageOutcome::Delivered => "delivered",
            MessageOutcome::Undelivered => "undelivered",
            MessageOutcome::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "delivered" => MessageOutcome::Delivered,
            "undelivered" => MessageOutcome::Undelivered,
            "failed" => MessageOutcome::Failed,
            _ => return None,
        })
    }
}

/// One override. Unset fields keep the defaults.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// An E.164 number, or a prefix ending in `*` (`+1555*`; `*` alone matches everything).
    pub to: String,
    pub call_outcome: Option<CallOutcome>,
    /// Seconds the call rings before it is answered (or gives up).
    pub ring_seconds: Option<i64>,
    /// Seconds an answered call lasts.
    pub talk_seconds: Option<i64>,
    /// `human`, `machine_start`, ...: reported when machine detection was asked for.
    pub answered_by: Option<String>,
    pub message_outcome: Option<MessageOutcome>,
    /// The error of an undelivered or failed message.
    pub error_code: Option<u32>,
    /// What the called party enters at successive TwiML `<Gather>`s (`""`: nothing, so the
    /// gather times out); none: every gather times out.
    #[serde(default)]
    pub digits: Option<Vec<String>>,
    /// Seconds the called party speaks into a `<Record>` (default 5).
    #[serde(default)]
    pub record_seconds: Option<i64>,
    /// Seconds any `<Play>`ed clip lasts (default 10).
    #[serde(default)]
    pub play_seconds: Option<i64>,
}

impl Scenario {
    /// How specific a match is: exact beats any prefix, longer prefixes beat shorter.
    fn specificity(&self, to: &str) -> Option<usize> {
        match self.to.strip_suffix('*') {
            Some(prefix) if to.starts_with(prefix) => Some(prefix.len()),
            Some(_) => None,
            None if self.to == to => Some(usize::MAX),
            None => None,
        }
    }
}

/// Documented defaults (README, "The simulated carrier").
pub const DEFAULT_RING_SECONDS: i64 = 5;
pub const DEFAULT_TALK_SECONDS: i64 = 30;
/// queued -> initiated after 1 s, -> ringing after 2 s (calls).
pub const INITIATED_AFTER_MS: i64 = 1_000;
pub const RINGING_AFTER_MS: i64 = 2_000;
/// A busy line answers busy 1 s after ringing starts.
pub const BUSY_AFTER_RINGING_MS: i64 = 1_000;
/// queued -> sending after 1 s, -> sent after 2 s, -> delivered/undelivered after 4 s;
/// failed messages fail after 1 s (messages).
pub const SENDING_AFTER_MS: i64 = 1_000;
pub const SENT_AFTER_MS: i64 = 2_000;
pub const FINAL_AFTER_MS: i64 = 4_000;
/// Default errors: 30003 Unreachable destination handset, 30008 Unknown error.
pub const DEFAULT_UNDELIVERED_ERROR: u32 = 30003;
pub const DEFAULT_FAILED_ERROR: u32 = 30008;

/// How a call will go, as offsets from its creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallPlan {
    pub outcome: CallOutcome,
    pub initiated_after_ms: i64,
    /// `None`: it never rings (failed).
    pub ringing_after_ms: Option<i64>,
    /// `None`: it is never answered.
    pub answered_after_ms: Option<i64>,
    pub ends_after_ms: i64,
    pub answered_by: Option<String>,
}

/// How a message will go, as offsets from when it is sent (its creation, or `SendAt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagePlan {
    pub outcome: MessageOutcome,
    pub sending_after_ms: i64,
    /// `None`: it is never sent (failed).
    pub sent_after_ms: Option<i64>,
    pub final_after_ms: i64,
    pub error_code: Option<u32>,
}

/// The scenarios in force, best match first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scenarios {
    list: Vec<Scenario>,
}

impl Scenarios {
    pub fn new(list: Vec<Scenario>) -> Self {
        Scenarios { list }
    }

    pub fn list(&self) -> &[Scenario] {
        &self.list
    }

    /// Add or replace the scenario for `s.to`.
    pub fn upsert(&mut self, s: Scenario) {
        self.list.retain(|x| x.to != s.to);
        self.list.push(s);
    }

    pub fn remove(&mut self, to: &str) -> bool {
        let before = self.list.len();
        self.list.retain(|x| x.to != to);
        before != self.list.len()
    }

    pub fn matching(&self, to: &str) -> Option<&Scenario> {
        self.list
            .iter()
            .filter_map(|s| s.specificity(to).map(|k| (k, s)))
            .max_by_key(|(k, _)| *k)
            .map(|(_, s)| s)
    }

    /// The plan of a call to `to` that gives up ringing after `timeout_seconds`.
    pub fn call_plan(&self, to: &str, timeout_seconds: i64, machine_detection: bool) -> CallPlan {
        let s = self.matching(to);
        let outcome = s
            .and_then(|s| s.call_outcome)
            .unwrap_or(CallOutcome::Completed);
        let ring = s
            .and_then(|s| s.ring_seconds)
            .unwrap_or(DEFAULT_RING_SECONDS)
            .max(0);
        let talk = s
            .and_then(|s| s.talk_seconds)
            .unwrap_or(DEFAULT_TALK_SECONDS)
            .max(0);
        let timeout_ms = timeout_seconds.max(1) * 1000;
        let answered_by = machine_detection.then(|| {
            s.and_then(|s| s.answered_by.clone())
                .unwrap_or_else(|| "human".into())
        });
        let base = CallPlan {
            outcome,
            initiated_after_ms: INITIATED_AFTER_MS,
            ringing_after_ms: Some(RINGING_AFTER_MS),
            answered_after_ms: None,
            ends_after_ms: RINGING_AFTER_MS,
            answered_by: None,
        };
        match outcome {
            CallOutcome::Failed => CallPlan {
                ringing_after_ms: None,
                ends_after_ms: INITIATED_AFTER_MS,
                ..base
            },
            CallOutcome::Busy => CallPlan {
                ends_after_ms: RINGING_AFTER_MS + BUSY_AFTER_RINGING_MS,
                ..base
            },
            CallOutcome::NoAnswer => CallPlan {
                ends_after_ms: RINGING_AFTER_MS + timeout_ms,
                ..base
            },
            CallOutcome::Completed if ring * 1000 >= timeout_ms => CallPlan {
                outcome: CallOutcome::NoAnswer,
                ends_after_ms: RINGING_AFTER_MS + timeout_ms,
                ..base
            },
            CallOutcome::Completed => {
                let answered = RINGING_AFTER_MS + ring * 1000;
                CallPlan {
                    answered_after_ms: Some(answered),
                    ends_after_ms: answered + talk * 1000,
                    answered_by,
                    ..base
                }
            }
        }
    }

    /// The plan of a message to `to`.
    pub fn message_plan(&self, to: &str) -> MessagePlan {
        let s = self.matching(to);
        let outcome = s
            .and_then(|s| s.message_outcome)
            .unwrap_or(MessageOutcome::Delivered);
        let code = s.and_then(|s| s.error_code);
        match outcome {
            MessageOutcome::Delivered => MessagePlan {
                outcome,
                sending_after_ms: SENDING_AFTER_MS,
                sent_after_ms: Some(SENT_AFTER_MS),
                final_after_ms: FINAL_AFTER_MS,
                error_code: None,
            },
            MessageOutcome::Undelivered => MessagePlan {
                outcome,
                sending_after_ms: SENDING_AFTER_MS,
                sent_after_ms: Some(SENT_AFTER_MS),
                final_after_ms: FINAL_AFTER_MS,
                error_code: Some(code.unwrap_or(DEFAULT_UNDELIVERED_ERROR)),
            },
            MessageOutcome::Failed => MessagePlan {
                outcome,
                sending_after_ms: SENDING_AFTER_MS,
                sent_after_ms: None,
                final_after_ms: SENDING_AFTER_MS,
                error_code: Some(code.unwrap_or(DEFAULT_FAILED_ERROR)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(to: &str) -> Scenario {
        Scenario {
            to: to.into(),
            call_outcome: None,
            ring_seconds: None,
            talk_seconds: None,
            answered_by: None,
            message_outcome: None,
            error_code: None,
            digits: None,
            record_seconds: None,
            play_seconds: None,
        }
    }

    #[test]
    fn defaults() {
        let p = Scenarios::default().call_plan("+15551230000", 60, false);
        assert_eq!(p.outcome, CallOutcome::Completed);
        assert_eq!(
            (p.answered_after_ms, p.ends_after_ms),
            (Some(7_000), 37_000)
        );
        let m = Scenarios::default().message_plan("+15551230000");
        assert_eq!(
            (m.outcome, m.sent_after_ms, m.final_after_ms),
            (MessageOutcome::Delivered, Some(2_000), 4_000)
        );
    }

    #[test]
    fn the_most_specific_scenario_wins() {
        let sc = Scenarios::new(vec![
            Scenario {
                call_outcome: Some(CallOutcome::Busy),
                ..s("+1555*")
            },
            Scenario {
                talk_seconds: Some(42),
                ..s("+15551234567")
            },
            Scenario {
                call_outcome: Some(CallOutcome::Failed),
                ..s("*")
            },
        ]);
        let exact = sc.call_plan("+15551234567", 60, false);
        assert_eq!(exact.outcome, CallOutcome::Completed);
        assert_eq!(
            exact.ends_after_ms - exact.answered_after_ms.unwrap(),
            42_000
        );
        assert_eq!(
            sc.call_plan("+15550000000", 60, false).outcome,
            CallOutcome::Busy
        );
        assert_eq!(
            sc.call_plan("+4420", 60, false).outcome,
            CallOutcome::Failed
        );
    }

    #[test]
    fn ringing_longer_than_the_timeout_is_no_answer() {
        let sc = Scenarios::new(vec![Scenario {
            ring_seconds: Some(30),
            ..s("+1*")
        }]);
        let p = sc.call_plan("+15551230000", 20, false);
        assert_eq!(p.outcome, CallOutcome::NoAnswer);
        assert_eq!(p.ends_after_ms, 22_000);
        assert_eq!(p.answered_after_ms, None);
        assert_eq!(
            sc.call_plan("+15551230000", 60, false).outcome,
            CallOutcome::Completed
        );
    }

    #[test]
    fn failed_and_undelivered_messages_carry_errors() {
        let sc = Scenarios::new(vec![
            Scenario {
                message_outcome: Some(MessageOutcome::Undelivered),
                ..s("+1555*")
            },
            Scenario {
                message_outcome: Some(MessageOutcome::Failed),
                error_code: Some(30006),
                ..s("+1666*")
            },
        ]);
        assert_eq!(sc.message_plan("+15550000000").error_code, Some(30003));
        let f = sc.message_plan("+16660000000");
        assert_eq!(
            (f.outcome, f.error_code, f.sent_after_ms),
            (MessageOutcome::Failed, Some(30006), None)
        );
    }

    #[test]
    fn machine_detection_reports_answered_by() {
        let sc = Scenarios::new(vec![Scenario {
            answered_by: Some("machine_start".into()),
            ..s("+1*")
        }]);
        assert_eq!(
            sc.call_plan("+15551230000", 60, true)
                .answered_by
                .as_deref(),
            Some("machine_start")
        );
        assert_eq!(sc.call_plan("+15551230000", 60, false).answered_by, None);
        assert_eq!(
            Scenarios::default()
                .call_plan("+1", 60, true)
                .answered_by
                .as_deref(),
            Some("human")
        );
    }
}
