package dev.quorumcommit.consensus.statemachine;

import java.io.ByteArrayOutputStream;
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
            byte[] deflated = deflate(plain, deflater);
            if (deflated.length + 5 < plain.length + 1) {
                byte[] stored = new byte[deflated.length + 5];
                stored[0] = DEFLATED;
                stored[1] = (byte) (plain.length >>> 24);
                stored[2] = (byte) (plain.length >>> 16);
                stored[3] = (byte) (plain.length >>> 8);
                stored[4] = (byte) plain.length;
                System.arraycopy(deflated, 0, stored, 5, deflated.length);
                return stored;
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
        if (stored.length > 5 && stored[0] == DEFLATED) {
            int plainLength = (stored[1] & 0xff) << 24 | (stored[2] & 0xff) << 16 | (stored[3] & 0xff) << 8 | stored[4] & 0xff;
            return ResultCodec.decode(inflate(stored, plainLength));
        }
        throw new IllegalStateException("a stored answer of " + stored.length + " bytes that is neither plain nor deflated");
    }

    static Deflater newDeflater() {
        return new Deflater(Deflater.BEST_SPEED, true);
    }

    private static byte[] deflate(byte[] plain, Deflater deflater) {
        deflater.reset();
        deflater.setInput(plain);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 2 + 16);
        byte[] buffer = new byte[Math.max(64, plain.length)];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        return out.toByteArray();
    }

    private static byte[] inflate(byte[] stored, int plainLength) {
        if (plainLength < 1 || plainLength > 64 * 1024 * 1024) {
            throw new IllegalStateException("a stored answer claiming " + plainLength + " bytes");
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(stored, 5, stored.length - 5);
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
