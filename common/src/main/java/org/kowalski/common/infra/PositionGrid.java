package org.kowalski.common.infra;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory index of the stored positions of one collection: declination zones of {@value #CELL_DEG}
 * degrees, each cut into right-ascension cells about as wide as they are high, that map to the entries
 * (store key, longitude, latitude) inside them.
 *
 * <p>Documents whose position field exists but is not a numeric pair within [-180, 180] × [-90, 90]
 * are kept as irregular keys and returned with every candidate list, so that the store's matcher
 * decides for them. Documents without a {@code coordinates} field are not kept at all.
 *
 * <p>Not thread-safe: the owning collection calls it under its own lock.
 */
final class PositionGrid {

    /** Height of a declination zone and approximate width of a cell, in degrees. */
    static final double CELL_DEG = 0.5;

    private static final int ZONE_COUNT = (int) Math.round(180 / CELL_DEG);
    private static final long ZONE_STRIDE = 1L << 20;

    /**
     * Widening of every query bound in degrees. It exceeds the rounding of a stored long or Decimal128
     * to a double (under 1e-13 degrees within [-180, 180]), which could otherwise lose a match.
     */
    private static final double MARGIN_DEG = 1e-9;

    private static final int[] CELLS_PER_ZONE = cellsPerZone();

    private final Map<Object, Entry> entriesByKey = new HashMap<>();
    private final Map<Long, List<Entry>> entriesByCell = new HashMap<>();
    private final Set<Object> irregularKeys = new HashSet<>();

    private record Entry(Object key, double lonDeg, double latDeg, long cell) {}

    /** Adds or replaces the position of the document stored under {@code key}. */
    void put(Object key, Map<String, Object> document) {
        remove(key);
        Object coordinates = document.get("coordinates");
        if (coordinates == null && !document.containsKey("coordinates")) {
            return;
        }
        double[] lonLat = regularPosition(coordinates);
        if (lonLat == null) {
            irregularKeys.add(key);
            return;
        }
        Entry entry = new Entry(key, lonLat[0], lonLat[1], cellOf(lonLat[0], lonLat[1]));
        entriesByKey.put(key, entry);
        entriesByCell.computeIfAbsent(entry.cell(), cell -> new ArrayList<>(2)).add(entry);
    }

    /** Removes the position of the document stored under {@code key}, if the index has one. */
    void remove(Object key) {
        irregularKeys.remove(key);
        Entry entry = entriesByKey.remove(key);
        if (entry == null) {
            return;
        }
        List<Entry> cell = entriesByCell.get(entry.cell());
        cell.remove(entry);
        if (cell.isEmpty()) {
            entriesByCell.remove(entry.cell());
        }
    }

    /** Returns the number of documents with a regular position. */
    int regularCount() {
        return entriesByKey.size();
    }

    /** Returns the number of documents with an irregular position. */
    int irregularCount() {
        return irregularKeys.size();
    }

    /**
     * Returns the keys of the documents whose position lies in one of the rectangles (each widened by
     * {@value #MARGIN_DEG} degrees) and of all documents with an irregular position, without duplicates
     * and in no particular order; or {@code null} when the rectangles span more than {@code maxCells}
     * cells, for which a scan of the collection is cheaper.
     */
    List<Object> candidates(List<SkyRectangle> rectangles, long maxCells) {
        List<SkyRectangle> clamped = new ArrayList<>();
        long cellCount = 0;
        for (SkyRectangle rectangle : rectangles) {
            SkyRectangle widened = new SkyRectangle(
                    Math.max(-180, rectangle.lonMinDeg() - MARGIN_DEG),
                    Math.min(180, rectangle.lonMaxDeg() + MARGIN_DEG),
                    Math.max(-90, rectangle.latMinDeg() - MARGIN_DEG),
                    Math.min(90, rectangle.latMaxDeg() + MARGIN_DEG));
            if (widened.isEmpty()) {
                continue;
            }
            clamped.add(widened);
            cellCount += countCells(widened);
            if (cellCount > maxCells) {
                return null;
            }
        }

        Set<Object> keys = new HashSet<>(irregularKeys);
        for (SkyRectangle rectangle : clamped) {
            collect(rectangle, keys);
        }
        return new ArrayList<>(keys);
    }

    private void collect(SkyRectangle rectangle, Set<Object> keys) {
        int lastZone = zoneOf(rectangle.latMaxDeg());
        for (int zone = zoneOf(rectangle.latMinDeg()); zone <= lastZone; zone++) {
            int lastCell = cellInZone(zone, rectangle.lonMaxDeg());
            for (int cell = cellInZone(zone, rectangle.lonMinDeg()); cell <= lastCell; cell++) {
                List<Entry> entries = entriesByCell.get(zone * ZONE_STRIDE + cell);
                if (entries == null) {
                    continue;
                }
                for (Entry entry : entries) {
                    if (entry.latDeg() >= rectangle.latMinDeg()
                            && entry.latDeg() <= rectangle.latMaxDeg()
                            && entry.lonDeg() >= rectangle.lonMinDeg()
                            && entry.lonDeg() <= rectangle.lonMaxDeg()) {
                        keys.add(entry.key());
                    }
                }
            }
        }
    }

    private static long countCells(SkyRectangle rectangle) {
        long count = 0;
        int lastZone = zoneOf(rectangle.latMaxDeg());
        for (int zone = zoneOf(rectangle.latMinDeg()); zone <= lastZone; zone++) {
            count += cellInZone(zone, rectangle.lonMaxDeg()) - cellInZone(zone, rectangle.lonMinDeg()) + 1;
        }
        return count;
    }

    /**
     * Returns {@code [longitude, latitude]} when the value of {@code coordinates} contains a numeric pair
     * at {@code radec_geojson.coordinates} within the sky's ranges, else {@code null}.
     */
    private static double[] regularPosition(Object coordinates) {
        if (!(coordinates instanceof Map<?, ?> coordinatesMap)
                || !(coordinatesMap.get("radec_geojson") instanceof Map<?, ?> point)
                || !(point.get("coordinates") instanceof List<?> lonLat)
                || lonLat.size() < 2
                || !(lonLat.get(0) instanceof Number lon)
                || !(lonLat.get(1) instanceof Number lat)) {
            return null;
        }
        double lonDeg = lon.doubleValue();
        double latDeg = lat.doubleValue();
        // The negated comparisons also reject NaN.
        if (!(lonDeg >= -180 && lonDeg <= 180 && latDeg >= -90 && latDeg <= 90)) {
            return null;
        }
        return new double[] {lonDeg, latDeg};
    }

    private static long cellOf(double lonDeg, double latDeg) {
        int zone = zoneOf(latDeg);
        return zone * ZONE_STRIDE + cellInZone(zone, lonDeg);
    }

    private static int zoneOf(double latDeg) {
        int zone = (int) Math.floor((latDeg + 90) / CELL_DEG);
        return Math.min(Math.max(zone, 0), ZONE_COUNT - 1);
    }

    private static int cellInZone(int zone, double lonDeg) {
        int cells = CELLS_PER_ZONE[zone];
        int cell = (int) Math.floor((lonDeg + 180) / 360 * cells);
        return Math.min(Math.max(cell, 0), cells - 1);
    }

    /** Cells per zone, fewer towards the poles so that cells stay about {@value #CELL_DEG} degrees wide on the sky. */
    private static int[] cellsPerZone() {
        int[] cells = new int[ZONE_COUNT];
        for (int zone = 0; zone < ZONE_COUNT; zone++) {
            double lowDeg = -90 + zone * CELL_DEG;
            double widestLatDeg = Math.min(Math.abs(lowDeg), Math.abs(lowDeg + CELL_DEG));
            int count = (int) Math.floor(360 * Math.cos(Math.toRadians(widestLatDeg)) / CELL_DEG);
            cells[zone] = Math.max(1, count);
        }
        return cells;
    }
}
