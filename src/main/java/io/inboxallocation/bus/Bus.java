package io.inboxallocation.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Request/reply between the HTTP verticle and the command and query verticles. Messages are records passed by
 * reference ({@link LocalCodec}); the address of a {@link Request} is its class name. A failure travels back as the
 * very exception the handler failed with, so an {@code ApiError} keeps every field and a database error reaches the
 * one place that turns failures into problems (the HTTP edge).
 */
public final class Bus {

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

  public static <R> Future<R> ask(Vertx vertx, Request<R> request) {
    return vertx.eventBus().<R>request(address(request.getClass()), request, LOCAL)
      .map(Message::body)
      .recover(failure -> Future.failedFuture(failure instanceof Failed failed ? failed.getCause() : failure));
  }

  /** Serves one request type: the handler's result is the reply, its failure travels back as it is. */
  public static <Q extends Request<R>, R> void serve(Vertx vertx, Class<Q> type, Function<Q, Future<R>> handler) {
    vertx.eventBus().<Q>localConsumer(address(type), message -> {
      Future<R> result;
      try {
        result = handler.apply(message.body());
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(reply -> message.reply(reply, LOCAL), failure -> message.reply(new Failed(failure), LOCAL));
    });
  }

  /** Tells every local subscriber of the message's type (a node's event loops each hold their own). */
  public static void publish(Vertx vertx, Object message) {
    vertx.eventBus().publish(address(message.getClass()), message, LOCAL);
  }

  /** Subscribes to what {@link #publish} sends of this type; unregister the consumer when done. */
  public static <T> MessageConsumer<T> subscribe(Vertx vertx, Class<T> type, Consumer<T> handler) {
    return vertx.eventBus().<T>localConsumer(address(type), message -> handler.accept(message.body()));
  }

  private static String address(Class<?> type) {
    return type.getName();
  }

  /** The event bus fails a request only with a {@link ReplyException}: this one carries the handler's failure. */
  private static final class Failed extends ReplyException {
    Failed(Throwable cause) {
      super(ReplyFailure.RECIPIENT_FAILURE, -1, cause.getMessage(), cause, true);
    }
  }
}
