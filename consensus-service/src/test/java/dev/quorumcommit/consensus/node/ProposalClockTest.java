package dev.quorumcommit.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ProposalClockTest {

    private final AtomicLong tableClock = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong(123_456_789);
    private final ProposalClock clock = new ProposalClock(tableClock::get, nanos::get);

    private void elapse(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    @Test
    void aLeaderStampsFromTheTablesClockOnByItsOwnElapsedTime() {
        tableClock.set(1_000_000);

        assertThat(clock.stamp(3)).isEqualTo(1_000_000);
        elapse(Duration.ofSeconds(2));
        assertThat(clock.stamp(3)).isEqualTo(1_002_000);
        tableClock.set(1_002_000); // its own entries applied: the term's start stays where it was
        elapse(Duration.ofMillis(500));
        assertThat(clock.stamp(3)).isEqualTo(1_002_500);
    }

    /**
     * The wall clock plays no part, so a leader whose wall clock runs a quarter of an hour ahead cannot move the
     * table's clock on by as much and expire every key of that quarter hour at once.
     */
    @Test
    void aNewTermStartsAgainFromTheTablesClockSoNoLeaderRunsItAhead() {
        tableClock.set(5_000_000);
        clock.stamp(1);
        elapse(Duration.ofMinutes(1));
        tableClock.set(clock.stamp(1)); // 5_060_000, the last entry of term 1 applied

        elapse(Duration.ofSeconds(3)); // the election: not counted
        assertThat(clock.stamp(2)).isEqualTo(5_060_000);
        elapse(Duration.ofMinutes(9));
        assertThat(clock.stamp(2)).as("nine minutes on: a key of term 1's last minute is still within its ten")
                .isEqualTo(5_060_000 + Duration.ofMinutes(9).toMillis());
    }
}
