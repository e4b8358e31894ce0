package dev.quorumcommit.consensus.system;

import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.quorumcommit.web.RequestProblems;

/** Every error as a problem that names what was wrong ({@link RequestProblems}). */
@RestControllerAdvice
class ProblemHandling extends RequestProblems {

    ProblemHandling() {
        super("This node failed to serve the request (the cause is in its log). Retry, or send the request to another node.");
    }
}
