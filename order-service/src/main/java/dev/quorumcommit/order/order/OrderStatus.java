package dev.quorumcommit.order.order;

public enum OrderStatus {
    /** Its transaction is undecided, or decided and not yet applied here. */
    PENDING,
    /** The stock was taken and the decision says COMMIT. */
    CONFIRMED,
    REJECTED
}
