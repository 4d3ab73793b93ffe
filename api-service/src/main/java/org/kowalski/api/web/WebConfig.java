package org.kowalski.api.web;

import org.kowalski.common.config.KowalskiConfig;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/** Registers the {@link Reply} writer and sizes the request decoders to {@code server.client_max_size}. */
@Configuration(proxyBeanMethods = false)
class WebConfig implements WebFluxConfigurer {

    private final long maxBodyBytes;

    WebConfig(KowalskiConfig config) {
        this.maxBodyBytes = BodySizeLimitFilter.maxBodyBytes(config);
    }

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        configurer.customCodecs().register(new ReplyWriter());
        configurer.defaultCodecs().maxInMemorySize((int) Math.min(Integer.MAX_VALUE, maxBodyBytes));
    }
}
