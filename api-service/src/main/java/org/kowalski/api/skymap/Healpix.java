package org.kowalski.api.skymap;

/**
 * HEALPix pixel arithmetic in the NESTED scheme and the NUNIQ packing of multi-order maps, following
 * Górski et al. 2005 (ApJ 622, 759). The order is log2(nside); pixel indices are longs so orders up to
 * 29 fit.
 */
final class Healpix {

    static final int MAX_ORDER = 29;

    /** Ring index of each base face's southernmost corner, in units of nside. */
    private static final int[] FACE_RING = {2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4};

    /** Longitude of each base face's centre, in units of pi/4. */
    private static final int[] FACE_PHI = {1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7};

    private Healpix() {}

    /** Returns the solid angle of one pixel at an order, in steradians. */
    static double pixelAreaSr(int order) {
        return 4 * Math.PI / (12.0 * (1L << (2 * order)));
    }

    /** Returns the approximate pixel size at an order (square root of the area), in degrees. */
    static double pixelSizeDeg(int order) {
        return Math.toDegrees(Math.sqrt(pixelAreaSr(order)));
    }

    /** Returns the order of a NUNIQ pixel id ({@code 4 * 4^order + ipix}). */
    static int uniqOrder(long uniq) {
        if (uniq < 4) {
            throw new IllegalArgumentException("Invalid NUNIQ pixel id " + uniq + ": ids start at 4");
        }
        return (63 - Long.numberOfLeadingZeros(uniq)) / 2 - 1;
    }

    /** Returns the NESTED pixel index of a NUNIQ pixel id. */
    static long uniqIndex(long uniq) {
        return uniq - (4L << (2 * uniqOrder(uniq)));
    }

    /** Returns the NUNIQ pixel id of a NESTED pixel at an order. */
    static long uniq(int order, long ipix) {
        return (4L << (2 * order)) + ipix;
    }

    /**
     * Returns the NESTED pixel that contains a position.
     *
     * @param order HEALPix order, 0 to {@value #MAX_ORDER}
     * @param raDeg right ascension in degrees
     * @param decDeg declination in degrees
     */
    static long angToNest(int order, double raDeg, double decDeg) {
        long nside = 1L << order;
        double z = Math.sin(Math.toRadians(decDeg));
        double zAbs = Math.abs(z);
        double phi = Math.toRadians(((raDeg % 360) + 360) % 360);
        double tt = phi / (0.5 * Math.PI);
        if (tt >= 4) {
            tt -= 4;
        }
        int face;
        long ix;
        long iy;
        if (zAbs <= 2.0 / 3.0) {
            // Equatorial zone: the pixel boundaries are straight lines in (phi, z).
            double t1 = nside * (0.5 + tt);
            double t2 = nside * (z * 0.75);
            long jp = (long) (t1 - t2);
            long jm = (long) (t1 + t2);
            long ifp = jp >> order;
            long ifm = jm >> order;
            if (ifp == ifm) {
                face = (int) (ifp | 4);
            } else if (ifp < ifm) {
                face = (int) ifp;
            } else {
                face = (int) (ifm + 8);
            }
            ix = jm & (nside - 1);
            iy = nside - (jp & (nside - 1)) - 1;
        } else {
            // Polar caps: the boundaries follow z = 1 - k^2 / (3 nside^2).
            int ntt = Math.min(3, (int) tt);
            double tp = tt - ntt;
            double tmp = nside * Math.sqrt(3 * (1 - zAbs));
            long jp = Math.min((long) (tp * tmp), nside - 1);
            long jm = Math.min((long) ((1 - tp) * tmp), nside - 1);
            if (z >= 0) {
                face = ntt;
                ix = nside - jm - 1;
                iy = nside - jp - 1;
            } else {
                face = ntt + 8;
                ix = jp;
                iy = jm;
            }
        }
        return ((long) face << (2 * order)) + interleave(ix, iy);
    }

