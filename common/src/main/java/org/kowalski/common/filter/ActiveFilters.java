package org.kowalski.common.filter;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.query.PipelineGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The active filters of one alerts collection, kept current while the broker runs.
 *
 * <p>Every {@code checkInterval} a cheap query reads the catalog's filter documents without their
 * pipeline texts and compares a digest with the last one, so a change made through the API (a new
 * version, activation, autosave or follow-up settings) is picked up within one interval. Versions are
 * immutable in the API, so the pipeline texts are left out of the check; a full reload every
 * {@value #FULL_RELOAD_MINUTES} minutes catches edits made to the collection by other means.
 *
 * <p>A filter that cannot run (no active version, an unreadable or forbidden pipeline) is logged with its
 * id and skipped; the others load. A failed check is logged and the previous filters stay in use.
 */
public final class ActiveFilters implements AutoCloseable {

    static final int FULL_RELOAD_MINUTES = 5;

    private static final Logger log = LoggerFactory.getLogger(ActiveFilters.class);

    private final MongoCollection<Document> filters;
    private final List<Document> upstream;
    private final PipelineGuard guard;
    private final String catalog;
    private final Duration checkInterval;
    private final AtomicReference<List<ActiveFilter>> current = new AtomicReference<>(List.of());
    private volatile String digest;
    private volatile long lastFullLoadNanos;
    private Disposable checks;

    /**
     * @param filters the {@code filters} collection
     * @param upstream the catalog's upstream stages ({@link FilterPipelines#upstream})
     * @param protectedCollections collections no filter stage may name, {@link KowalskiConfig#systemCollections()}
     * @param catalog the alerts collection whose filters are kept, such as {@code ZTF_alerts}
     * @param checkInterval how often the collection is checked for changes
     */
    public ActiveFilters(
            MongoCollection<Document> filters,
            List<Document> upstream,
            Set<String> protectedCollections,
            String catalog,
            Duration checkInterval) {
        this.filters = filters;
        this.upstream = List.copyOf(upstream);
        this.guard = ActiveFilterLoader.guard(protectedCollections);
        this.catalog = catalog;
        this.checkInterval = checkInterval;
    }

    /** Returns the filters loaded last; empty before the first load. */
    public List<ActiveFilter> current() {
        return current.get();
    }

    /** Returns the current filters, loading them first if they were never loaded. */
    public Mono<List<ActiveFilter>> ensureLoaded() {
        return digest == null ? reload() : Mono.just(current.get());
    }

    /** Starts the periodic change checks on a background thread. */
    public synchronized void start() {
        if (checks != null) {
            return;
        }
        checks = Flux.interval(Duration.ZERO, checkInterval, Schedulers.boundedElastic())
                .onBackpressureDrop()
                .concatMap(tick -> refresh().onErrorResume(error -> {
                    log.warn(
                            "Checking the filters of {} for changes failed, keeping the {} loaded: {}",
                            catalog,
                            current.get().size(),
                            error.toString());
                    return Mono.empty();
                }))
                .subscribe();
    }

    /** Reloads the filters if the collection changed since the last load, or if the last full load is old. */
    public Mono<List<ActiveFilter>> refresh() {
        return computeDigest().flatMap(latest -> {
            boolean stale = System.nanoTime() - lastFullLoadNanos
                    > Duration.ofMinutes(FULL_RELOAD_MINUTES).toNanos();
            if (latest.equals(digest) && !stale) {
                return Mono.just(current.get());
            }
            return reload();
        });
    }

    /** Loads every active filter of the catalog and replaces the current ones. */
    public Mono<List<ActiveFilter>> reload() {
        return computeDigest()
                .flatMap(latest -> Flux.from(
                                filters.find(Filters.and(Filters.eq("catalog", catalog), Filters.eq("active", true)))
                                        .sort(Sorts.ascending("filter_id", "group_id")))
                        .collectList()
                        .map(documents -> {
                            List<ActiveFilter> loaded = build(documents);
                            boolean changed = !latest.equals(digest);
                            current.set(List.copyOf(loaded));
                            digest = latest;
                            lastFullLoadNanos = System.nanoTime();
                            if (changed) {
                                log.info(
                                        "Loaded {} active filters on {}: filter ids {}",
                                        loaded.size(),
                                        catalog,
                                        loaded.stream()
                                                .map(ActiveFilter::filterId)
                                                .toList());
                            }
                            return current.get();
                        }));
    }

    private List<ActiveFilter> build(List<Document> documents) {
        List<ActiveFilter> loaded = new ArrayList<>(documents.size());
        for (Document document : documents) {
            try {
                loaded.add(ActiveFilterLoader.fromDocument(document, upstream, guard));
            } catch (InvalidFilterException | ClassCastException e) {
                log.warn(
                        "Skipping filter {} of group {} on {}: {}",
                        document.get("filter_id"),
                        document.get("group_id"),
                        catalog,
                        e.getMessage());
            }
        }
        return loaded;
    }

    private Mono<String> computeDigest() {
        return Flux.from(filters.find(Filters.eq("catalog", catalog))
                        .projection(Projections.exclude("fv.pipeline"))
                        .sort(Sorts.ascending("_id")))
                .map(Document::toJson)
                .collectList()
                .map(ActiveFilters::sha256);
    }

    private static String sha256(List<String> parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                digest.update(part.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) '\n');
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    @Override
    public synchronized void close() {
        if (checks != null) {
            checks.dispose();
            checks = null;
        }
    }
}
