package org.kowalski.broker.ztf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.Binary;
import org.kowalski.common.alert.MongifiedAlert;
import org.kowalski.common.broker.AlertEnricher;
import org.kowalski.common.broker.IncomingAlert;
import org.kowalski.common.ml.AlertInput;
import org.kowalski.common.ml.MlScorer;
import reactor.core.publisher.Mono;

/**
 * Scores new ZTF alerts with the models of {@code ml.ZTF} before they are stored, so that each alert
 * document is written with its {@code classifications} ({@code <model>} and {@code <model>_version}).
 * An alert that a model cannot score simply lacks that model's entries, as in the original.
 *
 * <p>All consumer threads share this enricher and its scorer. Their batches are scored at the same time,
 * each on a set of models that no other batch uses at that moment, so ML scoring can use up to one core
 * per consumer thread.
 */
class ZtfMlEnricher implements AlertEnricher {

    private final MlScorer scorer;

    ZtfMlEnricher(MlScorer scorer) {
        this.scorer = scorer;
    }

    @Override
    public Mono<Void> enrich(List<IncomingAlert> alerts) {
        return Mono.fromRunnable(() -> score(alerts));
    }

    private void score(List<IncomingAlert> alerts) {
        if (scorer.modelNames().isEmpty()) {
            return;
        }
        List<AlertInput> inputs = new ArrayList<>(alerts.size());
        for (IncomingAlert alert : alerts) {
            inputs.add(input(alert.alert()));
        }
        List<Map<String, Object>> scores = scorer.score(inputs);
        for (int i = 0; i < alerts.size(); i++) {
            Document classifications = alerts.get(i).alert().alert().get("classifications", Document.class);
            classifications.putAll(scores.get(i));
        }
    }

    /**
     * Builds the model inputs of an alert. The history is the packet's previous candidates.
     *
     * <p>TODO: the original also adds the object's stored history (aux prv_candidates and earlier
     * alerts), which only the history features of models such as bts use; the default models do not.
     */
    private static AlertInput input(MongifiedAlert alert) {
        return new AlertInput(
                alert.objectId(),
                alert.candidate(),
                alert.prvCandidates(),
                stampData(alert.alert(), "cutoutScience"),
                stampData(alert.alert(), "cutoutTemplate"),
                stampData(alert.alert(), "cutoutDifference"));
    }

    private static byte[] stampData(Document alert, String field) {
        if (alert.get(field) instanceof Document cutout && cutout.get("stampData") instanceof Binary data) {
            return data.getData();
        }
        return null;
    }
}
