package io.inboxallocation.bus;

/**
 * A message to a command or query verticle whose reply is an {@code R}. Its class is its address, so a request
 * cannot be sent to the wrong place nor its reply read as the wrong type ({@link Bus}).
 *
 * @param <R> the reply; {@code Void} for "done, nothing to say", and a null reply means "nothing" (e.g. an empty queue)
 */
public interface Request<R> {
}
