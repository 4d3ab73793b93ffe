package org.kowalski.api.cutout;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import nom.tam.fits.FitsException;
import org.bson.Document;
import org.bson.types.Binary;
import org.kowalski.api.auth.AccessControl;
import org.kowalski.api.classification.Surveys;
import org.kowalski.api.web.ApiException;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.cutout.CutoutDecoder;
import org.kowalski.common.cutout.CutoutDecodingException;
import org.kowalski.common.cutout.CutoutImage;
import org.kowalski.common.cutout.CutoutOrientation;
import org.kowalski.common.cutout.CutoutPng;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Serves the image cutouts of stored alerts as FITS files or PNG pictures, turned to the orientation in
 * which each survey's cutouts are shown. Decoding and rendering run off the event loop.
 */
@RestController
class CutoutController {

    static final List<String> CUTOUTS = List.of("science", "template", "difference");
    static final List<String> FORMATS = List.of("fits", "png");
    static final MediaType IMAGE_FITS = new MediaType("image", "fits");

    /** Time limit of the alert look-up, as in the original. */
    static final long FIND_TIME_LIMIT_MS = 10_000;

    private final MongoDatabase database;
    private final KowalskiConfig config;
    private final AccessControl accessControl;

    CutoutController(MongoDatabase database, KowalskiConfig config, AccessControl accessControl) {
        this.database = database;
        this.config = config;
        this.accessControl = accessControl;
    }

    @GetMapping(path = "/api/cutouts/{survey}/{candid}/{cutout}/{fileFormat}")
    Mono<ResponseEntity<byte[]>> get(
            @PathVariable String survey,
            @PathVariable String candid,
            @PathVariable String cutout,
            @PathVariable String fileFormat,
            @RequestParam(required = false) String interval,
            @RequestParam(required = false) String stretch,
            @RequestParam(required = false) String cmap,
            ServerWebExchange exchange) {
        accessControl.requireUser(exchange);
        String name = Surveys.normalize(survey);
        long id = parseCandid(candid);
        String kind = cutout.toLowerCase(Locale.ROOT);
        if (!CUTOUTS.contains(kind)) {
            throw ApiException.badRequest("cutout " + cutout + " not in ['science', 'template', 'difference']");
        }
        String format = fileFormat.toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw ApiException.badRequest("file format " + fileFormat + " not in ['fits', 'png']");
        }
        String field = fieldName(name, kind);

        return Mono.from(database.getCollection(Surveys.alertsCollection(config, name))
                        .find(Filters.eq("candid", id))
                        .projection(Projections.fields(Projections.include(field), Projections.excludeId()))
                        .maxTime(FIND_TIME_LIMIT_MS, TimeUnit.MILLISECONDS)
                        .first())
                .switchIfEmpty(Mono.error(() -> ApiException.notFound(name + " alert " + candid + " not found")))
                .publishOn(Schedulers.boundedElastic())
                .map(alert -> {
                    Object stored = alert.get(field);
                    if (stored == null) {
                        throw ApiException.notFound("cutout " + kind + " not found in " + name + " alert " + candid);
                    }
                    byte[] bytes = stampBytes(stored, name, candid, kind);
                    CutoutImage image = decode(bytes, name, candid, kind);
                    if (format.equals("png")) {
                        return png(image, kind, interval, stretch, cmap);
                    }
                    return fits(image, bytes, fileName(stored, name, candid, kind), name, candid, kind);
                });
    }

    private static long parseCandid(String candid) {
        try {
            return Long.parseLong(candid);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(
                    "Invalid candid '" + candid + "': candids are integers such as 1127561445515015011");
        }
    }

    /** Returns the alert field of a cutout: {@code cutoutScience} style, or {@code cutout_science} for WINTER. */
    static String fieldName(String survey, String kind) {
        if (survey.equals("wntr")) {
            return "cutout_" + kind;
        }
        return "cutout" + Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
    }

    /** Returns the FITS bytes of a stored cutout: a {@code {fileName, stampData}} record or the bytes themselves. */
    private static byte[] stampBytes(Object stored, String survey, String candid, String kind) {
        Object data = stored instanceof Document record ? record.get("stampData") : stored;
        if (data instanceof Binary binary) {
            return binary.getData();
        }
        if (data instanceof byte[] bytes) {
            return bytes;
        }
        throw new ApiException(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "cutout " + kind + " of " + survey + " alert " + candid + " is stored as "
                        + (data == null ? "null" : data.getClass().getSimpleName()) + ", not as FITS bytes");
    }

    private static CutoutImage decode(byte[] bytes, String survey, String candid, String kind) {
        try {
            return CutoutOrientation.orient(CutoutDecoder.decode(bytes), survey);
        } catch (CutoutDecodingException e) {
            throw new ApiException(
                    HttpStatus.INTERNAL_SERVER_ERROR,
                    "cutout " + kind + " of " + survey + " alert " + candid + " cannot be decoded: " + e.getMessage(),
                    e);
        }
    }

    /** Returns the download name: the alert's file name without its last suffix, or survey_candid_cutout.fits. */
    private static String fileName(Object stored, String survey, String candid, String kind) {
        if (stored instanceof Document record
                && record.get("fileName") instanceof String original
                && !original.isBlank()) {
            int dot = original.lastIndexOf('.');
            return dot > 0 ? original.substring(0, dot) : original;
        }
        return survey + "_" + candid + "_" + kind + ".fits";
    }

    private static ResponseEntity<byte[]> fits(
            CutoutImage image, byte[] original, String fileName, String survey, String candid, String kind) {
        try {
            return ResponseEntity.ok()
                    .contentType(IMAGE_FITS)
                    .header(HttpHeaders.CONTENT_DISPOSITION, "Attachment;filename=" + fileName)
                    .body(CutoutFits.write(image, original));
        } catch (IOException | FitsException e) {
            throw new ApiException(
                    HttpStatus.INTERNAL_SERVER_ERROR,
                    "failed to write cutout " + kind + " of " + survey + " alert " + candid + " as FITS: "
                            + e.getMessage(),
                    e);
        }
    }

    private static ResponseEntity<byte[]> png(
            CutoutImage image, String kind, String interval, String stretch, String cmap) {
        CutoutPng.Stretch defaultStretch = kind.equals("difference") ? CutoutPng.Stretch.LINEAR : CutoutPng.Stretch.LOG;
        byte[] picture = CutoutPng.render(
                image,
                stretch == null ? defaultStretch : CutoutPng.Stretch.parse(stretch, CutoutPng.Stretch.LOG),
                CutoutPng.Interval.parse(interval),
                CutoutPng.Colormap.parse(cmap));
        return ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).body(picture);
    }
}
