package org.kowalski.api.query;

import java.util.ArrayList;
import java.util.Collection;

/**
 * A Python tuple read from a literal string, such as {@code "(71.65, -10.22)"}. It behaves as a list
 * but keeps the tuple form for object names, which use Python's {@code str()} of the pair.
 */
final class PythonTuple extends ArrayList<Object> {

    PythonTuple(Collection<?> items) {
        super(items);
    }
}
