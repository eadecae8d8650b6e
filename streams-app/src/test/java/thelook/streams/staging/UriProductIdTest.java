package thelook.streams.staging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docs/marts.md section 2, the examples and the edges around them. */
class UriProductIdTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NULL", value = {
        "/product/123?ref=x, 123",
        "/department/men/product/7, 7",
        "/product/abc, NULL",
        "/product/abc/product/9, 9",
        "/PRODUCT/5, NULL",
        "/product/007, 7",
        "/product/0, 0",
        "/product/, NULL",
        "/product//product/4, 4",
        "/products/5, NULL",
        "x/product/12/product/13, 12",
        "/product/9223372036854775807, 9223372036854775807",
        "/product/9223372036854775808, NULL",
        "/product/000000000000000000000000001, 1",
        "/product/99999999999999999999/product/5, NULL",
        "/product/\u0663, NULL",
        "NULL, NULL"})
    void firstMatchOfProductDigits(String uri, Long expected) {
        assertThat(UriProductId.parse(uri)).isEqualTo(expected);
    }
}
