package dev.quorumcommit.order.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

    @Test
    void anIdIsAVersion7UuidCarryingItsMillisecond() {
        Instant now = Instant.parse("2026-11-25T06:30:00.123Z");
        UUID id = new TimeOrderedIds(Clock.fixed(now, ZoneOffset.UTC)).next();

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2); // RFC 9562's variant, bits 10
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(now.toEpochMilli());
    }

    @Test
    void idsOfLaterMillisecondsSortAfterAndIdsOfOneMillisecondDiffer() {
        Instant start = Instant.parse("2026-11-25T06:30:00Z");
        TimeOrderedIds earlier = new TimeOrderedIds(Clock.fixed(start, ZoneOffset.UTC));
        TimeOrderedIds later = new TimeOrderedIds(Clock.fixed(start.plusMillis(1), ZoneOffset.UTC));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String first = earlier.next().toString();
            String second = later.next().toString();
            assertThat(first).as("as text, as the tables compare them").isLessThan(second);
            assertThat(seen.add(first)).isTrue();
        }
    }
}
