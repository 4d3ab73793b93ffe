package org.kowalski.common.alert;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bson.Document;
import org.kowalski.common.sky.Coordinates;

/**
 * Turns a decoded alert record into the documents Kowalski stores ("mongification"), field for field
 * as the Python original:
 *
 * <ul>
 *   <li>{@code prv_candidates} and {@code fp_hists} are split off the alert ({@code null} becomes an
 *       empty list; forced photometry is sorted by {@code jd});
 *   <li>{@code classifications} is added as an empty document, for the scores of the enrichment step;
 *   <li>{@code coordinates} is added with {@code radec_str} (sexagesimal strings), {@code
 *       radec_geojson} (a GeoJSON point at longitude {@code ra - 180}), Galactic {@code l} and {@code b},
 *       and {@code geocentricmeanecliptic} ({@code lambda}, {@code beta}), all from {@code
 *       candidate.ra} and {@code candidate.dec} in degrees;
 *   <li>everything else, cutouts included, stays as decoded.
 * </ul>
 */
public final class AlertMongifier {

    private AlertMongifier() {}

    /**
     * Mongifies one decoded record.
     *
     * @param record the record as converted by {@link AvroDocuments}; it is not modified
     * @param objectIdField the name of the object id field, {@code objectId} or WINTER's {@code objectid}
     * @throws InvalidAlertException when the candid, object id or position is missing or out of range
     */
    public static MongifiedAlert mongify(Document record, String objectIdField) {
        Document alert = new Document(record);
        long candid = candidOf(alert);
        Object objectId = alert.get(objectIdField);
        if (!(objectId instanceof String objectIdText) || objectIdText.isEmpty()) {
            throw new InvalidAlertException("alert " + candid + " has no " + objectIdField);
        }

        List<Document> prvCandidates = documents(alert.remove("prv_candidates"), "prv_candidates", candid);
        boolean hasFpHists = alert.containsKey("fp_hists");
        List<Document> fpHists = new ArrayList<>(documents(alert.remove("fp_hists"), "fp_hists", candid));
        fpHists.sort(Comparator.comparing(
                (Document point) -> point.get("jd") instanceof Number jd ? jd.doubleValue() : null,
                Comparator.nullsLast(Comparator.naturalOrder())));

        alert.put("classifications", new Document());
        alert.put("coordinates", coordinates(alert, candid, objectIdText));
        return new MongifiedAlert(candid, objectIdText, alert, prvCandidates, fpHists, hasFpHists);
    }

    /** Returns the {@code coordinates} document of an alert position. */
    public static Document coordinates(double raDeg, double decDeg) {
        double[] galactic = Coordinates.galactic(raDeg, decDeg);
        double[] ecliptic = Coordinates.ecliptic(raDeg, decDeg);
        return new Document("radec_str", Coordinates.radecStr(raDeg, decDeg))
                .append("radec_geojson", Coordinates.geoJsonPoint(raDeg, decDeg))
                .append("l", galactic[0])
                .append("b", galactic[1])
                .append("geocentricmeanecliptic", new Document("lambda", ecliptic[0]).append("beta", ecliptic[1]));
    }

    private static Document coordinates(Document alert, long candid, String objectId) {
        Document candidate = alert.get("candidate") instanceof Document c ? c : null;
        if (candidate == null
                || !(candidate.get("ra") instanceof Number ra)
                || !(candidate.get("dec") instanceof Number dec)) {
            throw new InvalidAlertException("alert " + candid + " of " + objectId + " has no candidate.ra/dec");
        }
        try {
            return coordinates(ra.doubleValue(), dec.doubleValue());
        } catch (IllegalArgumentException e) {
            throw new InvalidAlertException(
                    "alert " + candid + " of " + objectId + " has an invalid position: " + e.getMessage(), e);
        }
    }

    private static long candidOf(Document alert) {
        if (alert.get("candid") instanceof Number candid) {
            return candid.longValue();
        }
        throw new InvalidAlertException("alert has no numeric top-level candid");
    }

    private static List<Document> documents(Object value, String field, long candid) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> items)) {
            throw new InvalidAlertException("alert " + candid + " has a " + field + " that is not a list");
        }
        List<Document> documents = new ArrayList<>(items.size());
        for (Object item : items) {
            if (item instanceof Document document) {
                documents.add(document);
            }
        }
        return documents;
    }
}
