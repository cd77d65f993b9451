package io.selfbalance.ops;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A real SLF4J {@link org.slf4j.Logger} that keeps every formatted line with its level, for exact-format asserts. */
final class RecordingLogger extends AbstractLogger {
    record Line(Level level, String message, Throwable error) {
    }

    private final List<Line> lines = new ArrayList<>();

    RecordingLogger(String name) {
        this.name = name;
    }

    synchronized List<Line> lines() {
        return List.copyOf(lines);
    }

    synchronized List<String> messages() {
        return lines.stream().map(Line::message).toList();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected synchronized void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                                            Throwable t) {
        lines.add(new Line(level, MessageFormatter.basicArrayFormat(pattern, args), t));
    }

    @Override public boolean isTraceEnabled() { return true; }
    @Override public boolean isTraceEnabled(Marker m) { return true; }
    @Override public boolean isDebugEnabled() { return true; }
    @Override public boolean isDebugEnabled(Marker m) { return true; }
    @Override public boolean isInfoEnabled() { return true; }
    @Override public boolean isInfoEnabled(Marker m) { return true; }
    @Override public boolean isWarnEnabled() { return true; }
    @Override public boolean isWarnEnabled(Marker m) { return true; }
    @Override public boolean isErrorEnabled() { return true; }
    @Override public boolean isErrorEnabled(Marker m) { return true; }
}
