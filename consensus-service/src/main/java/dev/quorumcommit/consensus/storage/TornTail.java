package dev.quorumcommit.consensus.storage;

import java.nio.file.Path;

/**
 * The end of the last segment that recovery cut away: a write the crash interrupted, which no sync ever confirmed.
 *
 * @param segment        the file that was cut
 * @param offset         where the file now ends
 * @param droppedBytes   how many bytes were removed
 * @param firstLostIndex the index the first dropped record would have had; the log now ends just before it
 * @param reason         what was wrong with the first dropped record
 */
public record TornTail(Path segment, long offset, long droppedBytes, long firstLostIndex, String reason) {
}
