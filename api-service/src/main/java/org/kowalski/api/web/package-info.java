/**
 * Building blocks that every route of the API shares.
 *
 * <ul>
 *   <li>Replies: return {@code Mono<Reply>} (200) or {@code Mono<ResponseEntity<Reply>>} from a
 *       controller; {@link org.kowalski.api.web.Reply#success(String, Object)} builds the envelope
 *       {@code {status, message, data}} and {@link org.kowalski.api.web.ReplyWriter} writes it as
 *       relaxed Extended JSON ({@link org.kowalski.api.web.ExtendedJson}).
 *   <li>Request bodies: read them with {@link org.kowalski.api.web.RequestJson#readObject} (JSON
 *       whatever the {@code Content-Type}, 64-bit integers exact) rather than {@code @RequestBody},
 *       which WebFlux refuses for form-encoded bodies such as those {@code curl -d} sends.
 *   <li>Errors: throw or {@code Mono.error} an {@link org.kowalski.api.web.ApiException} with a message
 *       that names the value and the fix; {@link org.kowalski.api.web.ApiErrorHandler} writes every
 *       error, MongoDB's included, as JSON with a 4xx status unless the server itself failed.
 *   <li>Auth: {@link org.kowalski.api.auth.AccessControl#requireUser} and
 *       {@link org.kowalski.api.auth.AccessControl#requireAdmin} give 401 and 403 replies.
 * </ul>
 */
package org.kowalski.api.web;
