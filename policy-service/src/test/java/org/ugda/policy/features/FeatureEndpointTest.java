package org.ugda.policy.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.ugda.api.binary.FloatMatrices;
import org.ugda.api.binary.FloatMatrix;
import org.ugda.benchmark.world.TinyWorld;
import org.ugda.core.format.SafeTensorsFile;
import org.ugda.core.format.SafeTensorsWriter;
import org.ugda.core.tensor.FloatTensor;
import org.ugda.policy.PolicyServiceApplication;
import org.ugda.testsupport.Http;
import org.ugda.testsupport.TestDatabase;

/**
 * Gradient features through {@code POST /v1/runs/{runId}/checkpoints/{epoch}/features}, against the
 * golden fixture: a checkpoint holding the fixture's LoRA adapter and Adam moments on the fixture's
 * base, so the unprojected plain feature of row 0 must be {@code grad0.*} and the Adam feature must
 * be Eq. 6 applied to the stored moments.
 */
class FeatureEndpointTest {
  private static final Path FIX =
      Path.of("..", "..", "shared", "fixtures", "llama").toAbsolutePath();
  private static final TestDatabase DB = TestDatabase.shared();
  private static ConfigurableApplicationContext app;
  private static Path root;
  private static UUID run;
  private static List<String> order;
  private static long[] row0;
  private static int prompt0;
  private static long adamSteps;

