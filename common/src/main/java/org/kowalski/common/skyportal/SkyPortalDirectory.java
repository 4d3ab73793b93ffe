package org.kowalski.common.skyportal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SkyPortal ids and names a survey's posts need: the instrument id, the stream ids, and the names of
 * groups and filters that make up annotation origins. Each is fetched when first needed and cached, so
 * a broker starts and stores alerts whether or not SkyPortal is reachable. Group names are fetched again after
 * {@value #GROUP_CACHE_MINUTES} minutes, so renamed groups and new filters are picked up.
 */
public final class SkyPortalDirectory {

    static final int GROUP_CACHE_MINUTES = 10;

    private static final Logger log = LoggerFactory.getLogger(SkyPortalDirectory.class);

    private final SkyPortalClient client;
    private final SurveyProfile profile;
    private final Clock clock;
    private volatile Long instrumentId;
    private volatile Map<Integer, Long> streamIds;
    private final Map<Integer, CachedGroup> groups = new ConcurrentHashMap<>();

    private record CachedGroup(String name, Map<Integer, String> filterNames, Instant fetchedAt) {}

    public SkyPortalDirectory(SkyPortalClient client, SurveyProfile profile, Clock clock) {
        this.client = client;
        this.profile = profile;
        this.clock = clock;
    }

    /**
     * Returns the id of the survey's instrument ({@code GET /api/instrument?name=...}).
     *
     * @throws SkyPortalUnavailableException when SkyPortal has no such instrument yet, so that posts wait
     */
    public long instrumentId() {
        Long cached = instrumentId;
        if (cached != null) {
            return cached;
        }
        SkyPortalClient.Reply reply = client.get("/api/instrument", Map.of("name", profile.instrumentName()));
        if (reply.success()
                && reply.data() instanceof List<?> list
                && !list.isEmpty()
                && list.get(0) instanceof Map<?, ?> first
                && first.get("id") instanceof Number id) {
            instrumentId = id.longValue();
            return instrumentId;
        }
        throw missing(
                "instrument " + profile.instrumentName() + " (" + reply.describe() + ")",
                "create the instrument " + profile.instrumentName() + " in SkyPortal");
    }

    /**
     * Returns the stream ids: by program id for surveys whose streams follow program ids (ZTF: all four
     * program ids must resolve), else one stream under the key {@code null}.
     *
     * @throws SkyPortalUnavailableException when a stream is missing, so that posts wait
     */
    public Map<Integer, Long> streamIds() {
        Map<Integer, Long> cached = streamIds;
        if (cached != null) {
            return cached;
        }
        SkyPortalClient.Reply reply = client.get("/api/streams", Map.of());
        List<Map<?, ?>> streams = new ArrayList<>();
        if (reply.success() && reply.data() instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> stream) {
                    streams.add(stream);
                }
            }
        }
        Map<Integer, Long> resolved = new HashMap<>();
        if (!profile.streamNamesByProgramId().isEmpty()) {
            for (Map.Entry<Integer, String> wanted :
                    profile.streamNamesByProgramId().entrySet()) {
                for (Map<?, ?> stream : streams) {
                    if (wanted.getValue().equals(stream.get("name")) && stream.get("id") instanceof Number id) {
                        resolved.put(wanted.getKey(), id.longValue());
                    }
                }
                if (!resolved.containsKey(wanted.getKey())) {
                    throw missing(
                            "stream '" + wanted.getValue() + "' (" + reply.describe() + ")",
                            "create the stream '" + wanted.getValue() + "' in SkyPortal");
                }
            }
        } else {
            Long found = null;
            for (Map<?, ?> stream : streams) {
                String name = String.valueOf(stream.get("name"));
                String compared = profile.streamKeywordsIgnoreCase() ? name.toLowerCase(Locale.ROOT) : name;
                if (profile.streamNameKeywords().stream().anyMatch(compared::contains)
                        && stream.get("id") instanceof Number id) {
                    found = id.longValue();
                }
            }
            if (found == null) {
                throw missing(
                        "stream whose name contains " + profile.streamNameKeywords() + " (" + reply.describe() + ")",
                        "create a " + profile.survey() + " stream in SkyPortal");
            }
            resolved.put(null, found);
        }
        streamIds = resolved;
        return resolved;
    }

    /**
     * Returns the annotation origin of a filter, {@code "<group nickname or name>:<filter name>"}.
     *
     * @return the origin, or {@code null} when SkyPortal has no such group
     */
    public String annotationOrigin(int groupId, int filterId) {
        CachedGroup group = groups.get(groupId);
        if (group == null
                || group.fetchedAt()
                        .plus(Duration.ofMinutes(GROUP_CACHE_MINUTES))
                        .isBefore(clock.instant())) {
            group = fetchGroup(groupId);
            if (group == null) {
                return null;
            }
            groups.put(groupId, group);
        }
        String filterName = group.filterNames().get(filterId);
        if (filterName == null) {
            log.warn(
                    "SkyPortal group {} lists no filter {}: its annotations get the origin {}:{}",
                    groupId,
                    filterId,
                    group.name(),
                    filterId);
            filterName = Integer.toString(filterId);
        }
        return group.name() + ":" + filterName;
    }

    private CachedGroup fetchGroup(int groupId) {
        SkyPortalClient.Reply reply = client.get("/api/groups/" + groupId, Map.of("includeGroupUsers", "False"));
        if (!reply.success()) {
            log.warn("Getting SkyPortal group {} failed: {}", groupId, reply.describe());
            return null;
        }
        Map<String, Object> data = reply.dataObject();
        Object nickname = data.get("nickname");
        String name = String.valueOf(nickname != null ? nickname : data.get("name"));
        Map<Integer, String> filterNames = new HashMap<>();
        if (data.get("filters") instanceof List<?> filters) {
            for (Object item : filters) {
                if (item instanceof Map<?, ?> filter && filter.get("id") instanceof Number id) {
                    filterNames.put(id.intValue(), String.valueOf(filter.get("name")));
                }
            }
        }
        return new CachedGroup(name, filterNames, clock.instant());
    }

    private SkyPortalUnavailableException missing(String what, String fix) {
        String message = "SkyPortal at " + client.baseUrl() + " has no " + what + ": " + fix + "; " + profile.survey()
                + " posts wait in the outbox until then";
        return new SkyPortalUnavailableException(message, false, null);
    }
}
