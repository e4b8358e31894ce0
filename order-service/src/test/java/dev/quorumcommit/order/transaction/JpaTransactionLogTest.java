package dev.quorumcommit.order.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.ActiveProfiles;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.InMemoryDecisionRegister;
import dev.quorumcommit.twopc.coordinator.TxRecord;

/** The coordinator's log in its real database, where phase two records the participants' acknowledgements concurrently. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("test")
@Import(JpaTransactionLogTest.Register.class)
class JpaTransactionLogTest {

    @TestConfiguration(proxyBeanMethods = false)
    static class Register {
        @Bean
        @Primary
        InMemoryDecisionRegister inMemoryDecisionRegister() {
            return new InMemoryDecisionRegister();
        }
    }

    @Autowired
    JpaTransactionLog log;

    @Test
    void acknowledgementsRecordedAtTheSameMomentLeaveTheTransactionFinished() throws Exception {
        // Phase two delivers to both participants in parallel, so their acknowledgements are recorded in two
        // local transactions at once; a stale view of the other's flag left "finished" false for good, and
        // recovery delivered the decision again every pass, forever.
        for (int round = 0; round < 30; round++) {
            String txId = UUID.randomUUID().toString();
            log.begin(txId, List.of("inventory", "order"), Instant.now());
            log.recordDecision(txId, Decision.COMMIT, Instant.now());
            CountDownLatch go = new CountDownLatch(1);
            try (ExecutorService both = Executors.newFixedThreadPool(2)) {
                List<Future<?>> acks = List.of(
                        both.submit(() -> { go.await(); log.recordAcknowledged(txId, "inventory"); return null; }),
                        both.submit(() -> { go.await(); log.recordAcknowledged(txId, "order"); return null; }));
                go.countDown();
                for (Future<?> ack : acks) {
                    ack.get();
                }
            }
            assertThat(log.find(txId)).get().extracting(TxRecord::finished).isEqualTo(true);
            assertThat(log.unfinished()).as("round %d", round).extracting(TxRecord::txId).doesNotContain(txId);
        }
    }
}
