package dev.quorumcommit.consensus.transport;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Where a peer picks up the Raft messages this node has for it. Internal: only other nodes of the cluster call it. */
@ConditionalOnProperty(name = "consensus.raft.enabled", havingValue = "true", matchIfMissing = true)
@RestController
@Tag(name = "internal: raft", description = "Node-to-node Raft messages. Not for clients.")
class RaftStreamController {

    static final String PATH_PREFIX = "/internal/raft/stream/";

    private final PeerTransport transport;
    private final Firewall firewall;

    RaftStreamController(PeerTransport transport, Firewall firewall) {
        this.transport = transport;
        this.firewall = firewall;
    }

    @Operation(summary = "Stream this node's Raft messages for a peer (binary)",
            description = "A long-lived answer in chunked coding: each frame is a 4-byte length and a batch of messages "
                    + "(MessageCodec); a frame of length 0 is a keep-alive. A newer stream for the same peer replaces this one.")
    @GetMapping(path = PATH_PREFIX + "{peerId}", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    void stream(@PathVariable String peerId, HttpServletResponse response) throws IOException {
        PeerOutbox outbox = transport.outbox(peerId);
        if (outbox == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "'" + peerId + "' is not a peer of this node");
        }
        if (!firewall.allows(peerId)) {
            // The chaos switch cut this peer off: look to it like a dead link, not like a refusal.
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "traffic to " + peerId + " is cut off (chaos)");
        }
        response.setStatus(HttpStatus.OK.value());
        response.setContentType(MediaType.APPLICATION_OCTET_STREAM_VALUE);
        response.flushBuffer(); // the head now, so that the peer knows it is connected before the first message
        try {
            outbox.serve(response.getOutputStream());
        } catch (IOException e) {
            // the peer hung up or went away: it opens a new stream when it comes back
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
