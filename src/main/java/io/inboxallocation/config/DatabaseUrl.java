package io.inboxallocation.config;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code DATABASE_URL} read whole: the Vert.x client's connection options, and the URL's query parameters, which
 * reach JDBC (Flyway) unchanged: pgjdbc names them as libpq does ({@code sslmode}, {@code sslrootcert}, {@code sslcert},
 * {@code sslkey}, ...). The Vert.x parser keeps {@code sslmode} but drops the certificate files: they become its TLS
 * options here.
 */
public record DatabaseUrl(PgConnectOptions connect, Map<String, String> parameters) {

  public static DatabaseUrl parse(String url) {
    String uri = url.trim().replaceFirst("^jdbc:", "");
    PgConnectOptions connect = PgConnectOptions.fromUri(uri);
    Map<String, String> parameters = query(uri);
    String rootCert = parameters.get("sslrootcert");
    String cert = parameters.get("sslcert");
    String key = parameters.get("sslkey");
    if (rootCert != null || cert != null) {
      ClientSSLOptions ssl = new ClientSSLOptions();
      if (rootCert != null) {
        ssl.setTrustOptions(new PemTrustOptions().addCertPath(rootCert));
      }
      if (cert != null && key != null) {
        ssl.setKeyCertOptions(new PemKeyCertOptions().addCertPath(cert).addKeyPath(key));
      }
      connect.setSslOptions(ssl);
    }
    return new DatabaseUrl(connect, Collections.unmodifiableMap(parameters));
  }

  private static Map<String, String> query(String uri) {
    Map<String, String> parameters = new LinkedHashMap<>();
    int start = uri.indexOf('?');
    if (start < 0) {
      return parameters;
    }
    for (String pair : uri.substring(start + 1).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals));
      parameters.put(name, equals < 0 ? "" : decode(pair.substring(equals + 1)));
    }
    return parameters;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
