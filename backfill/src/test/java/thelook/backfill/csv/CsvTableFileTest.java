package thelook.backfill.csv;

import thelook.backfill.source.BadInputException;
import thelook.backfill.source.OnError;
import thelook.backfill.source.RowErrors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.avro.Product;
import thelook.schemas.AvroTrust;
import thelook.schemas.TheLookTable;

class CsvTableFileTest {
    @TempDir
    Path dir;

    static {
        AvroTrust.install();
    }

    @Test
    void columnsByNameInAnyOrderUnknownOnesIgnoredEmptyIsNull() throws Exception {
        write("products.csv", "\uFEFFbrand,id,extra,cost,category,name,retail_price,department\n"
                + "B,1,x,1.5,C,\"Name, with comma\",,Men\n");
        List<SpecificRecord> rows = read(OnError.FAIL, new RowErrors());
        Product p = (Product) rows.get(0);
        assertThat(p.getId()).isEqualTo(1L);
        assertThat(p.getName()).isEqualTo("Name, with comma");
        assertThat(p.getRetailPrice()).isNull();
        assertThat(p.getSku()).isNull(); // column absent from the file
    }

    @Test
    void theLastRowOfAKeyWins() throws Exception {
        write("products.csv", "id,cost,category,name,brand,retail_price,department\n"
                + "1,1,C,first,B,2,Men\n2,1,C,other,B,2,Men\n1,1,C,last,B,2,Men\n");
        List<SpecificRecord> rows = read(OnError.FAIL, new RowErrors());
        assertThat(rows).extracting(r -> ((Product) r).getName()).containsExactly("other", "last");
    }

    @Test
    void aMissingRequiredFileOrColumnIsNamed() throws Exception {
        assertThatThrownBy(() -> CsvTableFile.open(dir, TheLookTable.PRODUCTS))
                .hasMessageContaining("products.csv").hasMessageContaining("missing");
        write("products.csv", "id,cost,category,name,brand,department\n");
        assertThatThrownBy(() -> CsvTableFile.open(dir, TheLookTable.PRODUCTS))
                .hasMessageContaining("products.csv").hasMessageContaining("retail_price");
        assertThat(CsvTableFile.open(dir, TheLookTable.INVENTORY_ITEMS)).isNull(); // optional table
    }

    @Test
    void aMalformedRowFailsNamingFileLineAndColumn() throws Exception {
        write("products.csv", "id,cost,category,name,brand,retail_price,department\n"
                + "1,1,C,ok,B,2,Men\n2,cheap,C,bad,B,2,Men\n");
        assertThatThrownBy(() -> read(OnError.FAIL, new RowErrors()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("products.csv: line 3: column cost: cannot read 'cheap' as FLOAT64");
    }

    @Test
    void skippedRowsAreCountedAndReported() throws Exception {
        write("products.csv", "id,cost,category,name,brand,retail_price,department\n"
                + "1,1,C,ok,B,2,Men\nx,1,C,bad key,B,2,Men\n3,1,C,too,few\n,1,C,no key,B,2,Men\n4,1,C,ok,B,NaNa,Men\n5,1,C,ok,B,2,Men\n");
        RowErrors errors = new RowErrors();
        List<SpecificRecord> rows = read(OnError.SKIP, errors);
        assertThat(rows).hasSize(2);
        assertThat(errors.count()).isEqualTo(4);
        assertThat(errors.firstMessages()).anySatisfy(m -> assertThat(m).contains("line 3").contains("'x' as INT64"))
                .anySatisfy(m -> assertThat(m).contains("line 4").contains("expected 7 fields"))
                .anySatisfy(m -> assertThat(m).contains("line 5").contains("primary key is empty"))
                .anySatisfy(m -> assertThat(m).contains("line 6").contains("retail_price"));
    }

    @Test
    void brokenCsvSyntaxFailsWithItsLineEvenWhenSkipping() throws Exception {
        write("products.csv", "id,cost,category,name,brand,retail_price,department\n1,1,C,\"unterminated,B,2,Men\n");
        assertThatThrownBy(() -> read(OnError.SKIP, new RowErrors()))
                .hasMessageContaining("products.csv: line 2: not valid CSV");
    }

    @Test
    void onePassReadsAFileOfUniqueGoodRowsAndGivesUpOtherwise() throws Exception {
        String header = "id,cost,category,name,brand,retail_price,department\n";
        write("products.csv", header + "1,1,C,a,B,2,Men\n2,1,C,b,B,2,Men\n");
        List<SpecificRecord> rows = new ArrayList<>();
        assertThat(products().forEachRowIfUniqueAndValid((line, row) -> rows.add(row))).isTrue();
        assertThat(rows).extracting(r -> ((Product) r).getName()).containsExactly("a", "b");

        for (String body : List.of("1,1,C,a,B,2,Men\n1,1,C,again,B,2,Men\n", // a repeated key
                "1,1,C,a,B,2,Men\n2,cheap,C,b,B,2,Men\n",                   // a value that does not convert
                "1,1,C,a,B,2,Men\nx,1,C,b,B,2,Men\n",                       // a key that does not
                "1,1,C,a,B,2,Men\n2,1,C\n")) {                              // too few fields
            write("products.csv", header + body);
            assertThat(products().forEachRowIfUniqueAndValid((line, row) -> { })).as(body).isFalse();
        }
    }

    private CsvTableFile products() {
        return CsvTableFile.open(dir, TheLookTable.PRODUCTS);
    }

    private void write(String name, String content) throws Exception {
        Files.writeString(dir.resolve(name), content);
    }

    private List<SpecificRecord> read(OnError onError, RowErrors errors) {
        List<SpecificRecord> rows = new ArrayList<>();
        CsvTableFile.open(dir, TheLookTable.PRODUCTS).forEachCurrentRow(onError, errors, (line, row) -> rows.add(row));
        return rows;
    }
}
