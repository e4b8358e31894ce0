package dev.quorumcommit.consensus.node;

/**
 * A keyed write refused because the idempotency table is full of keys not yet expired: taking it would make the
 * table forget one of them before the 10 minutes the contract promises. Nothing was written; a retry later succeeds.
 */
public class IdempotencyKeysFullException extends NodeUnavailableException {

    public IdempotencyKeysFullException(int keys) {
        super("this cluster already remembers " + keys + " Idempotency-Keys, its limit (consensus.idempotency.max-keys), "
                + "none of them past its retention; nothing was written");
    }

    @Override
    public String title() {
        return "Too many Idempotency-Keys remembered";
    }
}
