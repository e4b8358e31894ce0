package dev.quorumcommit.consensus.statemachine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The few field shapes the command and snapshot formats share. */
final class Wire {

    /** A JSON text can exceed writeUTF's 64 KiB, so it is a length and its UTF-8 bytes. */
    static void writeText(DataOutput out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    static String readText(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 64 * 1024 * 1024) {
            throw new IOException("implausible text length " + length);
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    static void writeOptionalUtf(DataOutput out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    static String readOptionalUtf(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    static void writeOptionalLong(DataOutput out, Long value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeLong(value);
        }
    }

    static Long readOptionalLong(DataInput in) throws IOException {
        return in.readBoolean() ? in.readLong() : null;
    }

    private Wire() {
    }
}
