package org.kowalski.common.infra;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Tells which aggregation stages of mongo-java-server 1.47 leave the documents they read unchanged, so
 * that they can run on documents that other aggregations read at the same time.
 *
 * <p>Most stages build new documents or deep-copy their input first. Two can change their input in
 * place. {@code $addFields} copies only the top level of each document, and when a field's value
 * evaluates to a document it merges that value into the embedded document already there, which the
 * copy shares with the input. A {@code $project} that includes both a field and a path below it (a path
 * collision, which MongoDB rejects) writes the lower path into the embedded document it has just taken
 * from the input. Expressions never change their input: {@code $filter}, {@code $map} and {@code $reduce}
 * set their variables on a copy of the top level, and {@code $mergeObjects} builds a new document.
 */
final class ReadOnlyStages {

    /** Stages that never change their input documents, whatever their arguments. */
    private static final Set<String> ALWAYS_READ_ONLY =
            Set.of("$match", "$unset", "$unwind", "$limit", "$skip", "$sort");

    /**
     * Expression operators whose value is never a document: numbers, booleans, strings, dates and
     * arrays. {@code $arrayElemAt}, {@code $cond}, {@code $ifNull}, {@code $max} and the like can return
     * a document, so they are not listed.
     */
    private static final Set<String> NON_DOCUMENT_OPERATORS = Set.of(
            "$abs",
            "$add",
            "$allElementsTrue",
            "$and",
            "$anyElementTrue",
            "$ceil",
            "$cmp",
            "$concat",
            "$concatArrays",
            "$dateToString",
            "$dayOfMonth",
            "$dayOfWeek",
            "$dayOfYear",
            "$divide",
            "$eq",
            "$exp",
            "$filter",
            "$floor",
            "$gt",
            "$gte",
            "$hour",
            "$in",
            "$indexOfArray",
            "$indexOfBytes",
            "$indexOfCP",
            "$isArray",
            "$ln",
            "$log",
            "$lt",
            "$lte",
            "$map",
            "$minute",
            "$mod",
            "$month",
            "$multiply",
            "$ne",
            "$not",
            "$objectToArray",
            "$or",
            "$pow",
            "$range",
            "$reverseArray",
            "$second",
            "$setDifference",
            "$setEquals",
            "$setIntersection",
            "$setIsSubset",
            "$setUnion",
            "$size",
            "$slice",
            "$split",
            "$sqrt",
            "$strLenBytes",
            "$strLenCP",
            "$subtract",
            "$substr",
            "$substrBytes",
            "$substrCP",
            "$toBool",
            "$toDate",
            "$toDouble",
            "$toInt",
            "$toLong",
            "$toLower",
            "$toString",
            "$toUpper",
            "$trunc",
            "$year");

    /** Stages whose output documents are their input documents themselves. */
    private static final Set<String> KEEPS_DOCUMENTS = Set.of("$match", "$sort", "$skip", "$limit");

    private ReadOnlyStages() {}

    /**
     * Returns whether every stage is known to leave its input documents unchanged when the pipeline
     * runs on {@code input}. Unknown stages and arguments count as changing them.
     *
     * <p>An {@code $addFields} can only change an embedded document of its input that is already at a
     * field it sets. So while the documents are still those of {@code input} (only {@code $match},
     * {@code $sort}, {@code $skip} and {@code $limit} came before), it may set any field that no input
     * document has as a document. Later ones may only set values that are never documents.
     */
    static boolean leaveInputUnchanged(List<?> stages, List<Document> input) {
        boolean inputUnchanged = true;
        for (Object stage : stages) {
            if (!(stage instanceof Document document) || document.size() != 1) {
                return false;
            }
            String operator = document.keySet().iterator().next();
            Object argument = document.get(operator);
            boolean readOnly = switch (operator) {
                case "$project" -> argument instanceof Document projection && !hasPathCollision(projection);
                case "$addFields" ->
                    argument instanceof Document fields && setsNoDocument(fields, inputUnchanged ? input : null);
                default -> ALWAYS_READ_ONLY.contains(operator);
            };
            if (!readOnly) {
                return false;
            }
            if (!KEEPS_DOCUMENTS.contains(operator)) {
                inputUnchanged = false;
            }
        }
        return true;
    }

    /**
     * Returns whether one field of the projection is a dotted prefix of another, such as {@code a} and
     * {@code a.b}, or a path below {@code _id}, which the inclusion copies first.
     */
    private static boolean hasPathCollision(Document projection) {
        List<String> fields = new ArrayList<>(projection.keySet());
        for (String field : fields) {
            if (field.startsWith("_id.")) {
                return true;
            }
            for (String other : fields) {
                if (other.length() > field.length() && other.startsWith(field) && other.charAt(field.length()) == '.') {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Returns whether the {@code $addFields} argument changes no embedded document of its input. A field
     * qualifies when its value cannot evaluate to a document, judged from the value's form: a literal that
     * is neither a document nor a {@code $}-prefixed string, an array, or an operator of {@link
     * #NON_DOCUMENT_OPERATORS}. It also qualifies when {@code input}, the stage's input when known and
     * otherwise {@code null}, has no document at that field. Dotted names never qualify, because they
     * become nested fields.
     */
    private static boolean setsNoDocument(Document fields, List<Document> input) {
        for (var field : fields.entrySet()) {
            String name = field.getKey();
            if (name.indexOf('.') >= 0) {
                return false;
            }
            if (!isNonDocumentValue(field.getValue()) && (input == null || hasDocumentAt(input, name))) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasDocumentAt(List<Document> documents, String name) {
        for (Document document : documents) {
            if (document.get(name) instanceof Document) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNonDocumentValue(Object value) {
        if (value instanceof Document expression) {
            return expression.size() == 1
                    && NON_DOCUMENT_OPERATORS.contains(
                            expression.keySet().iterator().next());
        }
        if (value instanceof String text) {
            return !text.startsWith("$");
        }
        return true;
    }
}
