package dev.quorumcommit.order.transaction;

/** Something besides the coordinator that recovery must resolve periodically: the order participant. */
public interface Recoverable {

    /** @return how many transactions this pass resolved */
    int recover();
}
