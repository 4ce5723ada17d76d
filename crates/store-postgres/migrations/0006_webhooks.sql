-- The webhook queue (see switchboard_store::webhooks): one row per webhook, written with
-- the event it reports. state: pending, delivered, failed.
CREATE TABLE webhooks (
    id                BIGSERIAL PRIMARY KEY,
    account_sid       TEXT    NOT NULL,
    resource_sid      TEXT    NOT NULL,
    url               TEXT    NOT NULL,
    method            TEXT    NOT NULL,
    params            TEXT    NOT NULL,
    due_at            BIGINT  NOT NULL,
    idempotency_token TEXT    NOT NULL,
    state             TEXT    NOT NULL DEFAULT 'pending',
    attempts          BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT  NOT NULL,
    last_error        TEXT,
    finished_at       BIGINT
);
CREATE INDEX webhooks_pending ON webhooks (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhooks_resource ON webhooks (resource_sid, id);
CREATE INDEX webhooks_account ON webhooks (account_sid);
-- A webhook's token names its event: queueing an event twice keeps one.
CREATE UNIQUE INDEX webhooks_token ON webhooks (idempotency_token);

-- Notifications (v2010): failed webhook attempts, per account and, for calls, per call.
CREATE TABLE notifications (
    seq               BIGSERIAL PRIMARY KEY,
    sid               TEXT    NOT NULL UNIQUE,
    account_sid       TEXT    NOT NULL,
    call_sid          TEXT,
    error_code        BIGINT  NOT NULL,
    log               BIGINT  NOT NULL,
    message_date      BIGINT  NOT NULL,
    message_text      TEXT    NOT NULL,
    request_method    TEXT    NOT NULL,
    request_url       TEXT    NOT NULL,
    request_variables TEXT    NOT NULL,
    response_body     TEXT    NOT NULL,
    response_headers  TEXT    NOT NULL,
    date_created      BIGINT  NOT NULL
);
CREATE INDEX notifications_account ON notifications (account_sid, seq);
CREATE INDEX notifications_call ON notifications (call_sid, seq) WHERE call_sid IS NOT NULL;
