package dev.quorumcommit.twopc.http;

import java.time.Duration;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;

/**
 * The request factory for RestClients between our processes: Apache HttpClient 5 (classic, blocking),
 * which does its I/O in the calling virtual thread over a pool of keep-alive connections. Spring's
 * factory over the JDK HttpClient cost, on every call, a hand-off to the client's worker threads and back,
 * and three exceptions (it cancels its timeout future and drains the stream when it closes the answer).
 * <p>
 * The pool is sized for the bulkhead's concurrency and more: a request never waits for a connection
 * because of the default of 5 per route. Idle connections are checked before reuse and evicted, so a
 * connection the server closed is not handed to a POST (which is not retried automatically).
 */
public final class PooledHttp {

    private static final int CONNECTIONS_PER_ROUTE = 128;

    private PooledHttp() {
    }

    public static HttpComponentsClientHttpRequestFactory requestFactory(Duration connectTimeout, Duration readTimeout) {
        CloseableHttpClient client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnPerRoute(CONNECTIONS_PER_ROUTE)
                        .setMaxConnTotal(4 * CONNECTIONS_PER_ROUTE)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .setSocketTimeout(Timeout.of(readTimeout))
                                .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                                .build())
                        .build())
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .disableAutomaticRetries() // our retries are Resilience4j's, visible in its config and metrics
                .disableCookieManagement()
                .build();
        HttpComponentsClientHttpRequestFactory factory = new HttpComponentsClientHttpRequestFactory(client);
        factory.setConnectionRequestTimeout(connectTimeout);
        factory.setReadTimeout(readTimeout);
        return factory;
    }
}
