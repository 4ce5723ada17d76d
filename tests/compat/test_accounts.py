"""The guide's account flows with twilio-python 9.x, unchanged but for the base URL."""

import concurrent.futures
import datetime

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException

UTC = datetime.timezone.utc


def test_create_a_subaccount(server):
    client = server.client()
    account = client.api.v2010.accounts.create(friendly_name="Submarine")
    assert account.friendly_name == "Submarine"
    assert account.sid.startswith("AC") and len(account.sid) == 34
    assert len(account.auth_token) == 32
    assert account.owner_account_sid == server.account_sid
    assert account.status == "active"
    assert account.type == "Full"
    assert account.date_created == datetime.datetime(2015, 7, 30, 20, 0, tzinfo=UTC)
    assert account.uri == f"/2010-04-01/Accounts/{account.sid}.json"
    assert account.subresource_uris["calls"] == f"/2010-04-01/Accounts/{account.sid}/Calls.json"
    assert len(account.subresource_uris) == 20


def test_default_friendly_name(server):
    account = server.client().api.v2010.accounts.create()
    assert account.friendly_name == "SubAccount Created at 2015-07-30 08:00 pm"


def test_fetch_with_each_credential_style(server):
    main = server.client()
    sub = main.api.v2010.accounts.create(friendly_name="Customer 42")
    # Main credentials, the subaccount SID in the path.
    assert main.api.v2010.accounts(sub.sid).fetch().friendly_name == "Customer 42"
    # Main credentials with the subaccount as the third parameter (the guide's way).
    on_behalf = server.client(account_sid=sub.sid)
    assert on_behalf.api.v2010.account.fetch().sid == sub.sid
    # The subaccount's own credentials.
    own = server.client(username=sub.sid, password=sub.auth_token)
    assert own.api.v2010.accounts(sub.sid).fetch().auth_token == sub.auth_token


def test_subaccount_credentials_cannot_reach_parent_or_sibling(server):
    main = server.client()
    a = main.api.v2010.accounts.create(friendly_name="a")
    b = main.api.v2010.accounts.create(friendly_name="b")
    as_a = server.client(username=a.sid, password=a.auth_token)
    for target in (server.account_sid, b.sid):
        with pytest.raises(TwilioRestException) as e:
            as_a.api.v2010.accounts(target).fetch()
        assert (e.value.status, e.value.code) == (401, 20003)
    with pytest.raises(TwilioRestException) as e:
        as_a.api.v2010.accounts.create(friendly_name="grandchild")
    assert e.value.code == 21101


def test_list_by_friendly_name(server):
    main = server.client()
    mine = main.api.v2010.accounts.create(friendly_name="MySubaccount")
    main.api.v2010.accounts.create(friendly_name="Another")
    accounts = main.api.v2010.accounts.list(friendly_name="MySubaccount", limit=20)
    assert [a.sid for a in accounts] == [mine.sid]
    everything = main.api.v2010.accounts.list()
    assert [a.friendly_name for a in everything] == ["Main account", "MySubaccount", "Another"]
    # A subaccount lists only itself.
    own = server.client(username=mine.sid, password=mine.auth_token)
    assert [a.sid for a in own.api.v2010.accounts.list()] == [mine.sid]


def test_suspend_reactivate_close(server):
    main = server.client()
    sub = main.api.v2010.accounts.create(friendly_name="Customer")
    assert main.api.v2010.accounts(sub.sid).update(status="suspended").status == "suspended"
    assert [a.sid for a in main.api.v2010.accounts.list(status="suspended")] == [sub.sid]
    assert main.api.v2010.accounts(sub.sid).update(status="active").status == "active"
    closed = main.api.v2010.accounts(sub.sid).update(status="closed")
    assert closed.status == "closed"
    with pytest.raises(TwilioRestException) as e:
        main.api.v2010.accounts(sub.sid).update(status="active")
    assert (e.value.status, e.value.code) == (400, 21479)
    # Still listed, with its history, until deletion.
    assert main.api.v2010.accounts(sub.sid).fetch().status == "closed"
    # Its own credentials no longer work.
    own = server.client(username=sub.sid, password=sub.auth_token)
    with pytest.raises(TwilioRestException) as e:
        own.api.v2010.accounts(sub.sid).fetch()
    assert e.value.code == 20003


def test_status_refusals(server):
    main = server.client()
    sub = main.api.v2010.accounts.create()
    cases = [
        (lambda: main.api.v2010.accounts(server.account_sid).update(status="suspended"), 21477),
        (lambda: main.api.v2010.accounts(sub.sid).update(status="sleeping"), 21475),
        (lambda: main.api.v2010.accounts(sub.sid).update(friendly_name="x" * 65), 20002),
    ]
    for call, code in cases:
        with pytest.raises(TwilioRestException) as e:
            call()
        assert e.value.code == code
        assert e.value.uri


def test_paging_follows_next_page_uri(server):
    main = server.client()
    created = [main.api.v2010.accounts.create(friendly_name=f"c{i}").sid for i in range(7)]
    listed = [a.sid for a in main.api.v2010.accounts.list(page_size=3)]
    assert listed == [server.account_sid] + created
    page = main.api.v2010.accounts.page(page_size=3)
    second = page.next_page()
    third = second.next_page()
    assert [a.sid for a in third] == created[-2:]
    assert third.next_page() is None
    assert [a.sid for a in third.previous_page()] == [a.sid for a in second]
    assert sum(1 for _ in main.api.v2010.accounts.stream(page_size=2)) == 8
    with pytest.raises(TwilioException):
        main.api.v2010.accounts.page(page_size=1001)


def test_suspended_main_account_suspends_the_tree(server):
    main = server.client()
    sub = main.api.v2010.accounts.create(friendly_name="child")
    server.admin(f"/admin/v1/Accounts/{server.account_sid}", {"Status": "suspended"})
    assert main.api.v2010.accounts(sub.sid).fetch().status == "suspended"
    with pytest.raises(TwilioRestException) as e:
        main.api.v2010.accounts(sub.sid).update(status="closed")
    assert e.value.code == 21476
    server.admin(f"/admin/v1/Accounts/{server.account_sid}", {"Status": "active"})
    assert main.api.v2010.accounts(sub.sid).fetch().status == "active"


def test_subaccount_limit_under_concurrency(server):
    server.admin(f"/admin/v1/Accounts/{server.account_sid}", {"SubaccountLimit": "5"})
    main = server.client()

    def create(i):
        try:
            return main.api.v2010.accounts.create(friendly_name=f"p{i}").sid
        except TwilioRestException as e:
            return e.code

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(create, range(20)))
    assert sum(1 for r in results if isinstance(r, str)) == 5
    assert sorted(set(r for r in results if not isinstance(r, str))) == [21480]


def test_closed_subaccounts_deleted_after_30_days(server):
    main = server.client()
    sub = main.api.v2010.accounts.create(friendly_name="leaving")
    main.api.v2010.accounts(sub.sid).update(status="closed")
    server.advance(29 * 86400)
    assert main.api.v2010.accounts(sub.sid).fetch().status == "closed"
    server.advance(86400)
    with pytest.raises(TwilioRestException) as e:
        main.api.v2010.accounts(sub.sid).fetch()
    assert (e.value.status, e.value.code) == (404, 20404)
    assert [a.sid for a in main.api.v2010.accounts.list()] == [server.account_sid]
