package dev.quorumcommit.consensus.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.quorumcommit.consensus.node.ConsensusNode;

/**
 * Puts the node's term, as it stands when a request arrives, into the log context of the thread that serves it, so
 * that a request's log lines say which term they belong to, as the Raft loop's do ({@code logging.pattern.correlation}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class TermLogContextFilter extends OncePerRequestFilter {

    static final String TERM = "term";

    private final ConsensusNode node;

    TermLogContextFilter(ConsensusNode node) {
        this.node = node;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        MDC.put(TERM, " term " + node.status().term());
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(TERM);
        }
    }
}
