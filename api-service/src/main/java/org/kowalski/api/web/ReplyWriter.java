package org.kowalski.api.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.codec.HttpMessageWriter;
import reactor.core.publisher.Mono;

/** Writes {@link Reply} bodies as {@code application/json; charset=utf-8} in relaxed Extended JSON. */
public final class ReplyWriter implements HttpMessageWriter<Reply> {

    /** The content type of every JSON reply, as the Python original sends it. */
    public static final MediaType JSON_UTF8 = new MediaType("application", "json", StandardCharsets.UTF_8);

    @Override
    public List<MediaType> getWritableMediaTypes() {
        return List.of(JSON_UTF8, MediaType.APPLICATION_JSON);
    }

    @Override
    public boolean canWrite(ResolvableType elementType, MediaType mediaType) {
        return Reply.class.isAssignableFrom(elementType.toClass())
                && (mediaType == null
                        || mediaType.isWildcardType()
                        || MediaType.APPLICATION_JSON.isCompatibleWith(mediaType));
    }

    @Override
    public Mono<Void> write(
            Publisher<? extends Reply> inputStream,
            ResolvableType elementType,
            MediaType mediaType,
            ReactiveHttpOutputMessage message,
            Map<String, Object> hints) {
        message.getHeaders().setContentType(JSON_UTF8);
        Mono<DataBuffer> body = Mono.from(inputStream).map(reply -> toBuffer(reply, message));
        return message.writeWith(body);
    }

    private static DataBuffer toBuffer(Reply reply, ReactiveHttpOutputMessage message) {
        byte[] bytes = reply.toJson().getBytes(StandardCharsets.UTF_8);
        return message.bufferFactory().wrap(bytes);
    }
}
