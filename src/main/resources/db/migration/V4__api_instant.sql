-- A timestamp as the API writes it: ISO-8601 in UTC with 0, 3 or 6 fraction digits, as java.time.Instant prints.
-- Conversations are rendered as JSON by PostgreSQL (Conversation.JSON), so this must match what Jackson writes for
-- the other resources.
CREATE FUNCTION api_instant(ts timestamptz)
    RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN extract(microseconds FROM ts)::bigint % 1000000 = 0 THEN ''
                WHEN extract(microseconds FROM ts)::bigint % 1000 = 0 THEN to_char(ts AT TIME ZONE 'UTC', '.MS')
                ELSE to_char(ts AT TIME ZONE 'UTC', '.US') END
        || 'Z';
