package org.kowalski.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kowalski.deploy.DeploymentFiles.Instruction;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kowalski.common.config.ConfigLoader;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Checks the Dockerfile without a Docker engine: every file it copies exists in the build context, every
 * image runs the jar its module builds, and no secret is set in it.
 */
class DockerfileTest {

    private static final String BUILD_STAGE = "build";
    private static final String JAR_IN_IMAGE = "/kowalski/app.jar";

    private final List<Instruction> dockerfile = DeploymentFiles.dockerfile();

    @Test
    void copySourcesExistInBuildContext() {
        List<String> checked = new ArrayList<>();
        for (Instruction copy : instructions("COPY")) {
            if (copy.flag("--from") != null) {
                continue;
            }
            List<String> operands = copy.operands();
            assertThat(operands)
                    .as("COPY on line %d needs a source and a destination", copy.line())
                    .hasSizeGreaterThan(1);
            for (String source : operands.subList(0, operands.size() - 1)) {
                Path path = DeploymentFiles.root().resolve(source);
                assertThat(Files.exists(path))
                        .as("COPY source %s on line %d exists", source, copy.line())
                        .isTrue();
                assertThat(ignoredBy(source))
                        .as("COPY source %s on line %d is excluded by .dockerignore", source, copy.line())
                        .isNull();
                checked.add(source);
            }
        }
        assertThat(checked).contains("pom.xml", "common/src", "config.defaults.yaml", "docker.yaml");
    }

    @Test
    void everyModulePomCopiedBeforeBuild() {
        List<String> copied = instructions("COPY").stream()
                .filter(copy -> copy.stage().equals(BUILD_STAGE))
                .map(copy -> copy.operands().get(0))
                .toList();

        for (String module : DeploymentFiles.rootModules()) {
            assertThat(copied)
                    .as("Maven reads every module the root pom lists, so the build stage copies %s/pom.xml", module)
                    .contains(module + "/pom.xml");
        }
    }

    @Test
    void builtModulesHaveSourcesCopied() {
        List<String> copied = instructions("COPY").stream()
                .filter(copy -> copy.stage().equals(BUILD_STAGE))
                .map(copy -> copy.operands().get(0))
                .toList();

        assertThat(serviceModules())
                .as("SERVICE_MODULES lists the module of every image")
                .containsExactlyInAnyOrderElementsOf(imageModules().keySet());
        List<String> built = new ArrayList<>(serviceModules());
        built.add("common");
        for (String module : built) {
            assertThat(copied).as("the build stage copies %s/src", module).contains(module + "/src");
        }
    }

    @Test
    void imagesRunTheModuleExecJar() {
        String version = DeploymentFiles.argDefault(dockerfile, "VERSION");
        assertThat(version).as("ARG VERSION is the version of the root pom").isEqualTo(DeploymentFiles.rootVersion());

        for (Map.Entry<String, String> image : imageModules().entrySet()) {
            String module = image.getKey();
            String stage = image.getValue();
            Element pom = DeploymentFiles.xml(
                            DeploymentFiles.root().resolve(module).resolve("pom.xml"))
                    .getDocumentElement();
            Element repackage = springBootPlugin(pom);
            assertThat(repackage)
                    .as("%s packages an executable jar with spring-boot-maven-plugin", module)
                    .isNotNull();
            Element configuration = DeploymentFiles.child(repackage, "configuration");
            String classifier = DeploymentFiles.childText(configuration, "classifier");
            String mainClass = DeploymentFiles.childText(configuration, "mainClass");
            String artifactId = DeploymentFiles.childText(pom, "artifactId");

            String expectedJar =
                    "/build/" + module + "/target/" + artifactId + "-" + version + "-" + classifier + ".jar";
            Instruction copy = copyFromBuild(stage);
            String source =
                    copy.operands().get(0).replace("${VERSION}", version).replace("${MODULE}", module);
            assertThat(source)
                    .as("stage %s copies the exec jar of %s", stage, module)
                    .isEqualTo(expectedJar);
            assertThat(copy.operands().get(1)).isEqualTo(JAR_IN_IMAGE);

            Path mainSource = DeploymentFiles.root()
                    .resolve(module)
                    .resolve("src/main/java")
                    .resolve(mainClass.replace('.', '/') + ".java");
            assertThat(Files.isRegularFile(mainSource))
                    .as("main class %s of %s exists", mainClass, module)
                    .isTrue();

            Instruction entrypoint = last(stage, "ENTRYPOINT");
            assertThat(entrypoint.arguments())
                    .as("ENTRYPOINT of stage %s", stage)
                    .contains("\"-jar\", \"" + JAR_IN_IMAGE + "\"");
        }
    }

