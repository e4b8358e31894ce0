package dev.quorumcommit.consensus.statemachine;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A first answer as the idempotency table keeps it: {@link ResultCodec}'s bytes, deflated when that pays.
 *
 * <p>Why compress: the table must keep every keyed write's answer for 10 minutes (the contract), and a batch of
 * decisions answers with each decision's whole entry, some 72 bytes an order, almost all of it key
 * ({@code tx:<time-ordered uuid>:decision}) and repetition (the value, the revision). At 1,200 orders a second that
 * was 52 MB of a node's 256 MB heap, and as much again in the snapshot the node keeps to send to followers. Deflate
 * takes it to about a third, for some tens of microseconds a batch on each replica; only a retry, which is rare,
 * inflates.
 *
 * <p>The first byte says which: {@link #PLAIN} or {@link #DEFLATED} (then the plain length as an int, then the
 * deflate stream).
 */
final class StoredAnswer {

    private static final byte PLAIN = 0;
    private static final byte DEFLATED = 1;
    /** The marker byte and the plain length. */
    private static final int DEFLATED_HEADER = 1 + Integer.BYTES;
    /** Below this, deflate's own header and the length cost more than it saves. */
    private static final int WORTH_DEFLATING = 96;
    /**
     * Above this, kept plain: every replica stores the answer on its apply path, and deflating the answer to a
     * megabyte's value would hold each of them up for milliseconds (a batch of a thousand decisions is 72 KB).
     */
    private static final int TOO_LARGE_TO_DEFLATE = 128 * 1024;

    /**
     * @param deflater raw deflate ({@code nowrap}), reset here before use: the caller keeps one, since making one
     *                 sets up zlib's state anew (a few hundred kilobytes of native memory) every time
     */
    static byte[] store(ApplyResult answer, Deflater deflater) {
        byte[] plain = ResultCodec.encode(answer);
        if (plain.length >= WORTH_DEFLATING && plain.length <= TOO_LARGE_TO_DEFLATE) {
            byte[] deflated = deflatedIfSmaller(plain, deflater);
            if (deflated != null) {
                return deflated;
            }
        }
        byte[] stored = new byte[plain.length + 1];
        stored[0] = PLAIN;
        System.arraycopy(plain, 0, stored, 1, plain.length);
        return stored;
    }

    /** What {@link #store} made; anything else is a bug or a corrupt snapshot. */
    static ApplyResult load(byte[] stored) {
        if (stored.length > 0 && stored[0] == PLAIN) {
            return ResultCodec.decode(Arrays.copyOfRange(stored, 1, stored.length));
        }
        if (stored.length > DEFLATED_HEADER && stored[0] == DEFLATED) {
            return ResultCodec.decode(inflate(stored, ByteBuffer.wrap(stored, 1, Integer.BYTES).getInt()));
        }
        throw new IllegalStateException("a stored answer of " + stored.length + " bytes that is neither plain nor deflated");
    }

    static Deflater newDeflater() {
        return new Deflater(Deflater.BEST_SPEED, true);
    }

    /**
     * {@link #DEFLATED}, the plain length and the deflate stream, written straight into one array no larger than
     * the plain form would be; {@code null} if the stream does not fit in it, that is, if deflating saves nothing.
     */
    private static byte[] deflatedIfSmaller(byte[] plain, Deflater deflater) {
        deflater.reset();
        deflater.setInput(plain);
        deflater.finish();
        byte[] stored = new byte[plain.length + 1];
        ByteBuffer.wrap(stored).put(DEFLATED).putInt(plain.length);
        int written = DEFLATED_HEADER;
        while (!deflater.finished()) {
            if (written == stored.length) {
                return null;
            }
            written += deflater.deflate(stored, written, stored.length - written);
        }
        return written < stored.length ? Arrays.copyOf(stored, written) : null;
    }

    private static byte[] inflate(byte[] stored, int plainLength) {
        if (plainLength < 1 || plainLength > 64 * 1024 * 1024) {
            throw new IllegalStateException("a stored answer claiming " + plainLength + " bytes");
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(stored, DEFLATED_HEADER, stored.length - DEFLATED_HEADER);
            byte[] plain = new byte[plainLength];
            int filled = 0;
            while (filled < plainLength) {
                int n = inflater.inflate(plain, filled, plainLength - filled);
                if (n == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                filled += n;
            }
            if (filled != plainLength) {
                throw new IllegalStateException("a stored answer inflated to " + filled + " of its " + plainLength + " bytes");
            }
            return plain;
        } catch (DataFormatException e) {
            throw new IllegalStateException("a stored answer that does not inflate: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private StoredAnswer() {
    }
}
