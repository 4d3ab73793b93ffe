package org.kowalski.common.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the public sample data (alerts, catalogs, models) that some tests need. The folder comes from
 * the system property {@value #PROPERTY}, which the build sets to {@code ../shared} beside the project.
 * Tests call {@link #require(String)}, which skips the test with a message naming the missing path.
 */
public final class SharedData {

    public static final String PROPERTY = "kowalski.shared.dir";

    private SharedData() {}

    /** Returns the sample data folder, whether or not it exists. */
    public static Path dir() {
        return Path.of(System.getProperty(PROPERTY, "../shared"))
                .toAbsolutePath()
                .normalize();
    }

    /** Returns whether a path under the sample data folder exists. */
    public static boolean has(String relativePath) {
        return Files.exists(dir().resolve(relativePath));
    }

    /** Returns a path under the sample data folder, or skips the calling test when it is missing. */
    public static Path require(String relativePath) {
        Path path = dir().resolve(relativePath);
        assumeTrue(
                Files.exists(path),
                () -> "Skipped: this test needs the public sample data at " + path
                        + "; put the shared folder beside the project or set -D" + PROPERTY + "=<folder>");
        return path;
    }
}
