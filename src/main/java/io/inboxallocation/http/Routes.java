package io.inboxallocation.http;

/** A capability's HTTP side: binds its operations of openapi.yaml to bus requests. */
public interface Routes {
  void bind(Api api);
}
