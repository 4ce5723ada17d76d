"""Acknowledged writes survive SIGKILL; SIGTERM lets in-flight requests finish."""

import base64
import json
import signal
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import stores


def create_loop(server, acknowledged, stop):
    """Create subaccounts until stopped; remember every SID the server answered 201 for."""
    auth = base64.b64encode(f"{server.account_sid}:{server.auth_token}".encode()).decode()
    while not stop.is_set():
        req = urllib.request.Request(
            server.url + "/2010-04-01/Accounts.json", data=b"FriendlyName=durable", method="POST"
        )
        req.add_header("Authorization", f"Basic {auth}")
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                if r.status == 201:
                    acknowledged.append(json.loads(r.read())["sid"])
        except (urllib.error.URLError, ConnectionError, OSError):
            return


def run_load_then(server, sig, seconds=0.8):
    server.admin(f"/admin/v1/Accounts/{server.account_sid}", {"SubaccountLimit": "100000"})
    acknowledged, stop = [], threading.Event()
    threads = [threading.Thread(target=create_loop, args=(server, acknowledged, stop)) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    code = server.stop(sig)
    stop.set()
    for t in threads:
        t.join()
    return acknowledged, code


@pytest.mark.parametrize("store", stores())
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_acknowledged_creates_survive(make_server, store, sig):
    first = make_server(store).start()
    acknowledged, code = run_load_then(first, sig)
    assert len(acknowledged) > 20, "the load ran"
    if sig == signal.SIGTERM:
        assert code == 0, "graceful shutdown exits cleanly"
    again = make_server(store, database_url=first.database_url)
    again.account_sid, again.auth_token = first.account_sid, first.auth_token
    again.start()
    listed = {a.sid for a in again.client().api.v2010.accounts.stream(page_size=1000)}
    missing = [sid for sid in acknowledged if sid not in listed]
    assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged creates lost"
