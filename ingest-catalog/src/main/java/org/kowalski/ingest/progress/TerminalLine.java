package org.kowalski.ingest.progress;

import java.io.PrintStream;

/**
 * The bottom line of the terminal while a progress bar is shown. Log output goes through
 * {@link #printAbove}, which clears the bar, prints, and draws the bar again below, so log lines and
 * the bar never overwrite each other.
 */
public final class TerminalLine {

    private static final String CLEAR_LINE = "\r\u001b[2K";

    private static PrintStream out;
    private static String current = "";

    private TerminalLine() {}

    /** Starts drawing on {@code stream}. */
    static synchronized void attach(PrintStream stream) {
        out = stream;
        current = "";
    }

    /** Replaces the bar text. */
    static synchronized void draw(String line) {
        if (out == null) {
            return;
        }
        current = line;
        out.print(CLEAR_LINE + line);
        out.flush();
    }

    /** Clears the bar and stops drawing, leaving the cursor at the start of an empty line. */
    static synchronized void detach() {
        if (out != null) {
            out.print(CLEAR_LINE);
            out.flush();
        }
        out = null;
        current = "";
    }

    /** Writes log output above the bar; the output is written as is when no bar is shown. */
    public static synchronized void printAbove(PrintStream stream, byte[] bytes) {
        if (out == null) {
            stream.write(bytes, 0, bytes.length);
            stream.flush();
            return;
        }
        out.print(CLEAR_LINE);
        out.flush();
        stream.write(bytes, 0, bytes.length);
        stream.flush();
        out.print(current);
        out.flush();
    }
}
