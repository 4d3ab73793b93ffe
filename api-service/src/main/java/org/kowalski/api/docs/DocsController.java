package org.kowalski.api.docs;

import io.swagger.v3.oas.annotations.Hidden;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The browsable API documentation: {@code /docs/api/} is a Swagger UI page that reads the OpenAPI
 * document at {@value #SPEC_PATH}, and {@code /docs/api} redirects there (the Python original returned a
 * JSON error for it, without {@code Location}). The Swagger UI assets come from springdoc's webjar.
 */
@RestController
@Hidden
class DocsController {

    /** Path of the OpenAPI document that springdoc serves, set in {@code ApiApplication}. */
    static final String SPEC_PATH = "/docs/api/swagger.json";

    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Kowalski API</title>
              <link rel="stylesheet" href="/webjars/swagger-ui/swagger-ui.css">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="/webjars/swagger-ui/swagger-ui-bundle.js"></script>
              <script>
                window.ui = SwaggerUIBundle({url: "%s", dom_id: "#swagger-ui"});
              </script>
            </body>
            </html>
            """.formatted(SPEC_PATH);

    @GetMapping("/docs/api")
    Mono<ResponseEntity<Void>> redirect() {
        return Mono.just(ResponseEntity.status(HttpStatus.MOVED_PERMANENTLY)
                .location(URI.create("/docs/api/"))
                .build());
    }

    @GetMapping(path = "/docs/api/", produces = MediaType.TEXT_HTML_VALUE)
    Mono<String> page() {
        return Mono.just(PAGE);
    }
}
