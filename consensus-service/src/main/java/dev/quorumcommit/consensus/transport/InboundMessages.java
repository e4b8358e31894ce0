package dev.quorumcommit.consensus.transport;

import java.util.List;

import dev.quorumcommit.consensus.raft.Message;

/** The Raft loop's inbox, as the transport sees it: hand messages over, never block. */
public interface InboundMessages {

    void deliver(List<Message> messages);
}
