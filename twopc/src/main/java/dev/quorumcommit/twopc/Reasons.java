package dev.quorumcommit.twopc;

/**
 * Reasons (a NO vote's, an abort's, a rejected order's) as the services keep them: in columns of 500 characters
 * (their Flyway schemas), cut to fit rather than refused, since a reason is for a person to read.
 */
public final class Reasons {

    public static final int MAX_LENGTH = 500;

    private Reasons() {
    }

    /** The reason cut to {@link #MAX_LENGTH} characters; null stays null. */
    public static String fit(String reason) {
        return reason == null ? null : reason.substring(0, Math.min(MAX_LENGTH, reason.length()));
    }
}
