package org.kowalski.common.skyportal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bson.Document;

/**
 * Builds the light curve that SkyPortal receives through {@code PUT /api/photometry}, with the original's
 * rules.
 *
 * <p>Alert rows (the candidate, then the previous candidates): filter name from the fid (see {@link
 * SurveyProfile#filterName}), {@code mjd = jd - 2400000.5}, duplicates on (mjd, magpsf, filter) dropped,
 * sorted by mjd, rows without a positive {@code diffmaglim} dropped. The flux is {@code
 * ±10^(-0.4 (magpsf - 23.9))} microjansky, positive when {@code isdiffpos} is true, 1, "1", "t", "T",
 * "y" or "Y". A detection's error is {@code |sigmapsf * flux * ln(10) / 2.5|}; a non-detection has no
 * flux and the error {@code 10^(-0.4 (diffmaglim - 23.9)) / 5}, because diffmaglim is a 5-sigma limit.
 *
 * <p>Forced-photometry rows (ZTF {@code fp_hists}, origin {@code alert_fp}): points with {@code procstatus}
 * "0" and a positive {@code diffmaglim}, zero point {@code magzpsci}, flux {@code forcediffimflux} and
 * error {@code forcediffimfluxunc}. A point without flux gets the error {@code 10^(-0.4 (diffmaglim -
 * magzpsci)) / 5}, and a flux with a signal-to-noise ratio of 3 or less is dropped (the point stays as a
 * limit). Duplicates on (mjd, filter, flux) are dropped.
 */
public final class Photometry {

    /** The {@code origin} of forced-photometry rows. */
    public static final String FORCED_ORIGIN = "alert_fp";

    private static final double MJD_OFFSET = 2400000.5;
    private static final double MIN_FORCED_SNR = 3;
    private static final Set<Object> POSITIVE_ISDIFFPOS = Set.of("t", "T", "1", "y", "Y");

    private Photometry() {}

    /**
     * One photometry point.
     *
     * @param flux the flux in the zero point's units, NaN for a non-detection
     * @param fluxErr the flux error; for a non-detection, the 1-sigma flux limit
     * @param zeroPointMag the AB magnitude of one flux unit
     * @param origin {@code null} for alert photometry, {@value #FORCED_ORIGIN} for forced photometry
     * @param programId the ZTF program id, which selects the stream; {@code null} when absent
     */
    public record Row(
            double mjd,
            double flux,
            double fluxErr,
            double zeroPointMag,
            String filter,
            Double raDeg,
            Double decDeg,
            String origin,
            Integer programId) {}

    /** Returns the alert rows of a candidate and its previous candidates, sorted by mjd. */
    public static List<Row> alertRows(SurveyProfile profile, Document candidate, List<Document> prvCandidates) {
        List<Document> sources = new ArrayList<>(1 + prvCandidates.size());
        sources.add(candidate);
        sources.addAll(prvCandidates);

        record Keyed(Document source, double mjd, float magpsf, String filter) {}
        List<Keyed> unique = new ArrayList<>();
        Set<List<Object>> seen = new HashSet<>();
        for (Document source : sources) {
            String filter = profile.filterName(source.get("fid"));
            Double jd = number(source.get("jd"));
            if (filter == null || jd == null) {
                continue;
            }
            double mjd = jd - MJD_OFFSET;
            float magpsf = floatOrNaN(source.get("magpsf"));
            // Float.valueOf makes NaN equal to NaN in the key, as the original's de-duplication does.
            if (seen.add(List.of(mjd, Float.valueOf(magpsf), filter))) {
                unique.add(new Keyed(source, mjd, magpsf, filter));
            }
        }
        unique.sort(Comparator.comparingDouble(Keyed::mjd));

        List<Row> rows = new ArrayList<>(unique.size());
        for (Keyed keyed : unique) {
            Document source = keyed.source();
            Double diffmaglim = number(source.get("diffmaglim"));
            if (diffmaglim == null || !(diffmaglim > 0)) {
                continue;
            }
            double zeroPoint = profile.zeroPointMag();
            double magpsf = keyed.magpsf();
            double sign = isPositive(source.get("isdiffpos")) ? 1 : -1;
            double flux = sign * Math.pow(10, -0.4 * (magpsf - zeroPoint));
            double fluxErr;
            if (Double.isFinite(magpsf)) {
                double sigmapsf = floatOrNaN(source.get("sigmapsf"));
                fluxErr = Math.abs(sigmapsf * flux * Math.log(10) / 2.5);
            } else {
                fluxErr = Math.pow(10, -0.4 * (diffmaglim - zeroPoint)) / 5;
            }
            rows.add(new Row(
                    keyed.mjd(),
                    flux,
                    fluxErr,
                    zeroPoint,
                    keyed.filter(),
                    number(source.get("ra")),
                    number(source.get("dec")),
                    null,
                    integer(source.get("programid"))));
        }
        return rows;
    }

