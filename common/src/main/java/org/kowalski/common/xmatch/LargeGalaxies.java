package org.kowalski.common.xmatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bson.Document;

/**
 * M31 and M33, whose disks extend far beyond any coarse cone around their centres, so a transient in
 * their outskirts would never find them in a galaxy catalog. As in the Python original, their CLU
 * records are added to the candidates of every distance-based catalog and matched against their
 * elliptical outlines.
 *
 * <p>Deliberate choices against the original: a record is added only when the catalog's cone did not
 * already return a record with the same {@code _id}, so M31 is never listed twice (that record is then
 * matched against the outline too). The records keep their CLU shape in every catalog, NED included,
 * because filters may already read them there.
 */
final class LargeGalaxies {

    /** An elliptical outline: semi-major axis in degrees, minor to major axis ratio, position angle in degrees. */
    record Outline(double semiMajorDeg, double axisRatio, double positionAngleDeg) {}

    static final long M31_ID = 596900L;
    static final long M33_ID = 597543L;

    private static final Outline M31_OUTLINE = new Outline(1.624875, 0.331283, 35);
    private static final Outline M33_OUTLINE = new Outline(0.603694, 0.602964, 23);

    private LargeGalaxies() {}

    /** Returns the outline of M31 or M33 for their CLU {@code _id}, or {@code null} for any other galaxy. */
    static Outline outline(Object id) {
        if (!(id instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
            return null;
        }
        long value = number.longValue();
        if (value == M31_ID) {
            return M31_OUTLINE;
        }
        if (value == M33_ID) {
            return M33_OUTLINE;
        }
        return null;
    }

    /**
     * Returns fresh copies of the M31 and M33 records that {@code candidates} lacks, with the catalog's
     * distance field set to their redshift or distance in megaparsecs.
     */
    static List<Document> missingFrom(List<Document> candidates, String distanceField, DistanceMethod method) {
        List<Document> missing = new ArrayList<>();
        for (Document record : List.of(m31(), m33())) {
            boolean present = candidates.stream()
                    .anyMatch(candidate -> Objects.equals(outline(candidate.get("_id")), outline(record.get("_id"))));
            if (present) {
                continue;
            }
            Object distance = method == DistanceMethod.REDSHIFT ? record.get("z") : record.get("DistMpc");
            record.put(distanceField, distance);
            missing.add(record);
        }
        return missing;
    }

    /** Returns a new copy of M31's CLU record, with the values the original hard-codes. */
    static Document m31() {
        return new Document("_id", (int) M31_ID)
                .append("name", "PGC2557")
                .append("ra", 10.6847)
                .append("dec", 41.26901)
                .append("a", 6.35156)
                .append("b2a", 0.32)
                .append("pa", 35.0)
                .append("z", -0.00100100006)
                .append("DistMpc", 0.778)
                .append("sfr_fuv", null)
                .append("mstar", 253816876.412914)
                .append("sfr_ha", 0)
                .append("coordinates", new Document("radec_str", Arrays.asList("00:42:44.3503", "41:16:08.634")));
    }

    /** Returns a new copy of M33's CLU record, with the values the original hard-codes. */
    static Document m33() {
        return new Document("_id", (int) M33_ID)
                .append("name", "PGC5818")
                .append("ra", 23.46204)
                .append("dec", 30.66022)
                .append("a", 2.35983)
                .append("b2a", 0.59)
                .append("pa", 23.0)
                .append("z", -0.000597000006)
                .append("DistMpc", 0.869)
                .append("sfr_fuv", null)
                .append("mstar", 4502777.420493)
                .append("sfr_ha", 0)
                .append("coordinates", new Document("radec_str", Arrays.asList("01:33:50.8900", "30:39:36.800")));
    }
}
