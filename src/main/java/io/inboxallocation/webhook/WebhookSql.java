package io.inboxallocation.webhook;

/** The statements of webhook endpoints and their deliveries; $1 is always the tenant. */
final class WebhookSql {

  static final String INSERT = "INSERT INTO webhook AS w (id, tenant_id, url, event_types, description, secret) "
    + "VALUES ($2, $1, $3, $4, $5, $6) RETURNING " + Webhook.COLUMNS;

  /** $3 url (null: same), $4 whether to set event_types to $5, $6 whether to set description to $7, $8 enabled. */
  static final String UPDATE = """
    UPDATE webhook w SET url = coalesce($3, w.url),
      event_types = CASE WHEN $4 THEN $5::text[] ELSE w.event_types END,
      description = CASE WHEN $6 THEN $7 ELSE w.description END,
      enabled = coalesce($8, w.enabled)
    WHERE w.tenant_id = $1 AND w.id = $2
    RETURNING""" + " " + Webhook.COLUMNS;

  static final String DELETE = "DELETE FROM webhook w WHERE w.tenant_id = $1 AND w.id = $2 RETURNING w.id";

  /** The new secret $3 signs from now on; the one it replaces still signs for a day, so receivers can switch. */
  static final String ROTATE = """
    UPDATE webhook w SET previous_secret = w.secret, previous_secret_expires_at = now() + interval '24 hours',
      secret = $3
    WHERE w.tenant_id = $1 AND w.id = $2
    RETURNING w.secret""";

  static final String SELECT = "SELECT " + Webhook.COLUMNS + " FROM webhook w WHERE w.tenant_id = $1 AND w.id = $2";

  static final String LIST = "SELECT " + Webhook.COLUMNS + " FROM webhook w WHERE w.tenant_id = $1 "
    + "ORDER BY w.created_at, w.id";

  static final String SECRET = "SELECT w.secret FROM webhook w WHERE w.tenant_id = $1 AND w.id = $2";

  /** $3 status (null: any), $4 before this id (null: newest), $5 limit. */
  static final String DELIVERIES = "SELECT " + Delivery.COLUMNS + """
     FROM webhook_delivery d
    WHERE d.tenant_id = $1 AND d.webhook_id = $2 AND ($3::text IS NULL OR d.status = $3)
      AND ($4::bigint IS NULL OR d.id < $4)
    ORDER BY d.id DESC
    LIMIT $5""";

  static final String LOCK_DELIVERY = "SELECT " + Delivery.COLUMNS + " FROM webhook_delivery d "
    + "WHERE d.tenant_id = $1 AND d.webhook_id = $2 AND d.id = $3 FOR UPDATE";

  /** Delivery $3 again, from the first step of the schedule, now. */
  static final String RETRY = "UPDATE webhook_delivery d SET status = 'PENDING', attempts = 0, next_attempt_at = now() "
    + "WHERE d.id = $3 AND d.tenant_id = $1 AND d.webhook_id = $2 RETURNING " + Delivery.COLUMNS;

  /** Every FAILED delivery of the endpoint created since $3, again. */
  static final String RECOVER = """
    WITH endpoint AS (
      SELECT w.id FROM webhook w WHERE w.tenant_id = $1 AND w.id = $2
    ), again AS (
      UPDATE webhook_delivery d SET status = 'PENDING', attempts = 0, next_attempt_at = now()
      FROM endpoint
      WHERE d.webhook_id = endpoint.id AND d.status = 'FAILED' AND d.created_at >= $3
      RETURNING d.id
    )
    SELECT (SELECT count(*) FROM endpoint) AS found, (SELECT count(*) FROM again) AS recovered""";

  /** A webhook.test delivery to an enabled endpoint, due now. */
  static final String TEST = """
    INSERT INTO webhook_delivery AS d (tenant_id, webhook_id, type, payload, next_attempt_at)
    SELECT w.tenant_id, w.id, 'webhook.test',
           webhook_payload('webhook.test', now(), json_build_object('webhookId', w.id)::text), now()
    FROM webhook w WHERE w.tenant_id = $1 AND w.id = $2 AND w.enabled
    RETURNING""" + " " + Delivery.COLUMNS;

  private WebhookSql() {
  }
}
