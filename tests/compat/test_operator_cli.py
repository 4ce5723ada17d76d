"""The operator CLI (`switchboard accounts ...`) on the configured database, also while a
server runs on it, checked through the API with twilio-python."""

import json
import subprocess

import pytest
from twilio.base.exceptions import TwilioRestException

from conftest import BIN, new_database, stores


def cli(database_url, *args):
    done = subprocess.run(
        [str(BIN), "accounts", *args, "--database-url", database_url],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("store", stores())
def test_operator_cli(make_server, store, tmp_path):
    db = new_database(store, tmp_path)
    acme = json.loads(cli(db, "create", "--friendly-name", "Acme", "--type", "Trial"))
    assert (acme["type"], acme["status"], acme["subaccount_limit"]) == ("Trial", "active", 1000)
    assert acme["auto_delete_closed_subaccounts"] is True
    listing = cli(db, "list")
    assert acme["sid"] in listing and "Acme" in listing

    server = make_server(store, database_url=db).start()
    client = server.client(username=acme["sid"], password=acme["auth_token"])
    client.api.v2010.accounts.create(friendly_name="the one")
    with pytest.raises(TwilioRestException) as e:
        client.api.v2010.accounts.create(friendly_name="one too many")
    assert e.value.code == 21480, "a Trial account may have one subaccount"

    # The CLI writes while the server runs on the same database.
    cli(db, "update", acme["sid"], "--status", "suspended")
    assert client.api.v2010.accounts(acme["sid"]).fetch().status == "suspended"
    shown = json.loads(cli(db, "update", acme["sid"], "--status", "active", "--auto-delete-closed", "false"))
    assert (shown["status"], shown["auto_delete_closed_subaccounts"]) == ("active", False)
    assert client.api.v2010.accounts(acme["sid"]).fetch().status == "active"

    full = json.loads(cli(db, "create", "--friendly-name", "Big", "--subaccount-limit", "2"))
    big = server.client(username=full["sid"], password=full["auth_token"])
    big.api.v2010.accounts.create()
    big.api.v2010.accounts.create()
    with pytest.raises(TwilioRestException) as e:
        big.api.v2010.accounts.create()
    assert e.value.code == 21480
    cli(db, "update", full["sid"], "--subaccount-limit", "3")
    big.api.v2010.accounts.create()
    assert json.loads(cli(db, "show", full["sid"]))["subaccount_limit"] == 3

    # A Main key from the operator CLI manages subaccounts over the API.
    done = subprocess.run(
        [str(BIN), "keys", "create", "--account", full["sid"], "--kind", "main", "--database-url", db],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    key = json.loads(done.stdout)
    assert key["sid"].startswith("SK") and len(key["secret"]) == 32
    by_key = server.client(username=key["sid"], password=key["secret"], account_sid=full["sid"])
    cli(db, "update", full["sid"], "--subaccount-limit", "4")
    assert by_key.api.v2010.accounts.create(friendly_name="by key").owner_account_sid == full["sid"]


def test_cli_refuses_bad_input(tmp_path):
    db = new_database("sqlite", tmp_path)
    for args in (["create", "--type", "Gold"], ["update", "AC" + "0" * 32, "--status", "closed"],
                 ["create", "--sid", "ACnope"], ["show", "AC" + "0" * 32]):
        done = subprocess.run([str(BIN), "accounts", *args, "--database-url", db],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode != 0, args
        assert done.stderr.strip(), args
