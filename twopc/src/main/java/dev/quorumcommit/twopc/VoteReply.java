package dev.quorumcommit.twopc;

import java.util.Objects;

/**
 * A vote and, for a NO, why: the reason travels to the client ("not enough stock"), so it is
 * written for a person.
 */
public record VoteReply(Vote vote, String reason) {

    public VoteReply {
        Objects.requireNonNull(vote, "vote");
    }

    public static VoteReply yes() {
        return new VoteReply(Vote.YES, null);
    }

    public static VoteReply no(String reason) {
        return new VoteReply(Vote.NO, reason);
    }

    public boolean isYes() {
        return vote == Vote.YES;
    }
}
