package dev.quorumcommit.consensus.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.quorumcommit.consensus.statemachine.ApplyResult;

/** What a keyed write's result answers the client, once its Idempotency-Key has had its say. */
public final class FirstAnswers {

    private static final Logger log = LoggerFactory.getLogger(FirstAnswers.class);

    /**
     * The result to answer with: for a request whose key was seen before, the first answer. The contract has the key
     * alone name the request, so one that reuses it for another request gets that answer too, and nothing of it is
     * applied; that is the client's mistake (a retry repeats its request), and it is logged here, where whoever runs
     * the client can find it, instead of passing in silence.
     */
    public static ApplyResult of(ApplyResult result, String idempotencyKey) {
        if (result instanceof ApplyResult.DuplicateOf duplicate && !duplicate.sameRequest()) {
            log.warn("Idempotency-Key '{}' was first used for another request to this route (or before this version"
                    + " kept what each key was used for): answered with that request's answer, nothing applied. A"
                    + " retry must repeat its request; another request needs a key of its own.", idempotencyKey);
        }
        return result.unwrap();
    }

    private FirstAnswers() {
    }
}
