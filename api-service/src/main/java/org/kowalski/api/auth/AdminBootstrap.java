package org.kowalski.api.auth;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.time.Duration;
import java.util.Date;
import org.bson.Document;
import org.kowalski.common.config.KowalskiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Prepares the {@code users} and {@code queries} collections when the API starts, before it serves
 * requests: inserts the admin user {@code server.admin_username} with the hash of
 * {@code server.admin_password} unless a user of that name exists (an existing admin keeps its
 * password, as in the Python original), and marks queries left {@code enqueued} by the original's
 * retired query queue as {@code error}.
 */
@Component
class AdminBootstrap implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The e-mail address the original gives its admin user. */
    static final String ADMIN_EMAIL = "kowalski@caltech.edu";

    private final MongoDatabase database;
    private final KowalskiConfig config;

    AdminBootstrap(MongoDatabase database, KowalskiConfig config) {
        this.database = database;
        this.config = config;
    }

    @Override
    public void afterPropertiesSet() {
        // Runs once on the start-up thread, never on an event loop, so blocking is fine here.
        String admin = config.server().adminUsername();
        var users = database.getCollection(config.collection("users"));
        Document existing =
                Mono.from(users.find(Filters.eq("_id", admin)).first()).block(TIMEOUT);
        if (existing == null) {
            Document user = new Document("_id", admin)
                    .append("email", ADMIN_EMAIL)
                    .append("password", PasswordHashes.hash(config.server().adminPassword()))
                    .append("permissions", new Document())
                    .append("last_modified", new Date());
            Mono.from(users.insertOne(user)).block(TIMEOUT);
            log.info("Created the admin user '{}' from server.admin_username", admin);
        } else {
            log.info("Admin user '{}' exists; its stored password is kept", admin);
        }

        var queries = database.getCollection(config.collection("queries"));
        var reset = Mono.from(queries.updateMany(
                        Filters.eq("status", "enqueued"),
                        Updates.combine(Updates.set("status", "error"), Updates.set("last_modified", new Date()))))
                .block(TIMEOUT);
        if (reset != null && reset.getModifiedCount() > 0) {
            log.info("Marked {} enqueued legacy queries as error", reset.getModifiedCount());
        }
    }
}
