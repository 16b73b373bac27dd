package io.inboxallocation.webhook;

import io.inboxallocation.problem.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where a webhook may point: an absolute http(s) URL whose host resolves only to public addresses, so that the service
 * cannot be made to call into its own network; unless private networks are allowed (an on-premise orchestrator).
 */
final class WebhookUrls {

  private WebhookUrls() {
  }

  static Future<String> check(Vertx vertx, String url, boolean allowPrivateNetworks) {
    String host;
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        return refuse("url must be an absolute http or https URL with a host");
      }
      if (uri.getUserInfo() != null) {
        return refuse("url must not carry credentials: the signature authenticates the service");
      }
      host = uri.getHost();
    } catch (URISyntaxException e) {
      return refuse("url is not a valid URL: " + e.getReason());
    }
    if (allowPrivateNetworks) {
      return Future.succeededFuture(url);
    }
    String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return vertx.executeBlocking(() -> InetAddress.getAllByName(name), false)
      .recover(failure -> failure instanceof UnknownHostException
        ? refuse("the host of url does not resolve")
        : Future.failedFuture(failure))
      .compose(addresses -> {
        for (InetAddress address : addresses) {
          if (isPrivate(address)) {
            return refuse("the host of url resolves to a loopback, link-local or private address ("
              + address.getHostAddress() + "); set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true for an on-premise orchestrator");
          }
        }
        return Future.succeededFuture(url);
      });
  }

  static boolean isPrivate(InetAddress address) {
    if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
      || address.isAnyLocalAddress() || address.isMulticastAddress()) {
      return true;
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet6Address) {
      return (bytes[0] & 0xfe) == 0xfc; // fc00::/7, unique local
    }
    return (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64; // 100.64.0.0/10, carrier-grade NAT
  }

  private static <T> Future<T> refuse(String detail) {
    return Future.failedFuture(ApiError.badRequest("url", detail));
  }
}
