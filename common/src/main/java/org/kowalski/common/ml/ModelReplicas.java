package org.kowalski.common.ml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of copies of the loaded models, one set per thread that is scoring at the same moment, because DL4J
 * networks keep per-call state in their layers and must not run on two threads at once. When every model is
 * thread-safe (run by ONNX Runtime), all threads share the loaded set and nothing is copied.
 *
 * <p>The first set is the loaded models themselves. A new set is copied from them only when a thread requests
 * one while every existing set is in use, so the pool contains as many sets as the maximum number of threads
 * that scored concurrently. Released sets are reused and never freed.
 */
final class ModelReplicas {

    private static final Logger log = LoggerFactory.getLogger(ModelReplicas.class);

    private final String survey;
    private final List<LoadedModel> originals;
    private final boolean shared;
    private final Deque<List<LoadedModel>> idle = new ArrayDeque<>();
    private int created;

    ModelReplicas(String survey, List<LoadedModel> originals) {
        this.survey = survey;
        this.originals = List.copyOf(originals);
        this.shared = originals.stream().allMatch(LoadedModel::isThreadSafe);
    }

    /** Returns a set of models that only the calling thread uses until it passes the set to {@link #release}. */
    List<LoadedModel> acquire() {
        if (shared) {
            // Every model may run on several threads at once, so all threads share the loaded set.
            return originals;
        }
        synchronized (this) {
            List<LoadedModel> set = idle.pollFirst();
            if (set != null) {
                return set;
            }
            if (created == 0) {
                created = 1;
                return originals;
            }
            created++;
        }
        // Copying builds every network again, so it runs outside the lock and other threads can still
        // release and acquire sets meanwhile.
        try {
            return copyOriginals();
        } catch (RuntimeException e) {
            log.warn(
                    "Failed to copy the ML models of {} for another scoring thread, so it waits for a free copy: {}",
                    survey,
                    e.toString());
            return awaitIdle();
        }
    }

    /** Returns a set obtained from {@link #acquire} to the pool. */
    synchronized void release(List<LoadedModel> set) {
        if (shared) {
            return;
        }
        idle.addFirst(set);
        notifyAll();
    }

    /** Returns the number of model sets made so far, the loaded one included. */
    synchronized int size() {
        return created;
    }

    private List<LoadedModel> copyOriginals() {
        long startNs = System.nanoTime();
        List<LoadedModel> copies = new ArrayList<>(originals.size());
        for (LoadedModel model : originals) {
            copies.add(model.copy());
        }
        int number;
        synchronized (this) {
            number = created;
        }
        log.info(
                "Copied the {} ML models of {} for concurrent scoring in {} ms ({} model sets in the pool)",
                copies.size(),
                survey,
                (System.nanoTime() - startNs) / 1_000_000,
                number);
        return copies;
    }

    private synchronized List<LoadedModel> awaitIdle() {
        created--;
        boolean interrupted = false;
        while (idle.isEmpty()) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return idle.pollFirst();
    }
}
