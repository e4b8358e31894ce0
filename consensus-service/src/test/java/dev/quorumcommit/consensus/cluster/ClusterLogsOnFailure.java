package dev.quorumcommit.consensus.cluster;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/** When a cluster test fails, print the tail of each node's log next to the failure. */
final class ClusterLogsOnFailure implements TestExecutionExceptionHandler {

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        if (context.getRequiredTestInstance() instanceof ConsensusClusterIT test && test.cluster != null) {
            System.err.println(test.cluster.logs());
        }
        throw throwable;
    }
}
