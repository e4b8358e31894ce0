package dev.quorumcommit.consensus.cluster;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/** Reads a node's whole readable log through {@code GET /api/log}, page by page. */
final class LogReader {

    record Item(long index, long term, String payload) {
    }

    private LogReader() {
    }

    static List<Item> readAll(NodeProcess node) {
        List<Item> items = new ArrayList<>();
        Api.Answer first = Api.get(node.url() + "/api/log?from=1&limit=1");
        long from = 1;
        if (first.status() == 410) {
            from = Api.get(node.url() + "/api/cluster").json().path("commitIndex").asLong(); // unreachable in these tests
        }
        while (true) {
            Api.Answer page = Api.get(node.url() + "/api/log?from=" + from + "&limit=1000");
            if (page.status() != 200) {
                throw new AssertionError(node.id + " answered " + page.status() + " to a log read from " + from + ": " + page.body());
            }
            JsonNode entries = page.json().path("entries");
            if (entries.isEmpty()) {
                return items;
            }
            for (JsonNode entry : entries) {
                items.add(new Item(entry.path("index").asLong(), entry.path("term").asLong(), entry.path("payload").toString()));
            }
            from = items.getLast().index() + 1;
        }
    }
}
