package org.kowalski.api.docs;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Contact;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Map;
import org.kowalski.common.config.KowalskiConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document served at {@value DocsController#SPEC_PATH}: {@code info} from the {@code server}
 * section of the configuration, and the two ways to send a token, {@code Authorization: Bearer <token>}
 * and the bare token penquins sends. Routes and schemas come from the controllers' annotations.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    static final String LICENSE_URL = "https://raw.githubusercontent.com/skyportal/kowalski/main/LICENSE";

    @Bean
    OpenAPI kowalskiOpenApi(KowalskiConfig config) {
        KowalskiConfig.Server server = config.server();
        Map<String, String> contact = server.contact() == null ? Map.of() : server.contact();
        Info info = new Info()
                .title(server.name())
                .version(server.version())
                .description(server.description()
                        + "\n\nEvery reply is JSON {status, message, data}; user errors are 4xx with a message"
                        + " naming the value and the fix. Get a token from POST /api/auth.")
                .contact(new Contact().name(contact.get("name")).email(contact.get("email")))
                .license(new License().name("MIT").url(LICENSE_URL));
        Components components = new Components()
                .addSecuritySchemes(
                        "bearerAuth",
                        new SecurityScheme()
                                .type(SecurityScheme.Type.HTTP)
                                .scheme("bearer")
                                .bearerFormat("JWT")
                                .description("Authorization: Bearer <token>"))
                .addSecuritySchemes(
                        "token",
                        new SecurityScheme()
                                .type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER)
                                .name("Authorization")
                                .description("Authorization: <token>, the bare token that penquins sends"));
        return new OpenAPI()
                .info(info)
                .components(components)
                .addSecurityItem(new SecurityRequirement().addList("bearerAuth"))
                .addSecurityItem(new SecurityRequirement().addList("token"));
    }
}
