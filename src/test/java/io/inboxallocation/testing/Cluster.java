package io.inboxallocation.testing;

import io.inboxallocation.Service;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;

/**
 * Several service nodes on one fresh database, each with a Vertx of its own: the first is a {@link TestService} (it
 * owns the database and the tokens), the others are started with its configuration.
 */
public final class Cluster {

  public final TestService app;
  public final List<Vertx> vertxes;
  public final List<Http> nodes;

  private Cluster(TestService app, List<Vertx> vertxes, List<Http> nodes) {
    this.app = app;
    this.vertxes = vertxes;
    this.nodes = nodes;
  }

  public static Cluster start(int size) {
    List<Vertx> vertxes = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      vertxes.add(Vertx.vertx());
    }
    TestService app = TestService.start(vertxes.get(0));
    List<Http> nodes = new ArrayList<>(List.of(app.http));
    for (int i = 1; i < size; i++) {
      nodes.add(new Http(vertxes.get(i), Service.start(vertxes.get(i), app.config).await().port()));
    }
    return new Cluster(app, List.copyOf(vertxes), List.copyOf(nodes));
  }

  /** Closes every node, then drops the database. */
  public void stop() {
    vertxes.forEach(vertx -> vertx.close().await());
    app.dropDatabase();
  }
}
