package dev.quorumcommit.order.participant;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.ResourceAccessException;

/** An order rejected because inventory could not be reached says why in words, not in a Java class name. */
class InventoryUnreachableTest {

    @Test
    void eachWayOfNotBeingReachedReadsAsWhatHappened() {
        assertThat(InventoryClient.unreachable(failed(new HttpHostConnectException("Connect to 127.0.0.1:8082 failed"))))
                .isEqualTo("nothing accepts connections at its address (is it running?)");
        assertThat(InventoryClient.unreachable(failed(new ConnectException("Connection refused"))))
                .isEqualTo("nothing accepts connections at its address (is it running?)");
        assertThat(InventoryClient.unreachable(failed(new NoHttpResponseException("127.0.0.1:8082 failed to respond"))))
                .isEqualTo("it dropped the connection without answering (it may have stopped)");
        assertThat(InventoryClient.unreachable(failed(new SocketException("Connection reset"))))
                .isEqualTo("it dropped the connection without answering (it may have stopped)");
        assertThat(InventoryClient.unreachable(failed(new SocketTimeoutException("Read timed out"))))
                .isEqualTo("it did not answer in time");
        assertThat(InventoryClient.unreachable(failed(new UnknownHostException("inventory-service"))))
                .isEqualTo("its host name is unknown (inventory-service)");
        assertThat(InventoryClient.unreachable(failed(new IOException("odd"))))
                .isEqualTo("it could not be reached (IOException)");
    }

    private static ResourceAccessException failed(IOException cause) {
        return new ResourceAccessException("I/O error on POST request", cause);
    }
}
