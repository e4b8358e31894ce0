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
            assertThat(StoredAnswer.load(StoredAnswer.store(answer, deflater))).isEqualTo(answer);
        }
    }

    /** Why the table deflates: a batch of decisions is mostly its keys' common parts and repeated values. */
    @Test
    void aBatchOfDecisionsIsKeptInLessThanHalfItsEncodedBytes() {
        ApplyResult batch = decisions(9);
        assertThat(StoredAnswer.store(batch, deflater)).hasSizeLessThan(ResultCodec.encode(batch).length / 2);
    }

    /** Small ones gain nothing; deflating a value of hundreds of kilobytes would hold up every replica's apply. */
    @Test
    void smallAndVeryLargeAnswersAreKeptPlainWithOneByteMore() {
        ApplyResult appended = new ApplyResult.LogAppended(7, 2);
        ApplyResult large = new ApplyResult.KvWritten(new KvEntry("k", "\"" + "a".repeat(200_000) + "\"", 3));
        for (ApplyResult answer : List.of(appended, large)) {
            byte[] stored = StoredAnswer.store(answer, deflater);
            assertThat(stored).hasSize(ResultCodec.encode(answer).length + 1);
            assertThat(StoredAnswer.load(stored)).isEqualTo(answer);
        }
    }

    /** A deflater that cannot shrink it (stored blocks add their headers): the answer is kept plain, not larger. */
    @Test
    void anAnswerThatDeflatingWouldNotShrinkIsKeptPlain() {
        ApplyResult batch = decisions(9);
        Deflater storing = new Deflater(Deflater.NO_COMPRESSION, true);
        try {
            byte[] stored = StoredAnswer.store(batch, storing);
            assertThat(stored).hasSize(ResultCodec.encode(batch).length + 1);
            assertThat(StoredAnswer.load(stored)).isEqualTo(batch);
        } finally {
            storing.end();
        }
    }

    @Test
    void bytesItDidNotMakeAreRefused() {
        byte[] stored = StoredAnswer.store(decisions(9), deflater);
        byte[] truncated = java.util.Arrays.copyOf(stored, stored.length / 2);
        assertThatThrownBy(() -> StoredAnswer.load(truncated)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> StoredAnswer.load(new byte[] {7, 1, 2})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> StoredAnswer.load(new byte[0])).isInstanceOf(IllegalStateException.class);
    }
}
