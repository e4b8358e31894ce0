package dev.quorumcommit.twopc;

/** A participant's answer to prepare: YES means it has durably reserved what it needs. */
public enum Vote {
    YES,
    NO
}
