package dev.quorumcommit.consensus.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.quorumcommit.consensus.raft.Entry;

/** One thread applies while others read: every read sees a consistent prefix of the log. */
class ConcurrentReadsTest {

    @Test
    void readersSeeConsistentPagesWhileEntriesAreApplied() throws Exception {
        ReplicatedStateMachine machine = new ReplicatedStateMachine(new StateMachineSettings(500, Duration.ofMinutes(10), 1000));
        int entries = 20_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            readers.add(Thread.ofVirtual().start(() -> {
                try {
                    long seen = 0;
                    while (seen < entries) {
                        LogPage page = machine.readLog(machine.firstIndex(), 1000);
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
        for (int i = 1; i <= entries; i++) {
            machine.apply(new Entry(i, 1, Entry.Kind.COMMAND, CommandCodec.encode(new Command.AppendLog(Integer.toString(i), null, i))));
        }
        for (Thread reader : readers) {
            reader.join(Duration.ofSeconds(20));
        }
        assertThat(failure.get()).isNull();
        assertThat(machine.firstIndex()).isEqualTo(entries - 500 + 1);
    }
}
