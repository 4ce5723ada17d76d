"""The guide's JavaScript account samples, run by twilio-node 6.x.

The sample files in node/guide/ are the guide's code. Only two things differ from running
them against Twilio: a preload (node/point-at-switchboard.cjs) swaps the base URL, and the
guide's placeholder SIDs are replaced with real ones in a copy made for each run.
"""

import os
import subprocess
from pathlib import Path

NODE_DIR = Path(__file__).parent / "node"
GUIDE = NODE_DIR / "guide"
PLACEHOLDERS = (
    "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "ACXXXX-SUBACCOUNT-SID-XXXX",
    "PNXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
)


def run_sample(server, name, sid=None, extra_env=None):
    """Run a guide sample with twilio-node; returns what it printed, split on whitespace."""
    source = (GUIDE / name).read_text()
    if sid:
        for p in PLACEHOLDERS:
            source = source.replace(p, sid)
    copy = GUIDE / f".run-{os.getpid()}-{name}"
    copy.write_text(source)
    try:
        env = dict(os.environ)
        env.update(
            TWILIO_ACCOUNT_SID=server.account_sid,
            TWILIO_AUTH_TOKEN=server.auth_token,
            SWITCHBOARD_URL=server.url,
            NODE_OPTIONS=f"--require {NODE_DIR / 'point-at-switchboard.cjs'}",
        )
        env.update(extra_env or {})
        done = subprocess.run(
            ["node", str(copy)], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        copy.unlink()
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr, done.stderr
    return done.stdout.split()


def test_guide_account_samples(server):
    python = server.client()

    [token] = run_sample(server, "createAccount.js")
    [created] = [a for a in python.api.v2010.accounts.list() if a.friendly_name == "Submarine"]
    assert created.auth_token == token

    assert run_sample(server, "fetchAccount.js", created.sid) == [token]

    mine = python.api.v2010.accounts.create(friendly_name="MySubaccount")
    assert run_sample(server, "listAccount.js") == [mine.auth_token]

    assert run_sample(server, "updateAccount-suspended.js", created.sid) == [created.sid]
    assert python.api.v2010.accounts(created.sid).fetch().status == "suspended"
    assert run_sample(server, "updateAccount-active.js", created.sid) == [token]
    assert python.api.v2010.accounts(created.sid).fetch().status == "active"
    assert run_sample(server, "updateAccount-closed.js", created.sid) == [token]
    assert python.api.v2010.accounts(created.sid).fetch().status == "closed"
