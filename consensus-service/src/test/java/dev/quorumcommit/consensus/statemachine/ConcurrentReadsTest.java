package dev.quorumcommit.consensus.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.quorumcommit.consensus.raft.Entry;

/** One thread applies while others read: every read sees a consistent prefix of the log. */
class ConcurrentReadsTest {

    @Test
    void readersSeeConsistentPagesWhileEntriesAreApplied() throws Exception {
        ReplicatedStateMachine machine = new ReplicatedStateMachine(new StateMachineSettings(500, Duration.ofMinutes(10), 1000));
        int entries = 20_000;
        int halfway = entries / 2;
        int readerCount = 4;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // The applier stops halfway until every reader has read a page there: reads provably overlap the applies.
        CountDownLatch everyReaderReadHalfway = new CountDownLatch(readerCount);
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < readerCount; r++) {
            readers.add(Thread.ofVirtual().start(() -> {
                try {
                    long seen = 0;
                    boolean readHalfway = false;
                    while (seen < entries) {
                        LogPage page = machine.readLog(machine.firstIndex(), 1000);
                        if (!readHalfway && page.lastApplied() == halfway) {
                            readHalfway = true;
                            everyReaderReadHalfway.countDown();
                        }
                        List<LogRecord> records = page.records();
                        for (int i = 1; i < records.size(); i++) {
                            assertThat(records.get(i).index()).isEqualTo(records.get(i - 1).index() + 1);
                        }
                        if (!records.isEmpty()) {
                            assertThat(records.getLast().index()).isLessThanOrEqualTo(page.lastApplied());
                            assertThat(records.getFirst().payload()).isEqualTo(Long.toString(records.getFirst().index()));
                        }
                        assertThat(page.lastApplied()).isGreaterThanOrEqualTo(seen);
                        seen = machine.awaitAppliedBeyond(page.lastApplied(), Duration.ofSeconds(5));
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        try {
            for (int i = 1; i <= entries; i++) {
                machine.apply(new Entry(i, 1, Entry.Kind.COMMAND, CommandCodec.encode(new Command.AppendLog(Integer.toString(i), null, i))));
                if (i == halfway) {
                    boolean allReadHalfway = everyReaderReadHalfway.await(30, TimeUnit.SECONDS);
                    assertThat(failure.get()).isNull();
                    assertThat(allReadHalfway).as("every reader read a page while the applies were half done").isTrue();
                }
            }
            for (Thread reader : readers) {
                assertThat(reader.join(Duration.ofSeconds(30))).as("a reader followed the log to its end and stopped").isTrue();
            }
        } finally {
            readers.forEach(Thread::interrupt); // ends a reader left waiting when an assertion above failed
        }
        assertThat(failure.get()).isNull();
        assertThat(machine.firstIndex()).isEqualTo(entries - 500 + 1);
    }
}
