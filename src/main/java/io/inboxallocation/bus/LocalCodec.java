package io.inboxallocation.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes messages by reference. Our messages are immutable records and never leave the JVM (one node needs no
 * clustered bus: nodes coordinate through PostgreSQL), so encoding them would be pure waste.
 */
final class LocalCodec implements MessageCodec<Object, Object> {

  static final String NAME = "local-records";

  @Override
  public void encodeToWire(Buffer buffer, Object o) {
    throw new UnsupportedOperationException("local messages never go over the wire");
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException("local messages never go over the wire");
  }

  @Override
  public Object transform(Object o) {
    return o;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
