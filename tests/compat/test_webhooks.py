"""Status callbacks reach an app on loopback, and the official validators accept their
signatures: twilio-python's RequestValidator and twilio-node's validateRequest."""

import json
import subprocess
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

from twilio.request_validator import RequestValidator

from test_node_samples import NODE_DIR
from test_traffic import GUIDE_FROM, carrier_server, customer  # noqa: F401 (fixture)


class Receiver:
    """An HTTP server on a loopback port that records each request and answers 204
    (headers kept as a case-insensitive message, as apps read them)."""

    def __init__(self):
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

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
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
