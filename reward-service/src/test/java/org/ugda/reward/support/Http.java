package org.ugda.reward.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.function.IntSupplier;
import tools.jackson.databind.JsonNode;

/** test-support's HTTP client, with reward-service's own calls. */
public final class Http extends org.ugda.testsupport.Http {

  public Http(int port) {
    super(port);
  }

  /** A client for a service whose port is known only once it runs: asked at each request. */
  public Http(IntSupplier port) {
    super(port);
  }

  /** Creates an ensemble of {@code members} on the base "sft"; asserts 201 and returns its id. */
  public String createEnsemble(String name, int members) {
    return createEnsemble(Map.of("name", name, "baseModel", "sft", "members", members));
  }

  /** Creates an ensemble from {@code body}; asserts 201 and returns its id. */
  public String createEnsemble(Map<String, ?> body) {
    Response r = post("/v1/ensembles", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  /** Asserts a job was accepted (202), waits for it and asserts it SUCCEEDED; returns its JSON. */
  public JsonNode succeeded(Response submitted, Duration timeout) {
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
    JsonNode done = awaitJob(submitted.json().get("id").asString(), timeout);
    assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    return done;
  }

  /** Polls a job until it leaves QUEUED/RUNNING; returns its final JSON. */
  public JsonNode awaitJob(String id, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      JsonNode j = get("/v1/jobs/" + id).json();
      String state = j.get("state").asString();
      if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
        return j;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    // what the job thread is doing, so that a hang can be read from the failure
    StringBuilder threads = new StringBuilder();
    Thread.getAllStackTraces()
        .forEach(
            (t, stack) -> {
              if (t.getName().startsWith("reward-job")
                  || t.getName().startsWith("reward-batcher")) {
                threads.append("\n").append(t.getName()).append(" ").append(t.getState());
                for (StackTraceElement e : stack) {
                  threads.append("\n    at ").append(e);
                }
              }
            });
    throw new AssertionError(
        "job "
            + id
            + " did not finish within "
            + timeout
            + "; last seen "
            + get("/v1/jobs/" + id).body()
            + threads);
  }
}
