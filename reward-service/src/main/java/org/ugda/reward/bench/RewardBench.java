package org.ugda.reward.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.ugda.core.format.ModelConfig;
import org.ugda.core.model.DjlRuntime;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.Transformer;
import org.ugda.reward.RewardServiceApplication;
import org.ugda.reward.ensemble.EnsembleService;
import org.ugda.reward.runtime.LoadedBase;
import org.ugda.reward.runtime.LoadedVersion;
import org.ugda.reward.runtime.ModelRegistry;
import org.ugda.world.Vocabulary;
import org.ugda.world.responses.Responder;
import org.ugda.world.tasks.Task;
import org.ugda.world.tasks.TaskSampler;
import org.ugda.world.text.Dialogue;
import org.ugda.world.vocab.WordLevelTokenizer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ugda bench reward}: the reward service's figures, each a ratio against a baseline measured
 * in the same run, on the benchmark world's small model (4 layers, 128 wide), k = 3:
 * (1) 32 concurrent HTTP clients, dynamic batching on vs off: throughput and p50/p99 latency;
 * (2) cost of scoring all k lora members in one pass vs one member, and of a heads-mode ensemble
 * vs one member; (3) memory of k members on one base vs base + k adapters.
 */
public final class RewardBench {
  private RewardBench() {}

  static final JsonMapper JSON = JsonMapper.builder().build();

