package thelook.streams;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/architecture.md on the compiled classes: the CLI and the service use the
 * topology, never the reverse; inside the topology the wiring sits on top of the dbt layers, which sit on
 * flow, names and state; the sinks read the mart topics and know nothing of the topology, and ingest only writes the
 * input topics; no package cycle anywhere.
 */
class PackageRulesTest {
    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("thelook.streams");
    }

    @Test
    void noPackageCycles() {
        slices().matching("thelook.streams.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theTopologyKnowsNothingOfWhatServesOrRunsIt() {
        noClasses().that().resideInAnyPackage("..topology..", "..staging..", "..intermediate..", "..marts..", "..flow..",
                        "..names..", "..state..")
                .should().dependOnClassesThat().resideInAnyPackage("..streams.app..", "..streams.cli..", "..streams.embedded..",
                        "..streams.output..", "..streams.serving..", "..streams.sink..", "..streams.ingest..")
                .check(classes);
    }

    @Test
    void ingestWritesTopicsAndKnowsNothingOfTheTopology() {
        noClasses().that().resideInAPackage("..streams.ingest..")
                .should().dependOnClassesThat().resideInAnyPackage("..streams.topology..", "..streams.staging..",
                        "..streams.intermediate..", "..streams.marts..", "..streams.state..", "..streams.serving..",
                        "..streams.sink..", "..streams.app..", "..streams.cli..")
                .check(classes);
    }

    @Test
    void theSinksReadTopicsNotTheTopology() {
        noClasses().that().resideInAPackage("..streams.sink..")
                .should().dependOnClassesThat().resideInAnyPackage("..streams.topology..", "..streams.staging..",
                        "..streams.intermediate..", "..streams.marts..", "..streams.state..", "..streams.serving..",
                        "..streams.app..", "..streams.cli..")
                .check(classes);
    }

    @Test
    void theLayersDoNotKnowTheWiring() {
        noClasses().that().resideInAnyPackage("..staging..", "..intermediate..", "..marts..", "..flow..", "..names..", "..state..")
                .should().dependOnClassesThat().resideInAPackage("..streams.topology..")
                .check(classes);
    }

    @Test
    void stagingComesFirst() {
        noClasses().that().resideInAPackage("..staging..")
                .should().dependOnClassesThat().resideInAnyPackage("..intermediate..", "..marts..")
                .check(classes);
    }

    @Test
    void namesAndFlowStandAlone() {
        noClasses().that().resideInAnyPackage("..streams.names..", "..streams.flow..")
                .should().dependOnClassesThat().resideInAnyPackage("..staging..", "..intermediate..", "..marts..", "..state..")
                .check(classes);
    }
}
