package io.inboxallocation.feed;

import io.inboxallocation.problem.ApiError;

/**
 * A reader's place in the feed: the position of the last event it has seen, as a decimal string. Clients treat it as
 * opaque; it stays valid across nodes and restarts, until retention deletes what follows it.
 */
public final class FeedCursor {

  private static final int MAX_DIGITS = 18;

  private FeedCursor() {
  }

  public static String format(long position) {
    return Long.toString(position);
  }

  /** The position of a cursor the client sent; a malformed one is the client's error (400). */
  public static long parse(String cursor, String field) {
    if (cursor == null || cursor.isEmpty() || cursor.length() > MAX_DIGITS || !cursor.chars().allMatch(Character::isDigit)) {
      throw ApiError.badRequest(field, "not a cursor of this feed: send back a cursor the feed gave");
    }
    return Long.parseLong(cursor);
  }
}