    /** Returns the forced-photometry rows of cleaned {@code fp_hists} points, sorted by mjd. */
    public static List<Row> forcedRows(SurveyProfile profile, List<Document> fpHists) {
        List<Row> candidates = new ArrayList<>();
        for (Document point : fpHists) {
            Object procstatus = point.get("procstatus");
            boolean processed =
                    "0".equals(procstatus) || (procstatus instanceof Number number && number.doubleValue() == 0);
            Double diffmaglim = number(point.get("diffmaglim"));
            String filter = profile.filterName(point.get("fid"));
            Double jd = number(point.get("jd"));
            if (!processed || diffmaglim == null || !(diffmaglim > 0) || filter == null || jd == null) {
                continue;
            }
            Double magzpsci = number(point.get("magzpsci"));
            double zeroPoint = magzpsci == null ? Double.NaN : magzpsci;
            double flux = orNaN(number(point.get("forcediffimflux")));
            double fluxErr = orNaN(number(point.get("forcediffimfluxunc")));
            if (Double.isNaN(flux)) {
                fluxErr = Math.pow(10, -0.4 * (diffmaglim - zeroPoint)) / 5;
            }
            double snr = Math.abs(flux / fluxErr);
            if (!(snr > MIN_FORCED_SNR)) {
                flux = Double.NaN;
            }
            candidates.add(new Row(
                    jd - MJD_OFFSET,
                    flux,
                    fluxErr,
                    zeroPoint,
                    filter,
                    null,
                    null,
                    FORCED_ORIGIN,
                    integer(point.get("programid"))));
        }

        List<Row> rows = new ArrayList<>(candidates.size());
        Set<List<Object>> seen = new HashSet<>();
        for (Row row : candidates) {
            if (seen.add(List.of(row.mjd(), Double.valueOf(row.flux()), row.filter()))) {
                rows.add(row);
            }
        }
        rows.sort(Comparator.comparingDouble(Row::mjd));
        return rows;
    }

    /**
     * One {@code PUT /api/photometry} request.
     *
     * @param query the query string, empty or {@code duplicate_ignore_flux=true&overwrite_flux=true}
     * @param part {@code alert} or {@code fp}
     * @param streamId the SkyPortal stream of the rows
     * @param body the JSON body: {@code obj_id}, {@code stream_ids}, {@code instrument_id} and one array per
     *     column
     */
    public record Put(String part, long streamId, String query, Map<String, Object> body) {}

    /**
     * Splits rows into the PUT requests the original sends: with streams by program id (ZTF), one request per
     * part (alert, then forced photometry) and stream, in order of appearance, with {@code origin} arrays and
     * the overwrite flags on forced photometry; otherwise one request with the survey's stream.
     *
     * @param streamIds the SkyPortal stream id of each program id, or of the key {@code null} for surveys
     *     with one stream
     */
    public static List<Put> puts(
            SurveyProfile profile, String objectId, long instrumentId, Map<Integer, Long> streamIds, List<Row> rows) {
        List<Put> puts = new ArrayList<>();
        if (rows.isEmpty()) {
            return puts;
        }
        if (profile.streamNamesByProgramId().isEmpty()) {
            Long streamId = streamIds.get(null);
            puts.add(new Put("alert", streamId, "", body(objectId, instrumentId, streamId, rows, false)));
            return puts;
        }
        for (String part : List.of("alert", "fp")) {
            Map<Long, List<Row>> byStream = new LinkedHashMap<>();
            for (Row row : rows) {
                boolean forced = FORCED_ORIGIN.equals(row.origin());
                if (forced != part.equals("fp")) {
                    continue;
                }
                Long streamId = row.programId() == null ? null : streamIds.get(row.programId());
                if (streamId == null) {
                    continue;
                }
                byStream.computeIfAbsent(streamId, id -> new ArrayList<>()).add(row);
            }
            String query = part.equals("fp") ? "duplicate_ignore_flux=true&overwrite_flux=true" : "";
            byStream.forEach((streamId, streamRows) ->
                    puts.add(new Put(part, streamId, query, body(objectId, instrumentId, streamId, streamRows, true))));
        }
        return puts;
    }

    /** Returns the program ids of rows whose stream is unknown, so callers can log them. */
    public static Set<Integer> unmappedProgramIds(List<Row> rows, Map<Integer, Long> streamIds) {
        Set<Integer> unknown = new HashSet<>();
        for (Row row : rows) {
            if (!streamIds.containsKey(row.programId())) {
                unknown.add(row.programId());
            }
        }
        return unknown;
    }

    private static Map<String, Object> body(
            String objectId, long instrumentId, long streamId, List<Row> rows, boolean withOrigin) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("obj_id", objectId);
        body.put("stream_ids", List.of(streamId));
        body.put("instrument_id", instrumentId);
        body.put("mjd", column(rows, row -> row.mjd()));
        body.put("flux", column(rows, Row::flux));
        body.put("fluxerr", column(rows, Row::fluxErr));
        body.put("zp", column(rows, Row::zeroPointMag));
        body.put("magsys", rows.stream().map(row -> "ab").toList());
        body.put("filter", rows.stream().map(Row::filter).toList());
        body.put("ra", rows.stream().map(Row::raDeg).toList());
        body.put("dec", rows.stream().map(Row::decDeg).toList());
        if (withOrigin) {
            body.put("origin", rows.stream().map(Row::origin).toList());
        }
        return body;
    }

    /** Returns a column with NaN as {@code null}, the JSON the original sends. */
    private static List<Double> column(List<Row> rows, java.util.function.ToDoubleFunction<Row> value) {
        List<Double> values = new ArrayList<>(rows.size());
        for (Row row : rows) {
            double v = value.applyAsDouble(row);
            values.add(Double.isFinite(v) ? v : null);
        }
        return values;
    }

    static boolean isPositive(Object isdiffpos) {
        if (isdiffpos instanceof Boolean flag) {
            return flag;
        }
        if (isdiffpos instanceof Number number) {
            return number.doubleValue() == 1;
        }
        return isdiffpos != null && POSITIVE_ISDIFFPOS.contains(isdiffpos);
    }

    private static Double number(Object value) {
        return value instanceof Number number ? number.doubleValue() : null;
    }

    private static Integer integer(Object value) {
        return value instanceof Number number ? number.intValue() : null;
    }

    private static float floatOrNaN(Object value) {
        return value instanceof Number number ? number.floatValue() : Float.NaN;
    }

    private static double orNaN(Double value) {
        return Objects.requireNonNullElse(value, Double.NaN);
    }
}
