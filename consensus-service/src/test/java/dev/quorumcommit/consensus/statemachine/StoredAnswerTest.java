package dev.quorumcommit.consensus.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

import org.junit.jupiter.api.Test;

class StoredAnswerTest {

    private final Deflater deflater = StoredAnswer.newDeflater();

    private static ApplyResult decisions(int count) {
        List<ApplyResult> written = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = "tx:0190b2a4-7c1e-7d3a-9f00-" + String.format("%012x", i * 7919L) + ":decision";
            written.add(new ApplyResult.KvWritten(new KvEntry(key, i % 5 == 0 ? "\"ABORT\"" : "\"COMMIT\"", 100)));
        }
        return new ApplyResult.KvBatchApplied(written);
    }

    @Test
    void smallAndLargeAnswersComeBackExactly() {
        List<ApplyResult> answers = List.of(new ApplyResult.LogAppended(7, 2), new ApplyResult.NotFound("k"),
                decisions(1), decisions(9), decisions(1000),
                new ApplyResult.KvBatchApplied(List.of(new ApplyResult.Deleted("a", 16), new ApplyResult.NotFound("b"))));
        for (ApplyResult answer : answers) {
            byte[] stored = StoredAnswer.store(answer, -42L, deflater);
            assertThat(StoredAnswer.load(stored)).isEqualTo(answer);
            assertThat(StoredAnswer.fingerprint(stored)).hasValue(-42L);
            // As an earlier version stored them (a snapshot of version 1 is read into this form): no fingerprint.
            byte[] old = StoredAnswer.storeWithoutFingerprint(answer, deflater);
            assertThat(StoredAnswer.load(old)).isEqualTo(answer);
            assertThat(StoredAnswer.fingerprint(old)).isEmpty();
        }
    }

    /** The bytes an earlier version kept, in a snapshot this one reads: plain (0) and deflated (1), no fingerprint. */
    @Test
    void answersStoredBeforeFingerprintsStillLoad() {
        ApplyResult batch = decisions(9);
        byte[] withFingerprint = StoredAnswer.store(batch, 7L, deflater);
        assertThat(withFingerprint[0]).as("deflated, with a fingerprint").isEqualTo((byte) 3);
        byte[] old = new byte[withFingerprint.length - Long.BYTES];
        old[0] = 1;
        System.arraycopy(withFingerprint, 1 + Long.BYTES, old, 1, old.length - 1);
        assertThat(StoredAnswer.load(old)).isEqualTo(batch);
        assertThat(StoredAnswer.fingerprint(old)).isEmpty();

        byte[] plain = ResultCodec.encode(new ApplyResult.LogAppended(7, 2));
        byte[] oldPlain = new byte[plain.length + 1];
        System.arraycopy(plain, 0, oldPlain, 1, plain.length);
        assertThat(StoredAnswer.load(oldPlain)).isEqualTo(new ApplyResult.LogAppended(7, 2));
        assertThat(StoredAnswer.fingerprint(oldPlain)).isEmpty();
    }

    /** Why the table deflates: a batch of decisions is mostly its keys' common parts and repeated values. */
    @Test
    void aBatchOfDecisionsIsKeptInLessThanHalfItsEncodedBytes() {
        ApplyResult batch = decisions(9);
        assertThat(StoredAnswer.store(batch, 1L, deflater)).hasSizeLessThan(ResultCodec.encode(batch).length / 2);
    }

    /** Small ones gain nothing; deflating a value of hundreds of kilobytes would hold up every replica's apply. */
    @Test
    void smallAndVeryLargeAnswersAreKeptPlainWithTheirHeaderMore() {
        ApplyResult appended = new ApplyResult.LogAppended(7, 2);
        ApplyResult large = new ApplyResult.KvWritten(new KvEntry("k", "\"" + "a".repeat(200_000) + "\"", 3));
        for (ApplyResult answer : List.of(appended, large)) {
            byte[] stored = StoredAnswer.store(answer, 1L, deflater);
            assertThat(stored).hasSize(ResultCodec.encode(answer).length + 1 + Long.BYTES);
            assertThat(StoredAnswer.load(stored)).isEqualTo(answer);
        }
    }

    /** A deflater that cannot shrink it (stored blocks add their headers): the answer is kept plain, not larger. */
    @Test
    void anAnswerThatDeflatingWouldNotShrinkIsKeptPlain() {
        ApplyResult batch = decisions(9);
        Deflater storing = new Deflater(Deflater.NO_COMPRESSION, true);
        try {
            byte[] stored = StoredAnswer.store(batch, 1L, storing);
            assertThat(stored).hasSize(ResultCodec.encode(batch).length + 1 + Long.BYTES);
            assertThat(StoredAnswer.load(stored)).isEqualTo(batch);
        } finally {
            storing.end();
        }
    }

    @Test
    void bytesItDidNotMakeAreRefused() {
        byte[] stored = StoredAnswer.store(decisions(9), 1L, deflater);
        byte[] truncated = java.util.Arrays.copyOf(stored, stored.length / 2);
        assertThatThrownBy(() -> StoredAnswer.load(truncated)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> StoredAnswer.load(new byte[] {7, 1, 2})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> StoredAnswer.load(new byte[0])).isInstanceOf(IllegalStateException.class);
    }
}
