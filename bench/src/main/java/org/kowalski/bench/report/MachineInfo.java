package org.kowalski.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The machine the benchmark ran on: CPU, cores, memory, JDK and operating system. */
public record MachineInfo(String cpu, int cores, long memoryBytes, String jdk, String os, long maxHeapBytes) {

    public static MachineInfo detect() {
        return new MachineInfo(
                cpuModel(),
                Runtime.getRuntime().availableProcessors(),
                totalMemoryBytes(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                Runtime.getRuntime().maxMemory());
    }

    /** Returns the 1, 5 and 15 minute load averages from {@code /proc/loadavg}, or "unknown". */
    public static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Returns the 1-minute load average from {@code /proc/loadavg}, or NaN when it cannot be read. */
    public static double loadAverageOneMinute() {
        try {
            return Double.parseDouble(
                    Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    public String describe() {
        return String.format(
                Locale.ROOT,
                "%s, %d cores, %.1f GiB memory, %s, %s, max heap %.1f GiB",
                cpu,
                cores,
                memoryBytes / (1024.0 * 1024 * 1024),
                jdk,
                os,
                maxHeapBytes / (1024.0 * 1024 * 1024));
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // Not Linux: fall through to the architecture.
        }
        return System.getProperty("os.arch");
    }

    private static long totalMemoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux: report the JVM's view below.
        }
        return Runtime.getRuntime().maxMemory();
    }
}
