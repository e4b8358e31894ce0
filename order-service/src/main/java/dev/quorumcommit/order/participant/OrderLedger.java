package dev.quorumcommit.order.participant;

import java.time.Instant;
import java.util.List;

/**
 * What the order participant needs from the orders, implemented in the order package: the
 * participant changes an order's status only through this, inside its own local transaction.
 */
public interface OrderLedger {

    boolean isPending(String txId);

    void confirm(String txId);

    /** No-op unless the order is PENDING. */
    void rejectIfPending(String txId, String reason);

    /** Transaction ids of orders still PENDING since before the cutoff. */
    List<String> pendingSince(Instant cutoff);
}
