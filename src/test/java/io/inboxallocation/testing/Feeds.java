package io.inboxallocation.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reading {@code GET /events} as a client would. */
public final class Feeds {

  private Feeds() {
  }

  /** The head cursor: where a reader that starts now begins. */
  public static String head(Http http, String token) {
    Http.Response page = http.get("/events", token);
    assertEquals(200, page.status(), page::toString);
    assertEquals(0, page.items().size(), page::toString);
    return page.json().getString("nextCursor");
  }

  public static Http.Response page(Http http, String token, String after) {
    return http.get("/events?after=" + after + "&limit=500", token);
  }

  /** Every event after the cursor, following nextCursor until a page comes back empty. */
  public static Read readAll(Http http, String token, String after) {
    List<JsonObject> events = new ArrayList<>();
    String cursor = after;
    while (true) {
      Http.Response page = page(http, token, cursor);
      assertEquals(200, page.status(), page::toString);
      JsonArray items = page.items();
      items.forEach(item -> events.add((JsonObject) item));
      cursor = page.json().getString("nextCursor");
      if (items.isEmpty()) {
        return new Read(events, cursor);
      }
    }
  }

  /** Events read and the cursor to continue from. */
  public record Read(List<JsonObject> events, String cursor) {

    public List<String> types() {
      return events.stream().map(event -> event.getString("type")).toList();
    }
  }
}
