-- Every table carries tenant_id: it is the isolation boundary and the future shard key.
-- Composite foreign keys (tenant_id, id) make a cross-tenant reference impossible, not just unlikely.

CREATE TABLE tenant (
    id                    uuid PRIMARY KEY,
    name                  text NOT NULL,
    message_count_weight  double precision NOT NULL DEFAULT 60 CHECK (message_count_weight >= 0),
    delay_weight          double precision NOT NULL DEFAULT 1 CHECK (delay_weight >= 0),
    grace_period_seconds  integer NOT NULL DEFAULT 300 CHECK (grace_period_seconds >= 0),
    created_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE operator (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    name        text NOT NULL,
    role        text NOT NULL CHECK (role IN ('OPERATOR', 'MANAGER', 'ADMIN')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
);

CREATE TABLE operator_status (
    operator_id            uuid PRIMARY KEY,
    tenant_id              uuid NOT NULL,
    status                 text NOT NULL CHECK (status IN ('AVAILABLE', 'OFFLINE')),
    last_status_change_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, operator_id) REFERENCES operator (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE inbox (
    id            uuid PRIMARY KEY,
    tenant_id     uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    phone_number  text NOT NULL,
    display_name  text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, phone_number),
    UNIQUE (tenant_id, id)
);

CREATE TABLE operator_inbox_subscription (
    id           uuid PRIMARY KEY,
    tenant_id    uuid NOT NULL,
    operator_id  uuid NOT NULL,
    inbox_id     uuid NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (operator_id, inbox_id),
    FOREIGN KEY (tenant_id, operator_id) REFERENCES operator (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, inbox_id) REFERENCES inbox (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX subscription_by_inbox ON operator_inbox_subscription (inbox_id);

-- priority_rank = messageCountWeight * ln(1 + message_count) - delayWeight * epoch(last_activity_at).
-- score(now) = priority_rank + delayWeight * epoch(now): the order never changes as time passes,
-- so the best queued conversation is an index lookup (ARCHITECTURE.md section 4).
CREATE TABLE conversation_ref (
    id                        uuid PRIMARY KEY,
    tenant_id                 uuid NOT NULL,
    inbox_id                  uuid NOT NULL,
    external_conversation_id  text NOT NULL,
    customer_phone_number     text NOT NULL,
    state                     text NOT NULL CHECK (state IN ('QUEUED', 'ALLOCATED', 'RESOLVED')),
    assigned_operator_id      uuid,
    last_message_at           timestamptz,
    message_count             integer NOT NULL DEFAULT 0 CHECK (message_count >= 0),
    priority_rank             double precision NOT NULL,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    resolved_at               timestamptz,
    last_activity_at          timestamptz GENERATED ALWAYS AS (coalesce(last_message_at, created_at)) STORED,
    UNIQUE (tenant_id, external_conversation_id),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, inbox_id) REFERENCES inbox (tenant_id, id),
    FOREIGN KEY (tenant_id, assigned_operator_id) REFERENCES operator (tenant_id, id),
    -- The one-owner rule, enforced by the database itself.
    CONSTRAINT owner_matches_state CHECK ((state = 'ALLOCATED') = (assigned_operator_id IS NOT NULL))
);
-- The queue, per inbox: allocation takes the head of each subscribed inbox.
CREATE INDEX conversation_queue_by_inbox ON conversation_ref (inbox_id, priority_rank DESC, last_activity_at, id)
    WHERE state = 'QUEUED';
-- The queue, per tenant: polling listings sorted by priority.
CREATE INDEX conversation_queue_by_tenant ON conversation_ref (tenant_id, priority_rank DESC, last_activity_at, id)
    WHERE state = 'QUEUED';
CREATE INDEX conversation_by_activity ON conversation_ref (tenant_id, last_activity_at DESC, id DESC);
CREATE INDEX conversation_by_inbox_activity ON conversation_ref (inbox_id, last_activity_at DESC, id DESC);
CREATE INDEX conversation_by_phone ON conversation_ref (tenant_id, customer_phone_number, last_activity_at DESC);
CREATE INDEX conversation_by_owner ON conversation_ref (assigned_operator_id, last_activity_at DESC)
    WHERE state = 'ALLOCATED';
-- The queue table is rewritten constantly: vacuum it early so index scans do not walk dead tuples.
ALTER TABLE conversation_ref SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02,
                                  fillfactor = 90);

CREATE TABLE label (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL,
    inbox_id    uuid NOT NULL,
    name        text NOT NULL,
    color       text,
    created_by  uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, inbox_id) REFERENCES inbox (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX label_name_per_inbox ON label (inbox_id, lower(name));

CREATE TABLE conversation_label (
    conversation_id  uuid NOT NULL REFERENCES conversation_ref (id) ON DELETE CASCADE,
    label_id         uuid NOT NULL REFERENCES label (id) ON DELETE CASCADE,
    tenant_id        uuid NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, label_id)
);
CREATE INDEX conversation_label_by_label ON conversation_label (label_id, conversation_id);

CREATE TABLE grace_period_assignment (
    id               uuid PRIMARY KEY,
    tenant_id        uuid NOT NULL,
    conversation_id  uuid NOT NULL UNIQUE REFERENCES conversation_ref (id) ON DELETE CASCADE,
    operator_id      uuid NOT NULL,
    expires_at       timestamptz NOT NULL,
    reason           text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, operator_id) REFERENCES operator (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX grace_by_expiry ON grace_period_assignment (expires_at);
CREATE INDEX grace_by_operator ON grace_period_assignment (operator_id);

-- Append-only audit log. No foreign key to conversation_ref: history outlives the rows it describes.
CREATE TABLE domain_event (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id             uuid NOT NULL,
    conversation_id       uuid NOT NULL,
    type                  text NOT NULL,
    reason                text,
    actor_id              text,
    actor_role            text NOT NULL,
    from_state            text,
    to_state              text,
    operator_id           uuid,
    previous_operator_id  uuid,
    details               jsonb NOT NULL DEFAULT '{}',
    occurred_at           timestamptz NOT NULL DEFAULT now(),
    txid                  xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX domain_event_by_conversation ON domain_event (conversation_id, id);
CREATE INDEX domain_event_by_tenant ON domain_event (tenant_id, id);

-- The stored allocation rank (ARCHITECTURE.md section 4); ln(1 + count) keeps one chatty customer from starving others.
CREATE FUNCTION priority_rank(count_weight double precision, delay_weight double precision,
                              message_count integer, last_activity timestamptz)
    RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN count_weight * ln(1 + message_count) - delay_weight * extract(epoch FROM last_activity)::double precision;
