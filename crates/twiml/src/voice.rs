//! Voice TwiML: `<Say>`, `<Play>`, `<Pause>`, `<Gather>`, `<Dial>` (`<Number>`), `<Record>`,
//! `<Redirect>`, `<Hangup>`, `<Reject>`, `<Message>`/`<Sms>`. Other verbs and nouns are
//! skipped with a 12200 warning.

use roxmltree::Node;
use switchboard_carrier::CallPlan;

use crate::{
    attr, bool_attr, int_attr, method_attr, parse, resolve, text_of, unsupported, Fetch, Sms,
    Timing, Warning, DIGIT_MS, KEYPRESS_MS,
};

/// What a run needs to know about the call and the world.
pub struct VoiceContext<'a> {
    /// When the document starts (ms): its fetch, or the answer.
    pub start: i64,
    /// When the other party hangs up, whatever the document says.
    pub hangup_at: i64,
    /// Whether the call has been answered (outbound calls run their first document on
    /// answer; inbound ones on arrival, and the first verb other than `<Reject>` and a
    /// leading `<Pause>` answers them).
    pub answered: bool,
    /// Where the document came from (`None` for `Twiml`): relative URLs and a verb's
    /// default `action` resolve against it.
    pub document_url: Option<&'a str>,
    pub document_method: &'a str,
    /// The other party's inputs to successive `<Gather>`s, in order; `""` lets one time out.
    pub inputs: &'a [String],
    pub timing: Timing,
    /// The carrier's plan for a `<Dial>`ed number with this ring timeout (seconds), or the
    /// warning that says why the account may not call it (13227 for geo permissions).
    pub dial: &'a dyn Fn(&str, i64) -> Result<CallPlan, Warning>,
    /// A new call SID (for a `<Dial>`ed call).
    pub new_call_sid: &'a dyn Fn() -> String,
    /// A new recording: its SID and its URL.
    pub new_recording: &'a dyn Fn() -> (String, String),
}

/// A call a `<Dial>` placed: a child of the running call, billed on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialed {
    pub sid: String,
    pub to: String,
    /// `callerId`; the parent's number when unset.
    pub caller_id: Option<String>,
    pub initiated_at: i64,
    pub ringing_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub ends_at: i64,
    pub status: String,
}

