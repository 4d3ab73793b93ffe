package org.kowalski.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.kowalski.common.testing.TestConfigs;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads the deployment files of the repository: the Dockerfile, the compose files and the poms. */
final class DeploymentFiles {

    static final List<String> COMPOSE_FILES = List.of(
            "docker-compose.defaults.yaml",
            "docker-compose.fritz.defaults.yaml",
            "docker-compose.traefik.defaults.yaml");

    /** Names of environment variables and settings that hold a secret. */
    static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|token|credential|api_?key|private).*");

    /** A compose variable reference: {@code ${NAME}}, {@code ${NAME:-default}} or {@code ${NAME:?message}}. */
    static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?}");

    private DeploymentFiles() {}

    static Path root() {
        return TestConfigs.rootDir();
    }

    static String read(String relativePath) {
        try {
            return Files.readString(root().resolve(relativePath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a YAML file of the repository; SnakeYAML resolves anchors and merge keys as compose does. */
    static Map<String, Object> yaml(String relativePath) {
        return yamlText(read(relativePath));
    }

    static Map<String, Object> yamlText(String text) {
        Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        return map(document);
    }

    /** Returns the services of a compose file by name. */
    static Map<String, Map<String, Object>> services(Map<String, Object> compose) {
        Map<String, Map<String, Object>> services = new LinkedHashMap<>();
        map(compose.get("services")).forEach((name, service) -> services.put(name, map(service)));
        return services;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (value == null) {
            return new LinkedHashMap<>();
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        if (value == null) {
            return new ArrayList<>();
        }
        return (List<Object>) value;
    }

    /** Returns a service's environment as a map, whether the file writes it as a mapping or a list. */
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> environment = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof Map<?, ?> entries) {
            entries.forEach(
                    (name, value) -> environment.put(String.valueOf(name), value == null ? null : value.toString()));
        } else if (raw instanceof List<?> entries) {
            for (Object entry : entries) {
                String text = String.valueOf(entry);
                int equals = text.indexOf('=');
                environment.put(
                        equals < 0 ? text : text.substring(0, equals), equals < 0 ? null : text.substring(equals + 1));
            }
        }
        return environment;
    }

    /** Returns every variable a compose file references, with whether the file requires it ({@code :?}). */
    static Map<String, Boolean> composeVariables(String composeFile) {
        Map<String, Boolean> variables = new LinkedHashMap<>();
        Matcher matcher = VARIABLE.matcher(read(composeFile));
        while (matcher.find()) {
            boolean required = ":?".equals(matcher.group(2)) || "?".equals(matcher.group(2));
            variables.merge(matcher.group(1), required, Boolean::logicalOr);
        }
        return variables;
    }

    /**
     * Replaces every variable reference in {@code value} as compose does: the given value when the
     * environment has a non-empty one, else the default of {@code :-}, else an empty string.
     */
    static String interpolate(String value, Map<String, String> environment) {
        Matcher matcher = VARIABLE.matcher(value);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String environmentValue = environment.get(matcher.group(1));
            String replacement;
            if (environmentValue != null && !environmentValue.isEmpty()) {
                replacement = environmentValue;
            } else if (":-".equals(matcher.group(2))) {
                replacement = matcher.group(3);
            } else {
                replacement = "";
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    /** One Dockerfile instruction with line continuations joined; {@code stage} is the name after AS. */
    record Instruction(String stage, String keyword, String arguments, int line) {

        /** Returns the arguments split on white space, flags such as {@code --from=build} included. */
        List<String> words() {
            return List.of(arguments.trim().split("\\s+"));
        }

        /** Returns the value of a flag such as {@code --from}, or null. */
        String flag(String name) {
            for (String word : words()) {
                if (word.startsWith(name + "=")) {
                    return word.substring(name.length() + 1);
                }
            }
            return null;
        }

        /** Returns the words after the flags: for COPY, the sources followed by the destination. */
        List<String> operands() {
            return words().stream().filter(word -> !word.startsWith("--")).toList();
        }
    }

    /** Parses the Dockerfile at the repository root into instructions. */
    static List<Instruction> dockerfile() {
        List<Instruction> instructions = new ArrayList<>();
        String stage = "";
        StringBuilder pending = new StringBuilder();
        int startLine = 0;
        String[] lines = read("Dockerfile").split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (!pending.isEmpty() && line.startsWith("#")) {
                continue;
            }
            if (pending.isEmpty()) {
                startLine = i + 1;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String text = pending.toString().strip();
            pending.setLength(0);
            int space = text.indexOf(' ');
            String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase();
            String arguments = space < 0 ? "" : text.substring(space + 1).strip();
            if (keyword.equals("FROM")) {
                String[] words = arguments.split("\\s+");
                stage = words.length >= 3 && words[1].equalsIgnoreCase("AS") ? words[2] : "";
            }
            instructions.add(new Instruction(stage, keyword, arguments, startLine));
        }
        return instructions;
    }

    /** Returns the default value of a global or stage {@code ARG}, or null when it has none. */
    static String argDefault(List<Instruction> instructions, String name) {
        for (Instruction instruction : instructions) {
            if (instruction.keyword().equals("ARG") && instruction.arguments().startsWith(name + "=")) {
                return instruction.arguments().substring(name.length() + 1);
            }
        }
        return null;
    }

    /** Returns the modules the root pom lists. */
    static List<String> rootModules() {
        Document pom = xml(root().resolve("pom.xml"));
        NodeList modules = pom.getElementsByTagName("module");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < modules.getLength(); i++) {
            names.add(modules.item(i).getTextContent().trim());
        }
        return names;
    }

    /** Returns the version of the root pom. */
    static String rootVersion() {
        return childText(xml(root().resolve("pom.xml")).getDocumentElement(), "version");
    }

    static Document xml(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(in);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot parse " + file + ": " + e.getMessage(), e);
        }
    }

    /** Returns the text of the first direct child element with that name, or null. */
    static String childText(Element parent, String name) {
        Element child = child(parent, name);
        return child == null ? null : child.getTextContent().trim();
    }

    static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        return null;
    }
}
