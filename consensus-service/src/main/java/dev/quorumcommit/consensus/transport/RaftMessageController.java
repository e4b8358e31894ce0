package dev.quorumcommit.consensus.transport;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import dev.quorumcommit.consensus.raft.Message;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Where peers deliver Raft messages. Internal: only other nodes of the cluster call it. */
@ConditionalOnProperty(name = "consensus.raft.enabled", havingValue = "true", matchIfMissing = true)
@RestController
@Tag(name = "internal: raft", description = "Node-to-node Raft messages. Not for clients.")
class RaftMessageController {

    private final InboundMessages inbound;
    private final Firewall firewall;

    RaftMessageController(InboundMessages inbound, Firewall firewall) {
        this.inbound = inbound;
        this.firewall = firewall;
    }

    @Operation(summary = "Deliver a batch of Raft messages (binary, MessageCodec)",
            description = "One-way: 204 once the batch is queued for the node's Raft loop; answers travel back as messages of their own.")
    @PostMapping(path = "/internal/raft/messages", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<?> deliver(@RequestHeader(PeerTransport.FROM_HEADER) String from, @RequestBody byte[] batch) {
        if (!firewall.allows(from)) {
            // The chaos switch cut this peer off: look to it like a dead link, not like a refusal.
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, "traffic from " + from + " is cut off (chaos)"));
        }
        List<Message> messages;
        try {
            messages = MessageCodec.decode(batch);
        } catch (IllegalArgumentException e) {
            return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage()));
        }
        inbound.deliver(messages);
        return ResponseEntity.noContent().build();
    }

}
