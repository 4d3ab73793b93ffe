package org.kowalski.bench.api;

import java.util.List;

/**
 * The figures of one API query benchmark over its runs.
 *
 * @param query what was asked, such as {@code find_one by candid}
 * @param requestsPerSecond successful requests per second, one value per run
 * @param p50Ms median request latency in milliseconds, one value per run
 * @param p99Ms 99th percentile request latency in milliseconds, one value per run
 * @param errors requests that failed or got a non-success reply, over all runs
 */
public record ApiResult(
        String query, List<Double> requestsPerSecond, List<Double> p50Ms, List<Double> p99Ms, long errors) {}
