package dev.quorumcommit.twopc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReasonsTest {

    @Test
    void aReasonIsCutToItsColumnAndNothingElseChanges() {
        assertThat(Reasons.fit(null)).isNull();
        assertThat(Reasons.fit("not enough stock")).isEqualTo("not enough stock");
        assertThat(Reasons.fit("x".repeat(Reasons.MAX_LENGTH))).hasSize(Reasons.MAX_LENGTH);
        assertThat(Reasons.fit("y".repeat(Reasons.MAX_LENGTH) + "cut")).isEqualTo("y".repeat(Reasons.MAX_LENGTH));
    }
}
