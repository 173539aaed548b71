package net.dig.node;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of docs/architecture.md §3 that the Maven enforcer cannot see (it checks POM dependencies,
 * not imports): checked on the compiled main classes of every module on this test's classpath
 * (the node depends on all of them; dig-sim is added as a test dependency for this).
 */
class LayeringTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importAll() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("net.dig");
    }

    @Test
    void theImportSeesEveryModule() {
        for (String pkg : new String[] {"net.dig.core", "net.dig.node", "net.dig.storage", "net.dig.service", "net.dig.api",
                "net.dig.gossip", "net.dig.net", "net.dig.wire", "net.dig.sim"}) {
            org.assertj.core.api.Assertions.assertThat(classes.stream().anyMatch(c -> c.getPackageName().equals(pkg)))
                    .as("classes of %s imported", pkg).isTrue();
        }
    }

    @Test
    void coreDependsOnTheJdkAndBouncyCastlesEd25519Only() {
        classes().that().resideInAPackage("net.dig.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "net.dig.core..", "",
                        "org.bouncycastle.math.ec.rfc8032")
                .because("dig-core is the base of every module: the JDK, and RFC 8032 Ed25519 from bcprov (decisions.md D66a)")
                .check(classes);
    }

    @Test
    void onlyTheNodeIdentityUsesBouncyCastleInCore() {
        noClasses().that().resideInAPackage("net.dig.core..").and().doNotHaveFullyQualifiedName("net.dig.core.NodeIdentity")
                .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..")
                .because("signing and verifying go through NodeIdentity, so the Ed25519 implementation stays replaceable")
                .check(classes);
    }

    @Test
    void sansIoModulesNeverUseNetty() {
        noClasses().that().resideInAnyPackage("net.dig.gossip..", "net.dig.wire..", "net.dig.sim..", "net.dig.service..")
                .should().dependOnClassesThat().resideInAPackage("io.netty..")
                .because("protocol state machines and codecs run under Netty and in the simulator alike")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void nothingDependsOnTheNode() {
        noClasses().that().resideOutsideOfPackage("net.dig.node..")
                .should().dependOnClassesThat().resideInAPackage("net.dig.node..")
                .because("dig-node is the top of the stack")
                .check(classes);
    }

    @Test
    void timeIsInjectedInStorageGossipAndCore() {
        noClasses().that().resideInAnyPackage("net.dig.storage..", "net.dig.gossip..", "net.dig.core..", "net.dig.service..")
                .and().doNotHaveFullyQualifiedName("net.dig.core.SystemClock")
                .should().callMethodWhere(readsTheClockOrSleeps())
                .because("time comes from an injected net.dig.core.Clock (docs/architecture.md §3)")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void theClockRuleCatchesTheOneAllowedClockReader() {
        // SystemClock reads System.currentTimeMillis(); without its exemption the rule must fail.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> noClasses().that().resideInAPackage("net.dig.core..")
                        .should().callMethodWhere(readsTheClockOrSleeps()).check(classes))
                .isInstanceOf(AssertionError.class).hasMessageContaining("SystemClock");
    }

    private static DescribedPredicate<JavaCall<?>> readsTheClockOrSleeps() {
        return DescribedPredicate.describe("System.currentTimeMillis(), Instant.now() or Thread.sleep()", call -> {
            String owner = call.getTargetOwner().getFullName();
            String name = call.getName();
            return (owner.equals(System.class.getName()) && name.equals("currentTimeMillis"))
                    || (owner.equals(Instant.class.getName()) && name.equals("now"))
                    || (owner.equals(Thread.class.getName()) && name.equals("sleep"));
        });
    }
}
