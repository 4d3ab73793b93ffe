package org.kowalski.api.system;

import java.util.LinkedHashMap;
import java.util.Map;
import org.kowalski.api.auth.AuthWebFilter;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The ping route that penquins calls: 200 for a valid token, 401 without one. */
@RestController
class SystemController {

    @GetMapping(path = "/", produces = "application/json")
    Mono<ResponseEntity<Map<String, Object>>> ping(ServerWebExchange exchange) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (exchange.getAttribute(AuthWebFilter.USER_ATTRIBUTE) == null) {
            body.put("status", "error");
            body.put("message", "Unauthorized");
            return Mono.just(ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(body));
        }
        body.put("status", "success");
        body.put("message", "greetings from Kowalski!");
        return Mono.just(ResponseEntity.ok(body));
    }
}
