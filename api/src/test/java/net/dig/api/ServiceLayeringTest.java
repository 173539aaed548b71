package net.dig.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The layer rules around dig-service that Maven's enforcer cannot see (it checks POM dependencies,
 * not imports): the HTTP routes reach storage only through the services and the value types they
 * render, and the service layer stays free of Vert.x and Netty, so a replicator or a validator can use
 * it without a web server.
 */
class ServiceLayeringTest {
    /** The storage types the routes may name: values they parse, render or switch on. */
    static final Set<String> STORAGE_VALUES = Set.of("CapsuleInfo", "CapsuleLocation", "Compression", "DatastoreSummary",
            "DatastoreVersion", "FileEntry", "Manifest", "PlotStatus", "PlotSummary", "ScrubStatus", "StorageErrorCode", "StorageException");

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("net.dig.api", "net.dig.service", "net.dig.storage");

    private static final ArchRule API_USES_SERVICES = noClasses().that().resideInAPackage("net.dig.api..")
            .should().dependOnClassesThat(storageInternals())
            .because("the HTTP API talks to dig-service (NodeServices), never to the storage engine, its plots or index");

    private static DescribedPredicate<JavaClass> storageInternals() {
        return DescribedPredicate.describe("are storage internals (not one of " + STORAGE_VALUES + ")",
                c -> c.getPackageName().equals("net.dig.storage")
                        && !STORAGE_VALUES.contains(outermost(c).getSimpleName()));
    }

    private static JavaClass outermost(JavaClass c) {
        JavaClass o = c;
        while (o.getEnclosingClass().isPresent()) {
            o = o.getEnclosingClass().get();
        }
        return o;
    }

    @Test
    void theImportSeesApiServiceAndStorage() {
        for (String pkg : new String[] {"net.dig.api", "net.dig.service", "net.dig.storage"}) {
            assertThat(MAIN.stream().anyMatch(c -> c.getPackageName().equals(pkg))).as(pkg).isTrue();
        }
    }

    @Test
    void theApiDoesNotImportStorageInternals() {
        API_USES_SERVICES.check(MAIN);
    }

    @Test
    void theRuleCatchesAnApiClassThatOpensTheEngine() {
        // ApiFixture (a test class) opens a StorageEngine itself; with tests imported the rule must fail on it
        JavaClasses withTests = new ClassFileImporter().importPackages("net.dig.api", "net.dig.storage");
        assertThatThrownBy(() -> API_USES_SERVICES.check(withTests))
                .isInstanceOf(AssertionError.class).hasMessageContaining("ApiFixture").hasMessageContaining("StorageEngine");
    }

    @Test
    void theServiceLayerHasNoVertxOrNetty() {
        noClasses().that().resideInAPackage("net.dig.service..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..")
                .because("dig-service is usable without a web server or a socket")
                .check(MAIN);
    }

    @Test
    void theVertxRuleCatchesAClassThatUsesVertx() {
        assertThatThrownBy(() -> noClasses().that().resideInAPackage("net.dig.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..").check(MAIN))
                .isInstanceOf(AssertionError.class).hasMessageContaining("ApiServer");
    }
}
