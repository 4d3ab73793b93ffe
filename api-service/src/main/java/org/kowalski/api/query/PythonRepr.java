package org.kowalski.api.query;

import java.util.List;
import java.util.Map;
import org.kowalski.api.web.PythonFloats;

/**
 * Formats values as CPython's {@code str()} and {@code repr()} do, for the object names of sky queries:
 * the original named each position of an array {@code radec} by {@code str(pair)}, such as
 * {@code [71.6577756, -10.2263957]}, {@code (10, 20)} or {@code ['04:46:37.866', '-10:13:34.90']}.
 */
final class PythonRepr {

    private PythonRepr() {}

    /** Returns {@code str(value)}: strings as they are, everything else as {@link #repr(Object)}. */
    static String str(Object value) {
        return value instanceof String text ? text : repr(value);
    }

    /** Returns {@code repr(value)} for literal values: numbers, strings, booleans, None, lists, tuples, dicts. */
    static String repr(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value);
        return out.toString();
    }

    private static void append(StringBuilder out, Object value) {
        if (value == null) {
            out.append("None");
        } else if (value instanceof Boolean flag) {
            out.append(flag ? "True" : "False");
        } else if (value instanceof Double || value instanceof Float) {
            out.append(PythonFloats.repr(((Number) value).doubleValue()));
        } else if (value instanceof Number) {
            out.append(value);
        } else if (value instanceof String text) {
            appendString(out, text);
        } else if (value instanceof PythonTuple tuple) {
            out.append('(');
            appendItems(out, tuple);
            if (tuple.size() == 1) {
                out.append(',');
            }
            out.append(')');
        } else if (value instanceof List<?> list) {
            out.append('[');
            appendItems(out, list);
            out.append(']');
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                append(out, entry.getKey());
                out.append(": ");
                append(out, entry.getValue());
            }
            out.append('}');
        } else {
            out.append(value);
        }
    }

    private static void appendItems(StringBuilder out, List<?> items) {
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            append(out, items.get(i));
        }
    }

    /** Appends a string in single quotes, or double quotes when it contains ' and no ", as Python does. */
    private static void appendString(StringBuilder out, String text) {
        char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == quote || c == '\\') {
                out.append('\\').appendCodePoint(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else if (c >= 0x80 && !isPrintable(c)) {
                out.append(
                        c <= 0xff
                                ? String.format("\\x%02x", c)
                                : c <= 0xffff ? String.format("\\u%04x", c) : String.format("\\U%08x", c));
            } else {
                out.appendCodePoint(c);
            }
        }
        out.append(quote);
    }

    /** Approximates Python's {@code str.isprintable} for non-ASCII code points. */
    private static boolean isPrintable(int codePoint) {
        int type = Character.getType(codePoint);
        return type != Character.CONTROL
                && type != Character.FORMAT
                && type != Character.SURROGATE
                && type != Character.PRIVATE_USE
                && type != Character.UNASSIGNED
                && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR
                && !(type == Character.SPACE_SEPARATOR && codePoint != ' ');
    }
}
