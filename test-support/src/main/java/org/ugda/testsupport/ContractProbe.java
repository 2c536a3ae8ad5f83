package org.ugda.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.UUID;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.ugda.support.web.HttpProperties;
import org.ugda.support.web.Locations;

/**
 * Test-only endpoints that {@link ServiceEndpointsContract} imports into every service's
 * application context, so that the same failures can be provoked in each service: a domain refusal,
 * a malformed body, a record that refuses itself, an unexpected failure, and a body read to its
 * end.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ContractProbe {

  /** Where the probe endpoints live in each service under test. */
  public static final String PATH = "/test-support/probe";

  /** What the unexpected failure carries; the 500 body must show none of it. */
  static final String SECRET = "SECRET-INTERNAL /etc/ugda/credentials.json";

  /** A body whose record checks itself, as every contract record in {@code api} does. */
  public record Sample(String name, int count) {
    public Sample {
      if (count < 1) {
        throw new IllegalArgumentException("count must be at least 1, got " + count);
      }
    }
  }

  @RestController
  @RequestMapping(PATH)
  public static class Endpoints {
    private final HttpProperties limits;

    Endpoints(HttpProperties limits) {
      this.limits = limits;
    }

    @GetMapping("/limit")
    long limit() {
      return limits.maxRequestSize().toBytes();
    }

    @PostMapping("/sample")
    Sample sample(@RequestBody Sample sample) {
      return sample;
    }

    @GetMapping("/things/{thingId}")
    String thing(@PathVariable UUID thingId) {
      return thingId.toString();
    }

    @PostMapping("/created")
    ResponseEntity<Void> created() {
      return ResponseEntity.created(Locations.of("/v1/things/1")).build();
    }

    @PostMapping("/refuse")
    void refuse() {
      throw new IllegalArgumentException("name must not be blank; give the ensemble a name");
    }

    @GetMapping("/fail")
    void fail() {
      throw new IllegalStateException(SECRET, new IOException(SECRET));
    }

    @PostMapping("/drain")
    long drain(InputStream body) throws IOException {
      return body.transferTo(OutputStream.nullOutputStream());
    }
  }
}
