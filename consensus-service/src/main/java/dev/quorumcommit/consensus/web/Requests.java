package dev.quorumcommit.consensus.web;

/** Names and shapes the routes share. */
public final class Requests {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /** The contract's keys: 1 to 256 letters, digits and {@code ._-:}. */
    public static final String KEY_PATTERN = "[A-Za-z0-9._:-]{1,256}";
    public static final String KEY_RULE = "must be 1 to 256 characters of letters, digits and . _ - :";

    /** Idempotency keys: 1 to 256 visible ASCII characters. */
    public static final String IDEMPOTENCY_KEY_PATTERN = "[\\x21-\\x7E]{1,256}";
    public static final String IDEMPOTENCY_KEY_RULE = "must be 1 to 256 visible ASCII characters";

    private Requests() {
    }
}
