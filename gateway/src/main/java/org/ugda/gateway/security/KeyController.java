package org.ugda.gateway.security;

import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.ugda.support.problem.NotFoundException;

/**
 * {@code /api/keys}: an admin's management of API keys ({@link AccessRules} lets only admin keys
 * in). A token is in the answer that creates or rotates a key, and nowhere else: not in a listing,
 * not in a log line.
 */
@RestController
@RequestMapping("/api/keys")
class KeyController {

  private static final Logger log = LoggerFactory.getLogger(KeyController.class);

  private final ApiKeyStore keys;

  KeyController(ApiKeyStore keys) {
    this.keys = keys;
  }

  /** 201 with the new key and its token (shown this once); 409 if the name is taken. */
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  IssuedKey create(@RequestBody NewKey request) {
    IssuedKey issued =
        keys.create(request.name(), Role.of(request.role()), request.ratePerMinute());
    log.info(
        "created API key '{}' ({}, prefix {})",
        issued.key().name(),
        issued.key().role(),
        issued.key().prefix());
    return issued;
  }

  /** Every key, revoked ones included; no token, no hash. */
  @GetMapping
  List<ApiKey> list() {
    return keys.list();
  }

  @GetMapping("/{id}")
  ApiKey get(@PathVariable UUID id) {
    return keys.find(id).orElseThrow(() -> missing(id));
  }

  /** A new token for the key; the old token is refused from this moment. 404 if revoked. */
  @PostMapping("/{id}/rotate")
  IssuedKey rotate(@PathVariable UUID id) {
    IssuedKey issued =
        keys.rotate(id)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "no working key with id " + id + " (revoked keys cannot be rotated)"));
    log.info("rotated API key '{}' (new prefix {})", issued.key().name(), issued.key().prefix());
    return issued;
  }

  /** Revokes the key: its token is refused from the next request on. Repeating it is harmless. */
  @PostMapping("/{id}/revoke")
  ApiKey revoke(@PathVariable UUID id) {
    ApiKey revoked = keys.revoke(id).orElseThrow(() -> missing(id));
    log.info("revoked API key '{}'", revoked.name());
    return revoked;
  }

  /** The same as {@code POST /api/keys/{id}/revoke}; the row stays, for the record. */
  @DeleteMapping("/{id}")
  ApiKey delete(@PathVariable UUID id) {
    return revoke(id);
  }

  private static NotFoundException missing(UUID id) {
    return new NotFoundException("no key with id " + id);
  }
}
