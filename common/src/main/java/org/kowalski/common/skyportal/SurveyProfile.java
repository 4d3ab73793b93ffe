package org.kowalski.common.skyportal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.bson.types.Binary;
import org.kowalski.common.cutout.CutoutOrientation;

/**
 * What differs between surveys when their alerts are filtered and posted to SkyPortal, as data each
 * broker supplies: collection and field names, the SkyPortal instrument and streams, photometric filter
 * names and zero point, and how cutouts are drawn.
 *
 * @param survey the survey code: {@code ZTF}, {@code PGIR}, {@code WNTR} or {@code TURBO}
 * @param alertsCollectionKey the key of {@code database.collections} naming the alerts collection
 * @param auxCollectionKey the key of {@code database.collections} naming the aux collection
 * @param objectIdField the alert field with the object id ({@code objectId}, WINTER {@code objectid})
 * @param instrumentName the SkyPortal instrument name ({@code ZTF}, {@code PGIR}, {@code WINTER}, {@code TURBO})
 * @param filterNamesByFid the SkyPortal filter name of each {@code fid}; a fid not listed drops the row
 * @param filterNameForEveryRow the filter name of every row when the survey has no {@code fid}, or {@code null}
 * @param fidIsFilterName whether the filter name is the fid itself, as text
 * @param droppedFilterNames filter names whose rows are never posted (WINTER's {@code dark})
 * @param zeroPointMag the AB zero point of alert fluxes: 23.9 gives fluxes in microjansky
 * @param streamNamesByProgramId the SkyPortal stream name of each {@code programid}, when streams follow
 *     program ids (ZTF); empty otherwise
 * @param streamNameKeywords when streams do not follow program ids: the survey's stream is the last
 *     SkyPortal stream whose name contains one of these
 * @param streamKeywordsIgnoreCase whether {@code streamNameKeywords} match the lower-cased stream name
 * @param forcedPhotometry whether alerts carry forced photometry ({@code fp_hists}) to post
 * @param packetHistoryDays how far back, in days before the alert, the previous detections of an object
 *     already in SkyPortal are posted again with each alert (the span of an alert packet's history),
 *     or {@code null} for the object's whole history
 * @param cutoutFields the alert field of each thumbnail type: {@code new}, {@code ref}, {@code sub}
 * @param cutoutInStampData whether a cutout field is {@code {fileName, stampData}} (ZTF) rather than bytes
 * @param cutoutOrientation how cutouts are turned before they are drawn, in thumbnails and by the API
 * @param thumbnailScaling how thumbnail grey levels are chosen
 */
