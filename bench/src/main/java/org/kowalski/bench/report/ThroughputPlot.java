package org.kowalski.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.kowalski.bench.broker.BrokerRunResult;

/** Draws alerts per second against consumer threads (median, with min to max bars) as a PNG. */
public final class ThroughputPlot {

    private ThroughputPlot() {}

    public static void write(BenchResults results, Path file) throws IOException {
        YIntervalSeries series = new YIntervalSeries("run (a): decode and store");
        for (Map.Entry<Integer, List<BrokerRunResult>> entry : results.sweep.entrySet()) {
            List<Double> rates = new ArrayList<>();
            entry.getValue().forEach(run -> rates.add(run.alertsPerSecond()));
            Spread spread = Spread.of(rates);
            if (!spread.isEmpty()) {
                series.add(entry.getKey(), spread.median(), spread.min(), spread.max());
            }
        }
        YIntervalSeriesCollection dataset = new YIntervalSeriesCollection();
        dataset.addSeries(series);

        NumberAxis threads = new NumberAxis("consumer threads");
        threads.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis rate = new NumberAxis("alerts per second (median, bars: min to max)");
        rate.setAutoRangeIncludesZero(true);
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDefaultLinesVisible(true);
        renderer.setSeriesPaint(0, new Color(31, 119, 180));
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        renderer.setErrorPaint(Color.DARK_GRAY);
        XYPlot plot = new XYPlot(dataset, threads, rate, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);

        JFreeChart chart = new JFreeChart(
                "ZTF broker throughput, " + results.machine.cores() + " cores, " + "up to " + results.alerts
                        + " alerts per run",
                JFreeChart.DEFAULT_TITLE_FONT,
                plot,
                true);
        chart.setBackgroundPaint(Color.WHITE);
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 800, 500);
    }
}
