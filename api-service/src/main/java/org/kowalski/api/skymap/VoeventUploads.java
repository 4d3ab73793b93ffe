package org.kowalski.api.skymap;

import java.io.IOException;
import java.net.URI;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.kowalski.api.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Builds a skymap upload from a request with a GCN notice in {@code voevent}. The skymap is the notice's
 * HEALPix file when an HTTP HEAD request for it returns 200, else its error circle as a Gaussian cone.
 * Downloads block, so callers run this off the event loop.
 */
@Component
class VoeventUploads {

    private static final Logger log = LoggerFactory.getLogger(VoeventUploads.class);

    private final SkymapDownloads downloads;

    VoeventUploads(SkymapDownloads downloads) {
        this.downloads = downloads;
    }

    /**
     * Returns the upload of a request body that has {@code voevent}: the event time from the body's
     * {@code dateobs} or else the notice, the trigger id from the notice's {@code TrigID} (the body's
     * {@code triggerid} is ignored), and the body's aliases followed by those of the notice.
     *
     * @throws ApiException 400 for an invalid request or notice, or a notice without a usable skymap
     */
    SkymapService.Upload toUpload(Document request, String user) {
        List<Number> levels = SkymapRequests.parseLevels(request.get("contours"));
        List<String> aliases = new ArrayList<>(SkymapRequests.parseAliases(request.get("aliases")));
        if (!(request.get("voevent") instanceof String xml)) {
            throw ApiException.badRequest(
                    "Invalid voevent " + request.get("voevent") + ": send the VOEvent XML document as a string");
        }
        VoeventNotice notice = VoeventNotice.parse(xml);

        LocalDateTime dateobs = request.get("dateobs") != null
                ? SkymapRequests.parseDateobs(request.get("dateobs"))
                : notice.eventTime();
        if (dateobs == null) {
            throw ApiException.badRequest("ValueError: dateobs is required in the request body, because the VOEvent"
                    + " " + notice.ivorn() + " has no WhereWhen ISOTime");
        }
        for (String alias : notice.aliases()) {
            if (!aliases.contains(alias)) {
                aliases.add(alias);
            }
        }
        Localization localization = localization(notice);
        log.info(
                "VOEvent {} (notice type {}) gives skymap {} at {} with aliases {}",
                notice.ivorn(),
                notice.noticeType(),
                localization.name(),
                dateobs,
                aliases);
        return new SkymapService.Upload(dateobs, notice.triggerId(), aliases, localization, levels, user);
    }

    private Localization localization(VoeventNotice notice) {
        String url = notice.healpixUrl();
        URI uri = url == null ? null : SkymapDownloads.httpUri(url);
        if (url != null && uri == null) {
            log.warn("VOEvent {} links skymap {}, which is not an http or https URL", notice.ivorn(), url);
        }
        if (uri != null && !downloads.isAllowed(uri)) {
            log.warn(
                    "VOEvent {} links skymap {} on host {}, which {} does not list, so it is not downloaded",
                    notice.ivorn(),
                    uri,
                    uri.getHost(),
                    SkymapDownloads.HOSTS_KEY);
            uri = null;
        }
        if (uri != null && downloads.isAvailable(uri)) {
            try {
                return downloads.fetch(uri);
            } catch (IOException e) {
                log.warn("VOEvent {}: download of skymap {} failed: {}", notice.ivorn(), uri, e.getMessage());
                throw ApiException.badRequest(
                        VoeventNotice.NO_SKYMAP_MESSAGE + ": " + e.getMessage() + "; try again later");
            }
        }
        if (notice.isRetraction()) {
            log.info("VOEvent {} is a retraction, which has no skymap", notice.ivorn());
            throw ApiException.badRequest(VoeventNotice.NO_SKYMAP_MESSAGE);
        }
        GaussianCone cone = notice.errorCone();
        if (cone == null) {
            log.info("VOEvent {} has neither an available HEALPix skymap nor an error circle", notice.ivorn());
            throw ApiException.badRequest(VoeventNotice.NO_SKYMAP_MESSAGE);
        }
        return cone;
    }
}
