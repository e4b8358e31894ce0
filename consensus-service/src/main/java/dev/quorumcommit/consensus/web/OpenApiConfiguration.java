package dev.quorumcommit.consensus.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.quorumcommit.consensus.node.ConsensusProperties;
import org.springdoc.core.utils.SpringDocUtils;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.info.Info;

/** The OpenAPI document's title names the node, so that Swagger UI shows which member one is talking to. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static {
        // RawJson is written as the JSON value it holds, so its schema is "any value", not its record component.
        SpringDocUtils.getConfig().replaceWithSchema(RawJson.class, new Schema<Object>()
                .description("Any JSON value (object, array, string, number, boolean or null), at most 1 MiB, kept exactly as sent"));
    }

    @Bean
    OpenAPI consensusOpenApi(ConsensusProperties properties) {
        return new OpenAPI()
                .info(new Info()
                        .title("Quorum Commit consensus-service, node " + properties.nodeId())
                        .version("1")
                        .description("One node of a Raft cluster: a replicated log and a compare-and-set key-value store."
                                + " Any node takes any request; a follower forwards writes and linearizable reads to the"
                                + " leader. Errors are RFC 9457 problems. Members: " + properties.members()));
    }
}
