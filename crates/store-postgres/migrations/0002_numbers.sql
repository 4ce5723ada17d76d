-- Owned phone numbers, the addresses they depend on, and every charge made to accounts.

CREATE TABLE incoming_phone_numbers (
    seq                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sid                  TEXT    NOT NULL UNIQUE,
    account_sid          TEXT    NOT NULL REFERENCES accounts (sid),
    phone_number         TEXT    NOT NULL,
    iso_country          TEXT    NOT NULL,
    number_type          TEXT    NOT NULL,
    friendly_name        TEXT    NOT NULL,
    address_requirements TEXT    NOT NULL,
    beta                 BOOLEAN NOT NULL,
    capabilities         TEXT    NOT NULL, -- JSON {voice, sms, mms, fax}
    config               TEXT    NOT NULL, -- JSON: URLs, methods, application SIDs, ...
    address_sid          TEXT,             -- config.address_sid, indexed for dependants
    monthly_price        TEXT    NOT NULL, -- decimal
    status               TEXT    NOT NULL CHECK (status IN ('in-use', 'released')),
    date_created         BIGINT  NOT NULL,
    date_updated         BIGINT  NOT NULL,
    released_at          BIGINT,
    months_charged       BIGINT  NOT NULL,
    next_charge_at       BIGINT  NOT NULL
);
-- A number has at most one owner: the invariant concurrent purchases and transfers rely on.
CREATE UNIQUE INDEX incoming_phone_numbers_owned ON incoming_phone_numbers (phone_number) WHERE status = 'in-use';
CREATE INDEX incoming_phone_numbers_account ON incoming_phone_numbers (account_sid, seq) WHERE status = 'in-use';
CREATE INDEX incoming_phone_numbers_due ON incoming_phone_numbers (next_charge_at) WHERE status = 'in-use';
CREATE INDEX incoming_phone_numbers_address ON incoming_phone_numbers (address_sid) WHERE status = 'in-use';

CREATE TABLE addresses (
    seq               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sid               TEXT    NOT NULL UNIQUE,
    account_sid       TEXT    NOT NULL REFERENCES accounts (sid),
    customer_name     TEXT    NOT NULL,
    friendly_name     TEXT,
    street            TEXT    NOT NULL,
    street_secondary  TEXT,
    city              TEXT    NOT NULL,
    region            TEXT    NOT NULL,
    postal_code       TEXT    NOT NULL,
    iso_country       TEXT    NOT NULL,
    emergency_enabled BOOLEAN NOT NULL,
    validated         BOOLEAN NOT NULL,
    verified          BOOLEAN NOT NULL,
    date_created      BIGINT  NOT NULL,
    date_updated      BIGINT  NOT NULL
);
CREATE INDEX addresses_account ON addresses (account_sid, seq);

CREATE TABLE charges (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_sid     TEXT    NOT NULL REFERENCES accounts (sid),
    category        TEXT    NOT NULL,
    resource_sid    TEXT    NOT NULL,
    amount          TEXT    NOT NULL, -- decimal, what the account pays
    currency        TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL UNIQUE,
    charged_at      BIGINT  NOT NULL
);
CREATE INDEX charges_account ON charges (account_sid, charged_at);
