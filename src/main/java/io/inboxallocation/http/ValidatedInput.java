package io.inboxallocation.http;

import java.util.Map;

/**
 * What openapi.yaml accepted for one request: its path and query values, typed by their schemas (an absent optional one
 * at its default, or not there), and the decoded body (null when there is none).
 */
public record ValidatedInput(Map<String, Object> path, Map<String, Object> query, Object body) {

  /** Where {@link OperationValidation} leaves it in the routing context. */
  static final String KEY = "validatedInput";
}
