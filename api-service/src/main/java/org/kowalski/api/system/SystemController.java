package org.kowalski.api.system;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.kowalski.api.auth.AccessControl;
import org.kowalski.api.web.Reply;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The ping route that penquins calls: 200 for a valid token, 401 without one. */
@RestController
@Tag(name = "system", description = "Liveness check for clients")
class SystemController {

    private final AccessControl accessControl;

    SystemController(AccessControl accessControl) {
        this.accessControl = accessControl;
    }

    @Operation(
            summary = "Ping",
            description = "Returns 200 with 'greetings from Kowalski!' for a valid token; penquins' ping()"
                    + " checks only the status code.")
    @GetMapping(path = "/", produces = "application/json")
    Mono<Reply> ping(ServerWebExchange exchange) {
        accessControl.requireUser(exchange);
        return Mono.just(Reply.success("greetings from Kowalski!"));
    }
}