  @BeforeAll
  static void start() throws Exception {
    Path fixtures =
        Files.isDirectory(FIX)
            ? FIX
            : Path.of("..", "shared", "fixtures", "llama").toAbsolutePath();
    root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "features");
    Path base = Files.createDirectories(root.resolve("models/fixture-llama"));
    for (String f : List.of("config.json", "model.safetensors")) {
      Files.copy(fixtures.resolve("causal-lm").resolve(f), base.resolve(f));
    }
    run = UUID.randomUUID();
    Path cp = root.resolve("runs/" + run + "/checkpoints/epoch-1");
    Path adapter = Files.createDirectories(cp.resolve("adapter"));
    for (String f : List.of("adapter_config.json", "adapter_model.safetensors")) {
      Files.copy(fixtures.resolve("lora-adapter").resolve(f), adapter.resolve(f));
    }
    Map<?, ?> meta =
        Http.JSON.readValue(Files.readString(fixtures.resolve("lora-grads.json")), Map.class);
    order = new ArrayList<>();
    for (Object o : (List<?>) meta.get("trainable_parameter_order")) {
      order.add((String) o);
    }
    adamSteps = ((Number) ((Map<?, ?>) meta.get("adam")).get("steps")).longValue();
    SafeTensorsWriter w = new SafeTensorsWriter();
    w.metadata("step", Long.toString(adamSteps));
    try (SafeTensorsFile g = SafeTensorsFile.open(fixtures.resolve("lora-grads.safetensors"))) {
      for (String n : order) {
        for (String kind : List.of("exp_avg", "exp_avg_sq")) {
          String name = "adam." + kind + "." + n;
          w.add(kind + "." + n, new FloatTensor(g.info(name).shape(), g.readFloats(name)));
        }
      }
    }
    w.write(cp.resolve("optimizer.safetensors"));
    try (SafeTensorsFile ref = SafeTensorsFile.open(fixtures.resolve("reference.safetensors"))) {
      long[] ids = ref.readLongs("input_ids");
      long[] mask = ref.readLongs("attention_mask");
      int cols = (int) ref.info("input_ids").shape()[1];
      prompt0 = (int) ref.readLongs("prompt_len")[0];
      List<Long> real = new ArrayList<>();
      for (int c = 0; c < cols; c++) {
        if (mask[c] != 0) {
          real.add(ids[c]);
        }
      }
      row0 = real.stream().mapToLong(Long::longValue).toArray();
    }
    app =
        PolicyServiceApplication.application()
            .run(
                "--server.port=0",
                "--spring.datasource.url=" + DB.url(),
                "--spring.datasource.username=" + DB.username(),
                "--spring.datasource.password=" + DB.password(),
                "--ugda.policy.storage-root=" + root,
                "--ugda.device=cpu");
    String settings =
        Http.JSON.writeValueAsString(
            Map.of(
                "baseModel",
                "models/fixture-llama",
                "shaping",
                "gold",
                "prompts",
                List.of(Map.of("prompt", "fixture"), Map.of("prompt", "fixture")),
                "settings",
                Map.of("batchSize", 2)));
    sql(
        "INSERT INTO policy.run (id, state, settings, shaping, total_steps) VALUES ('"
            + run
            + "', 'SUCCEEDED', '"
            + settings.replace("'", "''")
            + "'::jsonb, 'gold', 1)");
    sql(
        "INSERT INTO policy.checkpoint (run_id, epoch, adam_step, mean_learning_rate, path) VALUES ('"
            + run
            + "', 1, "
            + adamSteps
            + ", 0.001, 'runs/"
            + run
            + "/checkpoints/epoch-1')");
  }

  @AfterAll
  static void stop() throws IOException {
    if (app != null) {
      app.close();
    }
    TinyWorld.delete(root);
  }

  private static void sql(String s) throws SQLException {
    try (var c = DB.connect();
        var st = c.createStatement()) {
      st.execute(s);
    }
  }

  private static HttpResponse<byte[]> post(String path, Object body) throws Exception {
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .header("Accept", FloatMatrices.CONTENT_TYPE + ", application/problem+json")
                .POST(HttpRequest.BodyPublishers.ofString(Http.JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
  }

  private static Map<String, Object> sample(String mode, int dim) {
    List<Long> p = new ArrayList<>();
    List<Long> r = new ArrayList<>();
    for (int i = 0; i < row0.length; i++) {
      (i < prompt0 ? p : r).add(row0[i]);
    }
    return Map.of(
        "samples", List.of(Map.of("promptTokens", p, "responseTokens", r)),
        "mode", mode,
        "dim", dim);
  }

  private static float[] feature(String mode, int dim) throws Exception {
    HttpResponse<byte[]> r = post("/v1/runs/" + run + "/checkpoints/1/features", sample(mode, dim));
    assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith(FloatMatrices.CONTENT_TYPE);
    FloatMatrix m = FloatMatrices.fromBytes(r.body());
    assertThat(m.shape()[0]).isEqualTo(1);
    return m.row(0);
  }

  /** grad0.* of the fixture, concatenated in parameter order, in double. */
  private static double[] grad0() {
    List<Double> out = new ArrayList<>();
    try (SafeTensorsFile g =
        SafeTensorsFile.open(fixturesDir().resolve("lora-grads.safetensors"))) {
      for (String n : order) {
        for (float f : g.readFloats("grad0." + n)) {
          out.add((double) f);
        }
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double[] moments(String kind) {
    List<Double> out = new ArrayList<>();
    try (SafeTensorsFile g =
        SafeTensorsFile.open(fixturesDir().resolve("lora-grads.safetensors"))) {
      for (String n : order) {
        for (float f : g.readFloats("adam." + kind + "." + n)) {
          out.add((double) f);
        }
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static Path fixturesDir() {
    return Files.isDirectory(FIX)
        ? FIX
        : Path.of("..", "shared", "fixtures", "llama").toAbsolutePath();
  }

  private static void close(float[] ours, double[] expected) {
    assertThat(ours).hasSize(expected.length);
    for (int i = 0; i < ours.length; i++) {
      double tol = 1e-4 + 1e-3 * Math.abs(expected[i]);
      assertThat(Math.abs(ours[i] - expected[i])).as("entry " + i).isLessThanOrEqualTo(tol);
    }
  }

  @Test
  void theUnprojectedPlainFeatureOfRowZeroIsTheFixturesGradient() throws Exception {
    close(feature("plain", 0), grad0());
  }

  @Test
  void theAdamFeatureIsEquationSixOnTheStoredMoments() throws Exception {
    double[] g = grad0();
    double[] m = moments("exp_avg");
    double[] v = moments("exp_avg_sq");
    double b1 = 0.9;
    double b2 = 0.95;
    double eps = 1e-8;
    long t = adamSteps + 1; // the update the direction stands for (AdamDirection's javadoc)
    double[] expected = new double[g.length];
    for (int i = 0; i < g.length; i++) {
      double mh = (b1 * m[i] + (1 - b1) * g[i]) / (1 - Math.pow(b1, t));
      double vh = (b2 * v[i] + (1 - b2) * g[i] * g[i]) / (1 - Math.pow(b2, t));
      expected[i] = mh / Math.sqrt(vh + eps);
    }
    close(feature("adam", 0), expected);
  }

  @Test
  void projectedFeaturesHaveTheAskedDimension() throws Exception {
    assertThat(feature("adam", 1024)).hasSize(1024);
  }

  @Test
  void badRequestsAreRefusedWithWhatToFix() throws Exception {
    HttpResponse<byte[]> r =
        post("/v1/runs/" + run + "/checkpoints/1/features", sample("plain", 1000));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new String(r.body())).contains("1024, 2048, 4096, 8192");
    r = post("/v1/runs/" + run + "/checkpoints/9/features", sample("plain", 0));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(new String(r.body())).contains("no checkpoint of epoch 9");
    r = post("/v1/runs/" + UUID.randomUUID() + "/checkpoints/1/features", sample("plain", 0));
    assertThat(r.statusCode()).isEqualTo(404);
    r =
        post(
            "/v1/runs/" + run + "/checkpoints/1/features",
            Map.of("rolloutIds", List.of(42), "mode", "plain"));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(new String(r.body())).contains("no rollout 42");
    r =
        post(
            "/v1/runs/" + run + "/checkpoints/1/features",
            Map.of(
                "samples",
                List.of(Map.of("promptTokens", List.of(1), "responseTokens", List.of(99999))),
                "mode",
                "plain"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new String(r.body())).contains("vocabulary");
  }
}
