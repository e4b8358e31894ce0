package dev.quorumcommit.consensus.transport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import dev.quorumcommit.consensus.raft.Entry;
import dev.quorumcommit.consensus.raft.Message;
import dev.quorumcommit.consensus.raft.Message.AppendEntries;
import dev.quorumcommit.consensus.raft.Message.AppendResponse;
import dev.quorumcommit.consensus.raft.Message.Heartbeat;
import dev.quorumcommit.consensus.raft.Message.HeartbeatResponse;
import dev.quorumcommit.consensus.raft.Message.InstallSnapshot;
import dev.quorumcommit.consensus.raft.Message.InstallSnapshotResponse;
import dev.quorumcommit.consensus.raft.Message.PreVoteRequest;
import dev.quorumcommit.consensus.raft.Message.PreVoteResponse;
import dev.quorumcommit.consensus.raft.Message.TimeoutNow;
import dev.quorumcommit.consensus.raft.Message.VoteRequest;
import dev.quorumcommit.consensus.raft.Message.VoteResponse;
import dev.quorumcommit.consensus.raft.SnapshotMetadata;

/**
 * Peer messages as compact binary: a version byte, a count, then each message as a kind byte and
 * its fields in declaration order (longs as 8 bytes, strings as modified UTF-8, byte arrays with a
 * length). Why not JSON: appends are the hot path, their commands are opaque bytes that JSON would
 * have to base64, and a batch of 256 small entries encodes here in one pass without reflection.
 * Both ends are the same build, so the version byte only has to refuse a mixed-version cluster
 * clearly instead of misreading it.
 */
public final class MessageCodec {

    static final byte VERSION = 1;

    private MessageCodec() {
    }

    public static byte[] encode(List<Message> messages) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(messages.size());
            for (Message m : messages) {
                write(out, m);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when the bytes are not a batch of this version */
    public static List<Message> decode(byte[] batch) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(batch))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("peer message batch of version " + version + ", this node speaks " + VERSION);
            }
            int count = in.readInt();
            if (count < 0 || count > batch.length) {
                throw new IllegalArgumentException("peer message batch claims " + count + " messages");
            }
            List<Message> messages = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                messages.add(read(in));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("peer message batch has " + in.available() + " trailing bytes");
            }
            return messages;
        } catch (IOException e) {
            throw new IllegalArgumentException("peer message batch is truncated or malformed", e);
        }
    }

    private static void write(DataOutputStream out, Message message) throws IOException {
        switch (message) {
            case PreVoteRequest m -> {
                header(out, 1, m);
                out.writeLong(m.lastLogIndex());
                out.writeLong(m.lastLogTerm());
            }
            case PreVoteResponse m -> {
                header(out, 2, m);
                out.writeBoolean(m.granted());
            }
            case VoteRequest m -> {
                header(out, 3, m);
                out.writeLong(m.lastLogIndex());
                out.writeLong(m.lastLogTerm());
                out.writeBoolean(m.leadershipTransfer());
            }
            case VoteResponse m -> {
                header(out, 4, m);
                out.writeBoolean(m.granted());
            }
            case AppendEntries m -> {
                header(out, 5, m);
                out.writeLong(m.prevLogIndex());
                out.writeLong(m.prevLogTerm());
                out.writeLong(m.leaderCommit());
                out.writeInt(m.entries().size());
                for (Entry e : m.entries()) {
                    out.writeLong(e.index());
                    out.writeLong(e.term());
                    out.writeByte(e.kind().ordinal());
                    bytes(out, e.command());
                }
            }
            case AppendResponse m -> {
                header(out, 6, m);
                out.writeBoolean(m.success());
                out.writeLong(m.index());
                out.writeLong(m.conflictTerm());
                out.writeLong(m.conflictIndex());
                out.writeLong(m.lastLogIndex());
            }
            case Heartbeat m -> {
                header(out, 7, m);
                out.writeLong(m.commit());
                out.writeLong(m.context());
            }
            case HeartbeatResponse m -> {
                header(out, 8, m);
                out.writeLong(m.context());
            }
            case InstallSnapshot m -> {
                header(out, 9, m);
                metadata(out, m.metadata());
                out.writeLong(m.offset());
                bytes(out, m.data());
                out.writeBoolean(m.done());
            }
            case InstallSnapshotResponse m -> {
                header(out, 10, m);
                metadata(out, m.metadata());
                out.writeLong(m.nextOffset());
                out.writeBoolean(m.done());
            }
            case TimeoutNow m -> header(out, 11, m);
        }
    }

    private static Message read(DataInputStream in) throws IOException {
        int kind = in.readUnsignedByte();
        String from = in.readUTF();
        String to = in.readUTF();
        long term = in.readLong();
        return switch (kind) {
            case 1 -> new PreVoteRequest(from, to, term, in.readLong(), in.readLong());
            case 2 -> new PreVoteResponse(from, to, term, in.readBoolean());
            case 3 -> new VoteRequest(from, to, term, in.readLong(), in.readLong(), in.readBoolean());
            case 4 -> new VoteResponse(from, to, term, in.readBoolean());
            case 5 -> {
                long prevIndex = in.readLong();
                long prevTerm = in.readLong();
                long commit = in.readLong();
                int n = in.readInt();
                List<Entry> entries = new ArrayList<>(Math.min(n, 4096));
                for (int i = 0; i < n; i++) {
                    long index = in.readLong();
                    long entryTerm = in.readLong();
                    Entry.Kind entryKind = Entry.Kind.values()[in.readUnsignedByte()];
                    entries.add(new Entry(index, entryTerm, entryKind, bytes(in)));
                }
                yield new AppendEntries(from, to, term, prevIndex, prevTerm, entries, commit);
            }
            case 6 -> new AppendResponse(from, to, term, in.readBoolean(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
            case 7 -> new Heartbeat(from, to, term, in.readLong(), in.readLong());
            case 8 -> new HeartbeatResponse(from, to, term, in.readLong());
            case 9 -> new InstallSnapshot(from, to, term, metadata(in), in.readLong(), bytes(in), in.readBoolean());
            case 10 -> new InstallSnapshotResponse(from, to, term, metadata(in), in.readLong(), in.readBoolean());
            case 11 -> new TimeoutNow(from, to, term);
            default -> throw new IllegalArgumentException("unknown peer message kind " + kind);
        };
    }

    private static void header(DataOutputStream out, int kind, Message m) throws IOException {
        out.writeByte(kind);
        out.writeUTF(m.from());
        out.writeUTF(m.to());
        out.writeLong(m.term());
    }

    private static void metadata(DataOutputStream out, SnapshotMetadata metadata) throws IOException {
        out.writeLong(metadata.lastIncludedIndex());
        out.writeLong(metadata.lastIncludedTerm());
    }

    private static SnapshotMetadata metadata(DataInputStream in) throws IOException {
        return new SnapshotMetadata(in.readLong(), in.readLong());
    }

    private static void bytes(DataOutputStream out, byte[] data) throws IOException {
        out.writeInt(data.length);
        out.write(data);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IllegalArgumentException("a byte field claims " + length + " bytes, " + in.available() + " remain");
        }
        return in.readNBytes(length);
    }
}
