package dev.quorumcommit.consensus.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class CommandCodecTest {

    @Test
    void everyCommandRoundTripsExactly() {
        String big = "{\"n\": 1.000000000000000000001, \"e\": 1e400, \"s\": \"" + "x".repeat(70_000) + "\"}";
        List<Command> commands = List.of(
                new Command.AppendLog(big, null, 42),
                new Command.AppendLog("null", "key-1", 0),
                new Command.Put("a.b:c-d_e", "[1, 2.50, \"ü\"]", 17L, false, "k", Long.MAX_VALUE),
                new Command.Put("k", "true", null, true, null, 1),
                new Command.Delete("k", 3L, "d", 5),
                new Command.Delete("k", null, null, 5),
                new Command.PutBatch(List.of(new Command.Put("tx:1:decision", "\"COMMIT\"", null, true, null, 9),
                        new Command.Put("k", big, 4L, false, null, 9)), "batch-1", 9),
                new Command.PutBatch(List.of(new Command.Put("k", "1", null, false, null, 9)), null, 9),
                new Command.DeleteBatch(List.of("tx:1:decision", "tx:2:decision"), "forget-1", 11),
                new Command.DeleteBatch(List.of("k"), null, 11));
        for (Command command : commands) {
            assertThat(CommandCodec.decode(CommandCodec.encode(command))).isEqualTo(command);
        }
    }

    @Test
    void aSmallCommandIsSmall() {
        assertThat(CommandCodec.encode(new Command.AppendLog("{\"a\":1}", null, 1))).hasSizeLessThan(24);
    }

    @Test
    void garbageIsRefused() {
        assertThatThrownBy(() -> CommandCodec.decode(new byte[] {1, 1, 0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommandCodec.decode(new byte[] {2})).isInstanceOf(IllegalArgumentException.class);
        byte[] valid = CommandCodec.encode(new Command.Delete("k", null, null, 5));
        byte[] longer = java.util.Arrays.copyOf(valid, valid.length + 1);
        assertThatThrownBy(() -> CommandCodec.decode(longer)).isInstanceOf(IllegalArgumentException.class);
        byte[] batch = CommandCodec.encode(new Command.PutBatch(List.of(new Command.Put("k", "1", null, false, null, 9)), null, 9));
        byte[] claimsMore = batch.clone();
        claimsMore[14] = 0x7f; // the count, right after version, kind, time and the absent idempotency key
        assertThatThrownBy(() -> CommandCodec.decode(claimsMore)).isInstanceOf(IllegalArgumentException.class);
        byte[] deletes = CommandCodec.encode(new Command.DeleteBatch(List.of("k"), null, 9));
        byte[] claimsMoreKeys = deletes.clone();
        claimsMoreKeys[14] = 0x7f;
        assertThatThrownBy(() -> CommandCodec.decode(claimsMoreKeys)).isInstanceOf(IllegalArgumentException.class);
    }
}
