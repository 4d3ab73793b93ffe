package org.kowalski.api.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.api.testing.RunningApi;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The OpenAPI document and the documentation page, generated from the controllers. */
class ApiDocsTest {

    private static WebTestClient client;

    @BeforeAll
    static void startApi() {
        client = RunningApi.shared().client();
    }

    private static Document openApi() {
        byte[] body = client.get()
                .uri("/docs/api/swagger.json")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBodyContent();
        return Document.parse(new String(body, StandardCharsets.UTF_8));
    }

    @Test
    void documentDescribesCoreRoutes() {
        Document spec = openApi();
        assertThat(spec.getString("openapi")).startsWith("3.");
        Document info = spec.get("info", Document.class);
        assertThat(info.getString("title")).isEqualTo("Kowalski");
        assertThat(info.getString("version")).isEqualTo("3.0.0");
        assertThat(info.get("license", Document.class).getString("name")).isEqualTo("MIT");

        Document paths = spec.get("paths", Document.class);
        assertThat(paths.keySet()).contains("/", "/api/auth", "/api/users", "/api/users/{username}", "/api/queries");
        assertThat(paths.get("/api/users/{username}", Document.class).keySet()).contains("put", "delete");

        Document schemes = spec.get("components", Document.class).get("securitySchemes", Document.class);
        assertThat(schemes.keySet()).contains("bearerAuth", "token");
    }

    @Test
    void queryRouteDocumentsEveryType() {
        Document queries = openApi().get("paths", Document.class).get("/api/queries", Document.class);
        Document post = queries.get("post", Document.class);
        Document examples = post.get("requestBody", Document.class)
                .get("content", Document.class)
                .get("application/json", Document.class)
                .get("examples", Document.class);
        assertThat(examples.keySet())
                .containsExactlyInAnyOrder(
                        "find",
                        "find_one",
                        "count_documents",
                        "estimated_document_count",
                        "aggregate",
                        "cone_search",
                        "near",
                        "info",
                        "skymap",
                        "drop");
        for (String type : examples.keySet()) {
            assertThat(post.getString("description")).contains("- " + type + ":");
        }
    }

    @Test
    void docsRedirectAndPage() {
        client.get()
                .uri("/docs/api")
                .exchange()
                .expectStatus()
                .isEqualTo(301)
                .expectHeader()
                .valueEquals(HttpHeaders.LOCATION, "/docs/api/");
        String page = client.get()
                .uri("/docs/api/")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(page).contains("/docs/api/swagger.json").contains("swagger-ui-bundle.js");
        client.get()
                .uri("/webjars/swagger-ui/swagger-ui-bundle.js")
                .exchange()
                .expectStatus()
                .isOk();
    }
}
