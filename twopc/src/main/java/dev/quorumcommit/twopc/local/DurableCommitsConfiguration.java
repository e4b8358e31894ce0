package dev.quorumcommit.twopc.local;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What a service that keeps its data in an H2 file imports so that its commits are synced to the disk
 * ({@link SyncingJpaTransactionManager}): it replaces the transaction manager Spring Boot would make, and
 * customizes it as Boot would ({@code spring.transaction.*}).
 */
@Configuration(proxyBeanMethods = false)
public class DurableCommitsConfiguration {

    @Bean
    SyncingJpaTransactionManager transactionManager(DataSource dataSource,
            ObjectProvider<TransactionManagerCustomizers> customizers) {
        H2FileSync sync = new H2FileSync(dataSource);
        sync.run(); // finds the database's store while the pool is idle: later syncs need no connection
        SyncingJpaTransactionManager manager = new SyncingJpaTransactionManager(sync);
        customizers.ifAvailable(c -> c.customize(manager));
        return manager;
    }
}
