package dev.quorumcommit.consensus.statemachine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.zip.Deflater;

/**
 * The first answer to every idempotency key still remembered, oldest first, with the fingerprint of the request it
 * answered ({@link CommandCodec#fingerprint}): a retry repeats that request, and one that does not is told apart.
 *
 * <p>Answers are kept as bytes ({@link StoredAnswer}: encoded, and deflated when large): a key is remembered for
 * minutes and read again only when a client retries, so the table should cost what the answer's bytes cost. As
 * objects, a batch of decisions' answer held each decision's entry and key, about 450 bytes an order on every node.
 *
 * <p>Time here is the state machine's own: the largest {@code proposedAtMillis} applied so far. It
 * moves only with the log, so every replica forgets the same keys at the same entry; a leader whose
 * clock runs behind its predecessor's cannot move it back. Not thread-safe:
 * {@link ReplicatedStateMachine} guards it.
 */
final class IdempotencyTable {

    /** {@code answer} is {@link StoredAnswer}'s bytes, never changed once made. */
    record Remembered(byte[] answer, long proposedAtMillis) {
    }

    private final LinkedHashMap<String, Remembered> answers = new LinkedHashMap<>();
    private final Deflater deflater = StoredAnswer.newDeflater();
    private final long retentionMillis;
    private final int maxKeys;
    private long clockMillis;

    IdempotencyTable(long retentionMillis, int maxKeys) {
        this.retentionMillis = retentionMillis;
        this.maxKeys = maxKeys;
    }

    /** Moves the clock to {@code proposedAtMillis} (never back) and forgets what it makes too old. */
    void advanceClock(long proposedAtMillis) {
        clockMillis = Math.max(clockMillis, proposedAtMillis);
        Iterator<Remembered> oldestFirst = answers.values().iterator();
        while (oldestFirst.hasNext() && expired(oldestFirst.next(), clockMillis)) {
            oldestFirst.remove();
        }
    }

    /**
     * What a request under this key gets instead of being applied: null when the key is not remembered, else the
     * first answer, saying whether this request is the one first answered (false, too, when that is unknown: an
     * answer stored by a version that kept no fingerprints).
     */
    ApplyResult.DuplicateOf answerTo(String scopedKey, long fingerprint) {
        Remembered remembered = answers.get(scopedKey);
        if (remembered == null) {
            return null;
        }
        OptionalLong first = StoredAnswer.fingerprint(remembered.answer());
        boolean sameRequest = first.isPresent() && first.getAsLong() == fingerprint;
        return new ApplyResult.DuplicateOf(StoredAnswer.load(remembered.answer()), sameRequest);
    }

    boolean remembers(String scopedKey) {
        return answers.containsKey(scopedKey);
    }

    /**
     * The cap is a last resort: the node refuses new keys while the table is {@link #fullAt full}, so only the few
     * proposals already in flight at that moment can push a key out before its retention ran out.
     */
    void remember(String scopedKey, ApplyResult answer, long fingerprint, long proposedAtMillis) {
        answers.put(scopedKey, new Remembered(StoredAnswer.store(answer, fingerprint, deflater),
                Math.max(proposedAtMillis, clockMillis)));
        while (answers.size() > maxKeys) {
            answers.pollFirstEntry();
        }
    }

    /**
     * Whether a new key proposed at {@code proposedAtMillis} would push out one still within its retention. Judged
     * at the clock that command would move to, not the current one: expired keys go only when a command applies, and
     * when only new keys arrive (refused here) nothing applies, so the table would count its expired keys for good.
     */
    boolean fullAt(long proposedAtMillis) {
        if (answers.size() < maxKeys) {
            return false;
        }
        long clockThen = Math.max(clockMillis, proposedAtMillis);
        return !expired(answers.firstEntry().getValue(), clockThen);
    }

    private boolean expired(Remembered remembered, long clock) {
        return remembered.proposedAtMillis() < clock - retentionMillis;
    }

    long clockMillis() {
        return clockMillis;
    }

    int size() {
        return answers.size();
    }

    /** The entries, oldest first, copied (their values are immutable): for a snapshot encoded later. */
    List<Map.Entry<String, Remembered>> copyOldestFirst() {
        List<Map.Entry<String, Remembered>> copy = new ArrayList<>(answers.size());
        answers.forEach((key, remembered) -> copy.add(Map.entry(key, remembered)));
        return copy;
    }

    /** Replaces everything, as read from a snapshot: the entries in their original order. */
    void restore(long clock, Map<String, Remembered> oldestFirst) {
        answers.clear();
        answers.putAll(oldestFirst);
        clockMillis = clock;
    }
}
