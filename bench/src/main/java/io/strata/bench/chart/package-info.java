/**
 * The PNG bar charts of the benchmarks, drawn with plain Java2D (headless, no chart library: the bench jar is thin and
 * runs beside strata.jar).
 *
 * <p>Two kinds: {@link io.strata.bench.chart.GroupedBarChart} (a bar per series in each group, relative to a
 * reference: {@code strata bench warm}) and {@link io.strata.bench.chart.StackedBarChart} (segments laid end to end
 * with their spread: {@code strata bench coldstart}). What they share is drawn in one place: {@code ChartCanvas} (the
 * image and its PNG, text, legend keys) and {@code ValueAxis} (nice ticks, gridlines, tick labels).
 */
package io.strata.bench.chart;
