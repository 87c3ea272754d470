package io.flowswitch.https;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestPathsTest {
    @TempDir
    Path dir;

    private RequestPaths paths;

    @BeforeEach
    void site() throws Exception {
        final Path root = Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.writeString(root.resolve("file.txt"), "x");
        Files.writeString(root.resolve("ä b.txt"), "x");
        Files.createDirectories(root.resolve("empty-dir"));
        Files.createSymbolicLink(root.resolve("out"), dir);
        Files.createSymbolicLink(root.resolve("in"), root.resolve("file.txt"));
        paths = new RequestPaths(root);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "/file.txt, 200",
        "/file.txt?download=1, 200",
        "/%C3%A4%20b.txt, 200",
        "/in, 200",
        "/nothing, 404",
        "/empty-dir/, 404",
        "/../secret.txt, 403",
        "/%2e%2e/secret.txt, 403",
        "/a/%2E%2E/%2e%2e/secret.txt, 403",
        "/..%2fsecret.txt, 403",
        "/out/secret.txt, 403",
        "/./file.txt, 403",
        "/..%5csecret.txt, 403",
        "/%zz, 400",
        "/%2, 400",
        "/%00, 400",
        "/%ff, 400",
        "file.txt, 400",
        "http://localhost/file.txt, 400"})
    void targetsResolveInsideTheRootOrAreRefused(String target, int status) {
        assertEquals(status, paths.resolve(target).status(), () -> paths.resolve(target).reason());
    }

    @Test
    void resolvedFilesAreRealPathsUnderTheRoot() {
        assertEquals(paths.root().resolve("file.txt"), paths.resolve("/in").file());
    }
}