    @Test
    void finalStagesRunWithoutRoot() {
        for (String stage : List.of("service", "tool")) {
            Instruction user = last(stage, "USER");
            assertThat(user.arguments()).as("USER of stage %s", stage).isEqualTo("kowalski");
            assertThat(user.line()).isLessThan(last(stage, "ENTRYPOINT").line());
        }
        assertThat(instructions("RUN").stream().map(Instruction::arguments))
                .anyMatch(run -> run.contains("useradd --system --uid 10001"));
    }

    @Test
    void serviceHealthCheckUsesActuator() {
        Instruction healthcheck = last("service", "HEALTHCHECK");
        assertThat(healthcheck.arguments())
                .contains("CMD curl -fsS \"http://127.0.0.1:${HEALTH_PORT}/actuator/health\"");
        assertThat(last("tool", "HEALTHCHECK").arguments()).isEqualTo("NONE");
    }

    @Test
    void healthPortsMatchConfiguration() {
        Map<String, Object> defaults =
                ConfigLoader.readKowalskiTree(DeploymentFiles.root().resolve(ConfigLoader.DEFAULTS_FILE));
        Map<String, String> expectedPorts = new LinkedHashMap<>();
        expectedPorts.put(
                "api-service",
                String.valueOf(DeploymentFiles.map(defaults.get("server")).get("port")));
        Map<String, Object> brokers = DeploymentFiles.map(defaults.get("brokers"));
        for (String survey : List.of("ZTF", "PGIR", "WNTR", "TURBO")) {
            expectedPorts.put(
                    "broker-" + survey.toLowerCase(),
                    String.valueOf(DeploymentFiles.map(brokers.get(survey)).get("management_port")));
        }

        for (String file : DeploymentFiles.COMPOSE_FILES) {
            for (Map.Entry<String, Map<String, Object>> service :
                    DeploymentFiles.services(DeploymentFiles.yaml(file)).entrySet()) {
                Map<String, Object> args = DeploymentFiles.map(
                        DeploymentFiles.map(service.getValue().get("build")).get("args"));
                if (!args.containsKey("MODULE")) {
                    continue;
                }
                String module = String.valueOf(args.get("MODULE"));
                String port = String.valueOf(args.get("HEALTH_PORT"));
                assertThat(port)
                        .as("%s: HEALTH_PORT of %s is its port in config.defaults.yaml", file, module)
                        .isEqualTo(expectedPorts.get(module));
                String test = String.join(
                        " ",
                        DeploymentFiles.list(
                                        DeploymentFiles.map(service.getValue().get("healthcheck"))
                                                .get("test"))
                                .stream()
                                .map(String::valueOf)
                                .toList());
                assertThat(test)
                        .as("%s: health check of %s", file, service.getKey())
                        .contains("http://127.0.0.1:" + port + "/actuator/health");
            }
        }
    }

    @Test
    void noSecretSetInDockerfile() {
        for (Instruction instruction : dockerfile) {
            if (!List.of("ENV", "ARG", "LABEL").contains(instruction.keyword())) {
                continue;
            }
            for (String word : instruction.words()) {
                String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
                assertThat(name)
                        .as("%s on line %d sets no secret", instruction.keyword(), instruction.line())
                        .doesNotMatch(DeploymentFiles.SECRET_NAME);
            }
        }
    }