  public static void main(String[] args) throws Exception {
    int clients = Integer.getInteger("bench.clients", 32);
    int seconds = Integer.getInteger("bench.seconds", 8);
    Path root = Files.createTempDirectory("ugda-reward-bench");
    System.out.printf(Locale.ROOT, "# reward-service benchmarks: %d cores, %s%n", Runtime.getRuntime().availableProcessors(),
        DjlRuntime.engine().getVersion());
    writeBase(root.resolve("base"));
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      String url = pg.getJdbcUrl("postgres", "postgres");
      Stats on;
      String ensemble;
      try (ConfigurableApplicationContext app = start(url, root, true)) {
        Http http = new Http(port(app));
        ensemble = http.post("/v1/ensembles", "{\"name\":\"bench\",\"baseModel\":\"base\",\"members\":3}").get("id").asString();
        String heads = http.post("/v1/ensembles", "{\"name\":\"bench-heads\",\"baseModel\":\"base\",\"mode\":\"heads\",\"members\":3}")
            .get("id").asString();
        if (!Boolean.getBoolean("bench.skipCost")) {
          memberCost(app, ensemble, heads);
        }
        on = load(http, ensemble, clients, seconds);
        var items = app.getBean(io.micrometer.core.instrument.MeterRegistry.class).find("ugda.reward.batch.items").summary();
        var fwd = app.getBean(io.micrometer.core.instrument.MeterRegistry.class).find("ugda.reward.forward").timer();
        System.out.printf(Locale.ROOT, "mean batch with batching on: %.1f items over %d forward passes, %.1f ms each%n",
            items.mean(), items.count(), fwd.mean(java.util.concurrent.TimeUnit.MILLISECONDS));
      }
      Stats off;
      try (ConfigurableApplicationContext app = start(url, root, false)) {
        off = load(new Http(port(app)), ensemble, clients, seconds);
        var fwd = app.getBean(io.micrometer.core.instrument.MeterRegistry.class).find("ugda.reward.forward").timer();
        System.out.printf(Locale.ROOT, "batching off: %d forward passes, %.1f ms each%n", fwd.count(),
            fwd.mean(java.util.concurrent.TimeUnit.MILLISECONDS));
      }
      System.out.printf(Locale.ROOT, "## %d concurrent clients, one item per request, %d s each%n", clients, seconds);
      System.out.println("batching on:  " + on);
      System.out.println("batching off: " + off);
      System.out.printf(Locale.ROOT, "RATIO throughput batching on / off = %.2fx (target >= 4x)%n", on.rps() / off.rps());
    }
  }

  /** A randomly initialised model of the world's small preset, with the world's tokenizer. */
  static void writeBase(Path dir) {
    int vocab = Vocabulary.ids().size();
    ModelConfig c = new ModelConfig(ModelConfig.Family.LLAMA, ModelConfig.Head.CAUSAL_LM, vocab, 128, 384, 4, 4, 2, 32,
        10000.0, ModelConfig.RopeScaling.NONE, 1e-6, ModelConfig.Activation.SILU, false, false, false, false, 1,
        WordLevelTokenizer.PAD, WordLevelTokenizer.BOS, List.of(WordLevelTokenizer.EOS), 256);
    try (Transformer t = Transformer.initialise(c, 1, ai.djl.Device.cpu())) {
      t.save(dir);
    }
    WordLevelTokenizer.write(dir.resolve("tokenizer.json"), Vocabulary.ids());
  }

  static ConfigurableApplicationContext start(String url, Path root, boolean batching) {
    return RewardServiceApplication.application().run("--server.port=0", "--spring.datasource.url=" + url,
        "--spring.datasource.username=postgres", "--ugda.reward.storage-root=" + root, "--ugda.device=cpu",
        "--ugda.reward.batching.enabled=" + batching, "--logging.level.root=WARN", "--spring.main.banner-mode=off",
        "--ugda.reward.batching.max-delay=" + System.getProperty("bench.delay", "5ms"));
  }

  static int port(ConfigurableApplicationContext app) {
    return ((WebServerApplicationContext) app).getWebServer().getPort();
  }

  static List<String> items(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    TaskSampler s = new TaskSampler(r.split(), 0.3);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Task t = s.next();
      List<Responder.Kind> kinds = Responder.kinds(t.subtask());
      String resp = Responder.write(t, kinds.get(r.nextInt(kinds.size())), r);
      out.add(JSON.writeValueAsString(java.util.Map.of("items",
          List.of(java.util.Map.of("prompt", Dialogue.prompt(t.humanText()), "response", resp)))));
    }
    return out;
  }

  record Stats(long requests, double seconds, double p50ms, double p99ms) {
    double rps() {
      return requests / seconds;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%8.1f requests/s, p50 %7.2f ms, p99 %7.2f ms (%d requests)", rps(), p50ms, p99ms,
          requests);
    }
  }

  /** {@code clients} threads, each sending one-item requests back to back for {@code seconds}. */
  static Stats load(Http http, String ensemble, int clients, int seconds) throws Exception {
    List<String> bodies = items(256, 9);
    String path = "/v1/ensembles/" + ensemble + "/score";
    for (int i = 0; i < 20; i++) {
      http.postRaw(path, bodies.get(i));
    }
    ConcurrentLinkedQueue<Long> lat = new ConcurrentLinkedQueue<>();
    AtomicLong errors = new AtomicLong();
    CountDownLatch go = new CountDownLatch(1);
    long[] window = new long[2];
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      final int id = c;
      Thread t = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        int i = id;
        while (System.nanoTime() < window[1]) {
          long t0 = System.nanoTime();
          int status = http.postRaw(path, bodies.get(i++ % bodies.size()));
          if (status == 200) {
            lat.add(System.nanoTime() - t0);
          } else {
            errors.incrementAndGet();
          }
        }
      });
      t.start();
      threads.add(t);
    }
    window[0] = System.nanoTime();
    window[1] = window[0] + seconds * 1_000_000_000L;
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    double secs = (System.nanoTime() - window[0]) / 1e9;
    if (errors.get() > 0) {
      throw new IllegalStateException(errors.get() + " requests failed");
    }
    long[] l = lat.stream().mapToLong(Long::longValue).sorted().toArray();
    return new Stats(l.length, secs, l[l.length / 2] / 1e6, l[(int) (l.length * 0.99)] / 1e6);
  }

  /** Times forward passes of the loaded versions directly: all members vs one. */
  static void memberCost(ConfigurableApplicationContext app, String lora, String heads) throws Exception {
    EnsembleService ensembles = app.getBean(EnsembleService.class);
    ModelRegistry registry = app.getBean(ModelRegistry.class);
    var le = ensembles.entity(UUID.fromString(lora));
    var he = ensembles.entity(UUID.fromString(heads));
    LoadedBase base = registry.base(le.baseModel());
    long baseBytes = bytes(base.model().baseParameters());
    List<NDArrayRef> before = refs(base.model().baseParameters());
    long rssBefore = rss();
    try (ModelRegistry.Lease l = registry.lease(le, ensembles.version(le.id(), null));
        ModelRegistry.Lease h = registry.lease(he, ensembles.version(he.id(), null))) {
      long rssAfter = rss();
      LoadedVersion lv = l.version();
      LoadedVersion hv = h.version();
      List<long[]> seqs = new ArrayList<>();
      for (String body : items(32, 3)) {
        JsonNode it = JSON.readTree(body).get("items").get(0);
        seqs.add(base.codec().encode(it.get("prompt").asString(), it.get("response").asString(), 512).ids());
      }
      for (int i = 0; i < 5; i++) {
        lv.score(seqs);
        lv.scoreMember(seqs, 0);
        hv.score(seqs);
      }
      double one = best(() -> lv.scoreMember(seqs, 0));
      double all = best(() -> lv.score(seqs));
      double headsAll = best(() -> hv.score(seqs));
      System.out.println("## cost of scoring a batch of 32 with k = 3 members (best of 15)");
      System.out.printf(Locale.ROOT, "one lora member: %.2f ms; lora k=3 in one pass: %.2f ms; heads k=3: %.2f ms%n",
          one * 1e3, all * 1e3, headsAll * 1e3);
      System.out.printf(Locale.ROOT, "RATIO lora k=3 / (3 x one member) = %.2f (target <= 1.3)%n", all / (3 * one));
      System.out.printf(Locale.ROOT, "RATIO heads k=3 / one member = %.2f (target <= 1.2)%n", headsAll / one);
      long adapterBytes = 0;
      for (String a : lv.adapters()) {
        adapterBytes += bytes(base.model().adapter(a).parameters());
      }
      long headsBytes = bytes(base.model().adapter(hv.adapters().get(0)).parameters());
      boolean sameBase = refs(base.model().baseParameters()).equals(before);
      System.out.println("## memory of k = 3 members on one base");
      System.out.printf(Locale.ROOT, "base weights %.2f MB; 3 lora members %.3f MB (+ the same again stacked for the "
          + "one-pass forward); heads ensemble %.3f MB; base arrays unchanged and shared: %s%n",
          baseBytes / 1e6, adapterBytes / 1e6, headsBytes / 1e6, sameBase);
      System.out.printf(Locale.ROOT, "resident memory grew %.2f MB loading both ensembles (base already loaded)%n",
          (rssAfter - rssBefore) / 1e6);
      System.out.printf(Locale.ROOT, "RATIO (base + 3 members + stack) / (base + 3 members) = %.3f (no base copy)%n",
          (baseBytes + 2.0 * adapterBytes) / (baseBytes + adapterBytes));
    }
  }

  record NDArrayRef(String name, int identity) {}

  static List<NDArrayRef> refs(List<NamedArray> ps) {
    return ps.stream().map(p -> new NDArrayRef(p.name(), System.identityHashCode(p.array()))).toList();
  }

  static long bytes(List<NamedArray> ps) {
    return ps.stream().mapToLong(p -> p.array().size() * 4).sum();
  }

  static long rss() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }

  static double best(Runnable r) {
    double b = Double.MAX_VALUE;
    for (int i = 0; i < 15; i++) {
      long t0 = System.nanoTime();
      r.run();
      b = Math.min(b, (System.nanoTime() - t0) / 1e9);
    }
    return b;
  }

  /** Minimal JSON over HTTP for the benchmark's clients. */
  static final class Http {
    private final String base;
    private final HttpClient client = HttpClient.newBuilder().executor(java.util.concurrent.Executors.newFixedThreadPool(8,
        r -> {
          Thread t = new Thread(r, "bench-http");
          t.setDaemon(true);
          return t;
        })).build();

    Http(int port) {
      this.base = "http://localhost:" + port;
    }

    JsonNode post(String path, String body) throws Exception {
      HttpResponse<String> r = client.send(request(path, body), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
      }
      return JSON.readTree(r.body());
    }

    int postRaw(String path, String body) {
      try {
        return client.send(request(path, body), HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (Exception e) {
        return -1;
      }
    }

    private HttpRequest request(String path, String body) {
      return HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
  }

}
