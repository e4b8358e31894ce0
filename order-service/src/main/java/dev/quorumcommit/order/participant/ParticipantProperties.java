package dev.quorumcommit.order.participant;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * twopc.participant.prepared-timeout: how long a prepared transaction waits for the coordinator
 * before reading (and if need be writing ABORT to) its decision key. The check runs with the
 * coordinator's recovery, every twopc.coordinator.recovery-interval (RecoverySchedule).
 */
@Validated
@ConfigurationProperties("twopc.participant")
record ParticipantProperties(@NotNull @DefaultValue("5s") Duration preparedTimeout) {
}
