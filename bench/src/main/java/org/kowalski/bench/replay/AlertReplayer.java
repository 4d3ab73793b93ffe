package org.kowalski.bench.replay;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns a few template alerts into any number of distinct alerts: each copy gets a new candid and
 * object id and a position moved by a small offset, and keeps every other field, cutouts and history
 * included. A chosen share of the copies are later alerts of an object already replayed (same object id,
 * position within {@value #REPEAT_JITTER_ARCSEC}"), so the per-object history is updated, not only
 * created.
 *
 * <p>The plan (which object and which template each alert uses, and the positions) is fixed by the seed,
 * so the catalog that the cross-match runs use can be built around the same positions. {@link
 * #encode(int)} is not thread-safe.
 */
public final class AlertReplayer {

    /** First candid of the copies; real ZTF candids are below 3e18. */
    public static final long CANDID_BASE = 5_000_000_000_000_000_000L;

    /** Largest distance between a new object and the template alert's position, in degrees. */
    public static final double SPREAD_DEG = 0.5;

    /** Largest distance between two alerts of one object, in arcseconds. */
    public static final double REPEAT_JITTER_ARCSEC = 0.3;

    private final List<AlertTemplate> templates;
    private final String source;
    private final int alerts;
    private final int[] objectOfAlert;
    private final int[] templateOfAlert;
    private final boolean[] repeat;
    private final double[] raDeg;
    private final double[] decDeg;
    private final int objects;

    private AlertReplayer(AlertTemplates loaded, int alerts, double repeatShare, long seed) {
        if (repeatShare < 0 || repeatShare >= 1) {
            throw new IllegalArgumentException("repeat share must be in [0, 1), got " + repeatShare);
        }
        this.templates = loaded.templates();
        this.source = loaded.source();
        this.alerts = alerts;
        this.objectOfAlert = new int[alerts];
        this.templateOfAlert = new int[alerts];
        this.repeat = new boolean[alerts];
        this.raDeg = new double[alerts];
        this.decDeg = new double[alerts];

        SplittableRandom random = new SplittableRandom(seed);
        double[] objectRa = new double[alerts];
        double[] objectDec = new double[alerts];
        int objectCount = 0;
        for (int i = 0; i < alerts; i++) {
            templateOfAlert[i] = i % templates.size();
            if (objectCount > 0 && random.nextDouble() < repeatShare) {
                int object = random.nextInt(objectCount);
                objectOfAlert[i] = object;
                repeat[i] = true;
                double[] jittered = offset(objectRa[object], objectDec[object], REPEAT_JITTER_ARCSEC / 3600.0, random);
                raDeg[i] = jittered[0];
                decDeg[i] = jittered[1];
            } else {
                AlertTemplate template = templates.get(templateOfAlert[i]);
                double[] moved = offset(template.raDeg(), template.decDeg(), SPREAD_DEG, random);
                objectRa[objectCount] = moved[0];
                objectDec[objectCount] = moved[1];
                objectOfAlert[i] = objectCount++;
                raDeg[i] = moved[0];
                decDeg[i] = moved[1];
            }
        }
        this.objects = objectCount;
    }

    /**
     * Plans {@code alerts} copies of the templates.
     *
     * @param repeatShare the share of alerts, in [0, 1), that belong to an object replayed before
     * @param seed fixes the plan; the same seed gives the same alerts
     */
    public static AlertReplayer plan(AlertTemplates templates, int alerts, double repeatShare, long seed) {
        return new AlertReplayer(templates, alerts, repeatShare, seed);
    }

    /** Returns where the templates came from: the sample alert folder, or generated alerts. */
    public String source() {
        return source;
    }

    public int alerts() {
        return alerts;
    }

    /** Returns the number of distinct objects among the alerts. */
    public int objects() {
        return objects;
    }

    /** Returns the number of alerts that belong to an object seen earlier in the plan. */
    public int repeatAlerts() {
        return alerts - objects;
    }

    public long candid(int alert) {
        return CANDID_BASE + alert;
    }

    /** Returns the index of the alert with this candid, or -1 for a candid the replayer did not make. */
    public int alertOfCandid(long candid) {
        long index = candid - CANDID_BASE;
        return index >= 0 && index < alerts ? (int) index : -1;
    }

    /** Returns the object id of an alert: {@code ZTF26} and seven letters, as real ZTF ids look. */
    public String objectId(int alert) {
        return objectIdOf(objectOfAlert[alert]);
    }

    public boolean isRepeat(int alert) {
        return repeat[alert];
    }

    public double raDeg(int alert) {
        return raDeg[alert];
    }

    public double decDeg(int alert) {
        return decDeg[alert];
    }

    /** Returns the Avro object container of one alert, with the template's writer schema. */
    public byte[] encode(int alert) {
        AlertTemplate template = templates.get(templateOfAlert[alert]);
        return template.encode(candid(alert), objectId(alert), raDeg[alert], decDeg[alert]);
    }

    static String objectIdOf(int object) {
        char[] letters = new char[7];
        int rest = object;
        for (int i = letters.length - 1; i >= 0; i--) {
            letters[i] = (char) ('a' + rest % 26);
            rest /= 26;
        }
        return "ZTF26" + new String(letters);
    }

    /** Returns a position uniformly distributed in a disc of {@code radiusDeg} around the centre. */
    private static double[] offset(double raDeg, double decDeg, double radiusDeg, SplittableRandom random) {
        double distance = radiusDeg * Math.sqrt(random.nextDouble());
        double angle = 2 * Math.PI * random.nextDouble();
        double dec = AlertTemplate.clampDec(decDeg + distance * Math.sin(angle));
        double cosDec = Math.max(Math.cos(Math.toRadians(dec)), 1e-6);
        double ra = AlertTemplate.wrapRa(raDeg + distance * Math.cos(angle) / cosDec);
        return new double[] {ra, dec};
    }
}