/// A recording made by `<Record>` or `<Dial record>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub sid: String,
    /// `RecordVerb` or `DialVerb`.
    pub source: &'static str,
    pub started_at: i64,
    pub duration_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoiceEnd {
    /// The call ends then, `completed` (the last verb, `<Hangup>`, or the other party).
    Completed { at: i64 },
    /// `<Reject>` before answering: the call ends unanswered with this status.
    Rejected { at: i64, status: &'static str },
    /// The call goes on with the document this fetch returns.
    Fetch(Fetch),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceRun {
    /// When this run answered the call, if it did.
    pub answered_at: Option<i64>,
    pub end: VoiceEnd,
    pub dialed: Vec<Dialed>,
    pub messages: Vec<Sms>,
    pub recordings: Vec<Recorded>,
    pub warnings: Vec<Warning>,
    /// How many of `inputs` the run took.
    pub inputs_used: usize,
}

/// Why a run stopped early.
enum Stop {
    /// The other party hung up (or the document ended the call) at this instant.
    Ended(VoiceEnd),
}

struct Runner<'c, 'a> {
    ctx: &'c VoiceContext<'a>,
    t: i64,
    answered: bool,
    run: VoiceRun,
}

impl Runner<'_, '_> {
    fn answer(&mut self) {
        if !self.answered {
            self.answered = true;
            self.run.answered_at = Some(self.t);
        }
    }

    /// Let `ms` pass; the other party may hang up meanwhile.
    fn pass(&mut self, ms: i64) -> Result<(), Stop> {
        self.t = self.t.saturating_add(ms.max(0));
        if self.t >= self.ctx.hangup_at {
            self.t = self.ctx.hangup_at;
            return Err(Stop::Ended(VoiceEnd::Completed { at: self.t }));
        }
        Ok(())
    }

    /// `loop` times `once` ms; `loop="0"` repeats until the other party hangs up.
    fn repeat(&mut self, node: Node<'_, '_>, once: i64) -> Result<(), Stop> {
        match int_attr(node, "loop", 1) {
            0 if once > 0 => self.pass(i64::MAX / 4),
            n => self.pass(once.saturating_mul(n.clamp(0, 1000))),
        }
    }

    fn say(&mut self, node: Node<'_, '_>) -> Result<(), Stop> {
        let chars = text_of(node).chars().count() as i64;
        self.repeat(node, chars * self.ctx.timing.say_ms_per_char)
    }

    fn play(&mut self, node: Node<'_, '_>) -> Result<(), Stop> {
        if let Some(digits) = attr(node, "digits") {
            return self.pass(digits.chars().count() as i64 * DIGIT_MS);
        }
        self.repeat(node, self.ctx.timing.play_ms)
    }

    fn pause(&mut self, node: Node<'_, '_>) -> Result<(), Stop> {
        self.pass(int_attr(node, "length", 1).clamp(0, 3600) * 1000)
    }

    /// The URL a verb's results go to: its `action`, or the document's own URL.
    fn action(&self, node: Node<'_, '_>) -> Option<(String, String)> {
        match attr(node, "action") {
            Some(a) => resolve(self.ctx.document_url, a).map(|u| (u, method_attr(node))),
            None => self
                .ctx
                .document_url
                .map(|u| (u.to_owned(), self.ctx.document_method.to_owned())),
        }
    }

    fn fetch(&self, url: String, method: String, params: Vec<(&str, String)>) -> Stop {
        Stop::Ended(VoiceEnd::Fetch(Fetch {
            at: self.t,
            url,
            method,
            params: params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        }))
    }

    fn gather(&mut self, node: Node<'_, '_>) -> Result<(), Stop> {
        self.answer();
        for child in node.children().filter(|n| n.is_element()) {
            match child.tag_name().name() {
                "Say" => self.say(child)?,
                "Play" => self.play(child)?,
                "Pause" => self.pause(child)?,
                other => self.run.warnings.push(unsupported(other, Some("Gather"))),
            }
        }
        let dtmf = attr(node, "input").is_none_or(|i| i.contains("dtmf"));
        let input = if dtmf {
            let i = self.ctx.inputs.get(self.run.inputs_used).cloned();
            if i.is_some() {
                self.run.inputs_used += 1;
            }
            i.unwrap_or_default()
        } else {
            String::new()
        };
        let finish_on_key = attr(node, "finishOnKey").unwrap_or("#");
        let num_digits = attr(node, "numDigits").and_then(|n| n.parse::<usize>().ok());
        let mut digits = String::new();
        let mut pressed = 0;
        let mut finished_on_key = None;
        for c in input.chars() {
            pressed += 1;
            if finish_on_key.contains(c) {
                finished_on_key = Some(c);
                break;
            }
            digits.push(c);
            if num_digits.is_some_and(|n| digits.chars().count() >= n) {
                break;
            }
        }
        if pressed > 0 {
            self.pass(pressed * KEYPRESS_MS)?;
        } else {
            self.pass(int_attr(node, "timeout", 5).clamp(0, 600) * 1000)?;
        }
        if digits.is_empty() && finished_on_key.is_none() && !bool_attr(node, "actionOnEmptyResult")
        {
            // Nothing entered: on to the next verb, as Twilio does.
            return Ok(());
        }
        match self.action(node) {
            Some((url, method)) => {
                let mut params = vec![("Digits", digits)];
                if let Some(k) = finished_on_key {
                    params.push(("FinishedOnKey", k.to_string()));
                }
                Err(self.fetch(url, method, params))
            }
            None => Ok(()),
        }
    }

    fn dial(&mut self, node: Node<'_, '_>) -> Result<(), Stop> {
        self.answer();
        let mut numbers = Vec::new();
        let direct = node
            .children()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect::<String>();
        if !direct.trim().is_empty() {
            numbers.push(direct.trim().to_owned());
        }
        for child in node.children().filter(|n| n.is_element()) {
            match child.tag_name().name() {
                "Number" => numbers.push(text_of(child)),
                other => self.run.warnings.push(unsupported(other, Some("Dial"))),
            }
        }
        if numbers.len() > 1 {
            self.run.warnings.push(crate::Warning {
                code: crate::SCHEMA_WARNING,
                text: "Schema validation warning: <Dial> rings only its first number here".into(),
            });
        }
        let timeout = int_attr(node, "timeout", 30).clamp(5, 600);
        let time_limit = int_attr(node, "timeLimit", 14_400).clamp(1, 14_400) * 1000;
        let normalized = numbers.first().map(|n| {
            n.chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect::<String>()
        });
        let mut status = "failed";
        let mut child_sid = None;
        let mut talked_ms = 0;
        let start = self.t;
        match normalized {
            Some(n) if n.starts_with('+') && (8..=16).contains(&n.len()) => {
                match (self.ctx.dial)(&n, timeout) {
                    Err(refused) => self.run.warnings.push(refused),
                    Ok(plan) => {
                        let sid = (self.ctx.new_call_sid)();
                        let answered_at = plan.answered_after_ms.map(|a| start + a);
                        let mut ends_at = start + plan.ends_after_ms;
                        if let Some(a) = answered_at {
                            ends_at = ends_at.min(a + time_limit);
                        }
                        // The bridged call ends when this call's other party hangs up.
                        ends_at = ends_at.min(self.ctx.hangup_at);
                        let final_status = match answered_at {
                            Some(a) if a < ends_at => plan.outcome.status(),
                            Some(_) => "canceled",
                            None if ends_at < start + plan.ends_after_ms => "canceled",
                            None => plan.outcome.status(),
                        };
                        talked_ms = answered_at.map_or(0, |a| (ends_at - a).max(0));
                        status = final_status;
                        self.run.dialed.push(Dialed {
                            sid: sid.clone(),
                            to: n,
                            caller_id: attr(node, "callerId").map(str::to_owned),
                            initiated_at: (start + plan.initiated_after_ms).min(ends_at),
                            ringing_at: plan
                                .ringing_after_ms
                                .map(|r| start + r)
                                .filter(|r| *r < ends_at),
                            answered_at: answered_at.filter(|a| *a < ends_at),
                            ends_at,
                            status: final_status.into(),
                        });
                        if let (Some(a), true) = (
                            answered_at,
                            attr(node, "record").is_some_and(|r| r.starts_with("record-from")),
                        ) {
                            if talked_ms > 0 {
                                let (rsid, _) = (self.ctx.new_recording)();
                                self.run.recordings.push(Recorded {
                                    sid: rsid,
                                    source: "DialVerb",
                                    started_at: a,
                                    duration_ms: talked_ms,
                                });
                            }
                        }
                        child_sid = Some(sid);
                        self.pass(ends_at - start)?;
                    }
                }
            }
            Some(n) => self.run.warnings.push(Warning {
                code: 13223,
                text: format!("Dial: Invalid phone number format: {n}"),
            }),
            None => {}
        }
        if let Some(a) = attr(node, "action") {
            if let Some(url) = resolve(self.ctx.document_url, a) {
                let mut params = vec![("DialCallStatus", status.to_owned())];
                if let Some(sid) = child_sid {
                    params.push(("DialCallSid", sid));
                    params.push(("DialCallDuration", (talked_ms / 1000).to_string()));
                }
                return Err(self.fetch(url, method_attr(node), params));
            }
        }
        Ok(())
    }

    fn record(&mut self, node: Node<'_, '_>) -> Result<(), Stop> {
        self.answer();
        if attr(node, "playBeep").is_none_or(|b| !b.eq_ignore_ascii_case("false")) {
            self.pass(DIGIT_MS)?;
        }
        let max = int_attr(node, "maxLength", 3600).clamp(1, 86_400) * 1000;
        let spoken = self.ctx.timing.record_ms.clamp(0, max);
        let started_at = self.t;
        // The other party may hang up mid-recording: what was said until then is kept.
        let heard = spoken.min(self.ctx.hangup_at - started_at);
        let recording = (heard > 0).then(|| {
            let (sid, url) = (self.ctx.new_recording)();
            self.run.recordings.push(Recorded {
                sid: sid.clone(),
                source: "RecordVerb",
                started_at,
                duration_ms: heard,
            });
            (sid, url)
        });
        self.pass(spoken)?;
        // Silence ends the recording after `timeout` seconds.
        self.pass(int_attr(node, "timeout", 5).clamp(0, 600) * 1000)?;
        let Some((sid, url)) = recording else {
            return Ok(());
        };
        match self.action(node) {
            Some((action, method)) => Err(self.fetch(
                action,
                method,
                vec![
                    ("RecordingUrl", url),
                    ("RecordingSid", sid),
                    ("RecordingDuration", (spoken / 1000).to_string()),
                    ("Digits", String::new()),
                ],
            )),
            None => Ok(()),
        }
    }

    fn verb(&mut self, node: Node<'_, '_>) -> Result<(), Stop> {
        match node.tag_name().name() {
            "Say" => {
                self.answer();
                self.say(node)
            }
            "Play" => {
                self.answer();
                self.play(node)
            }
            // A leading <Pause> keeps an inbound call ringing (Twilio answers after it).
            "Pause" => self.pause(node),
            "Gather" => self.gather(node),
            "Dial" => self.dial(node),
            "Record" => self.record(node),
            "Redirect" => match resolve(self.ctx.document_url, &text_of(node)) {
                Some(url) => Err(self.fetch(url, method_attr(node), Vec::new())),
                None => {
                    self.run.warnings.push(Warning {
                        code: crate::SCHEMA_WARNING,
                        text: "Schema validation warning: <Redirect> needs an absolute URL here"
                            .into(),
                    });
                    Ok(())
                }
            },
            "Hangup" => {
                self.answer();
                Err(Stop::Ended(VoiceEnd::Completed { at: self.t }))
            }
            "Reject" if !self.answered => Err(Stop::Ended(VoiceEnd::Rejected {
                at: self.t,
                // Twilio logs a rejected call as busy, or as no-answer with reason="rejected".
                status: if attr(node, "reason") == Some("busy") {
                    "busy"
                } else {
                    "no-answer"
                },
            })),
            "Reject" => {
                self.run.warnings.push(Warning {
                    code: crate::SCHEMA_WARNING,
                    text:
                        "Schema validation warning: <Reject> after the call was answered hangs up"
                            .into(),
                });
                Err(Stop::Ended(VoiceEnd::Completed { at: self.t }))
            }
            "Message" | "Sms" => {
                let body_children: Vec<String> = node
                    .children()
                    .filter(|n| n.is_element() && n.tag_name().name() == "Body")
                    .map(text_of)
                    .collect();
                let body = if body_children.is_empty() {
                    text_of(node)
                } else {
                    body_children.join("")
                };
                self.run.messages.push(Sms {
                    at: self.t,
                    to: attr(node, "to").map(str::to_owned),
                    from: attr(node, "from").map(str::to_owned),
                    body,
                    media: Vec::new(),
                });
                Ok(())
            }
            other => {
                self.run.warnings.push(unsupported(other, None));
                Ok(())
            }
        }
    }
}

/// Run a voice document from `ctx.start`.
pub fn run_voice(text: &str, ctx: &VoiceContext<'_>) -> Result<VoiceRun, Warning> {
    let doc = parse(text)?;
    let mut r = Runner {
        ctx,
        t: ctx.start,
        answered: ctx.answered,
        run: VoiceRun {
            answered_at: None,
            end: VoiceEnd::Completed { at: ctx.start },
            dialed: Vec::new(),
            messages: Vec::new(),
            recordings: Vec::new(),
            warnings: Vec::new(),
            inputs_used: 0,
        },
    };
    let mut end = None;
    for verb in doc.root_element().children().filter(|n| n.is_element()) {
        if let Err(Stop::Ended(e)) = r.verb(verb) {
            end = Some(e);
            break;
        }
    }
    let end = end.unwrap_or_else(|| {
        // Out of verbs: Twilio hangs up.
        r.answer();
        VoiceEnd::Completed { at: r.t }
    });
    if matches!(end, VoiceEnd::Completed { .. }) {
        r.answer();
    }
    r.run.end = end;
    Ok(r.run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use switchboard_carrier::Scenarios;

    const URL: &str = "https://app.example/voice";

    fn run_with(text: &str, answered: bool, inputs: &[&str], scenarios: Scenarios) -> VoiceRun {
        let inputs: Vec<String> = inputs.iter().map(|s| s.to_string()).collect();
        let n = Cell::new(0);
        let dial = move |to: &str, timeout: i64| {
            if to.starts_with("+44") {
                return Err(Warning {
                    code: 13227,
                    text: format!("Dial: No International Authorization to call {to}"),
                });
            }
            Ok(scenarios.call_plan(to, timeout, false))
        };
        let call_sid = || {
            n.set(n.get() + 1);
            format!("CA{}", n.get())
        };
        let rec = || ("RE1".to_owned(), "https://rec/RE1".to_owned());
        let ctx = VoiceContext {
            start: 10_000,
            hangup_at: 100_000,
            answered,
            document_url: Some(URL),
            document_method: "POST",
            inputs: &inputs,
            timing: Timing::default(),
            dial: &dial,
            new_call_sid: &call_sid,
            new_recording: &rec,
        };
        run_voice(text, &ctx).unwrap()
    }

    fn run(text: &str) -> VoiceRun {
        run_with(text, true, &[], Scenarios::default())
    }

    #[test]
    fn say_play_and_pause_take_their_documented_time() {
        // 10 characters at 60 ms, a 10 s clip twice, a 3 s pause.
        let r = run("<Response><Say>0123456789</Say><Play loop=\"2\">a.mp3</Play><Pause length=\"3\"/></Response>");
        assert_eq!(
            r.end,
            VoiceEnd::Completed {
                at: 10_000 + 600 + 20_000 + 3_000
            }
        );
        // <Pause> without length is one second; <Play digits> half a second a tone.
        let r = run("<Response><Pause/><Play digits=\"12w\"/></Response>");
        assert_eq!(
            r.end,
            VoiceEnd::Completed {
                at: 10_000 + 1_000 + 1_500
            }
        );
    }

    #[test]
    fn the_other_party_hanging_up_ends_the_document() {
        let r = run("<Response><Play loop=\"0\">a.mp3</Play><Say>never</Say></Response>");
        assert_eq!(r.end, VoiceEnd::Completed { at: 100_000 });
        let r = run("<Response><Pause length=\"500\"/></Response>");
        assert_eq!(r.end, VoiceEnd::Completed { at: 100_000 });
    }

    #[test]
    fn hangup_redirect_and_verbs_after_them() {
        let r = run("<Response><Say>hi</Say><Hangup/><Say>never</Say></Response>");
        assert_eq!(r.end, VoiceEnd::Completed { at: 10_120 });
        let r = run("<Response><Redirect method=\"GET\">/next?x=1</Redirect><Hangup/></Response>");
        assert_eq!(
            r.end,
            VoiceEnd::Fetch(Fetch {
                at: 10_000,
                url: "https://app.example/next?x=1".into(),
                method: "GET".into(),
                params: vec![],
            })
        );
    }

    #[test]
    fn inbound_calls_are_answered_by_their_first_verb_and_can_be_rejected() {
        let r = run_with(
            "<Response><Pause length=\"2\"/><Say>hello</Say></Response>",
            false,
            &[],
            Scenarios::default(),
        );
        assert_eq!(r.answered_at, Some(12_000));
        let r = run_with(
            "<Response><Reject reason=\"busy\"/></Response>",
            false,
            &[],
            Scenarios::default(),
        );
        assert_eq!(r.answered_at, None);
        assert_eq!(
            r.end,
            VoiceEnd::Rejected {
                at: 10_000,
                status: "busy"
            }
        );
        let r = run_with(
            "<Response><Reject/></Response>",
            false,
            &[],
            Scenarios::default(),
        );
        assert_eq!(
            r.end,
            VoiceEnd::Rejected {
                at: 10_000,
                status: "no-answer"
            }
        );
        // Answered already: <Reject> hangs up, with a warning.
        let r = run("<Response><Reject/></Response>");
        assert_eq!(r.end, VoiceEnd::Completed { at: 10_000 });
        assert_eq!(r.warnings[0].code, 12200);
    }

    #[test]
    fn gather_takes_the_next_input_and_fetches_its_action() {
        let doc = "<Response><Gather numDigits=\"2\" action=\"/menu\"><Say>abc</Say></Gather><Say>no input</Say></Response>";
        let r = run_with(doc, true, &["123"], Scenarios::default());
        assert_eq!(r.inputs_used, 1);
        // 3 characters of prompt, then two keypresses.
        match r.end {
            VoiceEnd::Fetch(f) => {
                assert_eq!(f.at, 10_000 + 180 + 2_000);
                assert_eq!(f.url, "https://app.example/menu");
                assert_eq!(f.params, vec![("Digits".to_owned(), "12".to_owned())]);
            }
            other => panic!("{other:?}"),
        }
        // finishOnKey ends input and is reported; the default action is the document.
        let r = run_with(
            "<Response><Gather><Pause/></Gather></Response>",
            true,
            &["4#5"],
            Scenarios::default(),
        );
        match r.end {
            VoiceEnd::Fetch(f) => {
                assert_eq!(f.url, URL);
                assert_eq!(f.at, 10_000 + 1_000 + 2_000);
                assert!(f.params.contains(&("Digits".into(), "4".into())));
                assert!(f.params.contains(&("FinishedOnKey".into(), "#".into())));
            }
            other => panic!("{other:?}"),
        }
        // No input: the timeout passes and the next verb runs.
        let r = run_with(doc, true, &[""], Scenarios::default());
        assert_eq!(
            r.end,
            VoiceEnd::Completed {
                at: 10_000 + 180 + 5_000 + 8 * 60
            }
        );
        let r = run_with(doc, true, &[], Scenarios::default());
        assert_eq!(r.inputs_used, 0);
    }

    #[test]
    fn dial_places_a_child_call_and_the_parent_waits_for_it() {
        let scenarios = Scenarios::new(vec![switchboard_carrier::Scenario {
            to: "+15550001111".into(),
            call_outcome: None,
            ring_seconds: Some(3),
            talk_seconds: Some(20),
            answered_by: None,
            message_outcome: None,
            error_code: None,
            digits: None,
            record_seconds: None,
            play_seconds: None,
        }]);
        let r = run_with(
            "<Response><Dial action=\"/after\" record=\"record-from-answer\">+1 555 000 1111</Dial></Response>",
            true,
            &[],
            scenarios,
        );
        let child = &r.dialed[0];
        assert_eq!(child.to, "+15550001111");
        // initiated after 1 s, ringing after 2 s, answered after 3 s of ringing, 20 s talk.
        assert_eq!(child.initiated_at, 11_000);
        assert_eq!(child.answered_at, Some(15_000));
        assert_eq!(child.ends_at, 35_000);
        assert_eq!(child.status, "completed");
        assert_eq!(r.recordings[0].duration_ms, 20_000);
        match r.end {
            VoiceEnd::Fetch(f) => {
                assert_eq!(f.at, 35_000);
                assert!(f
                    .params
                    .contains(&("DialCallStatus".into(), "completed".into())));
                assert!(f.params.contains(&("DialCallDuration".into(), "20".into())));
                assert!(f.params.contains(&("DialCallSid".into(), "CA1".into())));
            }
            other => panic!("{other:?}"),
        }
        // A destination the account may not call: 13227, and the document goes on.
        let r = run("<Response><Dial><Number>+442071234567</Number></Dial><Say>x</Say></Response>");
        assert!(r.dialed.is_empty());
        assert_eq!(r.warnings[0].code, 13227);
        let r = run("<Response><Dial>12</Dial></Response>");
        assert_eq!(r.warnings[0].code, 13223);
        let r = run("<Response><Dial><Conference>room</Conference></Dial></Response>");
        assert_eq!(r.warnings[0].code, 12200);
    }

    #[test]
    fn a_dialed_call_ends_when_the_caller_hangs_up() {
        let r = run("<Response><Dial timeLimit=\"600\">+15550002222</Dial></Response>");
        let child = &r.dialed[0];
        // Default: 5 s ring then 30 s talk; well before the caller's hang-up at 100 s.
        assert_eq!(child.ends_at, 10_000 + 2_000 + 5_000 + 30_000);
        let r = run("<Response><Pause length=\"80\"/><Dial>+15550002222</Dial></Response>");
        let child = &r.dialed[0];
        assert_eq!(child.ends_at, 100_000);
        assert_eq!(r.end, VoiceEnd::Completed { at: 100_000 });
    }

    #[test]
    fn record_makes_a_recording_and_posts_it_to_the_action() {
        let r =
            run("<Response><Record maxLength=\"3\" timeout=\"2\" action=\"/done\"/></Response>");
        assert_eq!(r.recordings.len(), 1);
        assert_eq!(r.recordings[0].started_at, 10_500);
        assert_eq!(r.recordings[0].duration_ms, 3_000);
        match r.end {
            VoiceEnd::Fetch(f) => {
                assert_eq!(f.at, 10_500 + 3_000 + 2_000);
                assert!(f.params.contains(&("RecordingSid".into(), "RE1".into())));
                assert!(f.params.contains(&("RecordingDuration".into(), "3".into())));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn messages_unsupported_verbs_and_broken_documents() {
        let r = run("<Response><Sms to=\"+15551112222\">hi there</Sms><Enqueue>q</Enqueue><Say>x</Say></Response>");
        assert_eq!(r.messages[0].body, "hi there");
        assert_eq!(r.messages[0].to.as_deref(), Some("+15551112222"));
        assert_eq!(r.warnings.len(), 1);
        assert_eq!(r.warnings[0].code, 12200);
        assert!(r.warnings[0].text.contains("<Enqueue>"));
        let ctx_err = |text: &str| {
            let none = |_: &str, _: i64| {
                Err(Warning {
                    code: 13227,
                    text: String::new(),
                })
            };
            let sid = || String::new();
            let rec = || (String::new(), String::new());
            run_voice(
                text,
                &VoiceContext {
                    start: 0,
                    hangup_at: 1,
                    answered: true,
                    document_url: None,
                    document_method: "POST",
                    inputs: &[],
                    timing: Timing::default(),
                    dial: &none,
                    new_call_sid: &sid,
                    new_recording: &rec,
                },
            )
            .unwrap_err()
            .code
        };
        assert_eq!(ctx_err("<Response><Say>"), 12100);
        assert_eq!(ctx_err("<Foo/>"), 12100);
    }

    #[test]
    fn content_types_twilio_runs() {
        assert!(crate::is_twiml_content_type("text/xml; charset=utf-8"));
        assert!(crate::is_twiml_content_type("application/xml"));
        assert!(!crate::is_twiml_content_type("application/json"));
        assert!(!crate::is_twiml_content_type(""));
    }
}
