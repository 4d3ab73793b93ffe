package org.kowalski.common.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import java.util.Set;

/**
 * Tells a store outage (no server reachable, a dropped connection, a stepping-down primary), after
 * which the same write can succeed on retry, from an error that retrying cannot fix (an invalid or
 * oversized document, a bad query).
 */
public final class StoreOutages {

    /** Server error codes that mean the server is unreachable, shutting down or not primary. */
    private static final Set<Integer> OUTAGE_CODES = Set.of(
            6, // HostUnreachable
            7, // HostNotFound
            89, // NetworkTimeout
            91, // ShutdownInProgress
            189, // PrimarySteppedDown
            262, // ExceededTimeLimit
            9001, // SocketException
            10107, // NotWritablePrimary
            11600, // InterruptedAtShutdown
            11602, // InterruptedDueToReplStateChange
            13435, // NotPrimaryNoSecondaryOk
            13436 // NotPrimaryOrSecondary
            );

    private StoreOutages() {}

    /** Returns whether the error, or one of its causes, means the store is unreachable for now. */
    public static boolean isOutage(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof MongoSocketException
                    || e instanceof MongoTimeoutException
                    || e instanceof MongoNotPrimaryException
                    || e instanceof MongoNodeIsRecoveringException
                    || e instanceof MongoConnectionPoolClearedException
                    || e instanceof StoreUnavailableException) {
                return true;
            }
            if (e instanceof MongoCommandException command && OUTAGE_CODES.contains(command.getErrorCode())) {
                return true;
            }
            if (e instanceof MongoException mongo
                    && (mongo.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
                            || mongo.hasErrorLabel("RetryableWriteError"))) {
                return true;
            }
        }
        return false;
    }
}
