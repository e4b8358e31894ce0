package dev.quorumcommit.consensus.web;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * Any JSON value, kept as its text: numbers are never re-interpreted (1.50 stays 1.50, big integers
 * stay exact). Read by {@link RawJsonDeserializer} in compact form, written back verbatim.
 */
@JsonDeserialize(using = RawJsonDeserializer.class)
@JsonSerialize(using = RawJsonSerializer.class)
public record RawJson(String json) {

    /** The contract's limit for a value or a payload. */
    public static final int MAX_BYTES = 1024 * 1024;

    public RawJson {
        Objects.requireNonNull(json, "json");
    }

    public int utf8Length() {
        return json.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public String toString() {
        return json;
    }
}
