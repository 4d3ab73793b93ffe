package org.kowalski.ingest;

/** Why a catalog row was not ingested. */
public enum SkipReason {
    MALFORMED_ROW("malformed row"),
    RA_MISSING("RA missing"),
    RA_NOT_FINITE("RA is NaN or infinite"),
    RA_INVALID("RA is neither a number of degrees nor a sexagesimal string"),
    RA_OUT_OF_RANGE("RA outside [0, 360] degrees"),
    DEC_MISSING("Dec missing"),
    DEC_NOT_FINITE("Dec is NaN or infinite"),
    DEC_INVALID("Dec is neither a number of degrees nor a sexagesimal string"),
    DEC_OUT_OF_RANGE("Dec outside [-90, 90] degrees"),
    ID_MISSING("id missing"),
    ID_INVALID("id is neither a string nor an integer"),
    POSITION_NOT_FOUND("no position found in the position catalog");

    private final String description;

    SkipReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
