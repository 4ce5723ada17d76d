"""Billing with twilio-python: usage records (price as Decimal, periods, IncludeSubaccounts),
the tree's one balance, and a usage trigger whose receiver suspends the subaccount, which
then cannot send: Twilio's answer to a customer's runaway spend, end to end."""

import datetime
import decimal
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from test_traffic import GUIDE_FROM, HOLD, carrier_server, customer  # noqa: F401 (fixture)


def test_usage_records_and_balance(carrier_server):
    server = carrier_server
    sub = customer(server)
    client = server.client(account_sid=sub.sid)
    server.admin("/admin/v1/Scenarios", {"To": "+16518675310", "TalkSeconds": "90"})
    call = client.calls.create(to="+16518675310", from_=GUIDE_FROM, twiml=HOLD)
    client.messages.create(to="+16518675311", from_=GUIDE_FROM, body="x" * 200)  # 2 segments
    server.advance(3600)

    [calls] = client.usage.records.list(category="calls")
    assert isinstance(calls.price, decimal.Decimal)
    assert calls.price == -decimal.Decimal(client.calls(call.sid).fetch().price) == decimal.Decimal("0.028")
    assert (calls.count, calls.count_unit, calls.usage, calls.usage_unit) == ("1", "calls", "2", "minutes")
    assert calls.start_date == datetime.date(2018, 1, 15)
    [sms] = client.usage.records.today.list(category="sms")
    assert (sms.usage, sms.price) == ("2", decimal.Decimal("0.0158"))
    [total] = client.usage.records.this_month.list(category="totalprice")
    assert total.price == decimal.Decimal("0.028") + decimal.Decimal("0.0158") + decimal.Decimal("1.15")
    assert client.usage.records.yesterday.list(category="totalprice")[0].price == 0
    days = client.usage.records.daily.list(category="calls", start_date=datetime.date(2018, 1, 14))
    assert [(d.start_date.day, d.price) for d in days] == [(14, 0), (15, decimal.Decimal("0.028"))]
    assert len(client.usage.records.list(page_size=5)) == 12, "every category, over pages"

    # The main account: its tree unless asked otherwise.
    main = server.client()
    [tree] = main.usage.records.all_time.list(category="totalprice")
    assert tree.price == total.price
    [alone] = main.usage.records.all_time.list(category="totalprice", include_subaccounts=False)
    assert alone.price == 0

    # One balance: the subaccount sees its main account's; the operator credits it.
    balance = main.balance.fetch()
    assert (balance.balance, balance.currency) == (str(-total.price), "USD")
    server.admin(f"/admin/v1/Accounts/{server.account_sid}/Balance", {"Credit": "10"})
    assert decimal.Decimal(client.balance.fetch().balance) == 10 - total.price


class Suspender:
    """The customer's app: on a usage trigger's callback (checked with RequestValidator),
    it suspends the subaccount with the main credentials."""

    def __init__(self, server, sub_sid):
        self.fired = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                params = dict(urllib.parse.parse_qsl(body))
                url = outer.url
                token = server.client().api.v2010.accounts(params["AccountSid"]).fetch().auth_token
                ok = RequestValidator(token).validate(url, params, self.headers["X-Twilio-Signature"])
                outer.fired.append((params, ok))
                if ok:
                    server.client().api.v2010.accounts(sub_sid).update(status="suspended")
                self.send_response(204 if ok else 403)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/runaway"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def test_a_usage_trigger_stops_a_runaway_subaccount(carrier_server):
    server = carrier_server
    sub = customer(server)
    own = server.client(username=sub.sid, password=sub.auth_token)
    app = Suspender(server, sub.sid)
    try:
        trigger = own.usage.triggers.create(
            callback_url=app.url, trigger_value="+0.05", usage_category="totalprice",
            trigger_by="price", recurring="daily", friendly_name="stop at 5 cents a day",
        )
        # Relative to today's usage: the number bought today (1.15) plus 5 cents.
        assert trigger.trigger_value == "1.2"
        assert [t.sid for t in own.usage.triggers.list(recurring="daily")] == [trigger.sid]
        sent = 0
        with pytest.raises(TwilioRestException) as refused:
            for _ in range(20):
                own.messages.create(to="+16518675310", from_=GUIDE_FROM, body="spam")
                sent += 1
                server.advance(1)
        assert (refused.value.status, refused.value.code) == (403, 10001)
        # 0.0079 a message: the seventh crossed 1.20; the app suspended the subaccount.
        assert sent == 7
        [(params, ok)] = app.fired
        assert ok and params["UsageTriggerSid"] == trigger.sid
        assert decimal.Decimal(params["CurrentValue"]) == decimal.Decimal("1.2053")
        assert params["TriggerValue"] == "1.2" and params["Recurring"] == "daily"
        assert server.client().api.v2010.accounts(sub.sid).fetch().status == "suspended"
        assert own.usage.triggers(trigger.sid).fetch().date_fired is not None
    finally:
        app.httpd.shutdown()


def billing_cli(server, *args):
    import subprocess

    from conftest import BIN

    done = subprocess.run(
        [str(BIN), "billing", *args, "--database-url", server.database_url],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_billing_report_and_balance_cli(carrier_server):
    """The operator's report prints the usage records' numbers, per subaccount."""
    import csv
    import io
    import json

    server = carrier_server
    subs = [customer(server)]
    main = server.client()
    subs.append(main.api.v2010.accounts.create(friendly_name="Quiet, Inc."))
    client = server.client(account_sid=subs[0].sid)
    for to in ("+16518675310", "+16518675311"):
        client.calls.create(to=to, from_=GUIDE_FROM, twiml=HOLD)
        client.messages.create(to=to, from_=GUIDE_FROM, body="hello")
    server.advance(600)

    lines = json.loads(billing_cli(server, "report", "--account", server.account_sid,
                                   "--from", "2018-01-15", "--to", "2018-01-15", "--format", "json"))
    busy = {l["category"]: l for l in lines if l["account_sid"] == subs[0].sid}
    for record in client.usage.records.list(start_date=datetime.date(2018, 1, 15), end_date=datetime.date(2018, 1, 15)):
        if record.category in busy:
            assert decimal.Decimal(busy[record.category]["price"]) == record.price, record.category
        else:
            assert record.price == 0, record.category
    assert busy["calls-outbound"]["count"] == 2 and busy["sms-outbound"]["count"] == 2
    quiet = [l for l in lines if l["account_sid"] == subs[1].sid]
    assert [(l["category"], l["price"]) for l in quiet] == [("totalprice", "0")]
    assert lines[0]["account_sid"] == server.account_sid, "the main account first"
    rows = list(csv.DictReader(io.StringIO(billing_cli(
        server, "report", "--account", server.account_sid, "--from", "2018-01-01", "--to", "2018-01-31", "--format", "csv"))))
    assert {(r["account_sid"], r["category"], r["price"]) for r in rows} == {
        (l["account_sid"], l["category"], l["price"]) for l in lines}
    table = billing_cli(server, "report", "--account", server.account_sid, "--from", "2018-01-15", "--to", "2018-01-15")
    assert "Quiet, Inc." in table and "totalprice" in table

    # Balance from the CLI: credit, then set; the API agrees.
    total = busy["totalprice"]["price"]
    shown = json.loads(billing_cli(server, "balance", server.account_sid, "--credit", "25"))
    assert decimal.Decimal(shown["balance"]) == 25 - decimal.Decimal(total)
    shown = json.loads(billing_cli(server, "balance", server.account_sid, "--set", "-3.5"))
    assert shown["balance"] == "-3.50"
    assert main.balance.fetch().balance == "-3.50"
