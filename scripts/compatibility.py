#!/usr/bin/env python3
"""Write docs/compatibility.md: every operation of Twilio's v2010 spec and its state here.

An operation is implemented when a handler in crates/server/src/routes/ names its
operationId in its doc line (`/// GET /2010-04-01/... · FetchAccount`, or the doc string
of a handler macro). Notes per operation
live in NOTES below. `--check` fails when the committed file is out of date (scripts/test).
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# shared/ sits beside the repository (as in CI).
SPEC = ROOT.parent / "shared" / "spec" / "twilio_api_v2010.json"
TASKROUTER = ROOT.parent / "shared" / "spec" / "twilio_taskrouter_v1.json"
OUT = ROOT / "docs" / "compatibility.md"

NOTES = {
    "ListAccount": "Main credentials: the main account and its subaccounts; a subaccount's: itself. `FriendlyName` (exact), `Status` (effective status).",
    "CreateAccount": "Creates a subaccount of the calling main account; limit 1000 by default (21480), Trial 1; subaccounts cannot (21101).",
    "FetchAccount": "`status` is effective: a suspended main account shows its tree suspended.",
    "UpdateAccount": "`FriendlyName`, `Status`; 21475/21476/21477/21479; only main credentials change a status (20403).",
    "ListAvailablePhoneNumberCountry": "The inventory's countries (US, CA, GB, DE, FR, AU by default); `{countries, uri}` as in the spec.",
    "FetchAvailablePhoneNumberCountry": "`subresource_uris` lists the types offered in that country.",
    "ListAvailablePhoneNumberLocal": "Filters: `AreaCode`, `Contains` (digits, letters as keypad digits, `*`, `%`, leading `+`, trailing `$`), `InRegion`, `InPostalCode`, `InLocality`, `InLata`, `InRateCenter`, `NearLatLong`/`NearNumber` + `Distance`, `Sms/Mms/Voice/FaxEnabled`, `Exclude*AddressRequired`, `Beta`, `PageSize`. Owned numbers are never offered.",
    "ListAvailablePhoneNumberMobile": "As Local.",
    "ListAvailablePhoneNumberTollFree": "As Local.",
    "ListIncomingPhoneNumber": "Filters `PhoneNumber` (partial, `*` any digit), `FriendlyName`, `Beta`, `Origin`.",
    "CreateIncomingPhoneNumber": "`PhoneNumber` or `AreaCode` (US/CA); 21421 invalid, 21422 unavailable, 21451/21452 area code; address requirement 21631; Twilio's magic purchase numbers; first month charged.",
    "CreateIncomingPhoneNumberLocal": "`PhoneNumber` of that type only (21422 otherwise).",
    "CreateIncomingPhoneNumberMobile": "As Local.",
    "CreateIncomingPhoneNumberTollFree": "As Local.",
    "UpdateIncomingPhoneNumber": "All configuration fields; `AccountSid` transfers within the tree (21474 non-main credentials, 21473 unrelated, 21472 inactive, 21631 address). Application, trunk, identity and bundle SIDs are stored as given (those resources are not implemented).",
    "DeleteIncomingPhoneNumber": "Releases the number back to the inventory.",
    "CreateAddress": "Required fields and ISO country checked, postal codes checked for US, CA, GB, DE, FR, AU (21628); `AutoCorrectAddress` accepted, nothing corrected; `validated` true.",
    "DeleteAddress": "Refused while an in-use number depends on it (21631; Twilio's code for this is undocumented).",
    "CreateCall": "`To`, `From` (an owned voice number, or the magic +15005550006), one of `Url`/`Twiml`/`ApplicationSid`; `Method`, `FallbackUrl`/`Method`, `StatusCallback`, `StatusCallbackEvent` (repeated or space-separated), `StatusCallbackMethod`, `Timeout`, `Record`, `MachineDetection`, `CallerId`, `SendDigits` stored. Codes 21201, 21211, 21212, 21213, 21205, 21210, 21215 (geo), 21218, 10001, and the magic `To` numbers. Progress and outcome come from the simulated carrier; the TwiML (`Url` with `Method`, or `Twiml`) is fetched and run when the call is answered, and decides how long it lasts and so its price (see TwiML). Status callbacks are sent (see Webhooks). `ApplicationSid` alone: no document (Applications are not implemented), the call follows its scenario. `Record`, `CallerId`, `SendDigits` are stored, not acted on.",
    "ListCall": "Newest first; `To`, `From`, `ParentCallSid`, `Status`, `StartTime`, `EndTime` with `<`/`>` (a datetime counts as its UTC day, as the clients send dates).",
    "FetchCall": "Status, times, duration and price as of the server's clock.",
    "UpdateCall": "`Status=completed` (hangs up; a call not yet answered is canceled), `Status=canceled` (only before answer), `Url`/`Twiml`/`Method` redirect a live call: the new document runs now (or at the answer of a call still ringing) and replaces what the previous one decided, `StatusCallback*` changes apply to the callbacks still to come; 21220 once ended.",
    "DeleteCall": "Ended calls only (21220 otherwise).",
    "ListNotification": "Failed webhook attempts (11200 the app answered with an error, 11205 it could not be reached: `log` 1 for status callbacks, 0 for TwiML documents), document errors (12100, 12300) and TwiML warnings (12200, 13223, 13227, 14101, 14103), newest first; filters `Log`, `MessageDate`, `MessageDate<`, `MessageDate>`.",
    "FetchNotification": "With `request_variables`, `response_body` and `response_headers`.",
    "ListCallNotification": "The call's own notifications (its status callbacks); filters as the account list; 20404 for an unknown call.",
    "FetchCallNotification": "A notification of that call only.",
    "ListRecording": "Recordings made by TwiML `<Record>` and `<Dial record>`, newest first; filters `CallSid`, `DateCreated`, `DateCreated<`, `DateCreated>`. `IncludeSoftDeleted` is ignored (deleted recordings are gone). `status` is `in-progress` until the recording's end on the clock, then `completed` with `duration` and `price` ($0.0025 per started minute, charged as `recordings`).",
    "FetchRecording": "The JSON at `.json`; without the suffix (or with `.wav`), the media: a WAV (8 kHz, 16-bit mono) of silence as long as the recording. `media_url` points there.",
    "DeleteRecording": "Deleted for good (no soft delete).",
    "ListCallRecording": "The call's recordings, in the call-recording shape (`track` `both`; `price` a string as at account level); 20404 for an unknown call.",
    "FetchCallRecording": "A recording of that call only.",
    "ListUsageRecord": "From the usage rollups (kept with every charge). One record per category Switchboard records (`calls`, `calls-inbound`, `calls-outbound`, `sms`, `sms-inbound`, `sms-outbound`, `mms`, `mms-inbound`, `mms-outbound`, `phonenumbers`, `recordings`, `totalprice`) for `StartDate`..`EndDate` (UTC dates or `-30days`-style offsets; default: the account's creation to today); `Category` picks one (others: empty); `IncludeSubaccounts` (default true) makes a main account's records its tree's. Calls count on the day they started, messages on the day sent, numbers on the day charged. `price` is a positive decimal string, `price_unit` `usd`; `count`/`usage` strings (calls: minutes, SMS: segments; `totalprice`: usage is the price).",
    "ListUsageRecordDaily": "One record per category and day of the range (at most ten years).",
    "ListUsageRecordMonthly": "One record per category and calendar month (the range's ends cut the first and last).",
    "ListUsageRecordYearly": "One record per category and calendar year.",
    "ListUsageRecordAllTime": "As `Records.json` (the account's creation to today by default).",
    "ListUsageRecordToday": "Today, UTC, on the server's clock.",
    "ListUsageRecordYesterday": "Yesterday, UTC.",
    "ListUsageRecordThisMonth": "The first of this month to today.",
    "ListUsageRecordLastMonth": "Last calendar month.",
    "CreateUsageTrigger": "`CallbackUrl`, `UsageCategory`, `TriggerValue` required (20001); `TriggerValue` a non-negative decimal or `+N` (N more than the value now); `TriggerBy` `count`/`usage` (default)/`price`; `Recurring` `daily`/`monthly`/`yearly`/`alltime` (default: never again once fired); `CallbackMethod`, `FriendlyName`. It watches the account's usage as usage records count it (a main account's tree). The server evaluates triggers every second (and on each clock advance); one that reached its value fires once per UTC period: a signed webhook with `AccountSid`, `UsageTriggerSid`, `DateFired`, `Recurring`, `UsageCategory`, `TriggerBy`, `TriggerValue`, `CurrentValue`, `UsageRecordUri`, `IdempotencyToken`, retried with backoff like status callbacks.",
    "ListUsageTrigger": "Oldest first; filters `Recurring` (`alltime` also lists non-recurring ones), `TriggerBy`, `UsageCategory`.",
    "FetchUsageTrigger": "`current_value` is computed when read; `date_fired` the last firing.",
    "UpdateUsageTrigger": "`CallbackUrl`, `CallbackMethod`, `FriendlyName`.",
    "DeleteUsageTrigger": "",
    "FetchBalance": "One balance per tree (the guide): the operator's credits to the main account less every charge of the tree (calls, messages, numbers, recordings); a subaccount sees its main account's. Negative when overdrawn; `currency` `USD`. Where the operator made the tree prepaid, a message whose price or a call whose first minute the balance cannot cover is refused (10001, 403).",
    "DeleteCallRecording": "A recording of that call only.",
    "CreateMessage": "`To`, `From` (an owned SMS/MMS-capable number, or +15005550006), `Body` and/or `MediaUrl` (up to 10), `StatusCallback` (sent, see Webhooks), `ValidityPeriod`, `SendAt` + `ScheduleType=fixed` (Twilio requires a Messaging Service to schedule; here `From` is enough). GSM-7/UCS-2 segments, price per segment. Codes 21604, 21211, 21614, 21603, 21212, 21606, 21602, 21617, 21620, 21623, 21624, 21609, 21408 (geo), 35114, 10001, and the magic numbers. `MessagingServiceSid` without `From` is refused (21701): Messaging Services are not implemented.",
    "ListMessage": "Newest first; `To`, `From`, `DateSent` with `<`/`>`.",
    "FetchMessage": "Status, `date_sent`, price and error as of the server's clock.",
    "UpdateMessage": "`Body=\"\"` redacts a message no longer in flight; `Status=canceled` cancels a scheduled message and its charge (20009 otherwise).",
    "DeleteMessage": "Not while queued, sending or scheduled (20009).",
    "CreateNewKey": "A Standard key; the secret (32 characters) is returned this once and stored only as a SHA-256. Main keys come from the operator plane. Standard keys may not manage keys or accounts (20003).",
    "DeleteKey": "The key stops authenticating at once (every request looks its key up).",
    "CreateNewSigningKey": "Signing keys are listed apart from API keys and do not authenticate REST requests.",
}


def implemented():
    ops = {}
    for f in sorted((ROOT / "crates" / "server" / "src" / "routes").glob("*.rs")):
        # A doc line, or the doc string a handler macro is given.
        for m in re.finditer(r"(?:///\s+|=> \w+, \")(GET|POST|DELETE)\s+(\S+)\s+\u00b7\s+(\w+)", f.read_text()):
            ops[m.group(3)] = f.relative_to(ROOT).as_posix()
    return ops


def operations(spec_path, done):
    spec = json.loads(spec_path.read_text())
    rows = []
    for path, item in spec["paths"].items():
        for method in ("get", "post", "delete"):
            op = item.get(method)
            if not op:
                continue
            oid = op["operationId"]
            state = "implemented" if oid in done else "not yet"
            where = f"`{done[oid]}`" if oid in done else ""
            rows.append((path, method.upper(), oid, state, where, NOTES.get(oid, "")))
    return rows


def render():
    done = implemented()
    rows = operations(SPEC, done)
    tr_rows = operations(TASKROUTER, done)
    n = sum(1 for r in rows if r[3] == "implemented")
    lines = [
        "# Compatibility with Twilio's v2010 API",
        "",
        "Generated by `scripts/compatibility.py` from `shared/spec/twilio_api_v2010.json` and the",
        "operationIds named in the handlers under `crates/server/src/routes/`; `scripts/test`",
        "checks that this file is current.",
        "",
        f"{n} of {len(rows)} operations implemented.",
        "",
        "Conventions that hold for every implemented operation: HTTP Basic with an Account SID",
        "and auth token; the account rules of `crates/server/src/auth.rs`; errors as",
        "`{code, message, more_info, status}`; lists paged with `PageSize` (1-1000, default 50),",
        "`Page` and keyset `PageToken`; dates in RFC 2822 with `+0000`; only the `.json`",
        "representation (no XML, no CSV).",
        "",
        "| path | method | operationId | state | handler | notes |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append("| `{}` | {} | {} | {} | {} | {} |".format(*r))
    tr_done = [r for r in tr_rows if r[3] == "implemented"]
    lines += [
        "",
        "## TaskRouter (`shared/spec/twilio_taskrouter_v1.json`)",
        "",
        f"{len(tr_done)} of {len(tr_rows)} operations implemented: the Workspace resource, at",
        "`/v1/Workspaces` when the Host header starts with `taskrouter.` and at",
        "`/taskrouter/v1/Workspaces` on any host. The credentials decide the account (main",
        "credentials never reach a subaccount's workspaces). Activities, Workers, TaskQueues,",
        "Workflows, Tasks and statistics are not implemented; a workspace's default and timeout",
        "activity are named `Offline` with SIDs of their own.",
        "",
        "| path | method | operationId | handler |",
        "|---|---|---|---|",
    ]
    for r in tr_done:
        lines.append("| `{}` | {} | {} | {} |".format(r[0], r[1], r[2], r[4]))
    lines += [
        "",
        "## Webhooks",
        "",
        "Status callbacks are sent as Twilio sends them: `X-Twilio-Signature` (HMAC-SHA1 with the",
        "owning account's auth token over the URL and the sorted POST parameters; the URL alone",
        "for GET, whose parameters go in the query string), `I-Twilio-Idempotency-Token` (the same",
        "on every retry of one event), `User-Agent: TwilioProxy/1.1`, form-encoded bodies, a",
        "15-second timeout. They are queued in the store with the event they report, sent in",
        "order per call or message, retried after 1, 2, 4 and 8 s (5 attempts), and survive a",
        "restart (`crates/server/src/webhooks/`).",
        "",
        "- Messages: `sent`, then `delivered`, `undelivered` or `failed` (with `ErrorCode`);",
        "  parameters `MessageSid`, `SmsSid`, `MessageStatus`, `SmsStatus`, `AccountSid`, `From`,",
        "  `To`, `ApiVersion`. A canceled scheduled message sends nothing more.",
        "- Calls: the `StatusCallbackEvent`s asked for (`initiated`, `ringing`, `answered`,",
        "  `completed`; `completed` alone by default) with `StatusCallbackMethod`; parameters",
        "  `CallSid`, `AccountSid`, `From`, `To`, `Caller`, `Called`, `CallStatus`, `Direction`,",
        "  `ApiVersion`, `CallbackSource`, `SequenceNumber`, `Timestamp`, and `CallDuration` and",
        "  `Duration` on completion (`ParentCallSid`, `CallerName`, `ForwardedFrom`, `AnsweredBy`",
        "  where set). Hanging up early moves the `completed` callback to the hang-up.",
        "- A failed attempt is a Notification (11200 or 11205, `log` 1), listed per account and",
        "  per call.",
        "",
        "## TwiML",
        "",
        "TwiML documents are webhooks too (signed, idempotency token, same queue), fetched once (no",
        "retries): an outbound call's when it is answered, an inbound call's when it arrives",
        "(`CallStatus` `ringing`; the first verb other than `<Reject>` or a leading `<Pause>`",
        "answers it), a verb's `action`, a `<Redirect>`, an API redirect. The parameters are",
        "Twilio's (`AccountSid`, `ApiVersion`, `CallSid`, `CallStatus`, `Called`, `Caller`,",
        "`Direction`, `From`, `To`, and `ParentCallSid`, `CallerName`, `ForwardedFrom`,",
        "`AnsweredBy` where set) plus the verb's results. A document runs on the simulated clock",
        "from the instant it was due (`crates/twiml`); its effects are written in one transaction",
        "with the fetch marked done, so they happen once even across a crash. Durations: speech",
        "60 ms per character, `<Play>` clips 10 s (scenario `PlaySeconds`), `<Play digits>` 0.5 s",
        "per tone, a `<Gather>` keypress 1 s, a `<Record>` beep 0.5 s; the other party's",
        "`<Gather>` input and `<Record>` length come from the scenario (`Digits`, `RecordSeconds`)",
        "or the admin inbound call (`Digits`), and they hang up after the scenario's talk time",
        "whatever the document says.",
        "",
        "| verb | attributes run | not run |",
        "|---|---|---|",
        "| `<Say>` | text, `loop` (0: until hang-up) | `voice`, `language` (accepted) |",
        "| `<Play>` | `loop`, `digits` | the audio itself |",
        "| `<Pause>` | `length` (default 1) | |",
        "| `<Gather>` | `action` (default: the document's URL), `method`, `timeout` (5), `numDigits`, `finishOnKey` (`#`), `actionOnEmptyResult`, `input` (DTMF; speech never hears anything); nested `<Say>`, `<Play>`, `<Pause>` | speech results, `partialResultCallback` |",
        "| `<Dial>` | a number as text or the first `<Number>`: a child call (`outbound-dial`, `parent_call_sid`, billed at its destination's rate, geo-checked: 13227) on that number's scenario; `action` (`DialCallStatus`, `DialCallSid`, `DialCallDuration`), `method`, `timeout` (30), `callerId`, `timeLimit`, `record` (`record-from-*`: a `DialVerb` recording) | `<Client>`, `<Sip>`, `<Conference>`, `<Queue>`, `<Sim>`, several numbers at once (12200 warning) |",
        "| `<Record>` | `action` (default: the document's URL; `RecordingUrl`, `RecordingSid`, `RecordingDuration`), `method`, `maxLength` (3600), `timeout` (5), `playBeep` | transcription, `recordingStatusCallback` |",
        "| `<Redirect>` | URL (relative to the document), `method` | |",
        "| `<Hangup>` | | |",
        "| `<Reject>` | `reason` (`busy`: status `busy`; otherwise `no-answer`); after the answer it hangs up with a 12200 warning | |",
        "| `<Message>`, `<Sms>` | body (text or `<Body>`), `to`, `from` (defaults: the other party, and the call's number): an `outbound-call` message | `action`, `statusCallback` |",
        "| messaging `<Message>` | body, `<Media>`, `to`, `from`: an `outbound-reply` message | `action`, `statusCallback` |",
        "| messaging `<Redirect>` | URL, `method` (up to 10) | |",
        "",
        "Any other verb (`<Enqueue>`, `<Leave>`, `<Connect>`, `<Start>`, `<Pay>`, ...) is skipped",
        "with a 12200 Notification (`log` 1); Queues and Conferences are not implemented.",
        "Failures are Twilio's: an unreachable URL (11205), an HTTP error (11200), a content type",
        "other than XML or HTML (12300), a document that is not TwiML (12100) log an error",
        "(`log` 0); then the fallback URL (`FallbackUrl`, a number's `VoiceFallbackUrl` or",
        "`SmsFallbackUrl`) is fetched with `ErrorCode` and `ErrorUrl`, or the call hangs up. A call",
        "runs at most 100 documents (then 12400).",
        "",
        "Inbound calls and messages (admin API) go to the number's `VoiceUrl`/`VoiceMethod` and",
        "`SmsUrl`/`SmsMethod` (messages: `MessageSid`, `SmsSid`, `SmsMessageSid`, `AccountSid`,",
        "`From`, `To`, `Body`, `NumMedia`, `NumSegments`, `MediaUrl{N}`, `SmsStatus` `received`,",
        "`ApiVersion`). A number without a URL takes the call as its scenario says. Numbers of",
        "suspended or closed accounts refuse inbound traffic (10003, 30002) and nothing is sent.",
        "`VoiceApplicationSid`/`SmsApplicationSid` are stored (Applications are not implemented).",
        "",
        "## Not part of Twilio's API",
        "",
        "- `GET /healthz`: 200 once the server is ready.",
        "- `/admin/v1/Accounts`, `/admin/v1/Accounts/{Sid}`, `/admin/v1/Accounts/{Sid}/Keys`,",
        "  `/admin/v1/Accounts/{Sid}/Balance`,",
        "  `/admin/v1/Clock`, `/admin/v1/Scenarios`, `/admin/v1/InboundCalls`,",
        "  `/admin/v1/InboundMessages`: the operator plane (README, \"Operator plane\"), present only",
        "  when `SWITCHBOARD_ADMIN_TOKEN` is set.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            sys.exit("docs/compatibility.md is out of date: run scripts/compatibility.py")
        print("docs/compatibility.md is current")
    else:
        OUT.write_text(text)
        print(f"wrote {OUT.relative_to(ROOT)}")
