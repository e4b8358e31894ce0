package dev.quorumcommit.consensus.raft;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The core stays a deterministic state machine (DESIGN.md): it may use java.lang and java.util and
 * nothing else, so no Spring, no I/O, no sockets, no clock, no threads, no logging, no randomness
 * but the one it is given.
 */
class RaftCoreArchitectureTest {

    private static final String CORE = "dev.quorumcommit.consensus.raft..";

    private static final JavaClasses CORE_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.quorumcommit.consensus.raft");

    @Test
    void coreDependsOnlyOnJavaLangAndJavaUtil() {
        classes().that().resideInAPackage(CORE)
                .should().onlyDependOnClassesThat().resideInAnyPackage(CORE, "java.lang..", "java.util..", "" /* primitives */)
                .because("the core does no I/O and knows no framework (java.io, java.nio, java.net, java.time, Spring are out)")
                .check(CORE_CLASSES);
    }

    @Test
    void coreHasNoThreadsClockLoggingOrRandomnessOfItsOwn() {
        noClasses().that().resideInAPackage(CORE)
                .should().dependOnClassesThat().resideInAnyPackage("java.util.concurrent..", "java.util.logging..",
                        "java.lang.reflect..")
                .orShould().dependOnClassesThat().belongToAnyOf(Thread.class, ThreadLocal.class, java.util.Random.class,
                        Runtime.class, ProcessBuilder.class)
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Math.class, "random")
                .because("the driver owns threads and time; the config's RandomGenerator is the only randomness")
                .check(CORE_CLASSES);
    }
}
