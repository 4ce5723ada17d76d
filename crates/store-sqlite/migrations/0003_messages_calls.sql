-- Geo permissions of main accounts (subaccounts use their main account's), messages and calls.
ALTER TABLE accounts ADD COLUMN voice_countries TEXT NOT NULL DEFAULT 'US,CA';
ALTER TABLE accounts ADD COLUMN sms_countries TEXT NOT NULL DEFAULT 'US,CA';

-- A message's course is fixed at creation; its status at any instant derives from these times.
CREATE TABLE messages (
    seq                   INTEGER PRIMARY KEY AUTOINCREMENT,
    sid                   TEXT    NOT NULL UNIQUE,
    account_sid           TEXT    NOT NULL REFERENCES accounts (sid),
    direction             TEXT    NOT NULL,
    from_number           TEXT    NOT NULL,
    to_number             TEXT    NOT NULL,
    messaging_service_sid TEXT,
    body                  TEXT    NOT NULL,
    num_segments          INTEGER NOT NULL,
    num_media             INTEGER NOT NULL,
    media_urls            TEXT    NOT NULL, -- JSON array
    status_callback       TEXT,
    api_version           TEXT    NOT NULL,
    date_created          INTEGER NOT NULL,
    send_at               INTEGER NOT NULL,
    sending_at            INTEGER NOT NULL,
    sent_at               INTEGER,
    final_at              INTEGER NOT NULL,
    final_status          TEXT    NOT NULL,
    error_code            INTEGER,
    scheduled             INTEGER NOT NULL,
    price                 TEXT,
    price_unit            TEXT    NOT NULL,
    canceled_at           INTEGER,
    redacted_at           INTEGER
);
CREATE INDEX messages_account ON messages (account_sid, seq);
CREATE INDEX messages_sent ON messages (account_sid, sent_at);

-- Likewise a call's timeline; an update rewrites its end. `charged` flips once its charge is
-- recorded after the end.
CREATE TABLE calls (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    sid              TEXT    NOT NULL UNIQUE,
    account_sid      TEXT    NOT NULL REFERENCES accounts (sid),
    parent_call_sid  TEXT,
    direction        TEXT    NOT NULL,
    from_number      TEXT    NOT NULL,
    to_number        TEXT    NOT NULL,
    from_formatted   TEXT    NOT NULL,
    to_formatted     TEXT    NOT NULL,
    phone_number_sid TEXT,
    caller_name      TEXT,
    forwarded_from   TEXT,
    answered_by      TEXT,
    queue_time       TEXT    NOT NULL,
    config           TEXT    NOT NULL, -- JSON
    rate_country     TEXT    NOT NULL,
    rate             TEXT    NOT NULL, -- decimal, per started minute
    charge_category  TEXT    NOT NULL,
    initiated_at     INTEGER NOT NULL,
    ringing_at       INTEGER,
    answered_at      INTEGER,
    ends_at          INTEGER NOT NULL,
    final_status     TEXT    NOT NULL,
    charged          INTEGER NOT NULL,
    date_created     INTEGER NOT NULL,
    date_updated     INTEGER NOT NULL
);
CREATE INDEX calls_account ON calls (account_sid, seq);
CREATE INDEX calls_uncharged ON calls (ends_at) WHERE charged = 0;
