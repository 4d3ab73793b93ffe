package org.kowalski.api.classification;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;
import org.kowalski.api.web.ApiException;

/** Parses the bodies of the classification routes: objects keyed by alert candid. */
final class ClassificationRequests {

    static final List<String> KINDS = List.of("human_labels", "ml_scores");

    private ClassificationRequests() {}

    /** The labels and scores to set on one alert, each sorted by name. */
    record Scores(long candid, Map<String, Double> humanLabels, Map<String, Double> mlScores) {

        Map<String, Double> byKind(String kind) {
            return "human_labels".equals(kind) ? humanLabels : mlScores;
        }
    }

    /** The label and score names to remove from one alert. */
    record Removal(long candid, List<String> humanLabels, List<String> mlScores) {

        List<String> byKind(String kind) {
            return "human_labels".equals(kind) ? humanLabels : mlScores;
        }
    }

    /**
     * Parses a PUT body such as {@code {"<candid>": {"human_labels": {"Ia": 0.8}, "ml_scores": ...}}}.
     * Each value may be an object of names to numbers, a list of names, or a comma-separated string of
     * names; listed names get the value 1.0.
     *
     * @throws ApiException 400 for an empty body, a key that is not an integer or values that are not numbers
     */
    static List<Scores> parseScores(Document body) {
        List<Scores> result = new ArrayList<>();
        for (Map.Entry<String, Object> entry : requireCandids(body).entrySet()) {
            long candid = parseCandid(entry.getKey());
            Map<String, Object> spec = requireObject(entry.getKey(), entry.getValue());
            Map<String, Double> humanLabels = scores(entry.getKey(), "human_labels", spec.get("human_labels"));
            Map<String, Double> mlScores = scores(entry.getKey(), "ml_scores", spec.get("ml_scores"));
            if (humanLabels.isEmpty() && mlScores.isEmpty()) {
                throw ApiException.badRequest("no classifications provided for candid " + entry.getKey()
                        + ", must provide at least one of human_labels or ml_scores");
            }
            result.add(new Scores(candid, humanLabels, mlScores));
        }
        return result;
    }

    /**
     * Parses a DELETE body such as {@code {"<candid>": {"human_labels": ["Ia", "Ic"]}}}, where each value is a
     * list of names or a comma-separated string.
     */
    static List<Removal> parseRemovals(Document body) {
        List<Removal> result = new ArrayList<>();
        for (Map.Entry<String, Object> entry : requireCandids(body).entrySet()) {
            long candid = parseCandid(entry.getKey());
            Map<String, Object> spec = requireObject(entry.getKey(), entry.getValue());
            List<String> humanLabels =
                    new ArrayList<>(scores(entry.getKey(), "human_labels", names(spec.get("human_labels")))
                            .keySet());
            List<String> mlScores = new ArrayList<>(scores(entry.getKey(), "ml_scores", names(spec.get("ml_scores")))
                    .keySet());
            if (humanLabels.isEmpty() && mlScores.isEmpty()) {
                throw ApiException.badRequest("no classifications provided for candid " + entry.getKey()
                        + ", must provide at least one of human_labels or ml_scores to delete");
            }
            result.add(new Removal(candid, humanLabels, mlScores));
        }
        return result;
    }

    private static Document requireCandids(Document body) {
        if (body.isEmpty()) {
            throw ApiException.badRequest("no candid provided: send an object keyed by alert candid, such as"
                    + " {\"1127561445515015011\": {\"human_labels\": {\"Ia\": 0.8}}}");
        }
        return body;
    }

    static long parseCandid(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(
                    "Invalid candid '" + text + "': candids are integers such as 1127561445515015011");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> requireObject(String candid, Object value) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw ApiException.badRequest("Invalid classifications for candid " + candid + ": send an object with"
                + " human_labels and/or ml_scores, such as {\"human_labels\": {\"Ia\": 0.8}}");
    }

    /** Turns a list or comma-separated string of names into a spec that {@link #scores} accepts. */
    private static Object names(Object value) {
        if (value instanceof Map<?, ?> map) {
            return new ArrayList<>(map.keySet());
        }
        return value;
    }

    private static Map<String, Double> scores(String candid, String kind, Object value) {
        Map<String, Double> scores = new TreeMap<>();
        if (value == null) {
            return scores;
        }
        if (value instanceof String text) {
            for (String name : text.split(",")) {
                if (!name.isBlank()) {
                    scores.put(checkName(candid, kind, name.trim()), 1.0);
                }
            }
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                scores.put(checkName(candid, kind, String.valueOf(item)), 1.0);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String name = checkName(candid, kind, String.valueOf(entry.getKey()));
                if (!(entry.getValue() instanceof Number number) || entry.getValue() instanceof Boolean) {
                    throw ApiException.badRequest("Invalid " + kind + " value " + entry.getValue() + " of '" + name
                            + "' for candid " + candid + ": send a number, such as {\"" + name + "\": 0.8}");
                }
                scores.put(name, number.doubleValue());
            }
        } else {
            throw ApiException.badRequest("Invalid " + kind + " for candid " + candid + ": send an object of"
                    + " names to numbers, a list of names or a comma-separated string");
        }
        return new LinkedHashMap<>(scores);
    }

    /** Rejects names that MongoDB would read as a path or an operator in {@code <kind>.<name>}. */
    private static String checkName(String candid, String kind, String name) {
        if (name.isEmpty() || name.contains(".") || name.startsWith("$")) {
            throw ApiException.badRequest("Invalid " + kind + " name '" + name + "' for candid " + candid
                    + ": names must be non-empty and contain no '.' and no leading '$'");
        }
        return name;
    }
}
