package io.inboxallocation.bus;

import io.inboxallocation.db.PgErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * Request/reply between the HTTP verticle and the command and query verticles. Messages are records passed by
 * reference; a failure travels as {@code message.fail(status, detail)} and comes back as an {@link ApiError}.
 */
public final class Bus {

  private static final Logger LOG = LoggerFactory.getLogger(Bus.class);
  // A backstop only: HTTP requests time out earlier (REQUEST_TIMEOUT_MS) and so do SQL statements.
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setCodecName(LocalCodec.NAME).setLocalOnly(true)
    .setSendTimeout(60_000);

  private Bus() {
  }

  /** Idempotent: several nodes may share one Vertx (tests do). */
  public static void registerCodec(Vertx vertx) {
    vertx.eventBus().unregisterCodec(LocalCodec.NAME);
    vertx.eventBus().registerCodec(new LocalCodec());
  }

  @SuppressWarnings("unchecked")
  public static <R> Future<R> request(Vertx vertx, String address, Object message) {
    return vertx.eventBus().request(address, message, LOCAL)
      .map(reply -> (R) reply.body())
      .recover(failure -> Future.failedFuture(failure instanceof ReplyException re && re.failureCode() > 0
        ? ApiError.of(re.failureCode(), re.getMessage())
        : failure));
  }

  /** Serves one address: the handler's result is the reply (null for "nothing"), its failure a coded failure. */
  public static <T> void serve(Vertx vertx, String address, Function<T, Future<?>> handler) {
    vertx.eventBus().<T>localConsumer(address, message -> {
      Future<?> result;
      try {
        result = handler.apply(message.body());
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ok -> message.reply(ok, LOCAL), failure -> fail(address, message, failure));
    });
  }

  private static void fail(String address, Message<?> message, Throwable failure) {
    ApiError error = failure instanceof ApiError api ? api : PgErrors.toApiError(failure);
    if (error == null) {
      LOG.error("unexpected failure serving {}", address, failure);
      message.fail(500, "unexpected error");
    } else {
      message.fail(error.status(), error.getMessage());
    }
  }
}
