package dev.quorumcommit.consensus.system;

import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.quorumcommit.web.RequestProblems;
import dev.quorumcommit.web.TomcatProblemPages;

/** Every error as a problem that names what was wrong ({@link RequestProblems}). */
@RestControllerAdvice
@Import(TomcatProblemPages.class) // and what Tomcat refuses before Spring sees it
class ProblemHandling extends RequestProblems {

    ProblemHandling() {
        super("This node failed to serve the request (the cause is in its log). Retry, or send the request to another node.");
    }
}
