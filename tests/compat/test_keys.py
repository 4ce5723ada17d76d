"""API keys with the official clients: create with the auth token, then work with the key."""

import os
import subprocess
from pathlib import Path

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

NODE_DIR = Path(__file__).parent / "node"


def key_client(server, key, account_sid):
    c = Client(key.sid, key.secret, account_sid)
    c.api.base_url = server.url
    return c


def test_python_key_lifecycle(server):
    main = server.client()
    key = main.new_keys.create(friendly_name="ci")
    assert key.sid.startswith("SK") and len(key.secret) == 32
    assert [k.sid for k in main.keys.list()] == [key.sid]
    by_key = key_client(server, key, server.account_sid)
    assert by_key.api.v2010.accounts(server.account_sid).fetch().sid == server.account_sid
    n = by_key.incoming_phone_numbers.create(area_code="415")
    assert n.account_sid == server.account_sid
    # A Standard key manages neither accounts nor keys.
    with pytest.raises(TwilioRestException) as e:
        by_key.api.v2010.accounts.create(friendly_name="nope")
    assert e.value.code == 20003
    with pytest.raises(TwilioRestException) as e:
        by_key.new_keys.create()
    assert e.value.code == 20003
    assert main.keys(key.sid).update(friendly_name="renamed").friendly_name == "renamed"
    assert main.keys(key.sid).delete() is True
    with pytest.raises(TwilioRestException) as e:
        by_key.api.v2010.accounts(server.account_sid).fetch()
    assert (e.value.status, e.value.code) == (401, 20003)


def test_subaccount_keys_and_main_keys(server):
    main = server.client()
    sub = main.api.v2010.accounts.create(friendly_name="customer")
    sub_client = server.client(username=sub.sid, password=sub.auth_token)
    sub_key = sub_client.new_keys.create(friendly_name="customer key")
    by_sub_key = key_client(server, sub_key, sub.sid)
    assert by_sub_key.api.v2010.account.fetch().sid == sub.sid
    # (twilio-python raises a bare TwilioException, carrying the response, on list errors.)
    with pytest.raises(TwilioException) as e:
        key_client(server, sub_key, server.account_sid).incoming_phone_numbers.list()
    assert e.value.args[1].status_code == 401, "a subaccount's key never reaches its parent"
    # A main account's keys never reach a subaccount's resources; a Main key manages them.
    main_key = server.admin(f"/admin/v1/Accounts/{server.account_sid}/Keys", {"Kind": "main"})
    by_main_key = Client(main_key["sid"], main_key["secret"], sub.sid)
    by_main_key.api.base_url = server.url
    with pytest.raises(TwilioException) as e:
        by_main_key.incoming_phone_numbers.list()
    assert e.value.args[1].status_code == 401
    assert by_main_key.api.v2010.accounts(sub.sid).update(status="suspended").status == "suspended"
    assert len(by_main_key.api.v2010.accounts.list()) == 2


def test_node_key_flow(server):
    env = dict(os.environ)
    env.update(
        TWILIO_ACCOUNT_SID=server.account_sid,
        TWILIO_AUTH_TOKEN=server.auth_token,
        SWITCHBOARD_URL=server.url,
        NODE_OPTIONS=f"--require {NODE_DIR / 'point-at-switchboard.cjs'}",
    )
    done = subprocess.run(["node", str(NODE_DIR / "key-flow.js")], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    sid, fetched, listed, deleted = done.stdout.split("\n")[:4]
    assert sid.startswith("SK")
    assert (fetched, listed, deleted) == ("fetched-own-account", "refused 20003", "deleted 20003")


def test_taskrouter_workspaces_with_subaccount_credentials(server):
    """The guide: subdomain resources need the subaccount's own credentials."""
    main = server.client()
    main.taskrouter.base_url = server.url + "/taskrouter"
    sub = main.api.v2010.accounts.create(friendly_name="customer")
    ws = main.taskrouter.v1.workspaces.create(friendly_name="Main support")
    assert ws.sid.startswith("WS") and ws.account_sid == server.account_sid
    as_sub = Client(sub.sid, sub.auth_token)
    as_sub.api.base_url = server.url
    as_sub.taskrouter.base_url = server.url + "/taskrouter"
    theirs = as_sub.taskrouter.v1.workspaces.create(friendly_name="Customer support")
    assert theirs.account_sid == sub.sid
    # Main credentials with the subaccount as third parameter still act as the main account.
    on_behalf = server.client(account_sid=sub.sid)
    on_behalf.taskrouter.base_url = server.url + "/taskrouter"
    assert [w.sid for w in on_behalf.taskrouter.v1.workspaces.list()] == [ws.sid]
    with pytest.raises(TwilioRestException) as e:
        main.taskrouter.v1.workspaces(theirs.sid).fetch()
    assert (e.value.status, e.value.code) == (404, 20404)
    key = as_sub.new_keys.create(friendly_name="tr")
    by_key = Client(key.sid, key.secret, sub.sid)
    by_key.taskrouter.base_url = server.url + "/taskrouter"
    assert by_key.taskrouter.v1.workspaces(theirs.sid).update(friendly_name="Renamed").friendly_name == "Renamed"
    for i in range(3):
        as_sub.taskrouter.v1.workspaces.create(friendly_name=f"w{i}")
    assert len(as_sub.taskrouter.v1.workspaces.list(page_size=2)) == 4, "follows meta.next_page_url"
    assert by_key.taskrouter.v1.workspaces(theirs.sid).delete() is True
