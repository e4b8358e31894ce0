package dev.quorumcommit.inventory;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;

/** The routes through the whole stack: contract answers, participant routes, and bad input changing nothing. */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("test")
@Import(InMemoryRegisterConfiguration.class)
class InventoryWebTest {

    @Autowired
    MockMvc mvc;

    private String restocked(int available) throws Exception {
        String sku = "W-" + UUID.randomUUID().toString().substring(0, 8);
        mvc.perform(put("/api/inventory/" + sku).contentType(MediaType.APPLICATION_JSON)
                .content("{\"available\": " + available + "}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.available").value(available)).andExpect(jsonPath("$.reserved").value(0));
        return sku;
    }

    @Test
    void concurrentFirstRestocksOfANewSkuAllSucceed() throws Exception {
        String sku = "NEW-" + UUID.randomUUID().toString().substring(0, 8);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return mvc.perform(put("/api/inventory/" + sku).contentType(MediaType.APPLICATION_JSON)
                            .content("{\"available\": 5}")).andReturn().getResponse().getStatus();
                }));
            }
            go.countDown();
            for (var answer : answers) {
                org.assertj.core.api.Assertions.assertThat(answer.get()).isEqualTo(200);
            }
        }
        mvc.perform(get("/api/inventory/" + sku)).andExpect(jsonPath("$.available").value(5));
    }

    @Test
    void restockReadAndList() throws Exception {
        String sku = restocked(7);
        mvc.perform(get("/api/inventory/" + sku)).andExpect(status().isOk()).andExpect(jsonPath("$.sku").value(sku));
        mvc.perform(get("/api/inventory")).andExpect(status().isOk())
                .andExpect(content().string(containsString("\"sku\":\"" + sku + "\"")));
    }

    @Test
    void anUnknownSkuIsAProblem() throws Exception {
        mvc.perform(get("/api/inventory/NOPE-" + UUID.randomUUID())).andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.title").value("Unknown SKU"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '#', value = {
            "{\"available\": -1}          | 'available' must be greater than or equal to 0 (was '-1')",
            "{\"available\": \"5\"}       | 'available' must be a whole number",
            "{\"available\": 1.5}         | 'available' must be a whole number (was '1.5')",
            "{\"available\": 99999999999} | 'available': Numeric value (99999999999) out of range of `int`",
            "{}                           | 'available' must not be null",
            "{\"available\":              | Unexpected end-of-input",
            "5                            | the body must be a JSON object",
    })
    void badRestocksAre400sAndChangeNothing(String body, String named) throws Exception {
        String sku = restocked(3);
        mvc.perform(put("/api/inventory/" + sku).contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value(containsString(named)));
        mvc.perform(get("/api/inventory/" + sku)).andExpect(jsonPath("$.available").value(3));
    }

    /** A client that cannot read JSON is told so before anything changes, not after the stock was set or reserved. */
    @Test
    void anAnswerTheClientCannotAcceptIs406BeforeAnythingChanges() throws Exception {
        String sku = restocked(3);
        mvc.perform(put("/api/inventory/" + sku).contentType(MediaType.APPLICATION_JSON).accept(MediaType.TEXT_PLAIN)
                .content("{\"available\": 9}")).andExpect(status().isNotAcceptable());
        mvc.perform(post("/internal/2pc/prepares").contentType(MediaType.APPLICATION_JSON).accept(MediaType.TEXT_PLAIN)
                .content("{\"prepares\": [{\"txId\": \"" + UUID.randomUUID() + "\", \"sku\": \"" + sku
                        + "\", \"quantity\": 1}]}")).andExpect(status().isNotAcceptable());
        mvc.perform(get("/api/inventory/" + sku)).andExpect(jsonPath("$.available").value(3))
                .andExpect(jsonPath("$.reserved").value(0));
    }

    /**
     * Aborts give reserved units back to available; with more than 2^31 - 1 in all the database would refuse that, and
     * the units would stay reserved for good. So a restock counts what is reserved.
     */
    @Test
    void aRestockThatWithTheReservedUnitsWouldHoldMoreThanABillionIsRefusedAndChangesNothing() throws Exception {
        String sku = restocked(1_000_000_000);
        mvc.perform(post("/internal/2pc/prepares").contentType(MediaType.APPLICATION_JSON)
                .content("{\"prepares\": [{\"txId\": \"" + UUID.randomUUID() + "\", \"sku\": \"" + sku
                        + "\", \"quantity\": 5}]}")).andExpect(status().isOk());

        mvc.perform(put("/api/inventory/" + sku).contentType(MediaType.APPLICATION_JSON)
                .content("{\"available\": 1000000000}")).andExpect(status().isConflict())
                .andExpect(jsonPath("$.detail").value(containsString("5 units reserved")));
        mvc.perform(get("/api/inventory/" + sku)).andExpect(jsonPath("$.available").value(999_999_995))
                .andExpect(jsonPath("$.reserved").value(5));
        mvc.perform(put("/api/inventory/" + sku).contentType(MediaType.APPLICATION_JSON)
                .content("{\"available\": 999999995}")).andExpect(status().isOk());
    }

    @Test
    void aMalformedSkuIsNamed() throws Exception {
        mvc.perform(put("/api/inventory/bad sku!").contentType(MediaType.APPLICATION_JSON).content("{\"available\": 1}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.detail").value(containsString("'sku'")));
    }

    @Test
    void participantRoutesReserveCommitAndAbort() throws Exception {
        String sku = restocked(10);
        String tx = UUID.randomUUID().toString();
        mvc.perform(post("/internal/2pc/transactions/" + tx + "/prepare").contentType(MediaType.APPLICATION_JSON)
                .content("{\"sku\": \"" + sku + "\", \"quantity\": 4}"))
                .andExpect(status().isOk()).andExpect(jsonPath("$.vote").value("YES"));
        mvc.perform(get("/api/inventory/" + sku)).andExpect(jsonPath("$.available").value(6))
                .andExpect(jsonPath("$.reserved").value(4));
        mvc.perform(post("/internal/2pc/transactions/" + tx + "/commit")).andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("COMMITTED"));
        mvc.perform(get("/api/inventory/" + sku)).andExpect(jsonPath("$.reserved").value(0));
        mvc.perform(post("/internal/2pc/transactions/" + tx + "/abort")).andExpect(status().isConflict());
    }

    @Test
    void aCommitForAnUnknownTransactionIsA404Problem() throws Exception {
        mvc.perform(post("/internal/2pc/transactions/" + UUID.randomUUID() + "/commit"))
                .andExpect(status().isNotFound()).andExpect(jsonPath("$.title").value("Unknown transaction"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '#', value = {
            "{\"sku\": \"A\", \"quantity\": 0}         | 'quantity' must be greater than or equal to 1 (was '0')",
            "{\"sku\": \"A\", \"quantity\": -2}        | 'quantity' must be greater than or equal to 1 (was '-2')",
            "{\"sku\": \"A\", \"quantity\": 5000000}   | 'quantity' must be less than or equal to",
            "{\"sku\": \"A\", \"quantity\": \"two\"}   | 'quantity' must be a whole number",
            "{\"quantity\": 1}                         | 'sku' must not be null",
            "not json                                  | not valid JSON",
    })
    void badPreparesAre400sAndRecordNothing(String body, String named) throws Exception {
        String tx = UUID.randomUUID().toString();
        mvc.perform(post("/internal/2pc/transactions/" + tx + "/prepare").contentType(MediaType.APPLICATION_JSON)
                .content(body))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value(containsString(named)));
        mvc.perform(get("/internal/2pc/transactions/" + tx)).andExpect(status().isNotFound());
    }

    @Test
    void batchedRoutesAnswerEachTransactionAsItsOwnRouteWould() throws Exception {
        String sku = restocked(5);
        String[] tx = {UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                UUID.randomUUID().toString()};
        String votes = mvc.perform(post("/internal/2pc/prepares").contentType(MediaType.APPLICATION_JSON).content("""
                        {"prepares": [{"txId": "%s", "sku": "%s", "quantity": 2},
                                      {"txId": "%s", "sku": "%s", "quantity": 2},
                                      {"txId": "%s", "sku": "%s", "quantity": 2},
                                      {"txId": "%s", "sku": "NO-SUCH-SKU", "quantity": 1}]}"""
                        .formatted(tx[0], sku, tx[1], sku, tx[2], sku, tx[3])))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.votes[0].txId").value(tx[0]))
                .andExpect(jsonPath("$.votes[1].txId").value(tx[1]))
                .andExpect(jsonPath("$.votes[2].txId").value(tx[2]))
                .andExpect(jsonPath("$.votes[3].vote").value("NO"))
                .andExpect(jsonPath("$.votes[3].reason").value(containsString("NO-SUCH-SKU")))
                // five units, three asks of two: whichever ran first, exactly two of the three got theirs
                .andExpect(jsonPath("$.votes[?(@.vote == 'YES')]", org.hamcrest.Matchers.hasSize(2)))
                .andExpect(jsonPath("$.votes[?(@.vote == 'NO' && @.reason =~ /not enough stock.*/)]",
                        org.hamcrest.Matchers.hasSize(1)))
                .andReturn().getResponse().getContentAsString();
        mvc.perform(get("/api/inventory/" + sku)).andExpect(jsonPath("$.available").value(1))
                .andExpect(jsonPath("$.reserved").value(4));

        List<String> prepared = JsonPath.read(votes, "$.votes[?(@.vote == 'YES')].txId");
        String committed = prepared.get(0);
        String aborted = prepared.get(1);
        String unknown = UUID.randomUUID().toString();
        mvc.perform(post("/internal/2pc/decisions").contentType(MediaType.APPLICATION_JSON).content("""
                        {"decisions": [{"txId": "%s", "decision": "COMMIT"}, {"txId": "%s", "decision": "ABORT"},
                                       {"txId": "%s", "decision": "COMMIT"}, {"txId": "%s", "decision": "ABORT"}]}"""
                        .formatted(committed, aborted, unknown, committed)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.results[0].status").value(200))
                .andExpect(jsonPath("$.results[0].state").value("COMMITTED"))
                .andExpect(jsonPath("$.results[1].status").value(200))
                .andExpect(jsonPath("$.results[1].state").value("ABORTED"))
                .andExpect(jsonPath("$.results[2].status").value(404))
                .andExpect(jsonPath("$.results[2].detail").value(containsString(unknown)))
                .andExpect(jsonPath("$.results[3].txId").value(committed))
                .andExpect(jsonPath("$.results[3].status").value(org.hamcrest.Matchers.anyOf(
                        org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(409))));
        mvc.perform(get("/api/inventory/" + sku)).andExpect(jsonPath("$.available").value(3))
                .andExpect(jsonPath("$.reserved").value(0));
        mvc.perform(get("/internal/2pc/transactions/" + committed)).andExpect(jsonPath("$.state").value("COMMITTED"));
        mvc.perform(get("/internal/2pc/transactions/" + unknown)).andExpect(status().isNotFound());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/internal/2pc/prepares  | {}                                                                   | prepares",
            "/internal/2pc/prepares  | {\"prepares\": []}                                                   | prepares",
            "/internal/2pc/prepares  | {\"prepares\": [{\"txId\": \"ok-1\", \"sku\": \"A\", \"quantity\": 1}, {\"txId\": \"ok-2\", \"sku\": \"A\", \"quantity\": 0}]} | quantity",
            "/internal/2pc/prepares  | {\"prepares\": [{\"txId\": \"bad tx\", \"sku\": \"A\", \"quantity\": 1}]} | txId",
            "/internal/2pc/decisions | {\"decisions\": [{\"txId\": \"ok-1\", \"decision\": \"MAYBE\"}]} | ",
            "/internal/2pc/decisions | {\"decisions\": [{\"txId\": \"ok-1\"}]}                         | decision",
            "/internal/2pc/decisions | not json                                                             | ",
    })
    void badBatchesAre400sAndChangeNothing(String route, String body, String named) throws Exception {
        String sku = restocked(3);
        mvc.perform(post(route).contentType(MediaType.APPLICATION_JSON).content(body.replace("\"A\"", "\"" + sku + "\"")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value(containsString(named == null ? "" : named)));
        mvc.perform(get("/internal/2pc/transactions/ok-1")).andExpect(status().isNotFound());
        mvc.perform(get("/api/inventory/" + sku)).andExpect(jsonPath("$.available").value(3));
    }

    @Test
    void swaggerDescribesTheInternalRoutes() throws Exception {
        mvc.perform(get("/v3/api-docs")).andExpect(status().isOk())
                .andExpect(content().string(containsString("/internal/2pc/transactions/{txId}/prepare")))
                .andExpect(content().string(containsString("/internal/2pc/prepares")))
                .andExpect(content().string(containsString("/internal/2pc/decisions")))
                .andExpect(content().string(containsString("internal: 2PC participant")));
    }
}
