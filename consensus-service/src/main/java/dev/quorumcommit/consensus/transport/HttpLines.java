package dev.quorumcommit.consensus.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads one CRLF-terminated line of an HTTP/1.1 head or chunk framing, bounded in length. */
final class HttpLines {

    private HttpLines() {
    }

    static String read(InputStream in, int maxLength) throws IOException {
        StringBuilder line = new StringBuilder(32);
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("the connection closed inside a line");
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= maxLength) {
                throw new IOException("a line longer than " + maxLength + " bytes");
            }
            line.append((char) b);
        }
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
