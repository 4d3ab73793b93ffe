package org.kowalski.ingest;

/** Command-line ingestion of FITS, CSV and Parquet catalogs into the archive. */
public final class IngestCatalogCommand {

    private IngestCatalogCommand() {}

    public static void main(String[] args) {
        // TODO: implement the catalog ingester; it prints this and exits with status 2 until then.
        System.err.println("Catalog ingestion is not implemented yet");
        System.exit(2);
    }
}