    @Test
    void localSecretsStayOutOfBuildContext() {
        assertThat(ignoredBy(".env")).as(".env is in .dockerignore").isNotNull();
        assertThat(ignoredBy("config.yaml"))
                .as("config.yaml is in .dockerignore")
                .isNotNull();
        assertThat(ignoredBy("api-service/target/api-service-3.0.0-SNAPSHOT-exec.jar"))
                .isNotNull();
        assertThat(ignoredBy("docker.yaml")).isNull();
    }

    /** Returns each module an image runs, with the Dockerfile stage that builds its image. */
    private Map<String, String> imageModules() {
        Map<String, String> modules = new LinkedHashMap<>();
        for (String file : DeploymentFiles.COMPOSE_FILES) {
            for (Map<String, Object> service :
                    DeploymentFiles.services(DeploymentFiles.yaml(file)).values()) {
                Map<String, Object> build = DeploymentFiles.map(service.get("build"));
                Object module = DeploymentFiles.map(build.get("args")).get("MODULE");
                if (module != null) {
                    modules.put(String.valueOf(module), String.valueOf(build.get("target")));
                }
            }
        }
        Matcher toolJar = Pattern.compile("/build/([^/]+)/target/")
                .matcher(copyFromBuild("tool").arguments());
        assertThat(toolJar.find()).isTrue();
        modules.put(toolJar.group(1), "tool");
        return modules;
    }

    /** Returns the modules the build stage packages ({@code SERVICE_MODULES}); Maven adds common, which they need. */
    private List<String> serviceModules() {
        Instruction env = instructions("ENV").stream()
                .filter(instruction -> instruction.stage().equals(BUILD_STAGE)
                        && instruction.arguments().startsWith("SERVICE_MODULES="))
                .findFirst()
                .orElseThrow(() -> new AssertionError("The build stage sets SERVICE_MODULES"));
        return List.of(env.arguments().substring("SERVICE_MODULES=".length()).split(","));
    }

    private Instruction copyFromBuild(String stage) {
        return instructions("COPY").stream()
                .filter(copy -> copy.stage().equals(stage) && BUILD_STAGE.equals(copy.flag("--from")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("Stage " + stage + " copies a jar from the build stage"));
    }

    private Instruction last(String stage, String keyword) {
        Instruction found = null;
        for (Instruction instruction : dockerfile) {
            if (instruction.stage().equals(stage) && instruction.keyword().equals(keyword)) {
                found = instruction;
            }
        }
        assertThat(found).as("stage %s has %s", stage, keyword).isNotNull();
        return found;
    }

    private List<Instruction> instructions(String keyword) {
        return dockerfile.stream()
                .filter(instruction -> instruction.keyword().equals(keyword))
                .toList();
    }

    private static Element springBootPlugin(Element pom) {
        NodeList plugins = pom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if ("spring-boot-maven-plugin".equals(DeploymentFiles.childText(plugin, "artifactId"))) {
                return plugin;
            }
        }
        return null;
    }

    /**
     * Returns the .dockerignore pattern that excludes a path of the build context, or null. A pattern
     * excludes a path when it matches the path or one of its parent folders, as in Docker.
     */
    private static String ignoredBy(String relativePath) {
        List<String> patterns = DeploymentFiles.read(".dockerignore")
                .lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();
        for (String pattern : patterns) {
            List<PathMatcher> matchers = new ArrayList<>();
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
            if (pattern.startsWith("**/")) {
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(3)));
            }
            for (Path path = Path.of(relativePath); path != null; path = path.getParent()) {
                for (PathMatcher matcher : matchers) {
                    if (matcher.matches(path)) {
                        return pattern;
                    }
                }
            }
        }
        return null;
    }
}
