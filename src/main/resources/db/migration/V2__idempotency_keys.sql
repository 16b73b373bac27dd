-- Responses of commands sent with an Idempotency-Key, kept 24 h so a retried request replays instead of re-running.
CREATE TABLE idempotency_key (
    scope         text NOT NULL,          -- who sent it: tenant id and token subject
    key           text NOT NULL,
    request_hash  text NOT NULL,          -- method, path and body: the same key may not be reused for another request
    status        integer,                -- null while the first request is in flight
    body          text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_key_by_age ON idempotency_key (created_at);
