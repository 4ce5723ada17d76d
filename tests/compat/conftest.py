"""Start the release binary on loopback for the official-client tests.

Every test that takes `server` runs once per store: SQLite always, Postgres when
SWITCHBOARD_TEST_POSTGRES_URL names a server (the test script starts one); set
SWITCHBOARD_SKIP_POSTGRES=1 to skip Postgres on a machine without it.
"""

import os
import secrets
import signal
import subprocess
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("SWITCHBOARD_BIN", ROOT / "target" / "release" / "switchboard"))
ADMIN_TOKEN = "compat-admin-token"
# 2015-07-30T20:00:00Z, the instant of Twilio's own examples.
CLOCK_START = "2015-07-30T20:00:00Z"


def stores():
    out = ["sqlite"]
    if os.environ.get("SWITCHBOARD_TEST_POSTGRES_URL"):
        out.append("postgres")
    elif os.environ.get("SWITCHBOARD_SKIP_POSTGRES") != "1":
        raise RuntimeError("set SWITCHBOARD_TEST_POSTGRES_URL (or SWITCHBOARD_SKIP_POSTGRES=1)")
    return out


def scratch_postgres_url():
    admin = os.environ["SWITCHBOARD_TEST_POSTGRES_URL"]
    name = "switchboard_compat_" + secrets.token_hex(6)
    subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    base, _, rest = admin.rpartition("/")
    query = rest.partition("?")[2]
    return f"{base}/{name}" + (f"?{query}" if query else "")


@dataclass
class Server:
    """A running `switchboard serve` with a manual clock and fixed main credentials."""

    database_url: str
    store: str
    account_sid: str = field(default_factory=lambda: "AC" + secrets.token_hex(16))
    auth_token: str = field(default_factory=lambda: secrets.token_hex(16))
    proc: subprocess.Popen = None
    url: str = ""
    extra_env: dict = field(default_factory=dict)
    # The CA to trust when the server serves HTTPS.
    ca_file: str = None

    def start(self):
        env = dict(os.environ)
        for k in ("TWILIO_REGION", "TWILIO_EDGE"):
            env.pop(k, None)
        env.update(
            SWITCHBOARD_DATABASE_URL=self.database_url,
            SWITCHBOARD_LISTEN="127.0.0.1:0",
            SWITCHBOARD_CLOCK="manual",
            SWITCHBOARD_CLOCK_START=CLOCK_START,
            SWITCHBOARD_ADMIN_TOKEN=ADMIN_TOKEN,
            SWITCHBOARD_BOOTSTRAP_ACCOUNT_SID=self.account_sid,
            SWITCHBOARD_BOOTSTRAP_AUTH_TOKEN=self.auth_token,
            SWITCHBOARD_LOG="warn",
        )
        env.update(self.extra_env)
        self.proc = subprocess.Popen(
            [str(BIN), "serve"], env=env, stdout=subprocess.PIPE, text=True
        )
        for line in self.proc.stdout:
            if "listening on " in line:
                self.url = line.split("listening on ")[1].split()[0]
                break
        else:
            raise RuntimeError(f"server exited with {self.proc.wait()}")
        context = None
        if self.ca_file:
            import ssl

            context = ssl.create_default_context(cafile=self.ca_file)
        with urllib.request.urlopen(self.url + "/healthz", context=context) as r:
            assert r.status == 200
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            return self.proc.wait(timeout=30)
        return self.proc.returncode if self.proc else None

    def admin(self, path, data=None):
        """Call the admin API; `data` makes it a form POST."""
        import json
        import urllib.parse

        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.url + path, data=body)
        req.add_header("Authorization", f"Bearer {ADMIN_TOKEN}")
        with urllib.request.urlopen(req) as r:
            return json.loads(r.read())

    def advance(self, seconds):
        return self.admin("/admin/v1/Clock", {"Advance": str(seconds)})

    def client(self, account_sid=None, username=None, password=None):
        """A twilio-python client pointed at this server: only the base URL changes."""
        from twilio.rest import Client

        c = Client(username or self.account_sid, password or self.auth_token, account_sid)
        c.api.base_url = self.url
        return c


def new_database(store, tmp_path):
    if store == "sqlite":
        return f"sqlite://{tmp_path / 'switchboard.db'}"
    return scratch_postgres_url()


@pytest.fixture(params=stores())
def server(request, tmp_path):
    s = Server(database_url=new_database(request.param, tmp_path), store=request.param).start()
    yield s
    s.stop()


@pytest.fixture
def make_server(tmp_path):
    """For tests that restart or kill the server: make_server(store) -> Server (not started)."""
    made = []

    def make(store, database_url=None):
        s = Server(database_url=database_url or new_database(store, tmp_path), store=store)
        made.append(s)
        return s

    yield make
    for s in made:
        s.stop(signal.SIGKILL)
