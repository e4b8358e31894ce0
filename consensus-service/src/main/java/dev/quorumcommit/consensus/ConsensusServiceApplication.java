package dev.quorumcommit.consensus;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** One Raft node of the consensus cluster: a replicated log and a compare-and-set key-value store. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ConsensusServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(ConsensusServiceApplication.class, args);
    }
}
