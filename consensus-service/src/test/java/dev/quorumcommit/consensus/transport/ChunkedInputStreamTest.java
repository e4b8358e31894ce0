package dev.quorumcommit.consensus.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ChunkedInputStreamTest {

    private static InputStream chunked(String wire) {
        return new ChunkedInputStream(new ByteArrayInputStream(wire.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void joinsTheChunksAndEndsAtTheLastOne() throws IOException {
        InputStream in = chunked("5\r\nhello\r\n1;ext=1\r\n \r\nA\r\nworld, etc\r\n0\r\nTrailer: x\r\n\r\nnext answer");

        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello world, etc");
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void aChunkLongerThanItsSizeIsAnError() {
        assertThatThrownBy(() -> chunked("2\r\nabc\r\n0\r\n\r\n").readAllBytes())
                .isInstanceOf(IOException.class).hasMessageContaining("longer than its size");
    }

    @Test
    void aSizeThatIsNotHexIsAnError() {
        assertThatThrownBy(() -> chunked("zz\r\nab\r\n").readAllBytes())
                .isInstanceOf(IOException.class).hasMessageContaining("not a chunk size");
    }

    @Test
    void aConnectionClosedInsideAChunkIsAnError() {
        assertThatThrownBy(() -> chunked("10\r\nonly seven").readAllBytes()).isInstanceOf(EOFException.class);
    }
}
