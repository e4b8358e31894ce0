package dev.quorumcommit.consensus.statemachine;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A first answer as the idempotency table keeps it: the fingerprint of the request it answered, then
 * {@link ResultCodec}'s bytes, deflated when that pays.
 *
 * <p>Why compress: the table must keep every keyed write's answer for 10 minutes (the contract), and a batch of
 * decisions answers with each decision's whole entry, some 72 bytes an order, almost all of it key
 * ({@code tx:<time-ordered uuid>:decision}) and repetition (the value, the revision). At 1,200 orders a second that
 * was 52 MB of a node's 256 MB heap, and as much again in the snapshot the node keeps to send to followers. Deflate
 * takes it to about a third, for some tens of microseconds a batch on each replica; only a retry, which is rare,
 * inflates.
 *
 * <p>The first byte says which: {@link #PLAIN} or {@link #DEFLATED} (then the plain length as an int, then the
 * deflate stream), each followed by the request's fingerprint as a long since fingerprints were kept
 * ({@link #PLAIN_OF}, {@link #DEFLATED_OF}). Answers stored before that (in a snapshot taken by an earlier version)
 * have none, and are given to any request under their key, as they were then.
 */
final class StoredAnswer {

    private static final byte PLAIN = 0;
    private static final byte DEFLATED = 1;
    private static final byte PLAIN_OF = 2;
    private static final byte DEFLATED_OF = 3;
    /** The marker byte and the fingerprint. */
    private static final int HEADER = 1 + Long.BYTES;
    /** The header and the plain length. */
    private static final int DEFLATED_HEADER = HEADER + Integer.BYTES;
    /** The same, as stored before fingerprints: the marker byte and the plain length. */
    private static final int OLD_DEFLATED_HEADER = 1 + Integer.BYTES;
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
    static byte[] store(ApplyResult answer, long fingerprint, Deflater deflater) {
        return store(answer, OptionalLong.of(fingerprint), deflater);
    }

    /** As answers were stored before fingerprints: for those read from a version 1 snapshot, which has none. */
    static byte[] storeWithoutFingerprint(ApplyResult answer, Deflater deflater) {
        return store(answer, OptionalLong.empty(), deflater);
    }

    private static byte[] store(ApplyResult answer, OptionalLong fingerprint, Deflater deflater) {
        byte[] plain = ResultCodec.encode(answer);
        if (plain.length >= WORTH_DEFLATING && plain.length <= TOO_LARGE_TO_DEFLATE) {
            byte[] deflated = deflatedIfSmaller(plain, fingerprint, deflater);
            if (deflated != null) {
                return deflated;
            }
        }
        ByteBuffer stored = ByteBuffer.allocate(headerOf(fingerprint) + plain.length);
        return putMarker(stored, PLAIN, PLAIN_OF, fingerprint).put(plain).array();
    }

    private static int headerOf(OptionalLong fingerprint) {
        return fingerprint.isPresent() ? HEADER : 1;
    }

    /** The marker byte, and the fingerprint after it when there is one (then the marker that says so). */
    private static ByteBuffer putMarker(ByteBuffer stored, byte without, byte with, OptionalLong fingerprint) {
        return fingerprint.isPresent() ? stored.put(with).putLong(fingerprint.getAsLong()) : stored.put(without);
    }

    /** What {@link #store} made, or an earlier version did; anything else is a bug or a corrupt snapshot. */
    static ApplyResult load(byte[] stored) {
        byte marker = stored.length > 0 ? stored[0] : -1;
        if (marker == PLAIN || marker == PLAIN_OF && stored.length > HEADER) {
            return ResultCodec.decode(Arrays.copyOfRange(stored, marker == PLAIN ? 1 : HEADER, stored.length));
        }
        int header = marker == DEFLATED ? OLD_DEFLATED_HEADER : DEFLATED_HEADER;
        if ((marker == DEFLATED || marker == DEFLATED_OF) && stored.length > header) {
            int plainLength = ByteBuffer.wrap(stored, header - Integer.BYTES, Integer.BYTES).getInt();
            return ResultCodec.decode(inflate(stored, header, plainLength));
        }
        throw new IllegalStateException("a stored answer of " + stored.length + " bytes that is neither plain nor deflated");
    }

    /** The fingerprint of the request the answer was first given to; none for an answer stored before they were. */
    static OptionalLong fingerprint(byte[] stored) {
        if (stored.length > HEADER && (stored[0] == PLAIN_OF || stored[0] == DEFLATED_OF)) {
            return OptionalLong.of(ByteBuffer.wrap(stored, 1, Long.BYTES).getLong());
        }
        return OptionalLong.empty();
    }

    static Deflater newDeflater() {
        return new Deflater(Deflater.BEST_SPEED, true);
    }

    /**
     * {@link #DEFLATED_OF} and the fingerprint (or {@link #DEFLATED} without one), the plain length and the deflate
     * stream, written straight into one array no larger than the plain form would be; {@code null} if the stream does
     * not fit in it, that is, if deflating saves nothing.
     */
    private static byte[] deflatedIfSmaller(byte[] plain, OptionalLong fingerprint, Deflater deflater) {
        deflater.reset();
        deflater.setInput(plain);
        deflater.finish();
        byte[] stored = new byte[headerOf(fingerprint) + plain.length];
        int written = putMarker(ByteBuffer.wrap(stored), DEFLATED, DEFLATED_OF, fingerprint).putInt(plain.length).position();
        while (!deflater.finished()) {
            if (written == stored.length) {
                return null;
            }
            written += deflater.deflate(stored, written, stored.length - written);
        }
        return written < stored.length ? Arrays.copyOf(stored, written) : null;
    }

    private static byte[] inflate(byte[] stored, int header, int plainLength) {
        if (plainLength < 1 || plainLength > 64 * 1024 * 1024) {
            throw new IllegalStateException("a stored answer claiming " + plainLength + " bytes");
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(stored, header, stored.length - header);
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
