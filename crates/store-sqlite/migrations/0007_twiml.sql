-- TwiML (see switchboard_store::twiml): what a webhook is for (callback, voice, messaging),
-- and the recordings <Record> and <Dial record> make.
ALTER TABLE webhooks ADD COLUMN kind TEXT NOT NULL DEFAULT 'callback';

CREATE TABLE recordings (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    sid          TEXT    NOT NULL UNIQUE,
    account_sid  TEXT    NOT NULL,
    call_sid     TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    channels     INTEGER NOT NULL,
    start_time   INTEGER NOT NULL,
    duration_ms  INTEGER NOT NULL,
    price        TEXT,
    date_created INTEGER NOT NULL
);
CREATE INDEX recordings_account ON recordings (account_sid, seq);
CREATE INDEX recordings_call ON recordings (call_sid, seq);
