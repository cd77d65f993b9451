package io.selfbalance.config;

import java.util.Set;

/**
 * One configuration problem before formatting.
 *
 * @param key      the key (or environment variable) the message is about
 * @param value    the offending value as written, or null when the key is missing
 * @param message  what is wrong and what is allowed
 * @param involves every key the verdict depends on; a cross-field verdict is dropped when one of them
 *                 already has its own problem, so one typo does not produce a cascade of follow-ups
 */
record Problem(String key, String value, String message, Set<String> involves) {

    static Problem of(String key, String value, String message) {
        return new Problem(key, value, message, Set.of(key));
    }

    String format() {
        return value == null ? key + ": " + message : key + "=" + value + ": " + message;
    }
}
