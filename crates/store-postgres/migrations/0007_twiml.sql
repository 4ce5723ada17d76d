-- TwiML (see switchboard_store::twiml): what a webhook is for (callback, voice, messaging),
-- and the recordings <Record> and <Dial record> make.
ALTER TABLE webhooks ADD COLUMN kind TEXT NOT NULL DEFAULT 'callback';

CREATE TABLE recordings (
    seq          BIGSERIAL PRIMARY KEY,
    sid          TEXT    NOT NULL UNIQUE,
    account_sid  TEXT    NOT NULL,
    call_sid     TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    channels     BIGINT NOT NULL,
    start_time   BIGINT NOT NULL,
    duration_ms  BIGINT NOT NULL,
    price        TEXT,
    date_created BIGINT NOT NULL
);
CREATE INDEX recordings_account ON recordings (account_sid, seq);
CREATE INDEX recordings_call ON recordings (call_sid, seq);
