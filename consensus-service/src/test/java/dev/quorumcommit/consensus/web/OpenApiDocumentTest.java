package dev.quorumcommit.consensus.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

class OpenApiDocumentTest extends ApiTestSupport {

    @Test
    void everyRouteIsDescribedWithItsProblemsUnderItsFeatureTag() {
        Answer answer = get("/v3/api-docs");
        assertThat(answer.status()).isEqualTo(200);
        JsonNode doc = answer.json();
        assertThat(doc.at("/info/title").asString()).contains("node n1");
        JsonNode paths = doc.get("paths");
        assertThat(paths.at("/~1api~1log/post/responses").propertyNames()).contains("201", "400", "413", "503");
        assertThat(paths.at("/~1api~1log/get/responses").propertyNames()).contains("200", "400", "410");
        assertThat(paths.at("/~1api~1log~1{index}/get/responses").propertyNames()).contains("200", "404", "410");
        assertThat(paths.at("/~1api~1log~1stream/get/responses").propertyNames()).contains("200", "410");
        assertThat(paths.at("/~1api~1kv~1{key}/put/responses").propertyNames()).contains("200", "400", "409", "413", "503");
        assertThat(paths.at("/~1api~1kv~1{key}/get/responses").propertyNames()).contains("200", "404");
        assertThat(paths.at("/~1api~1kv~1{key}/delete/responses").propertyNames()).contains("204", "404", "409");
        assertThat(paths.at("/~1api~1cluster/get/summary").asString()).isNotBlank();
        assertThat(paths.at("/~1api~1kv~1{key}/put/tags/0").asString()).isEqualTo("kv");
        assertThat(paths.at("/~1api~1log/post/tags/0").asString()).isEqualTo("log");
        assertThat(paths.at("/~1api~1cluster/get/tags/0").asString()).isEqualTo("cluster");
        assertThat(paths.at("/~1api~1kv~1{key}/put/responses/409/content").toString()).contains("revision");
        assertThat(get("/swagger-ui.html").status()).isIn(200, 302);
        assertThat(doc.at("/components/schemas/PutRequest/properties/value/type").toString()).contains("null", "number");
        assertThat(doc.at("/components/schemas/KvAnswer/properties/value/type").toString()).contains("null", "number");
        assertThat(doc.at("/components/schemas/AppendRequest/properties/payload/type").toString()).contains("null", "number");
    }
}
