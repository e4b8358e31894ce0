package dev.quorumcommit.twopc.local;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What a service that keeps its data in an H2 file imports so that its commits are synced to the disk
 * ({@link SyncingJpaTransactionManager}): it replaces the transaction manager Spring Boot would make, and
 * customizes it as Boot would ({@code spring.transaction.*}). A file that can no longer be synced halts the service
 * ({@link FailStop}).
 */
@Configuration(proxyBeanMethods = false)
public class DurableCommitsConfiguration {

    @Bean
    H2FileSync h2FileSync(DataSource dataSource) {
        H2FileSync sync = new H2FileSync(dataSource);
        sync.run(); // finds the database's store while the pool is idle: later syncs need no connection
        return sync;
    }

    @Bean
    FailStop failStop(H2FileSync sync) {
        return new FailStop(sync::databaseFailure, FailStop::haltProcess);
    }

    @Bean
    SyncingJpaTransactionManager transactionManager(H2FileSync sync, FailStop failStop,
            ObjectProvider<TransactionManagerCustomizers> customizers) {
        SyncingJpaTransactionManager manager = new SyncingJpaTransactionManager(failStop.guard(sync));
        customizers.ifAvailable(c -> c.customize(manager));
        return manager;
    }
}
