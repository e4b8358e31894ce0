package dev.quorumcommit.consensus.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ResultCodecTest {

    @Test
    void everyFirstAnswerRoundTripsExactly() {
        KvEntry entry = new KvEntry("tx:1:decision", "\"COMMIT\"", 12);
        List<ApplyResult> answers = List.of(
                new ApplyResult.LogAppended(7, 2),
                new ApplyResult.KvWritten(entry),
                new ApplyResult.KvConflict("k", entry),
                new ApplyResult.KvConflict("k", null),
                new ApplyResult.Deleted("k", 13),
                new ApplyResult.NotFound("k"),
                new ApplyResult.NoOp(14),
                new ApplyResult.Rejected(15, "unknown command kind 9"),
                new ApplyResult.KvBatchApplied(List.of(new ApplyResult.KvWritten(entry),
                        new ApplyResult.KvConflict("k", new KvEntry("k", "[1, 2.50, \"ü\"]", 3)))),
                new ApplyResult.KvBatchApplied(List.of(new ApplyResult.Deleted("a", 16), new ApplyResult.NotFound("b"))));
        for (ApplyResult answer : answers) {
            assertThat(ResultCodec.decode(ResultCodec.encode(answer))).isEqualTo(answer);
        }
    }

    /** A batch of decisions, encoded, is about its keys and values: what the idempotency table would keep without deflate. */
    @Test
    void aBatchOfDecisionsIsAboutItsKeysAndValuesInBytes() {
        List<ApplyResult> written = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String key = "tx:0190b2a4-7c1e-7d3a-9f00-00000000000" + Integer.toHexString(i) + ":decision";
            written.add(new ApplyResult.KvWritten(new KvEntry(key, "\"COMMIT\"", 100)));
        }
        byte[] encoded = ResultCodec.encode(new ApplyResult.KvBatchApplied(written));
        assertThat(encoded).hasSizeLessThan(16 * 80);
    }
}
