package io.inboxallocation.testing;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Assertions on RFC 9457 problems and on role checks, shared by the HTTP tests. */
public final class ProblemAssert {

  private ProblemAssert() {
  }

  /**
   * Asserts the answer is a problem with this status: content type application/problem+json and a JSON body with
   * type, title, detail and a status equal to the HTTP status. Returns the body.
   */
  public static JsonObject assertProblem(Http.Response response, int status) {
    assertEquals(status, response.status(), () -> "status of " + response);
    String contentType = response.contentType();
    assertNotNull(contentType, () -> "no content-type on " + response);
    assertTrue(contentType.toLowerCase().startsWith("application/problem+json"),
      () -> "content-type " + contentType + " on " + response);
    JsonObject body;
    try {
      body = response.json();
    } catch (DecodeException | ClassCastException e) {
      return fail("problem body is not a JSON object: " + response);
    }
    for (String member : new String[] {"type", "title", "detail"}) {
      assertTrue(body.getValue(member) instanceof String text && !text.isBlank(),
        () -> "problem member " + member + " missing or not a string in " + body);
    }
    assertEquals(status, body.getValue("status"), () -> "problem status in " + body);
    return body;
  }

  /** Asserts a 400 problem whose {@code field} names the field (a bare name or a JSON pointer to it). */
  public static JsonObject assertBadField(Http.Response response, String field) {
    JsonObject problem = assertProblem(response, 400);
    String named = problem.getString("field");
    assertNotNull(named, () -> "problem has no field, expected " + field + ": " + problem);
    assertEquals(field, named.replaceFirst("^#?/", ""), () -> "problem field in " + problem);
    return problem;
  }

  /** An allowed role: neither 401 nor 403, and no server error. */
  public static void assertAllowed(Http.Response response, String what) {
    assertNotEquals(401, response.status(), () -> what + ": " + response);
    assertNotEquals(403, response.status(), () -> what + ": " + response);
    assertTrue(response.status() < 500, () -> what + ": " + response);
  }
}
