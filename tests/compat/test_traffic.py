"""Calls and messages with twilio-python 9.x, and the guide's call, message and billing
samples with twilio-node 6.x, on the simulated carrier and the manual clock."""

import datetime
import decimal
import json

import pytest
from twilio.base.exceptions import TwilioRestException

from conftest import new_database, stores
from test_node_samples import run_sample
from web import Web

GUIDE_FROM = "+14158141829"
# TwiML that holds the line until the other party hangs up (its scenario's talk time).
HOLD = '<Response><Pause length="3600"/></Response>'


@pytest.fixture(params=stores())
def carrier_server(request, tmp_path, make_server):
    """A server whose inventory offers the guide's number, on 2018-01-15 (the billing sample's day)."""
    numbers = tmp_path / "numbers.json"
    numbers.write_text(json.dumps({"extra_numbers": [GUIDE_FROM]}))
    s = make_server(request.param, new_database(request.param, tmp_path))
    # The guide's TwiML URLs are served by the test, through a proxy (web.py).
    s.web = Web()
    s.extra_env = {
        "SWITCHBOARD_NUMBERS_CONFIG": str(numbers),
        "SWITCHBOARD_CLOCK_START": "2018-01-15T09:00:00Z",
        "TZ": "UTC",
        **s.web.env(),
    }
    yield s.start()
    s.web.close()


def customer(server):
    """A subaccount that owns the guide's number."""
    main = server.client()
    sub = main.api.v2010.accounts.create(friendly_name="Customer")
    server.client(account_sid=sub.sid).incoming_phone_numbers.create(phone_number=GUIDE_FROM)
    return sub


def test_messages_with_both_credential_styles(carrier_server):
    server = carrier_server
    sub = customer(server)
    on_behalf = server.client(account_sid=sub.sid)
    own = server.client(username=sub.sid, password=sub.auth_token)
    m = on_behalf.messages.create(body="Ahoy there!", from_=GUIDE_FROM, to="+16518675310")
    assert m.status == "queued" and m.num_segments == "1" and m.price is None
    assert m.account_sid == sub.sid and m.direction == "outbound-api"
    server.advance(5)
    done = own.messages(m.sid).fetch()
    assert done.status == "delivered"
    assert done.price == decimal.Decimal("-0.00790") or done.price == "-0.00790"
    assert done.date_sent == datetime.datetime(2018, 1, 15, 9, 0, 2, tzinfo=datetime.timezone.utc)
    mms = own.messages.create(media_url=["https://example.com/cat.png"], from_=GUIDE_FROM, to="+16518675310")
    assert mms.sid.startswith("MM") and mms.num_media == "1"
    sent = own.messages.list(date_sent=datetime.datetime(2018, 1, 15), limit=20)
    assert [x.sid for x in sent] == [m.sid], "the MMS is not sent yet"
    assert own.messages(m.sid).update(body="").body == ""
    own.messages(m.sid).delete()
    with pytest.raises(TwilioRestException) as e:
        own.messages.create(body="hi", from_="+14155550000", to="+16518675310")
    assert e.value.code == 21606
    with pytest.raises(TwilioRestException) as e:
        own.messages.create(body="x" * 1601, from_=GUIDE_FROM, to="+16518675310")
    assert e.value.code == 21617


def test_calls_and_suspension(carrier_server):
    server = carrier_server
    sub = customer(server)
    calls = server.client(account_sid=sub.sid).calls
    server.admin("/admin/v1/Scenarios", {"To": "+16518675311", "TalkSeconds": "600"})
    c = calls.create(to="+16518675311", from_=GUIDE_FROM, twiml=HOLD,
                     status_callback_event=["initiated", "completed"])
    assert c.status == "queued" and c.direction == "outbound-api"
    server.advance(30)
    assert calls(c.sid).fetch().status == "in-progress"
    # Suspending the subaccount does not end the call (the guide), but no new call starts.
    server.client().api.v2010.accounts(sub.sid).update(status="suspended")
    with pytest.raises(TwilioRestException) as e:
        calls.create(to="+16518675310", from_=GUIDE_FROM, twiml=HOLD)
    assert (e.value.status, e.value.code) == (403, 10001)
    assert calls(c.sid).fetch().status == "in-progress"
    ended = calls(c.sid).update(status="completed")
    assert ended.status == "completed" and ended.duration == "23"
    assert ended.price == "-0.01400"
    assert ended.start_time == datetime.datetime(2018, 1, 15, 9, 0, 1, tzinfo=datetime.timezone.utc)
    assert [x.sid for x in calls.list(status="completed")] == [c.sid]
    with pytest.raises(TwilioRestException) as e:
        calls(c.sid).update(status="completed")
    assert e.value.code == 21220


def test_guide_samples_in_node(carrier_server):
    server = carrier_server
    sub = customer(server)
    env = {"TWILIO_SUBACCOUNT_SID": sub.sid, "TZ": "UTC"}
    [call_sid] = run_sample(server, "createCall.js", extra_env=env)
    assert call_sid.startswith("CA")
    assert run_sample(server, "createMessage.js", extra_env=env) == ["Ahoy", "there!"]
    second = server.client(account_sid=sub.sid).calls.create(to="+16518675399", from_=GUIDE_FROM, twiml=HOLD)
    server.advance(120)
    # The billing sample: the calls that started on 2018-01-15, with their prices.
    prices = run_sample(server, "listCall.js", extra_env=env)
    assert prices == ["-0.01400", "-0.01400"]
    listed = {c.sid for c in server.client(account_sid=sub.sid).calls.list(start_time=datetime.datetime(2018, 1, 15))}
    assert listed == {call_sid, second.sid}
    # The bill from the prices is the bill from the recorded charges.
    assert sum(decimal.Decimal(p) for p in prices) == decimal.Decimal("-0.02800")
    server.advance(86400)
    assert run_sample(server, "listCall.js", extra_env=env) == ["-0.01400", "-0.01400"], "still the 15th's calls"
