package org.kowalski.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Checks that the Makefile and README.md name every deployment step and setting. */
class DeploymentDocsTest {

    @Test
    void makeHelpListsEveryTarget() throws Exception {
        assumeTrue(ComposeFilesTest.onPath("make"), "Skipped: make is not installed");
        Process process = new ProcessBuilder("make", "-s", "help")
                .directory(DeploymentFiles.root().toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as("make help: %s", output).isZero();
        for (String target : List.of(
                "run",
                "test",
                "stream",
                "ingest",
                "bench",
                "docker_build",
                "docker_up",
                "docker_down",
                "docker_test")) {
            assertThat(output).as("make help lists %s", target).containsPattern("(?m)^\\s+" + target + "\\s+\\S");
        }
    }

    @Test
    void readmeDeploymentNamesEveryStep() {
        String section = deploymentSection();

        for (String file : DeploymentFiles.COMPOSE_FILES) {
            assertThat(section).contains("cp " + file + " docker-compose.yaml");
        }
        assertThat(section)
                .contains(
                        "cp .env.example .env",
                        "make docker_build",
                        "make docker_up",
                        "make docker_test",
                        "make docker_down",
                        "fritz_net",
                        "/kowalski/config.yaml",
                        "models");
    }

    @Test
    void readmeDeploymentNamesEveryVariable() {
        String section = deploymentSection();

        for (String line : DeploymentFiles.read(".env.example").lines().toList()) {
            if (!line.startsWith("#") && line.contains("=")) {
                String variable = line.substring(0, line.indexOf('='));
                assertThat(section)
                        .as("README.md, Deployment, explains %s", variable)
                        .contains("`" + variable + "`");
            }
        }
    }

    private static String deploymentSection() {
        String readme = DeploymentFiles.read("README.md");
        int start = readme.indexOf("\n## Deployment\n");
        assertThat(start).as("README.md has a section '## Deployment'").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        return end < 0 ? readme.substring(start) : readme.substring(start, end);
    }
}
