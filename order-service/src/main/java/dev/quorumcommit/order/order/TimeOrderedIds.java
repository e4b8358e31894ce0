package dev.quorumcommit.order.order;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * UUIDs of version 7 (RFC 9562): 48 bits of milliseconds, then random bits. Orders and transactions are
 * keyed by these rather than by random UUIDs so that the rows written together sit together: every new
 * key of every table and index lands on the right edge of its B-tree, and H2, which writes each page a
 * commit changed, writes a few pages per group of orders instead of a path to a random leaf per order and
 * per index. They stay as unguessable as the contract's opaque ids need (74 random bits) and still sort
 * by creation time.
 */
final class TimeOrderedIds {

    private static final SecureRandom random = new SecureRandom();

    private final Clock clock;

    TimeOrderedIds(Clock clock) {
        this.clock = clock;
    }

    UUID next() {
        long millis = clock.millis();
        long high = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFF);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
