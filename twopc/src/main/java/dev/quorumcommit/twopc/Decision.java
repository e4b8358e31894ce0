package dev.quorumcommit.twopc;

/** The outcome of a transaction, written once under its decision key: the first writer wins. */
public enum Decision {
    COMMIT,
    ABORT
}
