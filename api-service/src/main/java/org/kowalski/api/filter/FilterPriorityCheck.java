package org.kowalski.api.filter;

import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.MongoCollection;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.kowalski.api.web.ApiException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Checks the {@code priority_order} of an auto_followup object against the other filters of its allocation. */
final class FilterPriorityCheck {

    private final MongoCollection<Document> filters;

    FilterPriorityCheck(MongoCollection<Document> filters) {
        this.filters = filters;
    }

    /**
     * Checks that every other filter with the same auto-follow-up allocation uses the same priority order,
     * because SkyPortal ranks the requests of one allocation by it.
     *
     * @param exceptId a filter left out of the comparison (the one being updated), or null
     * @param prefix the start of the error message
     */
    Mono<Void> run(Document followup, ObjectId exceptId, String prefix) {
        Object order = followup.get("priority_order");
        if (order == null) {
            return Mono.empty();
        }
        if (!"asc".equals(order) && !"desc".equals(order)) {
            return Mono.error(ApiException.badRequest(
                    "Invalid priority_order specified for auto_followup: " + order + "; use asc or desc"));
        }
        Integer allocationId = FilterRequests.toInt(followup.get("allocation_id"));
        if (allocationId == null) {
            return Mono.error(ApiException.badRequest("Invalid auto_followup: allocation_id "
                    + followup.get("allocation_id") + " must be an integer when priority_order is set"));
        }
        Bson sameAllocation = Filters.or(
                Filters.eq("auto_followup.allocation_id", allocationId),
                Filters.eq("auto_followup.allocation_id", String.valueOf(allocationId)));
        Bson query = exceptId == null ? sameAllocation : Filters.and(sameAllocation, Filters.ne("_id", exceptId));
        return Flux.from(filters.find(query))
                .filter(other -> {
                    Object otherOrder =
                            other.get("auto_followup", Document.class).get("priority_order");
                    return otherOrder != null && !otherOrder.equals(order);
                })
                .hasElements()
                .flatMap(conflict -> conflict
                        ? Mono.error(ApiException.badRequest(prefix
                                + " filters with the same allocation have priority_order set to a different value,"
                                + " which is unexpected"))
                        : Mono.empty());
    }
}
