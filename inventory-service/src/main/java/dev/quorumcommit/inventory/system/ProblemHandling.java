package dev.quorumcommit.inventory.system;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.quorumcommit.web.RequestProblems;

/**
 * Every error as a problem that names what was wrong ({@link RequestProblems}). Last in order, so that a
 * feature's own advice (the participant's refusals) is asked first.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class ProblemHandling extends RequestProblems {

    ProblemHandling() {
        super("This service failed to serve the request (the cause is in its log). Retry it: every route of this "
                + "service may be repeated safely.");
    }
}
