package dev.quorumcommit.consensus;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The state machine stays plain, deterministic Java; the web code stays on Jackson 3. */
@AnalyzeClasses(packages = "dev.quorumcommit.consensus", importOptions = ImportOption.DoNotIncludeTests.class)
class ApiArchitectureTest {

    @ArchTest
    static final ArchRule stateMachineIsPlainJava = noClasses()
            .that().resideInAPackage("..consensus.statemachine..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "tools.jackson..",
                    "com.fasterxml..", "jakarta..", "..consensus.node..", "..consensus.web..")
            .because("every replica must compute the same state from the same entries, with nothing around it");

    @ArchTest
    static final ArchRule stateMachineReadsNoClock = noClasses()
            .that().resideInAPackage("..consensus.statemachine..")
            .should().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(System.class, "nanoTime")
            .orShould().dependOnClassesThat().belongToAnyOf(java.time.Clock.class, java.time.Instant.class, java.util.Random.class)
            .because("time comes only from the leader-stamped entries, so that replicas agree");

    @ArchTest
    static final ArchRule noJackson2 = noClasses()
            .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson.databind..")
            .because("the project's code is on Jackson 3 (tools.jackson); springdoc brings Jackson 2 along only for itself");
}
