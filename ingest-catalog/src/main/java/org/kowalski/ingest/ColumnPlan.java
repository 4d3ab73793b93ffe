package org.kowalski.ingest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The RA, Dec and id columns of one file, and the field name that each column is stored under.
 *
 * <p>Without {@code --ra_col}/{@code --dec_col} the first column named {@code ra} or {@code objra}
 * (any case) is RA and the first named {@code dec} or {@code objdec} is Dec, as in the original
 * ingester. Field names are the column names, except that a dot becomes {@code _} and a leading
 * {@code $} is removed (MongoDB reserves both in field paths), an empty name becomes
 * {@code column_<n>}, and columns named {@code _id} or {@code coordinates}, which the ingester sets
 * itself, are stored as {@code _id_catalog} and {@code coordinates_catalog}.
 */
final class ColumnPlan {

    private static final Set<String> RA_NAMES = Set.of("ra", "objra");
    private static final Set<String> DEC_NAMES = Set.of("dec", "objdec");
    private static final int MAX_LISTED_COLUMNS = 30;

    private final String raColumn;
    private final String decColumn;
    private final String idColumn;
    private final Map<String, String> fieldNames;

    private ColumnPlan(String raColumn, String decColumn, String idColumn, Map<String, String> fieldNames) {
        this.raColumn = raColumn;
        this.decColumn = decColumn;
        this.idColumn = idColumn;
        this.fieldNames = fieldNames;
    }

    /**
     * Resolves the columns of a file.
     *
     * @throws IllegalArgumentException naming the missing column, the columns the file has, and the
     *     option to pass
     */
    static ColumnPlan resolve(List<String> columns, IngestSettings settings, String fileName) {
        String idColumn = settings.idColumn();
        if (idColumn != null && !columns.contains(idColumn)) {
            throw new IllegalArgumentException("Provided ID column " + idColumn + " not found in " + fileName
                    + "; its columns are " + listed(columns) + ". Fix --id_col");
        }
        String raColumn;
        String decColumn;
        if (settings.positionSource() != null) {
            // Positions come from another collection and are written to these fields.
            raColumn = settings.raColumn() == null ? "ra" : settings.raColumn();
            decColumn = settings.decColumn() == null ? "dec" : settings.decColumn();
        } else {
            raColumn = findColumn(columns, settings.raColumn(), RA_NAMES, "RA", "--ra_col", fileName);
            decColumn = findColumn(columns, settings.decColumn(), DEC_NAMES, "Dec", "--dec_col", fileName);
        }
        return new ColumnPlan(raColumn, decColumn, idColumn, fieldNames(columns, idColumn));
    }

    private static String findColumn(
            List<String> columns, String given, Set<String> defaults, String what, String option, String fileName) {
        if (given != null) {
            if (!columns.contains(given)) {
                throw new IllegalArgumentException("Provided " + what + " column " + given + " not found in " + fileName
                        + "; its columns are " + listed(columns) + ". Fix " + option);
            }
            return given;
        }
        for (String column : columns) {
            if (defaults.contains(column.toLowerCase(Locale.ROOT))) {
                return column;
            }
        }
        throw new IllegalArgumentException("No " + what + " column found in " + fileName + ": no column is named "
                + String.join(" or ", defaults.stream().sorted().toList()) + " (any case); its columns are "
                + listed(columns) + ". Name the column with " + option + "=<column>");
    }

    private static String listed(List<String> columns) {
        if (columns.size() <= MAX_LISTED_COLUMNS) {
            return String.join(", ", columns);
        }
        return String.join(", ", columns.subList(0, MAX_LISTED_COLUMNS)) + " and "
                + (columns.size() - MAX_LISTED_COLUMNS) + " more";
    }

    private static Map<String, String> fieldNames(List<String> columns, String idColumn) {
        Map<String, String> names = new LinkedHashMap<>();
        Set<String> used = new HashSet<>(List.of("_id", "coordinates"));
        used.addAll(columns);
        for (int i = 0; i < columns.size(); i++) {
            String column = columns.get(i);
            if (column.equals(idColumn)) {
                continue;
            }
            String name = column.replace('.', '_');
            while (name.startsWith("$")) {
                name = name.substring(1);
            }
            if (name.isEmpty()) {
                name = "column_" + (i + 1);
            }
            if (name.equals("_id") || name.equals("coordinates")) {
                name = name + "_catalog";
            }
            if (!name.equals(column)) {
                String unique = name;
                for (int n = 2; used.contains(unique); n++) {
                    unique = name + "_" + n;
                }
                name = unique;
                used.add(name);
            }
            names.put(column, name);
        }
        return names;
    }

    String raColumn() {
        return raColumn;
    }

    String decColumn() {
        return decColumn;
    }

    /** Returns the id column, or {@code null} when ids are made from the file name and row number. */
    String idColumn() {
        return idColumn;
    }

    /** Returns the stored field name of each column except the id column, in column order. */
    Map<String, String> fieldNames() {
        return fieldNames;
    }

    /** Returns the columns whose stored name differs from the column name, as "column -> field". */
    List<String> renamedColumns() {
        List<String> renamed = new ArrayList<>();
        fieldNames.forEach((column, field) -> {
            if (!column.equals(field)) {
                renamed.add(column + " -> " + field);
            }
        });
        return renamed;
    }
}
