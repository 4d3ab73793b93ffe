package org.kowalski.api.query;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;

/**
 * Reads the Python literals that the original evaluated with {@code ast.literal_eval} in
 * {@code filter}, {@code projection}, {@code pipeline} and {@code radec} strings: dicts (as
 * {@link Document}), lists, tuples ({@link PythonTuple}), strings in single or double quotes (with
 * escapes, {@code r} prefixes and implicit concatenation), integers (decimal, {@code 0x}, {@code 0o},
 * {@code 0b}, underscores), floats, {@code True}, {@code False}, {@code None} and unary signs. JSON's
 * {@code true}, {@code false} and {@code null} are names in Python and so are rejected, as there. Sets,
 * bytes and complex numbers are not supported.
 */
final class PythonLiteral {

    private final String text;
    private int position;

    private PythonLiteral(String text) {
        this.text = text;
    }

    /**
     * Evaluates a literal.
     *
     * @throws InvalidLiteralException naming the position and the problem
     */
    static Object evaluate(String text) {
        PythonLiteral reader = new PythonLiteral(text);
        reader.skipSpace();
        Object value = reader.readValue();
        reader.skipSpace();
        if (reader.position < text.length()) {
            throw reader.error("unexpected text after the value");
        }
        return value;
    }

    /** A string that is not a valid Python literal. */
    static final class InvalidLiteralException extends RuntimeException {
        InvalidLiteralException(String message) {
            super(message);
        }
    }

    private Object readValue() {
        if (position >= text.length()) {
            throw error("the text ends where a value is expected");
        }
        char c = text.charAt(position);
        if (c == '{') {
            return readDict();
        }
        if (c == '[') {
            return readSequence('[', ']');
        }
        if (c == '(') {
            return readParenthesized();
        }
        if (c == '+' || c == '-') {
            position++;
            skipSpace();
            Object operand = readValue();
            return c == '-' ? negate(operand) : plus(operand);
        }
        if (c == '"' || c == '\'' || isStringPrefix()) {
            return readStrings();
        }
        if (Character.isDigit(c) || c == '.') {
            return readNumber();
        }
        if (Character.isLetter(c) || c == '_') {
            return readName();
        }
        throw error("unexpected character '" + c + "'");
    }

    private Document readDict() {
        position++;
        Document dict = new Document();
        skipSpace();
        while (!consume('}')) {
            Object key = readValue();
            skipSpace();
            if (!consume(':')) {
                throw error("expected ':' after a dict key");
            }
            skipSpace();
            Object value = readValue();
            if (!(key instanceof String name)) {
                throw error("dict keys must be strings, got " + key);
            }
            dict.put(name, value);
            skipSpace();
            if (!consume(',')) {
                skipSpace();
                if (!consume('}')) {
                    throw error("expected ',' or '}' in a dict");
                }
                break;
            }
            skipSpace();
        }
        return dict;
    }

    private List<Object> readSequence(char open, char close) {
        position++;
        List<Object> items = new ArrayList<>();
        skipSpace();
        while (!consume(close)) {
            items.add(readValue());
            skipSpace();
            if (!consume(',')) {
                skipSpace();
                if (!consume(close)) {
                    throw error("expected ',' or '" + close + "'");
                }
                break;
            }
            skipSpace();
        }
        return items;
    }

    /** Reads {@code (x)} as x, and {@code ()}, {@code (x,)} and {@code (x, y)} as tuples. */
    private Object readParenthesized() {
        int start = position;
        position++;
        skipSpace();
        if (consume(')')) {
            return new PythonTuple(List.of());
        }
        Object first = readValue();
        skipSpace();
        if (consume(')')) {
            return first;
        }
        position = start;
        return new PythonTuple(readSequence('(', ')'));
    }

