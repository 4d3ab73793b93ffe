package org.kowalski.bench.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.kowalski.common.alert.AlertContainerReader;

/**
 * The alerts that the replayer copies: the public ZTF sample alerts when the folder exists, or else a
 * few generated ZTF-like alerts without cutouts, as {@link #source()} then states.
 *
 * @param source a sentence for the report saying where the templates came from
 * @param fromSamples whether the templates are the real sample alerts
 */
public record AlertTemplates(List<AlertTemplate> templates, String source, boolean fromSamples) {

    /** System property naming the folder of the public sample data; the build sets it to {@code ../shared}. */
    public static final String SHARED_DIR_PROPERTY = "kowalski.shared.dir";

    /** Folder of the ZTF sample alerts under the shared data folder. */
    public static final String ZTF_SAMPLES = "data/ztf_alerts";

    /** Returns the shared data folder: {@value #SHARED_DIR_PROPERTY}, or {@code ../shared}. */
    public static Path sharedDir() {
        return Path.of(System.getProperty(SHARED_DIR_PROPERTY, "../shared"))
                .toAbsolutePath()
                .normalize();
    }

    /** Loads the ZTF sample alerts, or generated alerts when the sample folder is missing or empty. */
    public static AlertTemplates load() {
        Path folder = sharedDir().resolve(ZTF_SAMPLES);
        List<Path> files = alertFiles(folder);
        if (files.isEmpty()) {
            return generated("no sample alerts in " + folder);
        }
        AlertContainerReader reader = new AlertContainerReader();
        List<AlertTemplate> templates = new ArrayList<>();
        for (Path file : files) {
            AlertContainerReader.Result result;
            try {
                result = reader.read(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new UncheckedIOException("reading sample alert " + file + " failed", e);
            }
            if (result.failed()) {
                throw new IllegalStateException("sample alert " + file + " does not decode: "
                        + result.error().getMessage());
            }
            for (GenericRecord record : result.records()) {
                templates.add(new AlertTemplate(file.getFileName().toString(), record));
            }
        }
        return new AlertTemplates(
                templates,
                templates.size() + " real public ZTF sample alerts, folder " + ZTF_SAMPLES
                        + " of the sample data (schemas " + schemaVersions(templates) + ")",
                true);
    }

    /** Returns generated ZTF-like alerts without cutouts, saying why in the source. */
    public static AlertTemplates generated(String reason) {
        Schema prv = SchemaBuilder.record("prv_candidate")
                .namespace("bench.generated")
                .fields()
                .requiredDouble("jd")
                .requiredInt("fid")
                .optionalLong("candid")
                .optionalDouble("ra")
                .optionalDouble("dec")
                .optionalFloat("magpsf")
                .optionalFloat("sigmapsf")
                .requiredFloat("diffmaglim")
                .endRecord();
        Schema candidate = SchemaBuilder.record("candidate")
                .namespace("bench.generated")
                .fields()
                .requiredDouble("jd")
                .requiredInt("fid")
                .requiredLong("pid")
                .requiredLong("candid")
                .requiredDouble("ra")
                .requiredDouble("dec")
                .requiredFloat("magpsf")
                .requiredFloat("sigmapsf")
                .requiredString("isdiffpos")
                .requiredInt("programid")
                .optionalFloat("drb")
                .optionalFloat("rb")
                .requiredInt("ndethist")
                .requiredDouble("jdstarthist")
                .endRecord();
        Schema alert = SchemaBuilder.record("alert")
                .namespace("bench.generated")
                .fields()
                .requiredString("schemavsn")
                .requiredString("publisher")
                .requiredString("objectId")
                .requiredLong("candid")
                .name("candidate")
                .type(candidate)
                .noDefault()
                .name("prv_candidates")
                .type()
                .optional()
                .array()
                .items(prv)
                .endRecord();

        List<AlertTemplate> templates = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            double ra = 15.0 + 27.5 * i;
            double dec = -20.0 + 6.0 * i;
            double jd = 2460000.5 + i;
            GenericRecord c = new GenericData.Record(candidate);
            c.put("jd", jd);
            c.put("fid", 1 + i % 2);
            c.put("pid", 2_000_000_000L + i);
            c.put("candid", 0L);
            c.put("ra", ra);
            c.put("dec", dec);
            c.put("magpsf", 18.0f + 0.1f * i);
            c.put("sigmapsf", 0.05f);
            c.put("isdiffpos", "t");
            c.put("programid", 1);
            c.put("drb", 0.9f);
            c.put("rb", 0.8f);
            c.put("ndethist", 3);
            c.put("jdstarthist", jd - 10);
            List<GenericRecord> history = new ArrayList<>();
            for (int k = 1; k <= 3; k++) {
                GenericRecord p = new GenericData.Record(prv);
                p.put("jd", jd - k);
                p.put("fid", 1);
                p.put("candid", 1_000_000_000_000_000_000L + 10L * i + k);
                p.put("ra", ra);
                p.put("dec", dec);
                p.put("magpsf", 18.5f);
                p.put("sigmapsf", 0.06f);
                p.put("diffmaglim", 20.5f);
                history.add(p);
            }
            GenericRecord a = new GenericData.Record(alert);
            a.put("schemavsn", "generated");
            a.put("publisher", "kowalski-bench");
            a.put("objectId", "ZTF26aaaaaaa");
            a.put("candid", 0L);
            a.put("candidate", c);
            a.put("prv_candidates", history);
            templates.add(new AlertTemplate("generated-" + i, a));
        }
        return new AlertTemplates(
                templates,
                templates.size() + " generated ZTF-like alerts without cutouts, because there are " + reason
                        + "; ML scores cannot be computed on them",
                false);
    }

    private static List<Path> alertFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".avro"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + folder + " failed", e);
        }
    }

    private static String schemaVersions(List<AlertTemplate> templates) {
        return String.join(
                ", ",
                templates.stream().map(AlertTemplate::schemaVersion).distinct().toList());
    }
}
