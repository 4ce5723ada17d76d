"""Phone numbers with twilio-python 9.x: search, buy, configure, transfer, release."""

import datetime
import decimal

import pytest
from twilio.base.exceptions import TwilioRestException

from test_node_samples import run_sample


def codes(call):
    with pytest.raises(TwilioRestException) as e:
        call()
    return e.value.code


def test_search_and_buy(server):
    client = server.client()
    countries = client.available_phone_numbers.list()
    assert {c.country_code for c in countries} == {"US", "CA", "GB", "DE", "FR", "AU"}
    us = client.available_phone_numbers("US").fetch()
    assert us.country == "United States" and set(us.subresource_uris) == {"local", "toll_free"}

    found = client.available_phone_numbers("US").local.list(area_code=510, limit=5)
    assert len(found) == 5
    assert all(n.phone_number.startswith("+1510") for n in found)
    assert found[0].locality == "Oakland" and found[0].region == "CA"
    assert found[0].capabilities["sms"] is True
    patterned = client.available_phone_numbers("US").local.list(contains="510*******", limit=3)
    assert len(patterned) == 3 and all(n.phone_number.startswith("+1510") for n in patterned)
    gb = client.available_phone_numbers("GB").mobile.list(sms_enabled=True, limit=2)
    assert all(n.iso_country == "GB" for n in gb)
    assert client.available_phone_numbers("DE").local.list(exclude_all_address_required=True) == []

    bought = client.incoming_phone_numbers.create(phone_number=found[0].phone_number)
    assert bought.sid.startswith("PN") and bought.phone_number == found[0].phone_number
    assert bought.friendly_name == found[0].friendly_name
    assert bought.capabilities == {"mms": True, "sms": True, "voice": True, "fax": True}
    assert bought.date_created == datetime.datetime(2015, 7, 30, 20, 0, tzinfo=datetime.timezone.utc)
    again = client.available_phone_numbers("US").local.list(area_code=510)
    assert bought.phone_number not in {n.phone_number for n in again}

    by_area = client.incoming_phone_numbers.create(area_code="415")
    assert by_area.phone_number.startswith("+1415")
    toll_free = client.available_phone_numbers("US").toll_free.list(limit=1)[0]
    tf = client.incoming_phone_numbers.toll_free.create(phone_number=toll_free.phone_number)
    assert client.incoming_phone_numbers(tf.sid).fetch().type == "toll-free"
    assert [n.sid for n in client.incoming_phone_numbers.toll_free.list()] == [tf.sid]
    assert len(client.incoming_phone_numbers.local.list()) == 2


def test_magic_purchase_numbers(server):
    client = server.client()
    magic = client.incoming_phone_numbers.create(phone_number="+15005550006")
    assert magic.friendly_name == "(500) 555-0006"
    assert codes(lambda: client.incoming_phone_numbers.create(phone_number="+15005550000")) == 21422
    assert codes(lambda: client.incoming_phone_numbers.create(phone_number="+15005550001")) == 21421
    assert codes(lambda: client.incoming_phone_numbers.create(area_code="533")) == 21452


def test_configure_and_release(server):
    client = server.client()
    n = client.incoming_phone_numbers.create(area_code="212", friendly_name="Support")
    updated = client.incoming_phone_numbers(n.sid).update(
        voice_url="https://app.example.com/voice",
        voice_method="GET",
        sms_url="https://app.example.com/sms",
        status_callback="https://app.example.com/status",
        voice_caller_id_lookup=True,
    )
    assert updated.voice_url == "https://app.example.com/voice"
    assert updated.voice_method == "GET" and updated.voice_caller_id_lookup is True
    assert client.incoming_phone_numbers(n.sid).fetch().sms_url == "https://app.example.com/sms"
    assert [x.sid for x in client.incoming_phone_numbers.list(friendly_name="Support")] == [n.sid]
    assert [x.sid for x in client.incoming_phone_numbers.list(phone_number=n.phone_number[2:8])] == [n.sid]
    assert codes(lambda: client.incoming_phone_numbers(n.sid).update(voice_url="nope")) == 21205

    assert client.incoming_phone_numbers(n.sid).delete() is True
    assert codes(lambda: client.incoming_phone_numbers(n.sid).fetch()) == 20404
    assert client.incoming_phone_numbers.list() == []


