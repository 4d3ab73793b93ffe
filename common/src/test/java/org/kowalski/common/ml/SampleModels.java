package org.kowalski.common.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Locations of the sample models' Keras files, whose names differ from {@link ModelDefinition#fileName()}. */
final class SampleModels {

    private SampleModels() {}

    /** Returns the .h5 file of a model in {@code modelsDir}, such as braai_d6_m9.h5 for braai d6_m9. */
    static Path file(Path modelsDir, ModelDefinition definition) {
        try (Stream<Path> files = Files.list(modelsDir)) {
            return files.filter(file -> {
                        String fileName = file.getFileName().toString();
                        return fileName.startsWith(definition.name())
                                && fileName.contains(definition.version())
                                && fileName.endsWith(".h5");
                    })
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "no .h5 file of model " + definition.name() + " in " + modelsDir));
        } catch (IOException e) {
            throw new UncheckedIOException("failed to list " + modelsDir, e);
        }
    }
}
