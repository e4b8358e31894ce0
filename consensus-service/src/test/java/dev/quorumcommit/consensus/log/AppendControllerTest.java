package dev.quorumcommit.consensus.log;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import dev.quorumcommit.consensus.node.ConsensusNode;
import dev.quorumcommit.consensus.node.ConsensusProperties;
import dev.quorumcommit.consensus.node.NodeStatus;
import dev.quorumcommit.consensus.node.NodeUnavailableException;
import dev.quorumcommit.consensus.statemachine.ApplyResult;
import dev.quorumcommit.consensus.statemachine.Command;
import dev.quorumcommit.consensus.web.LeaderForwarder;
import dev.quorumcommit.consensus.transport.Firewall;
import dev.quorumcommit.consensus.web.LeaderRouter;
import dev.quorumcommit.consensus.web.RoutingMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The append route in the web slice, with the node mocked: the answers the port can give. */
@WebMvcTest(AppendController.class)
@Import({LeaderRouter.class, RoutingMetrics.class, SimpleMeterRegistry.class, Firewall.class})
@EnableConfigurationProperties(ConsensusProperties.class)
class AppendControllerTest {

    @Autowired
    private MockMvc mvc;

    @MockitoBean
    private ConsensusNode node;

    @MockitoBean
    private LeaderForwarder forwarder;

    @BeforeEach
    void aFollowerInTermThree() {
        given(node.status()).willReturn(new NodeStatus("n1", NodeStatus.Role.FOLLOWER, 3, null, 0, 0, 0, List.of(), null));
    }

    @Test
    void aDuplicateIsAnsweredWithTheFirstAnswer() throws Exception {
        given(node.propose(any(Command.class))).willReturn(CompletableFuture.completedFuture(
                new ApplyResult.DuplicateOf(new ApplyResult.LogAppended(12, 3), true)));
        mvc.perform(post("/api/log").contentType(MediaType.APPLICATION_JSON).content("{\"payload\":1,\"unknown\":\"ignored\"}")
                        .header("Idempotency-Key", "k"))
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", "/api/log/12"))
                .andExpect(jsonPath("$.index").value(12))
                .andExpect(jsonPath("$.term").value(3));
    }

    @Test
    void aProposalWhoseFateIsUnknownIs503WithRetryAfter() throws Exception {
        given(node.propose(any(Command.class))).willReturn(CompletableFuture.failedFuture(
                new NodeUnavailableException("leadership was lost after the entry was appended")));
        mvc.perform(post("/api/log").contentType(MediaType.APPLICATION_JSON).content("{\"payload\":1}"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "1"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("same Idempotency-Key")));
        verify(forwarder, never()).forward(any(), any(), any());
    }

    @Test
    void aFailureOfTheNodeIsA500ProblemWithoutATrace() throws Exception {
        given(node.propose(any(Command.class))).willReturn(CompletableFuture.failedFuture(new IllegalStateException("disk on fire")));
        mvc.perform(post("/api/log").contentType(MediaType.APPLICATION_JSON).content("{\"payload\":1}"))
                .andExpect(status().isInternalServerError())
                .andExpect(header().string("Content-Type", "application/problem+json"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("disk"))));
    }
}
