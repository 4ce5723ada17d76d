-- API keys (standard, main) and signing keys; only a SHA-256 of each secret is kept.
CREATE TABLE api_keys (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sid           TEXT    NOT NULL UNIQUE,
    account_sid   TEXT    NOT NULL REFERENCES accounts (sid),
    friendly_name TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('standard', 'main', 'signing')),
    secret_hash   TEXT    NOT NULL,
    date_created  BIGINT  NOT NULL,
    date_updated  BIGINT  NOT NULL
);
CREATE INDEX api_keys_account ON api_keys (account_sid, seq);
