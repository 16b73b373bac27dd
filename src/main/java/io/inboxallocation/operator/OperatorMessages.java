package io.inboxallocation.operator;

import java.util.UUID;

/** Event-bus messages of the operator capability; each carries its address. */
public final class OperatorMessages {

  private OperatorMessages() {
  }

  public record CreateOperator(UUID tenantId, String name, String role) {
    public static final String ADDRESS = "operator.create";
  }

  /** Null fields are left as they are. */
  public record UpdateOperator(UUID tenantId, UUID operatorId, String name, String role) {
    public static final String ADDRESS = "operator.update";
  }

  public record DeleteOperator(UUID tenantId, UUID operatorId, String actorId, String actorRole) {
    public static final String ADDRESS = "operator.delete";
  }

  public record ListOperators(UUID tenantId) {
    public static final String ADDRESS = "operator.list";
  }

  public record GetOperator(UUID tenantId, UUID operatorId) {
    public static final String ADDRESS = "operator.get";
  }
}
