package io.inboxallocation.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/** Swagger UI for the contract at /api, from the swagger-ui webjar, pointed at our own /openapi.yaml. */
final class SwaggerUi {

  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/5.34.1";
  private static final String INITIALIZER = """
    window.onload = function () {
      window.ui = SwaggerUIBundle({
        url: "/openapi.yaml",
        dom_id: "#swagger-ui",
        deepLinking: true,
        persistAuthorization: true,
        presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
        plugins: [SwaggerUIBundle.plugins.DownloadUrl],
        layout: "StandaloneLayout"
      });
    };
    """;

  private SwaggerUi() {
  }

  static void mount(Router router, String contractYaml) {
    router.get("/openapi.yaml").handler(ctx -> ctx.response()
      .putHeader("content-type", "application/yaml; charset=utf-8").end(contractYaml));
    // Relative asset paths in index.html need the trailing slash; the router treats /api and /api/ alike.
    router.get("/api").handler(ctx -> {
      if (ctx.request().path().endsWith("/")) {
        ctx.next();
      } else {
        ctx.redirect("/api/");
      }
    });
    router.get("/api/swagger-initializer.js").handler(ctx -> ctx.response()
      .putHeader("content-type", "application/javascript").end(INITIALIZER));
    router.get("/api/*").handler(StaticHandler.create(WEBJAR));
  }
}
