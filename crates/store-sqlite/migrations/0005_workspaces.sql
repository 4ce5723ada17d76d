-- TaskRouter Workspaces, owned by the account whose credentials created them.
CREATE TABLE workspaces (
    seq                    INTEGER PRIMARY KEY AUTOINCREMENT,
    sid                    TEXT    NOT NULL UNIQUE,
    account_sid            TEXT    NOT NULL REFERENCES accounts (sid),
    friendly_name          TEXT    NOT NULL,
    event_callback_url     TEXT,
    events_filter          TEXT,
    multi_task_enabled     INTEGER NOT NULL,
    prioritize_queue_order TEXT    NOT NULL,
    default_activity_sid   TEXT    NOT NULL,
    timeout_activity_sid   TEXT    NOT NULL,
    date_created           INTEGER NOT NULL,
    date_updated           INTEGER NOT NULL
);
CREATE INDEX workspaces_account ON workspaces (account_sid, seq);
