package dev.quorumcommit.order.participant;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.stream.Stream;

import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.web.client.ResourceAccessException;

/** An order rejected because inventory could not be reached says why in words, not in a Java class name. */
class InventoryUnreachableTest {

    static Stream<Arguments> waysOfNotBeingReached() {
        String notRunning = "nothing accepts connections at its address (is it running?)";
        String dropped = "it dropped the connection without answering (it may have stopped)";
        return Stream.of(
                Arguments.of(new HttpHostConnectException("Connect to 127.0.0.1:8082 failed"), notRunning),
                Arguments.of(new ConnectException("Connection refused"), notRunning),
                Arguments.of(new NoHttpResponseException("127.0.0.1:8082 failed to respond"), dropped),
                Arguments.of(new SocketException("Connection reset"), dropped),
                Arguments.of(new SocketTimeoutException("Read timed out"), "it did not answer in time"),
                Arguments.of(new UnknownHostException("inventory-service"), "its host name is unknown (inventory-service)"),
                Arguments.of(new IOException("odd"), "it could not be reached (IOException)"));
    }

    @ParameterizedTest
    @MethodSource("waysOfNotBeingReached")
    void eachWayOfNotBeingReachedReadsAsWhatHappened(IOException cause, String reason) {
        assertThat(InventoryClient.unreachable(new ResourceAccessException("I/O error on POST request", cause)))
                .isEqualTo(reason);
    }
}
