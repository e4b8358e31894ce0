package dev.quorumcommit.consensus.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The body of an HTTP/1.1 answer in chunked transfer coding (RFC 9112, 7.1), as a plain stream: chunk
 * sizes and the trailer are consumed here, the data passes through as it arrives. Extensions after a
 * chunk size are ignored, as the RFC allows.
 */
final class ChunkedInputStream extends InputStream {

    private static final int MAX_LINE = 4_096;

    private final InputStream in;
    private long remaining;
    private boolean finished;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (remaining == 0 && !nextChunk()) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (n == -1) {
            throw new EOFException("the connection closed inside a chunk");
        }
        remaining -= n;
        if (remaining == 0) {
            expectLineEnd();
        }
        return n;
    }

    /** Reads the next chunk's size line; false at the last chunk (size 0), after its trailer. */
    private boolean nextChunk() throws IOException {
        if (finished) {
            return false;
        }
        String line = HttpLines.read(in, MAX_LINE);
        int extension = line.indexOf(';');
        String size = (extension >= 0 ? line.substring(0, extension) : line).trim();
        try {
            remaining = Long.parseLong(size, 16);
        } catch (NumberFormatException e) {
            throw new IOException("not a chunk size: '" + line + "'");
        }
        if (remaining < 0) {
            throw new IOException("not a chunk size: '" + line + "'");
        }
        if (remaining == 0) {
            finished = true;
            while (!HttpLines.read(in, MAX_LINE).isEmpty()) {
                // trailer fields: none expected, none needed
            }
            return false;
        }
        return true;
    }

    private void expectLineEnd() throws IOException {
        if (!HttpLines.read(in, MAX_LINE).isEmpty()) {
            throw new IOException("a chunk is longer than its size");
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
