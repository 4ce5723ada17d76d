"""The real twilio-cli (6.x) against Switchboard, only its hosts rewritten (cli/point-at-switchboard.cjs)."""

import json
import os
import subprocess
from pathlib import Path

import pytest

CLI_DIR = Path(__file__).parent / "cli"
TWILIO = CLI_DIR / "node_modules" / ".bin" / "twilio"


def twilio(server, home, *args, env_creds=False):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}
    env.update(
        HOME=str(home),
        SWITCHBOARD_URL=server.url,
        NODE_OPTIONS=f"--require {CLI_DIR / 'point-at-switchboard.cjs'}",
        TWILIO_CLI_TELEMETRY="off",
    )
    if env_creds:
        env.update(TWILIO_ACCOUNT_SID=server.account_sid, TWILIO_AUTH_TOKEN=server.auth_token)
    done = subprocess.run([str(TWILIO), *args], env=env, capture_output=True, text=True, timeout=120, cwd=home)
    return done


def output(done):
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def test_twilio_cli(server, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    # twilio login-style: GET the account, POST a key, keep the key.
    made = twilio(server, home, "profiles:create", server.account_sid, "--auth-token", server.auth_token, "-p", "sb", "-f")
    assert made.returncode == 0, made.stdout + made.stderr
    config = json.loads((home / ".twilio-cli" / "config.json").read_text())
    profile = config["profiles"]["sb"]
    assert profile["apiKey"].startswith("SK") and len(profile["apiSecret"]) == 32
    keys = server.client().keys.list()
    assert [k.sid for k in keys] == [profile["apiKey"]], "the CLI's key exists here"

    # With the profile's (Standard) key: the account's resources, not account management.
    server.client().incoming_phone_numbers.create(area_code="415")
    numbers = output(twilio(server, home, "api:core:incoming-phone-numbers:list", "-p", "sb", "-o", "json"))
    assert len(numbers) == 1 and numbers[0]["phoneNumber"].startswith("+1415")
    refused = twilio(server, home, "api:core:accounts:create", "--friendly-name", "nope", "-p", "sb", "-o", "json")
    assert "20003" in refused.stdout + refused.stderr

    # With the auth token from the environment: accounts create, list, update.
    sub = output(twilio(server, home, "api:core:accounts:create", "--friendly-name", "From the CLI", "-o", "json", env_creds=True))[0]
    assert sub["friendlyName"] == "From the CLI" and sub["ownerAccountSid"] == server.account_sid
    listed = output(twilio(server, home, "api:core:accounts:list", "-o", "json", env_creds=True))
    assert {a["sid"] for a in listed} == {server.account_sid, sub["sid"]}
    updated = output(twilio(server, home, "api:core:accounts:update", "--sid", sub["sid"], "--status", "suspended", "-o", "json", env_creds=True))[0]
    assert updated["status"] == "suspended"

    # With a profile holding a Main key made by the operator: account management works.
    main_key = server.admin(f"/admin/v1/Accounts/{server.account_sid}/Keys", {"Kind": "main", "FriendlyName": "cli"})
    config["profiles"]["ops"] = {"accountSid": server.account_sid, "apiKey": main_key["sid"], "apiSecret": main_key["secret"]}
    (home / ".twilio-cli" / "config.json").write_text(json.dumps(config))
    again = output(twilio(server, home, "api:core:accounts:create", "--friendly-name", "By Main key", "-p", "ops", "-o", "json"))[0]
    assert again["friendlyName"] == "By Main key"
    assert len(output(twilio(server, home, "api:core:accounts:list", "-p", "ops", "-o", "json"))) == 3
    reactivated = output(twilio(server, home, "api:core:accounts:update", "--sid", sub["sid"], "--status", "active", "-p", "ops", "-o", "json"))[0]
    assert reactivated["status"] == "active"
