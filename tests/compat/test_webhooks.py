"""Status callbacks reach an app on loopback, and the official validators accept their
signatures: twilio-python's RequestValidator and twilio-node's validateRequest."""

import json
import signal
import socket
import subprocess
import time
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from twilio.request_validator import RequestValidator

from conftest import stores
from test_node_samples import NODE_DIR
from test_traffic import GUIDE_FROM, HOLD, carrier_server, customer  # noqa: F401 (fixture)


class Receiver:
    """An HTTP server on a loopback port that records each request and answers 204
    (headers kept as a case-insensitive message, as apps read them)."""

    def __init__(self, port=0):
        self.seen = []
        self.lock = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                with outer.lock:
                    outer.seen.append((self.path, self.headers, body))
                    outer.lock.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = HTTPServer(("127.0.0.1", port), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait_for(self, n, timeout=10):
        with self.lock:
            self.lock.wait_for(lambda: len(self.seen) >= n, timeout=timeout)
            return list(self.seen)

    def close(self):
        self.httpd.shutdown()


def node_validates(token, signature, url, params):
    script = (
        "const twilio = require('twilio');"
        "const [token, sig, url, params] = JSON.parse(process.argv[1]);"
        "process.stdout.write(String(twilio.validateRequest(token, sig, url, params)));"
    )
    done = subprocess.run(
        ["node", "-e", script, json.dumps([token, signature, url, params])],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout == "true"


def test_message_status_callbacks_validate_with_the_official_libraries(carrier_server):
    server = carrier_server
    rx = Receiver()
    try:
        sub = customer(server)
        url = f"{rx.base}/twilio/status?tenant=acme"
        own = server.client(username=sub.sid, password=sub.auth_token)
        m = own.messages.create(
            body="Ahoy there!", from_=GUIDE_FROM, to="+16518675310", status_callback=url
        )
        server.advance(5)
        seen = rx.wait_for(2)
        assert len(seen) == 2
        python_validator = RequestValidator(sub.auth_token)
        main_validator = RequestValidator(server.auth_token)
        statuses = []
        for path, headers, body in seen:
            assert path == "/twilio/status?tenant=acme"
            params = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
            signature = headers["X-Twilio-Signature"]
            assert python_validator.validate(url, params, signature)
            assert not main_validator.validate(url, params, signature)
            assert not python_validator.validate(url + "&x=1", params, signature)
            assert node_validates(sub.auth_token, signature, url, params)
            assert headers["User-Agent"].startswith("TwilioProxy/")
            assert headers["I-Twilio-Idempotency-Token"]
            assert params["MessageSid"] == m.sid and params["AccountSid"] == sub.sid
            statuses.append(params["MessageStatus"])
        assert statuses == ["sent", "delivered"]
    finally:
        rx.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("store", stores())
def test_callbacks_survive_kill_without_loss_or_duplicates(make_server, store):
    first = make_server(store).start()
    main = first.client()
    sub = main.api.v2010.accounts.create(friendly_name="Customer")
    own = first.client(username=sub.sid, password=sub.auth_token)
    number = own.incoming_phone_numbers.create(area_code="415").phone_number
    up = Receiver()
    port = free_port()
    down_url = f"http://127.0.0.1:{port}/later"
    try:
        delivered = own.messages.create(
            body="one", from_=number, to="+16518675310", status_callback=f"{up.base}/now"
        )
        first.advance(10)
        assert len(up.wait_for(2)) == 2
        pending = own.messages.create(
            body="two", from_=number, to="+16518675310", status_callback=down_url
        )
        first.advance(10)  # its callbacks are due; nobody listens: a retry is scheduled
        first.stop(signal.SIGKILL)

        late = Receiver(port)
        try:
            again = make_server(store, database_url=first.database_url)
            again.account_sid, again.auth_token = first.account_sid, first.auth_token
            again.start()
            again.advance(60)
            seen = late.wait_for(2)
            time.sleep(0.5)  # anything duplicated would arrive by now
            params = [dict(urllib.parse.parse_qsl(b)) for _, _, b in late.seen]
            assert [(p["MessageSid"], p["MessageStatus"]) for p in params] == [
                (pending.sid, "sent"),
                (pending.sid, "delivered"),
            ], seen
            assert len(up.seen) == 2, "acknowledged callbacks are not sent again"
            assert {dict(urllib.parse.parse_qsl(b))["MessageSid"] for _, _, b in up.seen} == {
                delivered.sid
            }
        finally:
            late.close()
    finally:
        up.close()


def test_failed_callbacks_are_notifications_for_twilio_python(carrier_server):
    server = carrier_server
    sub = customer(server)
    own = server.client(username=sub.sid, password=sub.auth_token)
    dead = f"http://127.0.0.1:{free_port()}/gone"
    call = own.calls.create(
        to="+16518675310", from_=GUIDE_FROM, twiml=HOLD,
        status_callback=dead,
    )
    server.advance(60)
    notes = own.notifications.list()
    assert [(n.error_code, n.call_sid, n.log) for n in notes] == [("11205", call.sid, "1")]
    one = own.notifications(notes[0].sid).fetch()
    assert one.request_url == dead and "CallStatus=completed" in one.request_variables
    assert one.message_date.year == 2018
    of_call = own.calls(call.sid).notifications.list(log=1)
    assert [n.sid for n in of_call] == [one.sid]
    assert own.calls(call.sid).notifications(one.sid).fetch().error_code == "11205"
    # Main credentials read the subaccount's notifications too.
    assert [n.sid for n in server.client(account_sid=sub.sid).notifications.list()] == [one.sid]
