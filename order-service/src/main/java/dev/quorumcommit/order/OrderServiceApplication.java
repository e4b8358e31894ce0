package dev.quorumcommit.order;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import dev.quorumcommit.twopc.participant.jpa.BarrierRow;

@SpringBootApplication
// The participant's barrier table is an entity of twopc's; this service's own entities are scanned as usual.
@EntityScan(basePackageClasses = {OrderServiceApplication.class, BarrierRow.class})
@ConfigurationPropertiesScan
public class OrderServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrderServiceApplication.class, args);
    }
}
