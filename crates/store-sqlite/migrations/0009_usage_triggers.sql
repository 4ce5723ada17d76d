-- Usage triggers (see switchboard_store::usage_triggers).
CREATE TABLE usage_triggers (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    sid             TEXT    NOT NULL UNIQUE,
    account_sid     TEXT    NOT NULL,
    friendly_name   TEXT    NOT NULL,
    usage_category  TEXT    NOT NULL,
    trigger_by      TEXT    NOT NULL,
    trigger_value   TEXT    NOT NULL,
    recurring       TEXT    NOT NULL,
    callback_url    TEXT    NOT NULL,
    callback_method TEXT    NOT NULL,
    date_created    INTEGER NOT NULL,
    date_updated    INTEGER NOT NULL,
    date_fired      INTEGER,
    fired_period    TEXT
);
CREATE INDEX usage_triggers_account ON usage_triggers (account_sid, seq);
