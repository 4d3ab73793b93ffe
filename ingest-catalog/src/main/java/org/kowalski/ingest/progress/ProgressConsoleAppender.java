package org.kowalski.ingest.progress;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.PrintStream;

/** A console appender that prints log lines above the progress bar instead of through it. */
public final class ProgressConsoleAppender extends AppenderBase<ILoggingEvent> {

    private Encoder<ILoggingEvent> encoder;

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("No encoder set for the appender named " + name);
            return;
        }
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        PrintStream stream = System.out;
        TerminalLine.printAbove(stream, encoder.encode(event));
    }
}
