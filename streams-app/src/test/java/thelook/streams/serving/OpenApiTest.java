package thelook.streams.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.DimProductPerformance;
import thelook.avro.FctCrossSellCandidates;

/** /openapi.json describes exactly the routes the server has, and the rows as the marts' Avro schemas define them. */
class OpenApiTest {
    @Test
    void pathsAreTheServersRoutes() throws Exception {
        JsonNode doc = RowJson.JSON.readTree(OpenApi.document());
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        List<String> paths = new ArrayList<>();
        doc.get("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).containsExactlyInAnyOrderElementsOf(ApiServer.API_ROUTES);
        doc.get("paths").forEach(p -> assertThat(p.has("get")).isTrue());
    }

    @Test
    void rowSchemasHaveTheMartsColumnsInOrderThenTheCustomerTiers() throws Exception {
        JsonNode schemas = RowJson.JSON.readTree(OpenApi.document()).get("components").get("schemas");
        for (Schema avro : List.of(DimCustomerMetrics.getClassSchema(), DimProductPerformance.getClassSchema(),
                FctCrossSellCandidates.getClassSchema())) {
            List<String> properties = new ArrayList<>();
            schemas.get(avro.getName()).get("properties").fieldNames().forEachRemaining(properties::add);
            List<String> expected = new ArrayList<>(avro.getFields().stream().map(Schema.Field::name).toList());
            if (avro.equals(DimCustomerMetrics.getClassSchema())) { // the customer tiers after the dbt columns
                expected.addAll(List.of(TierFields.SCORE_FIELDS));
                expected.add("engagement_tier");
            }
            assertThat(properties).as(avro.getName()).containsExactlyElementsOf(expected);
        }
    }
}
