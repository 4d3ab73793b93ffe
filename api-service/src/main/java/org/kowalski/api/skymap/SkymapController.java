package org.kowalski.api.skymap;

import com.mongodb.client.model.Filters;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.kowalski.api.auth.AccessControl;
import org.kowalski.api.web.ApiException;
import org.kowalski.api.web.Reply;
import org.kowalski.api.web.RequestJson;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The skymap routes: upload a localization and store its credible-region contours, read a stored
 * skymap (GET, and HEAD with the same status) and delete one. Every route needs a token; deleting
 * needs the admin or the user who uploaded the skymap. Errors are 4xx JSON replies, where the Python
 * original replied 200 with an error status.
 */
@RestController
@Tag(name = "skymaps", description = "Localizations of gravitational-wave, gamma-ray and neutrino events")
class SkymapController {

    private final SkymapService service;
    private final VoeventUploads voeventUploads;
    private final SkymapDownloads downloads;
    private final AccessControl accessControl;

    SkymapController(
            SkymapService service,
            VoeventUploads voeventUploads,
            SkymapDownloads downloads,
            AccessControl accessControl) {
        this.service = service;
        this.downloads = downloads;
        this.voeventUploads = voeventUploads;
        this.accessControl = accessControl;
    }

    @Operation(
            summary = "Store the credible-region contours of a skymap",
            description = "Body {\"contours\": level or [levels] in percent, \"dateobs\"?: UTC"
                    + " YYYY-MM-DDTHH:MM:SS[.SSSSSS], \"triggerid\"?, \"aliases\"?: [str], and either"
                    + " \"voevent\" or \"skymap\"}. \"voevent\" is a GCN notice as VOEvent 2.0 XML"
                    + " (DOCTYPE declarations are rejected): dateobs defaults to its ISOTime rounded to the second,"
                    + " triggerid is its TrigID parameter, FERMI#<trigger> (Fermi GBM positions) and"
                    + " LVC#<GraceID> are added to the aliases, and the skymap is the linked HEALPix FITS file"
                    + " (Fermi GBM LocationMap_URL as _healpix_ .fit, HealPix_URL, or skymap_fits) when an HTTP"
                    + " HEAD request for it returns 200, else the Position2D error circle as a Gaussian cone"
                    + " (AMON 90% radii converted to one sigma). \"skymap\" is one of {ra, dec, error},"
                    + " {localization_name, uniq, probdensity}, {localization_name, content} (base64 FITS),"
                    + " {localization_name, polygon} or {localization_name, ra, dec, amaj, amin, phi}."
                    + " Returns 'added skymap ...' or 'updated skymap ... to add contours [...]'; 409 with status"
                    + " already_exists when every level is stored; 400 'ValueError: xml file is not valid"
                    + " VOEvent' or 'ValueError: Could not get skymap from VOEvent file' for unusable notices.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            examples = {
                                                @ExampleObject(
                                                        name = "cone",
                                                        value = "{\"dateobs\": \"2023-06-23T15:42:26\","
                                                                + " \"skymap\": {\"ra\": 90, \"dec\": 30,"
                                                                + " \"error\": 10}, \"contours\": [90, 95]}"),
                                                @ExampleObject(
                                                        name = "voevent",
                                                        value = "{\"voevent\": \"<voe:VOEvent"
                                                                + " xmlns:voe='http://www.ivoa.net/xml/VOEvent/v2.0'"
                                                                + " ivorn='ivo://nasa.gsfc.gcn/Fermi#GBM_Fin_Pos_example'"
                                                                + " role='observation' version='2.0'><What>"
                                                                + "<Param name='Packet_Type' value='115'/>"
                                                                + "<Param name='TrigID' value='524666471'/></What>"
                                                                + "<WhereWhen><ObsDataLocation><ObservationLocation>"
                                                                + "<AstroCoords><Time><TimeInstant>"
                                                                + "<ISOTime>2017-08-17T12:41:06.47</ISOTime>"
                                                                + "</TimeInstant></Time><Position2D unit='deg'>"
                                                                + "<Value2><C1>176.8</C1><C2>-39.8</C2></Value2>"
                                                                + "<Error2Radius>11.6</Error2Radius></Position2D>"
                                                                + "</AstroCoords></ObservationLocation>"
                                                                + "</ObsDataLocation></WhereWhen></voe:VOEvent>\","
                                                                + " \"contours\": [90]}")
                                            })))
    @PutMapping(path = "/api/skymap", produces = "application/json")
    Mono<ResponseEntity<Reply>> put(@RequestBody(required = false) String body, ServerWebExchange exchange) {
        String user = accessControl.requireUser(exchange);
        Document request = RequestJson.parseObject(body);
        Mono<SkymapService.Upload> upload;
        if (request.get("voevent") != null) {
            // A notice's skymap may need an HTTP download, which blocks.
            upload = Mono.fromCallable(() -> voeventUploads.toUpload(request, user))
                    .subscribeOn(Schedulers.boundedElastic());
        } else if (SkymapRequests.isUrlForm(request.get("skymap"))) {
            // The skymap file is downloaded, which blocks.
            upload = Mono.fromCallable(() -> parseUpload(
                            request, user, skymap -> downloads.localizationAt(((Map<?, ?>) skymap).get("url"))))
                    .subscribeOn(Schedulers.boundedElastic());
        } else {
            upload = Mono.just(parseUpload(request, user, SkymapRequests::parseLocalization));
        }
        return upload.flatMap(service::upload)
                .map(outcome -> ResponseEntity.status(outcome.httpStatus())
                        .body(Reply.of(orderedReply(outcome.status(), outcome.message(), outcome.data()))));
    }

    @GetMapping(path = "/api/skymap", produces = "application/json")
    Mono<ResponseEntity<Reply>> get(
            @RequestParam(required = false) String dateobs,
            @RequestParam(required = false) String triggerid,
            @RequestParam(required = false) String alias,
            @RequestParam(name = "localization_name", required = false) String localizationName,
            @RequestParam(required = false) String contours,
            ServerWebExchange exchange) {
        accessControl.requireUser(exchange);
        Bson filter = lookup(dateobs, triggerid, alias, localizationName);
        List<Number> levels = contours == null ? List.of() : SkymapRequests.parseLevels(contours);
        return service.find(filter)
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("no skymap found for dateobs=" + dateobs
                        + ", triggerid=" + triggerid + ", alias=" + alias + ", localization_name=" + localizationName)))
                .map(skymap -> {
                    requireLevels(skymap, levels);
                    Document data = new Document(skymap);
                    data.put(
                            "dateobs",
                            SkymapRequests.isoformat(SkymapService.toLocalDateTime(skymap.getDate("dateobs"))));
                    Map<String, Object> reply = new LinkedHashMap<>();
                    reply.put("status", "success");
                    reply.put("data", data);
                    return ResponseEntity.ok(Reply.of(reply));
                });
    }

    @DeleteMapping(path = "/api/skymap", produces = "application/json")
    Mono<Reply> delete(@RequestBody(required = false) String body, ServerWebExchange exchange) {
        String user = accessControl.requireUser(exchange);
        Document request = RequestJson.parseObject(body);
        Object localizationName = request.get("localization_name");
        if (!(localizationName instanceof String name) || name.isBlank()) {
            throw ApiException.badRequest("Missing localization_name: name the skymap to delete, such as"
                    + " {\"dateobs\": \"2023-06-23T15:42:26\", \"localization_name\": \"90.00000_30.00000_10.00000\"}");
        }
        Bson filter = lookup(
                stringOrNull(request.get("dateobs"), "dateobs"),
                request.get("triggerid") == null ? null : String.valueOf(request.get("triggerid")),
                stringOrNull(request.get("alias"), "alias"),
                name);
        if (!accessControl.isAdmin(user)) {
            filter = Filters.and(filter, Filters.eq("created_by", user));
        }
        return service.deleteOne(filter).map(deleted -> {
            if (deleted == 0) {
                throw ApiException.notFound("no skymap found for " + request.toJson()
                        + (accessControl.isAdmin(user) ? "" : " among the skymaps that user " + user + " uploaded"));
            }
            return Reply.success("deleted " + deleted + " skymap");
        });
    }

    private static SkymapService.Upload parseUpload(
            Document request, String user, Function<Object, Localization> localizations) {
        if (request.get("dateobs") == null) {
            throw ApiException.badRequest(
                    "Missing dateobs: send the UTC time of the event as YYYY-MM-DDTHH:MM:SS[.SSSSSS]");
        }
        LocalDateTime dateobs = SkymapRequests.parseDateobs(request.get("dateobs"));
        List<Number> levels = SkymapRequests.parseLevels(request.get("contours"));
        List<String> aliases = SkymapRequests.parseAliases(request.get("aliases"));
        if (request.get("skymap") == null) {
            throw ApiException.badRequest("Missing skymap: send the localization, such as"
                    + " \"skymap\": {\"ra\": 90, \"dec\": 30, \"error\": 10}");
        }
        Localization localization = localizations.apply(request.get("skymap"));
        return new SkymapService.Upload(dateobs, request.get("triggerid"), aliases, localization, levels, user);
    }

    /** Builds the look-up of GET and DELETE: every given field must match. */
    private static Bson lookup(String dateobs, String triggerId, String alias, String localizationName) {
        if (dateobs == null && triggerId == null && alias == null) {
            throw ApiException.badRequest("Missing skymap look-up: must provide dateobs, triggerid, or alias"
                    + " (and localization_name to choose among localizations)");
        }
        List<Bson> conditions = new ArrayList<>();
        if (dateobs != null) {
            conditions.add(Filters.eq("dateobs", SkymapService.toDate(SkymapRequests.parseDateobs(dateobs))));
        }
        if (triggerId != null) {
            // Trigger ids arrive as text in a query string but are stored as sent, often as integers.
            List<Object> forms = new ArrayList<>(List.of(triggerId));
            try {
                forms.add(Long.parseLong(triggerId.trim()));
                forms.add(Integer.parseInt(triggerId.trim()));
            } catch (NumberFormatException e) {
                // Only the text form can match.
            }
            conditions.add(Filters.in("triggerid", forms));
        }
        if (alias != null) {
            conditions.add(Filters.eq("aliases", alias));
        }
        if (localizationName != null) {
            conditions.add(Filters.eq("localization_name", localizationName));
        }
        return Filters.and(conditions);
    }

    private static void requireLevels(Document skymap, List<Number> levels) {
        Document contours = skymap.get("contours", Document.class);
        List<String> missing = new ArrayList<>();
        for (Number level : levels) {
            if (contours == null || !contours.containsKey(SkymapRequests.contourKey(level))) {
                missing.add(SkymapRequests.levelText(level));
            }
        }
        if (!missing.isEmpty()) {
            throw ApiException.notFound("skymap exists but is missing contours [" + String.join(", ", missing)
                    + "]; add them with PUT /api/skymap");
        }
    }

    private static String stringOrNull(Object value, String key) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw ApiException.badRequest("Invalid " + key + " " + value + ": send a string");
    }

    private static Map<String, Object> orderedReply(String status, String message, Map<String, Object> data) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("status", status);
        reply.put("message", message);
        reply.put("data", data);
        return reply;
    }
}
