package dev.quorumcommit.consensus.web;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;

/** Writes a {@link RawJson} as the JSON value it holds, verbatim. */
class RawJsonSerializer extends ValueSerializer<RawJson> {

    @Override
    public void serialize(RawJson value, JsonGenerator generator, SerializationContext context) {
        generator.writeRawValue(value.json());
    }
}