    /** Returns the centre of a NESTED pixel as {@code [raDeg, decDeg]}. */
    static double[] nestToAng(int order, long ipix) {
        long nside = 1L << order;
        long npface = nside * nside;
        int face = (int) (ipix >> (2 * order));
        long[] xy = deinterleave(ipix & (npface - 1));
        long ix = xy[0];
        long iy = xy[1];
        long jr = FACE_RING[face] * nside - ix - iy - 1;
        long nr;
        double z;
        int kshift;
        if (jr < nside) {
            nr = jr;
            z = 1 - (double) nr * nr / (3.0 * npface);
            kshift = 0;
        } else if (jr > 3 * nside) {
            nr = 4 * nside - jr;
            z = -(1 - (double) nr * nr / (3.0 * npface));
            kshift = 0;
        } else {
            nr = nside;
            z = (2 * nside - jr) * 2.0 / (3.0 * nside);
            kshift = (int) ((jr - nside) & 1);
        }
        long jp = (FACE_PHI[face] * nr + ix - iy + 1 + kshift) / 2;
        if (jp > 4 * nside) {
            jp -= 4 * nside;
        }
        if (jp < 1) {
            jp += 4 * nside;
        }
        double phi = (jp - (kshift + 1) * 0.5) * (0.5 * Math.PI / nr);
        return new double[] {Math.toDegrees(phi), Math.toDegrees(Math.asin(Math.max(-1, Math.min(1, z))))};
    }

    /** Returns the centre of a RING-scheme pixel as {@code [raDeg, decDeg]}. */
    static double[] ringToAng(int order, long ipix) {
        long nside = 1L << order;
        long capPixels = 2 * nside * (nside - 1);
        long pixels = 12 * nside * nside;
        double z;
        double phi;
        if (ipix < capPixels) {
            // North polar cap: ring i has 4i pixels.
            long ring = (1 + isqrt(1 + 2 * ipix)) >> 1;
            long inRing = ipix + 1 - 2 * ring * (ring - 1);
            z = 1 - (double) ring * ring / (3.0 * nside * nside);
            phi = (inRing - 0.5) * Math.PI / (2.0 * ring);
        } else if (ipix < pixels - capPixels) {
            // Equatorial belt: every ring has 4 nside pixels, odd rings shifted by half a pixel.
            long offset = ipix - capPixels;
            long ring = offset / (4 * nside) + nside;
            long inRing = offset % (4 * nside) + 1;
            double shift = ((ring + nside) & 1) == 1 ? 1 : 0.5;
            z = (2 * nside - ring) * 2.0 / (3.0 * nside);
            phi = (inRing - shift) * Math.PI / (2.0 * nside);
        } else {
            long fromEnd = pixels - ipix;
            long ring = (1 + isqrt(2 * fromEnd - 1)) >> 1;
            long inRing = 4 * ring + 1 - (fromEnd - 2 * ring * (ring - 1));
            z = -1 + (double) ring * ring / (3.0 * nside * nside);
            phi = (inRing - 0.5) * Math.PI / (2.0 * ring);
        }
        return new double[] {Math.toDegrees(phi), Math.toDegrees(Math.asin(Math.max(-1, Math.min(1, z))))};
    }

    private static long isqrt(long value) {
        long root = (long) Math.sqrt((double) value);
        while (root * root > value) {
            root--;
        }
        while ((root + 1) * (root + 1) <= value) {
            root++;
        }
        return root;
    }

    /** Spreads the bits of x over the even bit positions and those of y over the odd ones. */
    private static long interleave(long x, long y) {
        return spread(x) | (spread(y) << 1);
    }

    private static long[] deinterleave(long value) {
        return new long[] {compact(value), compact(value >>> 1)};
    }

    private static long spread(long v) {
        v &= 0xFFFFFFFFL;
        v = (v | (v << 16)) & 0x0000FFFF0000FFFFL;
        v = (v | (v << 8)) & 0x00FF00FF00FF00FFL;
        v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v << 2)) & 0x3333333333333333L;
        v = (v | (v << 1)) & 0x5555555555555555L;
        return v;
    }

    private static long compact(long v) {
        v &= 0x5555555555555555L;
        v = (v | (v >>> 1)) & 0x3333333333333333L;
        v = (v | (v >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v >>> 4)) & 0x00FF00FF00FF00FFL;
        v = (v | (v >>> 8)) & 0x0000FFFF0000FFFFL;
        v = (v | (v >>> 16)) & 0x00000000FFFFFFFFL;
        return v;
    }
}
