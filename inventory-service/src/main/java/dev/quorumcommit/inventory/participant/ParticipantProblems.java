package dev.quorumcommit.inventory.participant;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.quorumcommit.twopc.participant.ConflictingDecisionException;
import dev.quorumcommit.twopc.participant.UnknownTransactionException;

/** The barrier's refusals as problems the coordinator can tell apart from an outage (which it would retry). */
@RestControllerAdvice(assignableTypes = ParticipantController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ParticipantProblems {

    @ExceptionHandler
    ProblemDetail unknown(UnknownTransactionException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Unknown transaction");
        return problem;
    }

    @ExceptionHandler
    ProblemDetail conflicting(ConflictingDecisionException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Conflicting decision");
        return problem;
    }
}