public record SurveyProfile(
        String survey,
        String alertsCollectionKey,
        String auxCollectionKey,
        String objectIdField,
        String instrumentName,
        Map<Integer, String> filterNamesByFid,
        String filterNameForEveryRow,
        boolean fidIsFilterName,
        Set<String> droppedFilterNames,
        double zeroPointMag,
        Map<Integer, String> streamNamesByProgramId,
        List<String> streamNameKeywords,
        boolean streamKeywordsIgnoreCase,
        boolean forcedPhotometry,
        Double packetHistoryDays,
        Map<String, String> cutoutFields,
        boolean cutoutInStampData,
        CutoutOrientation.Turn cutoutOrientation,
        ThumbnailScaling thumbnailScaling) {

    /** AB magnitude of 1 microjansky, the zero point of the fluxes posted for alert photometry. */
    public static final double MICROJANSKY_ZERO_POINT_MAG = 23.9;

    /** The mapping of thumbnail pixel values to grey levels. */
    public enum ThumbnailScaling {
        /** Min-max normalisation, log stretch (linear for the difference), 1st percentile to maximum. */
        PERCENTILE,
        /** Sigma-clipped median and standard deviation: median - 4 sigma to median + 5 sigma. */
        SIGMA_CLIPPED
    }

    private static final Map<String, String> CAMEL_CASE_CUTOUTS =
            Map.of("new", "cutoutScience", "ref", "cutoutTemplate", "sub", "cutoutDifference");

    /** ZTF: streams by program id, ztfg/ztfr/ztfi, forced photometry, cutouts as {@code {stampData}}. */
    public static final SurveyProfile ZTF = new SurveyProfile(
            "ZTF",
            "alerts_ztf",
            "alerts_ztf_aux",
            "objectId",
            "ZTF",
            Map.of(1, "ztfg", 2, "ztfr", 3, "ztfi"),
            null,
            false,
            Set.of(),
            MICROJANSKY_ZERO_POINT_MAG,
            Map.of(
                    0, "ZTF Public+Partnership+Caltech",
                    1, "ZTF Public",
                    2, "ZTF Public+Partnership",
                    3, "ZTF Public+Partnership+Caltech"),
            List.of(),
            false,
            true,
            30.0,
            CAMEL_CASE_CUTOUTS,
            true,
            CutoutOrientation.Turn.FLIP_UP_DOWN,
            ThumbnailScaling.PERCENTILE);

    /** Palomar Gattini-IR: no fid, so every row is J band ({@code cspjs}); one stream named with "PGIR". */
    public static final SurveyProfile PGIR = new SurveyProfile(
            "PGIR",
            "alerts_pgir",
            "alerts_pgir_aux",
            "objectId",
            "PGIR",
            Map.of(),
            "cspjs",
            false,
            Set.of(),
            MICROJANSKY_ZERO_POINT_MAG,
            Map.of(),
            List.of("PGIR"),
            false,
            false,
            null,
            CAMEL_CASE_CUTOUTS,
            false,
            CutoutOrientation.Turn.FLIP_LEFT_RIGHT_ROTATE_270,
            ThumbnailScaling.PERCENTILE);

    /** WINTER: {@code objectid}, Y/J/H bands with dark frames dropped, snake-case cutout fields. */
    public static final SurveyProfile WNTR = new SurveyProfile(
            "WNTR",
            "alerts_wntr",
            "alerts_wntr_aux",
            "objectid",
            "WINTER",
            Map.of(1, "ps1::y", 2, "2massj", 3, "2massh", 4, "dark"),
            null,
            false,
            Set.of("dark"),
            MICROJANSKY_ZERO_POINT_MAG,
            Map.of(),
            List.of("wntr", "winter"),
            true,
            false,
            null,
            Map.of("new", "cutout_science", "ref", "cutout_template", "sub", "cutout_difference"),
            false,
            CutoutOrientation.Turn.NONE,
            ThumbnailScaling.SIGMA_CLIPPED);

    /** TURBO: the fid is the filter name; one stream named with "TURBO". */
    public static final SurveyProfile TURBO = new SurveyProfile(
            "TURBO",
            "alerts_turbo",
            "alerts_turbo_aux",
            "objectId",
            "TURBO",
            Map.of(),
            null,
            true,
            Set.of(),
            MICROJANSKY_ZERO_POINT_MAG,
            Map.of(),
            List.of("TURBO"),
            false,
            false,
            null,
            CAMEL_CASE_CUTOUTS,
            false,
            CutoutOrientation.Turn.NONE,
            ThumbnailScaling.PERCENTILE);

    /** Returns the profile of a survey code, in any case. */
    public static SurveyProfile of(String survey) {
        return switch (survey.toUpperCase(Locale.ROOT)) {
            case "ZTF" -> ZTF;
            case "PGIR" -> PGIR;
            case "WNTR", "WINTER" -> WNTR;
            case "TURBO" -> TURBO;
            default ->
                throw new IllegalArgumentException(
                        "Unknown survey '" + survey + "': expected one of ZTF, PGIR, WNTR, TURBO");
        };
    }

    /**
     * Returns the SkyPortal filter name of a photometry row with this {@code fid}, or {@code null} when
     * the row is not posted (an unknown fid, or a dropped filter such as WINTER's dark frames).
     */
    public String filterName(Object fid) {
        String name;
        if (filterNameForEveryRow != null) {
            name = filterNameForEveryRow;
        } else if (fidIsFilterName) {
            name = fid == null ? null : fidText(fid);
        } else {
            name = fid instanceof Number number ? filterNamesByFid.get(number.intValue()) : null;
        }
        return name == null || droppedFilterNames.contains(name) ? null : name;
    }

    /**
     * Returns the stored bytes of an alert's cutout of a thumbnail type, or {@code null} when the alert has
     * none.
     *
     * @param type {@code new} (science), {@code ref} (template) or {@code sub} (difference)
     */
    public byte[] cutoutBytes(Document alert, String type) {
        Object value = alert.get(cutoutFields.get(type));
        if (cutoutInStampData && value instanceof Document stamp) {
            value = stamp.get("stampData");
        }
        if (value instanceof Binary binary) {
            return binary.getData();
        }
        return value instanceof byte[] bytes ? bytes : null;
    }

    private static String fidText(Object fid) {
        if (fid instanceof Double || fid instanceof Float) {
            double value = ((Number) fid).doubleValue();
            return value == Math.rint(value) ? String.format(Locale.ROOT, "%.1f", value) : Double.toString(value);
        }
        return String.valueOf(fid);
    }
}
