package org.kowalski.common.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedMongoServer;
import org.kowalski.common.testing.TestConfigs;

class FilterPipelinesTest {

    private static final KowalskiConfig CONFIG = TestConfigs.embedded();

    @Test
    void parseReadsExtendedJson() {
        List<Document> stages = FilterPipelines.parse(
                "[{\"$match\": {\"candidate.drb\": {\"$gt\": 0.5}, \"candid\": {\"$numberLong\": \"7\"}}}]");

        assertThat(stages).hasSize(1);
        Document match = stages.get(0).get("$match", Document.class);
        assertThat(match.get("candidate.drb", Document.class).getDouble("$gt")).isEqualTo(0.5);
        assertThat(match.get("candid")).isEqualTo(7L);
    }

    @Test
    void parseRejectsNonArray() {
        assertThatThrownBy(() -> FilterPipelines.parse("{\"$match\": {}}"))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("expected a JSON array");
        assertThatThrownBy(() -> FilterPipelines.parse("[{\"$match\": {}"))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("Invalid pipeline");
        assertThatThrownBy(() -> FilterPipelines.parse("[{\"$match\": {}, \"$project\": {}}]"))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("exactly one operator");
    }

    @Test
    void ztfPermissionsFilledEverywhere() {
        List<Document> pipeline = FilterPipelines.assemble(
                CONFIG, "ZTF_alerts", "[{\"$match\": {\"candidate.drb\": {\"$gt\": 0.5}}}]", List.of(1, 2));

        assertThat(pipeline).hasSize(5);
        Document match = pipeline.get(0).get("$match", Document.class);
        assertThat(match.get("candid")).isNull();
        assertThat(match.get("candidate.programid", Document.class).get("$in")).isEqualTo(List.of(1, 2));
        Document project = pipeline.get(3).get("$project", Document.class);
        for (String field : List.of("prv_candidates", "fp_hists")) {
            Document cond = project.get(field, Document.class)
                    .get("$filter", Document.class)
                    .get("cond", Document.class);
            List<?> in =
                    (List<?>) ((Document) cond.getList("$and", Object.class).get(0)).get("$in");
            assertThat(in.get(1)).as(field).isEqualTo(List.of(1, 2));
        }
        assertThat(pipeline.get(4).toJson()).isEqualTo("{\"$match\": {\"candidate.drb\": {\"$gt\": 0.5}}}");

        // The configuration keeps its placeholders for the next filter.
        assertThat(FilterPipelines.upstream(CONFIG, "ZTF_alerts").get(0).toJson())
                .contains("\"$in\": null");
    }

    @Test
    void turboPermissionsFilled() {
        List<Document> pipeline = FilterPipelines.assemble(CONFIG, "TURBO_alerts", "[{\"$match\": {}}]", List.of(3));

        assertThat(pipeline.get(0).toJson()).contains("\"$in\": [3]");
        assertThat(pipeline.get(3).toJson()).doesNotContain("null");
    }

    @Test
    void withCandidSetsStageZero() {
        List<Document> pipeline = FilterPipelines.assemble(CONFIG, "PGIR_alerts", "[{\"$match\": {}}]", List.of());

        List<Document> single = FilterPipelines.withCandid(pipeline, 114297926L);
        List<Document> batch = FilterPipelines.withCandids(pipeline, List.of(1L, 2L));

        assertThat(single.get(0).get("$match", Document.class).get("candid")).isEqualTo(114297926L);
        assertThat(batch.get(0)
                        .get("$match", Document.class)
                        .get("candid", Document.class)
                        .get("$in"))
                .isEqualTo(List.of(1L, 2L));
        assertThat(pipeline.get(0).get("$match", Document.class).get("candid")).isNull();
    }

    @Test
    void forbiddenStagesListed() {
        List<Document> stages =
                FilterPipelines.parse("[{\"$match\": {}}, {\"$lookup\": {}}, {\"$out\": \"x\"}, {\"$lookup\": {}}]");

        assertThat(FilterPipelines.forbiddenStages(stages)).containsExactly("$lookup", "$out");
    }

    @Test
    void unknownCatalogNamesConfigKey() {
        assertThatThrownBy(() -> FilterPipelines.upstream(CONFIG, "NOPE_alerts"))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("database.filters.NOPE_alerts");
    }

    @Test
    void ztfUpstreamWindowsHistoryOnEmbeddedStore() {
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(null, 0);
                MongoClient client = MongoClients.create(server.connectionString())) {
            MongoCollection<Document> alerts = client.getDatabase("kowalski").getCollection("ZTF_alerts");
            alerts.insertOne(Document.parse("{candid: 11, objectId: 'ZTF1', cutoutScience: {stampData: 'x'},"
                    + " candidate: {jd: 2460000.5, programid: 1}}"));
            client.getDatabase("kowalski")
                    .getCollection("ZTF_alerts_aux")
                    .insertOne(Document.parse("{_id: 'ZTF1', cross_matches: {CLU_20190625: []},"
                            + " prv_candidates: [{jd: 2459999.5, programid: 1}, {jd: 2459999.6, programid: 2},"
                            + " {jd: 2459000.5, programid: 1}],"
                            + " fp_hists: [{jd: 2459999.5, programid: 1, procstatus: '0'},"
                            + " {jd: 2459999.7, programid: 1, procstatus: '61'}]}"));
            List<Document> pipeline = FilterPipelines.withCandid(
                    FilterPipelines.assemble(CONFIG, "ZTF_alerts", "[{\"$match\": {}}]", List.of(1)), 11L);

            List<Document> out = alerts.aggregate(pipeline).into(new ArrayList<>());

            assertThat(out).hasSize(1);
            Document alert = out.get(0);
            assertThat(alert.containsKey("cutoutScience")).isFalse();
            assertThat(alert.get("cross_matches", Document.class).getList("CLU_20190625", Object.class))
                    .isEmpty();
            // Program 2 and the entry older than 365 days are outside the window.
            assertThat(alert.getList("prv_candidates", Document.class))
                    .extracting(d -> d.getDouble("jd"))
                    .containsExactly(2459999.5);
            assertThat(alert.getList("fp_hists", Document.class))
                    .extracting(d -> d.getString("procstatus"))
                    .containsExactly("0");
        }
    }
}
