-- API keys (standard, main) and signing keys; only a SHA-256 of each secret is kept.
CREATE TABLE api_keys (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    sid           TEXT    NOT NULL UNIQUE,
    account_sid   TEXT    NOT NULL REFERENCES accounts (sid),
    friendly_name TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('standard', 'main', 'signing')),
    secret_hash   TEXT    NOT NULL,
    date_created  INTEGER NOT NULL,
    date_updated  INTEGER NOT NULL
);
CREATE INDEX api_keys_account ON api_keys (account_sid, seq);
