package dev.quorumcommit.consensus.web;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;

/**
 * Copies a JSON value token by token into compact text. Numbers are copied as the text the client
 * wrote ({@code getString()} of a number token is its literal), never through double or
 * BigDecimal, so that any JSON value round-trips exactly; strings are re-escaped canonically. A string with a lone
 * surrogate is refused: no UTF-8 text, which is how values are stored, can hold it.
 */
class RawJsonDeserializer extends ValueDeserializer<RawJson> {

    @Override
    public RawJson deserialize(JsonParser parser, DeserializationContext context) {
        StringBuilder json = new StringBuilder();
        int depth = 0;
        boolean needComma = false;
        JsonToken token = parser.currentToken();
        while (true) {
            switch (token) {
                case START_OBJECT, START_ARRAY -> {
                    comma(json, needComma);
                    json.append(token == JsonToken.START_OBJECT ? '{' : '[');
                    depth++;
                    needComma = false;
                }
                case END_OBJECT, END_ARRAY -> {
                    json.append(token == JsonToken.END_OBJECT ? '}' : ']');
                    depth--;
                    needComma = true;
                }
                case PROPERTY_NAME -> {
                    comma(json, needComma);
                    quote(parser, json, parser.currentName()).append(':');
                    needComma = false;
                }
                case VALUE_STRING -> {
                    comma(json, needComma);
                    quote(parser, json, parser.getString());
                    needComma = true;
                }
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> {
                    comma(json, needComma);
                    json.append(parser.getString());
                    needComma = true;
                }
                default -> context.reportInputMismatch(RawJson.class, "unexpected JSON token " + token);
            }
            if (depth == 0) {
                return new RawJson(json.toString());
            }
            token = parser.nextToken();
            if (token == null) {
                context.reportInputMismatch(RawJson.class, "the JSON value ends early");
            }
        }
    }

    /** A JSON {@code null} is a value like any other; only a missing property is absent. */
    @Override
    public RawJson getNullValue(DeserializationContext context) {
        return new RawJson("null");
    }

    @Override
    public Object getAbsentValue(DeserializationContext context) {
        return null;
    }

    /** The index of the first UTF-16 surrogate without its other half, or -1. */
    private static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static void comma(StringBuilder json, boolean needed) {
        if (needed) {
            json.append(',');
        }
    }

    private static StringBuilder quote(JsonParser parser, StringBuilder json, String text) {
        int at = unpairedSurrogate(text);
        if (at >= 0) {
            // JSON lets "\ud800" stand alone, but values are stored as UTF-8, which has no form for it: it would
            // come back as "?". Refused, so that a value is kept exactly as sent or not at all.
            throw new StreamReadException(parser, String.format("a string holds a lone UTF-16 surrogate (\\u%04X at"
                    + " character %d), which cannot be stored: send both halves of the pair, or neither", (int) text.charAt(at), at));
        }
        json.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, json);
        return json.append('"');
    }
}
