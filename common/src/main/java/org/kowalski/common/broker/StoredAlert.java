package org.kowalski.common.broker;

import java.util.List;
import org.bson.Document;
import org.kowalski.common.alert.MongifiedAlert;

/**
 * An alert stored by this broker, as the post-store stages (filters, SkyPortal) receive it.
 *
 * @param alert the stored alert document (with {@code _id}, {@code classifications} and {@code
 *     coordinates}) and the packet's history
 * @param newObject whether this alert created its object's aux document
 * @param prvCandidates the packet's previous candidates without null-valued keys
 * @param fpHists the object's stored forced photometry of the 30 days before the alert; empty when the
 *     object keeps none or the survey has none
 */
public record StoredAlert(
        MessageOrigin origin,
        MongifiedAlert alert,
        boolean newObject,
        List<Document> prvCandidates,
        List<Document> fpHists) {}
