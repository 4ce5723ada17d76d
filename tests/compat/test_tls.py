"""HTTPS with --tls-cert/--tls-key: twilio-python over TLS, verifying the server's certificate."""

import subprocess

import pytest

from conftest import stores


@pytest.mark.parametrize("store", stores()[:1])
def test_twilio_python_over_https(make_server, store, tmp_path, monkeypatch):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    server = make_server(store)
    server.extra_env = {"SWITCHBOARD_TLS_CERT": str(cert), "SWITCHBOARD_TLS_KEY": str(key)}
    server.ca_file = str(cert)
    server.start()
    assert server.url.startswith("https://")
    # requests (under twilio-python) trusts this bundle; nothing else changes for the client.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    client = server.client()
    sub = client.api.v2010.accounts.create(friendly_name="over TLS")
    assert client.api.v2010.accounts(sub.sid).fetch().friendly_name == "over TLS"
    client.taskrouter.base_url = server.url + "/taskrouter"
    ws = client.taskrouter.v1.workspaces.create(friendly_name="tls")
    assert ws.url.startswith("https://"), "absolute URLs keep the scheme"
