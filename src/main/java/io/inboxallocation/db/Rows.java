package io.inboxallocation.db;

import io.inboxallocation.problem.ApiError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Small conversions from result sets to our records. */
public final class Rows {

  private Rows() {
  }

  /** The first row mapped, or a 404 naming what was looked for. */
  public static <T> Future<T> one(RowSet<Row> rows, Function<Row, T> mapper, String what) {
    var it = rows.iterator();
    return it.hasNext() ? Future.succeededFuture(mapper.apply(it.next())) : Future.failedFuture(ApiError.notFound(what));
  }

  /** The first row mapped, or null. */
  public static <T> T firstOrNull(RowSet<Row> rows, Function<Row, T> mapper) {
    var it = rows.iterator();
    return it.hasNext() ? mapper.apply(it.next()) : null;
  }

  public static <T> List<T> all(RowSet<Row> rows, Function<Row, T> mapper) {
    List<T> items = new ArrayList<>(rows.size());
    rows.forEach(row -> items.add(mapper.apply(row)));
    return items;
  }

  public static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  public static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : instant.atOffset(java.time.ZoneOffset.UTC);
  }
}
