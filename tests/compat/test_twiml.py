"""TwiML with the official clients: the guide's call sample (twilio-node, verbatim) has its
twimlets.com document fetched, signed, and run; twilio-python reads what documents did:
recordings, child calls, messages, notifications."""

import decimal
import urllib.parse

from twilio.request_validator import RequestValidator

from test_node_samples import run_sample
from test_traffic import GUIDE_FROM, carrier_server, customer  # noqa: F401 (fixture)
from test_webhooks import node_validates

APP = "http://app.example"


def test_guide_call_sample_fetches_and_runs_its_twiml(carrier_server):
    server = carrier_server
    sub = customer(server)
    env = {"TWILIO_SUBACCOUNT_SID": sub.sid, "TZ": "UTC"}
    [call_sid] = run_sample(server, "createCall.js", extra_env=env)
    server.advance(60)
    [(method, url, headers, body)] = server.web.wait_for(1)
    assert method == "POST"
    assert url == "http://twimlets.com/message?Message%5B0%5D=Hello%20from%20your%20subaccount"
    params = dict(urllib.parse.parse_qsl(body))
    assert params["CallSid"] == call_sid
    assert params["AccountSid"] == sub.sid
    assert params["CallStatus"] == "in-progress"
    # Signed with the subaccount's token: both official validators accept it.
    signature = headers["X-Twilio-Signature"]
    assert RequestValidator(sub.auth_token).validate(url, params, signature)
    assert node_validates(sub.auth_token, signature, url, params)
    assert not RequestValidator(server.auth_token).validate(url, params, signature)
    # "Hello from your subaccount" is 26 characters at 60 ms: the call lasts 1 s.
    call = server.client(account_sid=sub.sid).calls(call_sid).fetch()
    assert (call.status, call.duration, call.price) == ("completed", "1", "-0.01400")


def test_documents_seen_through_twilio_python(carrier_server):
    server = carrier_server
    sub = customer(server)
    web = server.web
    web.documents[f"{APP}/voice"] = (
        '<Response><Gather numDigits="3" action="/menu"><Say>Your PIN?</Say></Gather></Response>'
    )
    web.documents[f"{APP}/menu"] = (
        '<Response><Say>Leave a message</Say><Record maxLength="20" action="/done"/></Response>'
    )
    web.documents[f"{APP}/done"] = (
        '<Response><Dial timeout="10">+16518675399</Dial><Message>Bye</Message></Response>'
    )
    server.admin("/admin/v1/Scenarios", {"To": "+16518675310", "Digits": "123", "RecordSeconds": "65", "TalkSeconds": "600"})
    server.admin("/admin/v1/Scenarios", {"To": "+16518675399", "TalkSeconds": "10"})
    client = server.client(account_sid=sub.sid)
    call = client.calls.create(to="+16518675310", from_=GUIDE_FROM, url=f"{APP}/voice")
    server.advance(300)
    urls = [u for (_, u, _, _) in web.wait_for(3)]
    assert urls == [f"{APP}/voice", f"{APP}/menu", f"{APP}/done"]
    assert "Digits=123" in web.seen[1][3]

    # <Record>: the recording, cut at maxLength (20 s), priced per started minute, as Decimal.
    [rec] = client.calls(call.sid).recordings.list()
    assert (rec.duration, rec.status, rec.source) == ("20", "completed", "RecordVerb")
    [same] = client.recordings.list(call_sid=call.sid)
    assert same.sid == rec.sid and same.price == "-0.00250" and same.call_sid == call.sid
    assert decimal.Decimal(client.recordings(rec.sid).fetch().price) == decimal.Decimal("-0.0025")

    # <Dial>: a child call, billed on its own; <Message>: a text to the callee.
    [child] = client.calls.list(parent_call_sid=call.sid)
    assert (child.direction, child.duration, child.price) == ("outbound-dial", "10", "-0.01400")
    [text] = client.messages.list(from_=GUIDE_FROM)
    assert (text.body, text.to, text.direction) == ("Bye", "+16518675310", "outbound-call")
    done = client.calls(call.sid).fetch()
    assert done.status == "completed"
    assert int(done.duration) > 30

    assert client.recordings(rec.sid).delete()
    assert client.calls(call.sid).recordings.list() == []


def test_inbound_numbers_and_fallbacks_through_twilio_python(carrier_server):
    server = carrier_server
    sub = customer(server)
    web = server.web
    client = server.client(account_sid=sub.sid)
    [number] = client.incoming_phone_numbers.list()
    number.update(
        voice_url=f"{APP}/missing", voice_fallback_url=f"{APP}/sorry",
        sms_url=f"{APP}/sms",
    )
    web.documents[f"{APP}/sorry"] = "<Response><Say>Sorry</Say></Response>"
    web.documents[f"{APP}/sms"] = "<Response><Message>Thanks for writing</Message></Response>"
    server.admin("/admin/v1/InboundCalls", {"From": "+16518675310", "To": GUIDE_FROM})
    server.admin("/admin/v1/InboundMessages", {"From": "+16518675310", "To": GUIDE_FROM, "Body": "hello"})
    server.advance(30)
    seen = [(u, b) for (_, u, _, b) in web.wait_for(3)]
    fallback = [b for (u, b) in seen if u == f"{APP}/sorry"]
    assert len(fallback) == 1 and "ErrorCode=11200" in fallback[0]
    [call] = client.calls.list()
    assert (call.direction, call.status) == ("inbound", "completed")
    [note] = client.calls(call.sid).notifications.list()
    assert (note.error_code, note.log) == ("11200", "0")
    [reply] = client.messages.list(from_=GUIDE_FROM)
    assert (reply.body, reply.to, reply.direction) == ("Thanks for writing", "+16518675310", "outbound-reply")
