package org.kowalski.bench.broker;

/** The four broker configurations, each adding one stage to the previous. */
public enum BrokerScenario {
    STORE("a", "decode and store"),
    XMATCH("b", "+ catalog cross-match"),
    ML("c", "+ six ML models"),
    FILTERS("d", "+ 25 active filters");

    private final String letter;
    private final String description;

    BrokerScenario(String letter, String description) {
        this.letter = letter;
        this.description = description;
    }

    public String letter() {
        return letter;
    }

    public String description() {
        return description;
    }

    public boolean crossMatches() {
        return ordinal() >= XMATCH.ordinal();
    }

    public boolean scores() {
        return ordinal() >= ML.ordinal();
    }

    public boolean filters() {
        return ordinal() >= FILTERS.ordinal();
    }
}