def test_transfers(server):
    client = server.client()
    sub1 = client.api.v2010.accounts.create(friendly_name="Customer 1")
    sub2 = client.api.v2010.accounts.create(friendly_name="Customer 2")
    n = client.incoming_phone_numbers.create(area_code="617", voice_url="https://app.example.com/v")

    # Main to sub (the guide's call), with the same SID and configuration.
    moved = client.incoming_phone_numbers(n.sid).update(account_sid=sub1.sid)
    assert moved.account_sid == sub1.sid and moved.sid == n.sid
    assert moved.voice_url == "https://app.example.com/v"
    assert client.incoming_phone_numbers.list() == []
    as_sub1 = server.client(account_sid=sub1.sid)
    assert [x.sid for x in as_sub1.incoming_phone_numbers.list()] == [n.sid]

    # Refusals: subaccount credentials, unrelated target, inactive target.
    own = server.client(username=sub1.sid, password=sub1.auth_token)
    assert codes(lambda: own.incoming_phone_numbers(n.sid).update(account_sid=sub2.sid)) == 21474
    stranger = server.admin("/admin/v1/Accounts", {"FriendlyName": "Stranger"})
    assert codes(lambda: as_sub1.incoming_phone_numbers(n.sid).update(account_sid=stranger["sid"])) == 21473
    client.api.v2010.accounts(sub2.sid).update(status="suspended")
    assert codes(lambda: as_sub1.incoming_phone_numbers(n.sid).update(account_sid=sub2.sid)) == 21472
    client.api.v2010.accounts(sub2.sid).update(status="active")

    # Sub to sub, then back to main.
    assert as_sub1.incoming_phone_numbers(n.sid).update(account_sid=sub2.sid).account_sid == sub2.sid
    as_sub2 = server.client(account_sid=sub2.sid)
    assert as_sub2.incoming_phone_numbers(n.sid).update(account_sid=server.account_sid).account_sid == server.account_sid
    assert [x.sid for x in client.incoming_phone_numbers.list()] == [n.sid]


def test_address_requirements_on_transfer(server):
    client = server.client()
    sub = client.api.v2010.accounts.create(friendly_name="Berlin office")
    home = client.addresses.create(customer_name="Acme", street="Unter den Linden 1", city="Berlin",
                                   region="BE", postal_code="10117", iso_country="DE")
    number = client.available_phone_numbers("DE").local.list(limit=1)[0]
    assert number.address_requirements == "local"
    assert codes(lambda: client.incoming_phone_numbers.create(phone_number=number.phone_number)) == 21631
    n = client.incoming_phone_numbers.create(phone_number=number.phone_number, address_sid=home.sid)
    assert codes(lambda: client.incoming_phone_numbers(n.sid).update(account_sid=sub.sid)) == 21631
    assert client.incoming_phone_numbers(n.sid).fetch().account_sid == server.account_sid
    as_sub = server.client(account_sid=sub.sid)
    theirs = as_sub.addresses.create(customer_name="Customer", street="Marienplatz 1", city="München",
                                     region="BY", postal_code="80331", iso_country="DE")
    moved = client.incoming_phone_numbers(n.sid).update(account_sid=sub.sid)
    assert (moved.account_sid, moved.address_sid) == (sub.sid, theirs.sid)
    assert [d.sid for d in as_sub.addresses(theirs.sid).dependent_phone_numbers.list()] == [n.sid]
    assert codes(lambda: as_sub.addresses(theirs.sid).delete()) == 21631
    assert client.addresses(home.sid).delete() is True


def test_closing_releases_numbers(server):
    client = server.client()
    sub = client.api.v2010.accounts.create(friendly_name="Leaving")
    as_sub = server.client(account_sid=sub.sid)
    n = as_sub.incoming_phone_numbers.create(area_code="303")
    client.api.v2010.accounts(sub.sid).update(status="suspended")
    assert [x.sid for x in as_sub.incoming_phone_numbers.list()] == [n.sid]
    client.api.v2010.accounts(sub.sid).update(status="closed")
    assert as_sub.incoming_phone_numbers.list() == []
    offered = client.available_phone_numbers("US").local.list(area_code=303)
    assert n.phone_number in {x.phone_number for x in offered}


def test_guide_transfer_sample_in_node(server):
    client = server.client()
    sub = client.api.v2010.accounts.create(friendly_name="Customer")
    n = client.incoming_phone_numbers.create(area_code="512", friendly_name="My Company Line")
    out = run_sample(server, "transferPhoneNumber.js", n.sid, {"TWILIO_SUB_ACCOUNT_SID": sub.sid})
    assert out == ["My", "Company", "Line"]
    assert server.client(account_sid=sub.sid).incoming_phone_numbers(n.sid).fetch().account_sid == sub.sid
