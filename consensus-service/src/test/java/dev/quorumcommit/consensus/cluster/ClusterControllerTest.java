package dev.quorumcommit.consensus.cluster;

import static org.hamcrest.Matchers.containsString;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import dev.quorumcommit.consensus.node.ConsensusNode;
import dev.quorumcommit.consensus.node.NodeStatus;
import dev.quorumcommit.consensus.node.NodeStatus.Member;

/** The web slice alone, with the node mocked: a candidate that knows no leader. */
@WebMvcTest(ClusterController.class)
class ClusterControllerTest {

    @Autowired
    private MockMvc mvc;

    @MockitoBean
    private ConsensusNode node;

    @Test
    void aCandidateShowsNoLeaderAndTheMembersAsItSeesThem() throws Exception {
        given(node.status()).willReturn(new NodeStatus("n2", NodeStatus.Role.CANDIDATE, 7, null, 40, 39, 41, List.of(
                new Member("n1", URI.create("http://127.0.0.1:9001"), false, false, null),
                new Member("n2", URI.create("http://127.0.0.1:9002"), true, true, null)), null));
        mvc.perform(get("/api/cluster"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.nodeId").value("n2"))
                .andExpect(jsonPath("$.role").value("CANDIDATE"))
                .andExpect(jsonPath("$.term").value(7))
                .andExpect(jsonPath("$.leaderId").doesNotExist())
                .andExpect(jsonPath("$.commitIndex").value(40))
                .andExpect(jsonPath("$.lastApplied").value(39))
                .andExpect(jsonPath("$.lastLogIndex").value(41))
                .andExpect(jsonPath("$.members[0].reachable").value(false))
                .andExpect(jsonPath("$.members[1].self").value(true))
                .andExpect(jsonPath("$.stoppedBy").doesNotExist());
    }

    @Test
    void aStoppedNodeSaysWhy() throws Exception {
        given(node.status()).willReturn(new NodeStatus("n1", NodeStatus.Role.FOLLOWER, 2, null, 40, 40, 41, List.of(
                new Member("n1", URI.create("http://127.0.0.1:9001"), true, true, null)),
                "append failed in /data/n1; the storage is unusable until reopened: java.io.IOException: No space left on device"));
        mvc.perform(get("/api/cluster"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.role").value("FOLLOWER"))
                .andExpect(jsonPath("$.stoppedBy").value(containsString("No space left on device")));
    }
}
