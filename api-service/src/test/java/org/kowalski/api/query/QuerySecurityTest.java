package org.kowalski.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kowalski.api.query.QueryEngineTest.query;

import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.api.testing.ApiCalls;
import org.kowalski.api.testing.RunningApi;

/**
 * Queries that reach system collections or run server-side JavaScript. The Python original ran every
 * query here except the top-level $merge and the find on users; each one is rejected now.
 */
class QuerySecurityTest {

    private static ApiCalls calls;
    private static String user;
    private static String admin;

    @BeforeAll
    static void startApi() {
        RunningApi api = RunningApi.shared();
        calls = new ApiCalls(api);
        user = api.tokenFor("curious_user");
        admin = api.adminToken();
    }

    private static Document aggregate(String pipelineJson) {
        Document pipeline = Document.parse("{\"p\": " + pipelineJson + "}");
        return query("aggregate", new Document("catalog", "ZTF_alerts").append("pipeline", pipeline.get("p")), null);
    }

    private static String rejectedMessage(String token, Document body) {
        ApiCalls.Response response = calls.query(token, body);
        assertThat(response.status()).as(response.text()).isEqualTo(400);
        assertThat(response.body().getString("status")).isEqualTo("error");
        assertThat(response.body()).doesNotContainKey("data");
        return response.body().getString("message");
    }

    @Test
    void lookupOfUsersIsRejected() {
        String message = rejectedMessage(
                user,
                aggregate("[{\"$limit\": 1}, {\"$lookup\": {\"from\": \"users\", \"pipeline\": [],"
                        + " \"as\": \"hashes\"}}]"));
        assertThat(message).contains("Protected collection").contains("'users'").contains("pipeline[1].$lookup.from");
    }

    @Test
    void graphLookupOfFiltersIsRejected() {
        String message = rejectedMessage(
                user,
                aggregate("[{\"$graphLookup\": {\"from\": \"filters\", \"startWith\": \"$objectId\","
                        + " \"connectFromField\": \"a\", \"connectToField\": \"b\", \"as\": \"f\"}}]"));
        assertThat(message).contains("Protected collection").contains("'filters'");
    }

    @Test
    void lookupInsideFacetIsRejected() {
        String message = rejectedMessage(
                user,
                aggregate("[{\"$facet\": {\"x\": [{\"$lookup\": {\"from\": \"queries\", \"pipeline\": [],"
                        + " \"as\": \"q\"}}]}}]"));
        assertThat(message).contains("pipeline[0].$facet.x[0].$lookup.from");
    }

    @Test
    void nestedLookupAndUnionWithAreRejected() {
        String nestedLookup = rejectedMessage(
                user,
                aggregate("[{\"$lookup\": {\"from\": \"ZTF_alerts_aux\", \"as\": \"a\", \"pipeline\": ["
                        + "{\"$lookup\": {\"from\": \"users\", \"pipeline\": [], \"as\": \"u\"}}]}}]"));
        assertThat(nestedLookup).contains("Protected collection");

        String nestedUnion = rejectedMessage(
                user,
                aggregate("[{\"$lookup\": {\"from\": \"ZTF_alerts_aux\", \"as\": \"a\", \"pipeline\": ["
                        + "{\"$unionWith\": \"ZTF_alerts\"}]}}]"));
        assertThat(nestedUnion).contains("Pipeline uses forbidden stages: {'$unionWith'}");
    }

    @Test
    void writeStagesAreRejected() {
        assertThat(rejectedMessage(user, aggregate("[{\"$merge\": {\"into\": \"copy\"}}]")))
                .contains("Pipeline uses forbidden stages: {'$merge'}");
        assertThat(rejectedMessage(admin, aggregate("[{\"$match\": {}}, {\"$out\": \"copy\"}]")))
                .contains("Pipeline uses forbidden stages: {'$out'}");
    }

    @Test
    void javascriptIsRejectedForEveryone() {
        Document where = query(
                "find",
                new Document("catalog", "ZTF_alerts").append("filter", new Document("$where", "sleep(1000) || true")),
                null);
        assertThat(rejectedMessage(user, where))
                .contains("Server-side JavaScript")
                .contains("$where");
        assertThat(rejectedMessage(admin, where)).contains("Server-side JavaScript");

        String function = rejectedMessage(
                user,
                aggregate("[{\"$match\": {\"$expr\": {\"$function\": {\"body\": \"function() {return true}\","
                        + " \"args\": [], \"lang\": \"js\"}}}}]"));
        assertThat(function).contains("$function");

        String accumulator = rejectedMessage(
                user,
                aggregate("[{\"$group\": {\"_id\": null, \"n\": {\"$accumulator\": {\"init\": \"function() {}\"}}}}]"));
        assertThat(accumulator).contains("$accumulator");

        Document countWhere = query(
                "count_documents", new Document("catalog", "ZTF_alerts").append("filter", "{'$where': 'true'}"), null);
        assertThat(rejectedMessage(user, countWhere)).contains("$where");
    }

    @Test
    void protectedNamesWithSpacesAreRejected() {
        // The original checked the unstripped name but queried the stripped one.
        Document cone = query(
                "cone_search",
                new Document(
                                "object_coordinates",
                                new Document("cone_search_radius", 1)
                                        .append("cone_search_unit", "deg")
                                        .append("radec", new Document("x", List.of(10, 10))))
                        .append("catalogs", new Document(" users", new Document())),
                null);
        assertThat(rejectedMessage(user, cone)).contains("Protected collection").contains("'users'");

        Document find = query("find", new Document("catalog", "users ").append("filter", new Document()), null);
        assertThat(rejectedMessage(user, find)).contains("Protected collection");
    }

    @Test
    void outboxIsProtectedAndUnlisted() {
        Document find =
                query("find", new Document("catalog", "skyportal_outbox").append("filter", new Document()), null);
        assertThat(rejectedMessage(user, find)).contains("Protected collection").contains("'skyportal_outbox'");

        String lookup = rejectedMessage(
                user, aggregate("[{\"$lookup\": {\"from\": \"skyportal_outbox\", \"pipeline\": [], \"as\": \"o\"}}]"));
        assertThat(lookup).contains("Protected collection").contains("'skyportal_outbox'");

        Document names = query("info", new Document("command", "catalog_names"), null);
        ApiCalls.Response listed = calls.query(user, names);
        assertThat(listed.status()).as(listed.text()).isEqualTo(200);
        assertThat(listed.body().getList("data", String.class))
                .doesNotContain("skyportal_outbox", "users", "filters", "queries");
    }

    @Test
    void adminKeepsAccessToSystemCollections() {
        Document find = query(
                "find",
                new Document("catalog", "users")
                        .append("filter", new Document("_id", "admin"))
                        .append("projection", new Document("_id", 1)),
                null);
        ApiCalls.Response response = calls.query(admin, find);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().getList("data", Document.class)).containsExactly(new Document("_id", "admin"));
    }
}