    private boolean isStringPrefix() {
        int i = position;
        while (i < text.length() && i - position < 2 && "rRuU".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        return i > position && i < text.length() && (text.charAt(i) == '\'' || text.charAt(i) == '"');
    }

    /** Reads one or more adjacent string literals, which Python concatenates. */
    private String readStrings() {
        StringBuilder out = new StringBuilder();
        do {
            out.append(readString());
            skipSpace();
        } while (position < text.length()
                && (text.charAt(position) == '"' || text.charAt(position) == '\'' || isStringPrefix()));
        return out.toString();
    }

    private String readString() {
        boolean raw = false;
        while ("rRuU".indexOf(text.charAt(position)) >= 0) {
            raw |= Character.toLowerCase(text.charAt(position)) == 'r';
            position++;
        }
        char quote = text.charAt(position);
        boolean triple = text.startsWith(String.valueOf(quote).repeat(3), position);
        String terminator = triple ? String.valueOf(quote).repeat(3) : String.valueOf(quote);
        position += terminator.length();
        StringBuilder out = new StringBuilder();
        while (true) {
            if (position >= text.length()) {
                throw error("unterminated string");
            }
            if (text.startsWith(terminator, position)) {
                position += terminator.length();
                return out.toString();
            }
            char c = text.charAt(position++);
            if (c == '\n' && !triple) {
                throw error("line break inside a string");
            }
            if (c != '\\') {
                out.append(c);
            } else if (raw) {
                out.append(c);
                if (position < text.length()) {
                    out.append(text.charAt(position++));
                }
            } else {
                readEscape(out);
            }
        }
    }

    private void readEscape(StringBuilder out) {
        if (position >= text.length()) {
            throw error("unterminated string");
        }
        char c = text.charAt(position++);
        switch (c) {
            case '\n' -> {
                // A backslash before a line break joins the lines.
            }
            case '\\', '\'', '"' -> out.append(c);
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case 'r' -> out.append('\r');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'v' -> out.append('\u000b');
            case 'a' -> out.append('\u0007');
            case 'x' -> out.appendCodePoint(readHex(2));
            case 'u' -> out.appendCodePoint(readHex(4));
            case 'U' -> out.appendCodePoint(readHex(8));
            default -> {
                if (c >= '0' && c <= '7') {
                    int value = c - '0';
                    for (int i = 0; i < 2 && position < text.length(); i++) {
                        char digit = text.charAt(position);
                        if (digit < '0' || digit > '7') {
                            break;
                        }
                        value = value * 8 + (digit - '0');
                        position++;
                    }
                    out.appendCodePoint(value);
                } else {
                    // Python keeps unknown escapes as they are.
                    out.append('\\').append(c);
                }
            }
        }
    }

    private int readHex(int digits) {
        if (position + digits > text.length()) {
            throw error("truncated escape");
        }
        try {
            int value = Integer.parseUnsignedInt(text.substring(position, position + digits), 16);
            position += digits;
            return value;
        } catch (NumberFormatException e) {
            throw error("invalid escape");
        }
    }

    private Object readNumber() {
        int start = position;
        while (position < text.length()) {
            char c = text.charAt(position);
            boolean exponentSign = (c == '+' || c == '-')
                    && position > start
                    && "eE".indexOf(text.charAt(position - 1)) >= 0
                    && !text.substring(start, position).toLowerCase().startsWith("0x");
            if (Character.isLetterOrDigit(c) || c == '.' || c == '_' || exponentSign) {
                position++;
            } else {
                break;
            }
        }
        String token = text.substring(start, position).replace("_", "");
        String lower = token.toLowerCase();
        try {
            if (lower.startsWith("0x")) {
                return integer(new BigInteger(token.substring(2), 16));
            }
            if (lower.startsWith("0o")) {
                return integer(new BigInteger(token.substring(2), 8));
            }
            if (lower.startsWith("0b")) {
                return integer(new BigInteger(token.substring(2), 2));
            }
            if (lower.endsWith("j")) {
                throw error("complex numbers are not supported");
            }
            if (lower.contains(".") || lower.contains("e")) {
                if (!lower.matches("(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
                    throw error("invalid number '" + token + "'");
                }
                return Double.parseDouble(token);
            }
            if (token.length() > 1 && token.startsWith("0") && !token.matches("0+")) {
                throw error("leading zeros in a decimal integer");
            }
            return integer(new BigInteger(token));
        } catch (NumberFormatException e) {
            throw error("invalid number '" + token + "'");
        }
    }

    private Object integer(BigInteger value) {
        if (value.bitLength() < 32) {
            return value.intValue();
        }
        if (value.bitLength() < 64) {
            return value.longValue();
        }
        throw error("the integer " + value + " does not fit in 64 bits");
    }

    private Object readName() {
        int start = position;
        while (position < text.length()
                && (Character.isLetterOrDigit(text.charAt(position)) || text.charAt(position) == '_')) {
            position++;
        }
        String name = text.substring(start, position);
        return switch (name) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> null;
            default ->
                throw error("the name '" + name + "' is not a literal (Python writes True, False and"
                        + " None, and strings need quotes)");
        };
    }

    private Object negate(Object operand) {
        if (operand instanceof Integer value) {
            if (value == Integer.MIN_VALUE) {
                return -(long) value;
            }
            return -value;
        }
        if (operand instanceof Long value) {
            if (value == Long.MIN_VALUE) {
                throw error("the integer does not fit in 64 bits");
            }
            if (value == -(long) Integer.MIN_VALUE) {
                return Integer.MIN_VALUE;
            }
            return -value;
        }
        if (operand instanceof Double value) {
            return -value;
        }
        if (operand instanceof Boolean value) {
            return value ? -1 : 0;
        }
        throw error("'-' applies to numbers only");
    }

    private Object plus(Object operand) {
        if (operand instanceof Number) {
            return operand;
        }
        if (operand instanceof Boolean value) {
            return value ? 1 : 0;
        }
        throw error("'+' applies to numbers only");
    }

    private boolean consume(char c) {
        if (position < text.length() && text.charAt(position) == c) {
            position++;
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private InvalidLiteralException error(String problem) {
        return new InvalidLiteralException("malformed Python literal at character " + position + ": " + problem);
    }
}
