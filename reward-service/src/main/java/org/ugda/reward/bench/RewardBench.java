package org.ugda.reward.bench;

import ai.djl.Device;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
 * in the same run, on the benchmark world's small model (4 layers, 128 wide), k = 3: (1) cost of
 * scoring all k lora members in one pass vs one member, and of a heads-mode ensemble vs one member;
 * (2) the same 32 items scored 1, 2, 4, 8 and 32 at a time by the model alone: the most any batcher
 * can gain on this machine; (3) memory of k members on one base vs base + k adapters; (4) 32
 * concurrent HTTP clients, dynamic batching on vs off, two servers in this JVM taking the load in
 * alternating rounds: throughput, p50/p99 latency and CPU per request by thread group. System
 * properties: {@code bench.clients} (32), {@code bench.rounds} (4; 0 skips the load), {@code
 * bench.seconds} per round (3), {@code bench.delay} (max delay, 0ms), {@code bench.rows} (max rows
 * per pass, 32), {@code bench.skipCost}.
 */
public final class RewardBench {
  private RewardBench() {}

  static final JsonMapper JSON = JsonMapper.builder().build();

  public static void main(String[] args) throws Exception {
    int clients = Integer.getInteger("bench.clients", 32);
    int seconds = Integer.getInteger("bench.seconds", 3);
    int rounds = Integer.getInteger("bench.rounds", 4);
    Path root = Files.createTempDirectory("ugda-reward-bench");
    System.out.printf(
        Locale.ROOT,
        "# reward-service benchmarks: %d cores, %s%n",
        Runtime.getRuntime().availableProcessors(),
        DjlRuntime.engine().getVersion());
    writeBase(root.resolve("base"));
    // No spring.datasource.url: both contexts share the JVM's embedded PostgreSQL
    // (service-support), which stops when the last of them closes.
    // Both servers run side by side and take the load in alternating rounds, so that a slow
    // spell of this shared machine falls on both and not on one.
    try (ConfigurableApplicationContext withBatching = start(root, true);
        ConfigurableApplicationContext without = start(root, false)) {
      Http on = new Http(port(withBatching));
      Http off = new Http(port(without));
      String ensemble =
          on.post("/v1/ensembles", "{\"name\":\"bench\",\"baseModel\":\"base\",\"members\":3}")
              .get("id")
              .asString();
      String heads =
          on.post(
                  "/v1/ensembles",
                  "{\"name\":\"bench-heads\",\"baseModel\":\"base\",\"mode\":\"heads\",\"members\":3}")
              .get("id")
              .asString();
      double ceiling = Double.NaN;
      if (!Boolean.getBoolean("bench.skipCost")) {
        ceiling = memberCost(withBatching, ensemble, heads);
      }
      if (rounds == 0) {
        return;
      }
      Phase onTotal = new Phase();
      Phase offTotal = new Phase();
      for (int round = 0; round < rounds; round++) {
        onTotal.add(load(on, ensemble, clients, seconds));
        offTotal.add(load(off, ensemble, clients, seconds));
      }
      System.out.printf(
          Locale.ROOT,
          "## %d concurrent clients, one item per request, %d rounds of %d s each, "
              + "alternating%n",
          clients,
          rounds,
          seconds);
      var items = meters(withBatching).find("ugda.reward.batch.items").summary();
      System.out.printf(
          Locale.ROOT,
          "batching on: %.1f items per forward pass on average (%d passes, %.1f ms each); "
              + "off: %d passes, %.1f ms each%n",
          items.mean(),
          items.count(),
          forwardMillis(withBatching),
          meters(without).find("ugda.reward.forward").timer().count(),
          forwardMillis(without));
      System.out.println("CPU per request, batching on:  " + onTotal.cpuPerRequest());
      System.out.println("CPU per request, batching off: " + offTotal.cpuPerRequest());
      System.out.println("batching on:  " + onTotal);
      System.out.println("batching off: " + offTotal);
      System.out.printf(
          Locale.ROOT,
          "RATIO throughput batching on / off = %.2fx (target >= 4x)%n",
          onTotal.rps() / offTotal.rps());
      // what batching costs a lone client: its request waits up to max-delay for company
      Phase onAlone = new Phase();
      Phase offAlone = new Phase();
      for (int round = 0; round < rounds; round++) {
        onAlone.add(load(on, ensemble, 1, seconds));
        offAlone.add(load(off, ensemble, 1, seconds));
      }
      System.out.println("## one client alone, same rounds");
      System.out.println("batching on:  " + onAlone);
      System.out.println("batching off: " + offAlone);
      // OpenRLHF's remote reward protocol, one sample per request (what its newest version sends)
      List<String> remote = remoteItems(256, 9);
      String remotePath = "/get_reward?ensemble=" + ensemble;
      Phase onRemote = new Phase();
      Phase offRemote = new Phase();
      for (int round = 0; round < rounds; round++) {
        onRemote.add(load(on, remotePath, remote, clients, seconds));
        offRemote.add(load(off, remotePath, remote, clients, seconds));
      }
      System.out.printf(
          Locale.ROOT,
          "## POST /get_reward, %d concurrent clients, one sample per request, same rounds%n",
          clients);
      System.out.println("batching on:  " + onRemote);
      System.out.println("batching off: " + offRemote);
      double remoteRatio = onRemote.rps() / offRemote.rps();
      System.out.printf(
          Locale.ROOT,
          "RATIO /get_reward throughput batching on / off = %.2fx; / the model-alone ceiling"
              + " (%.2fx) = %.2f (target >= 0.9)%n",
          remoteRatio,
          ceiling,
          remoteRatio / ceiling);
      System.out.printf(
          Locale.ROOT,
          "RATIO /get_reward p99 latency batching on / off = %.2f (target <= 1.3)%n",
          onRemote.p99() / offRemote.p99());
    }
  }

  static MeterRegistry meters(ConfigurableApplicationContext app) {
    return app.getBean(MeterRegistry.class);
  }

  static double forwardMillis(ConfigurableApplicationContext app) {
    return meters(app).find("ugda.reward.forward").timer().mean(TimeUnit.MILLISECONDS);
  }

  /** A randomly initialised model of the world's small preset, with the world's tokenizer. */
  static void writeBase(Path dir) {
    int vocab = Vocabulary.ids().size();
    ModelConfig c =
        new ModelConfig(
            ModelConfig.Family.LLAMA,
            ModelConfig.Head.CAUSAL_LM,
            vocab,
            128,
            384,
            4,
            4,
            2,
            32,
            10000.0,
            ModelConfig.RopeScaling.NONE,
            1e-6,
            ModelConfig.Activation.SILU,
            false,
            false,
            false,
            false,
            1,
            WordLevelTokenizer.PAD,
            WordLevelTokenizer.BOS,
            List.of(WordLevelTokenizer.EOS),
            256);
    try (Transformer t = Transformer.initialise(c, 1, Device.cpu())) {
      t.save(dir);
    }
    WordLevelTokenizer.write(dir.resolve("tokenizer.json"), Vocabulary.ids());
  }

  static ConfigurableApplicationContext start(Path root, boolean batching) {
    return RewardServiceApplication.application()
        .run(
            "--server.port=0",
            "--ugda.reward.storage-root=" + root,
            "--ugda.device=cpu",
            "--ugda.reward.batching.enabled=" + batching,
            "--logging.level.root=WARN",
            "--spring.main.banner-mode=off",
            "--ugda.reward.batching.max-delay=" + System.getProperty("bench.delay", "0ms"),
            "--ugda.reward.batching.max-rows-per-pass=" + System.getProperty("bench.rows", "32"));
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
      out.add(
          JSON.writeValueAsString(
              Map.of(
                  "items",
                  List.of(Map.of("prompt", Dialogue.prompt(t.humanText()), "response", resp)))));
    }
    return out;
  }

  /** Requests served in one or more load rounds: latencies, wall time, and CPU by thread group. */
  static final class Phase {
    final List<Long> latencies = new ArrayList<>();
    double seconds;
    final Map<String, Long> cpu = new TreeMap<>();

    void add(Phase p) {
      latencies.addAll(p.latencies);
      seconds += p.seconds;
      p.cpu.forEach((g, ns) -> cpu.merge(g, ns, Long::sum));
    }

    double rps() {
      return latencies.size() / seconds;
    }

    double p99() {
      long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      return l[(int) (l.length * 0.99)];
    }

    String cpuPerRequest() {
      StringBuilder sb = new StringBuilder();
      double n = latencies.size();
      cpu.forEach(
          (g, ns) -> {
            if (ns > 0.05 * n * 1e6) {
              sb.append(String.format(Locale.ROOT, "%s %.2f ms; ", g, ns / 1e6 / n));
            }
          });
      return sb.toString().trim();
    }

    @Override
    public String toString() {
      long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      return String.format(
          Locale.ROOT,
          "%8.1f requests/s, p50 %7.2f ms, p99 %7.2f ms (%d requests)",
          rps(),
          l[l.length / 2] / 1e6,
          l[(int) (l.length * 0.99)] / 1e6,
          l.length);
    }
  }

  /** {@code clients} threads, each sending one-item requests back to back for {@code seconds}. */
  static Phase load(Http http, String ensemble, int clients, int seconds) throws Exception {
    return load(http, "/v1/ensembles/" + ensemble + "/score", items(256, 9), clients, seconds);
  }

  /** OpenRLHF request bodies of one sample each: {@code {"query": [p + r], "prompts": [p]}}. */
  static List<String> remoteItems(int n, long seed) {
    List<String> out = new ArrayList<>();
    for (String body : items(n, seed)) {
      var item = JSON.readTree(body).get("items").get(0);
      String prompt = item.get("prompt").asString();
      String response = item.get("response").asString();
      out.add(
          JSON.writeValueAsString(
              Map.of("query", List.of(prompt + " " + response), "prompts", List.of(prompt))));
    }
    return out;
  }

  /** {@code clients} threads, each posting {@code bodies} to {@code path} back to back. */
  static Phase load(Http http, String path, List<String> bodies, int clients, int seconds)
      throws Exception {
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
      Thread t =
          new Thread(
              () -> {
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
    Map<String, Long> cpu0 = cpuByGroup();
    window[0] = System.nanoTime();
    window[1] = window[0] + seconds * 1_000_000_000L;
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    Phase p = new Phase();
    p.seconds = (System.nanoTime() - window[0]) / 1e9;
    cpuByGroup().forEach((g, ns) -> p.cpu.put(g, ns - cpu0.getOrDefault(g, 0L)));
    if (errors.get() > 0) {
      throw new IllegalStateException(errors.get() + " requests failed");
    }
    p.latencies.addAll(lat);
    return p;
  }

  /** CPU time of this JVM's live threads, summed by name with digits dropped. */
  static Map<String, Long> cpuByGroup() {
    var mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new TreeMap<>();
    for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long ns = mx.getThreadCpuTime(info.getThreadId());
      long user = mx.getThreadUserTime(info.getThreadId());
      if (ns > 0) {
        String g = info.getThreadName().replaceAll("[0-9]+", "N");
        out.merge(g, ns, Long::sum);
        out.merge(g + " (kernel)", ns - user, Long::sum);
      }
    }
    return out;
  }

  /** Times forward passes of the loaded versions directly: all members vs one. */
  static double memberCost(ConfigurableApplicationContext app, String lora, String heads)
      throws Exception {
    double ceiling = Double.NaN;
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
        seqs.add(
            base.codec()
                .encode(it.get("prompt").asString(), it.get("response").asString(), 512)
                .ids());
      }
      for (int i = 0; i < 5; i++) {
        lv.score(seqs);
        lv.scoreMember(seqs, 0);
        hv.score(seqs);
      }
      double[] t = best(() -> lv.scoreMember(seqs, 0), () -> lv.score(seqs), () -> hv.score(seqs));
      double one = t[0];
      double all = t[1];
      double headsAll = t[2];
      System.out.println("## cost of scoring a batch of 32 with k = 3 members (best of 24)");
      System.out.printf(
          Locale.ROOT,
          "one lora member: %.2f ms; lora k=3 in one pass: %.2f ms; heads k=3: %.2f ms%n",
          one * 1e3,
          all * 1e3,
          headsAll * 1e3);
      System.out.printf(
          Locale.ROOT,
          "RATIO lora k=3 / (3 x one member) = %.2f (target <= 1.3)%n",
          all / (3 * one));
      System.out.printf(
          Locale.ROOT, "RATIO heads k=3 / one member = %.2f (target <= 1.2)%n", headsAll / one);
      long adapterBytes = 0;
      for (String a : lv.adapters()) {
        adapterBytes += bytes(base.model().adapter(a).parameters());
      }
      long headsBytes = bytes(base.model().adapter(hv.adapters().get(0)).parameters());
      boolean sameBase = refs(base.model().baseParameters()).equals(before);
      // The most any batcher can gain for this model on this machine: the same 32 items scored in
      // calls of n items (each call cut into passes of at most max-rows-per-pass rows), model
      // alone.
      System.out.println(
          "## the same 32 items scored n at a time (lora k=3, the model alone: no HTTP, no queue)");
      int tokens = seqs.stream().mapToInt(x -> x.length).sum();
      long[] tiny = Arrays.copyOf(seqs.get(0), 2);
      System.out.printf(
          Locale.ROOT,
          "fixed cost of a pass (one item of 2 tokens): %.2f ms; the 32 items hold %d tokens%n",
          best(() -> lv.score(List.of(tiny)))[0] * 1e3,
          tokens);
      int[] sizes = {1, 2, 4, 8, 32};
      Runnable[] calls = new Runnable[sizes.length];
      for (int i = 0; i < sizes.length; i++) {
        final int size = sizes[i];
        calls[i] =
            () -> {
              for (int from = 0; from < seqs.size(); from += size) {
                lv.score(seqs.subList(from, Math.min(seqs.size(), from + size)));
              }
            };
      }
      double[] times = best(calls);
      for (int i = 0; i < sizes.length; i++) {
        System.out.printf(
            Locale.ROOT,
            "%2d items per call: %6.2f ms per item, %6.1f us per token%n",
            sizes[i],
            times[i] * 1e3 / seqs.size(),
            times[i] * 1e6 / tokens);
      }
      double alone = times[0];
      double together = times[sizes.length - 1];
      System.out.printf(
          Locale.ROOT,
          "RATIO model alone, 1 item per call / 32 items per call = %.2fx (the ceiling of the "
              + "batching ratio on this machine, before HTTP costs)%n",
          alone / together);
      ceiling = alone / together;
      System.out.println("## memory of k = 3 members on one base");
      System.out.printf(
          Locale.ROOT,
          "base weights %.2f MB; 3 lora members %.3f MB (+ the same again stacked for the "
              + "one-pass forward); heads ensemble %.3f MB; base arrays unchanged and shared: %s%n",
          baseBytes / 1e6,
          adapterBytes / 1e6,
          headsBytes / 1e6,
          sameBase);
      System.out.printf(
          Locale.ROOT,
          "resident memory grew %.2f MB loading both ensembles (base already loaded)%n",
          (rssAfter - rssBefore) / 1e6);
      System.out.printf(
          Locale.ROOT,
          "RATIO (base + 3 members + stack) / (base + 3 members) = %.3f (no base copy)%n",
          (baseBytes + 2.0 * adapterBytes) / (baseBytes + adapterBytes));
    }
    return ceiling;
  }

  record NDArrayRef(String name, int identity) {}

  static List<NDArrayRef> refs(List<NamedArray> ps) {
    return ps.stream()
        .map(p -> new NDArrayRef(p.name(), System.identityHashCode(p.array())))
        .toList();
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

  /**
   * The best of 24 timings of each: eight rounds, each timing every task three times in a row (so
   * that one task's allocations do not land on the next one's clock), so that a slow spell of this
   * shared machine hits all tasks alike.
   */
  static double[] best(Runnable... rs) {
    double[] b = new double[rs.length];
    Arrays.fill(b, Double.MAX_VALUE);
    for (int round = 0; round < 8; round++) {
      for (int j = 0; j < rs.length; j++) {
        for (int i = 0; i < 3; i++) {
          long t0 = System.nanoTime();
          rs[j].run();
          b[j] = Math.min(b[j], (System.nanoTime() - t0) / 1e9);
        }
      }
    }
    return b;
  }

  /** Minimal JSON over HTTP for the benchmark's clients. */
  static final class Http {
    private final String base;
    private final HttpClient client =
        HttpClient.newBuilder()
            .executor(
                Executors.newFixedThreadPool(
                    8,
                    r -> {
                      Thread t = new Thread(r, "bench-http");
                      t.setDaemon(true);
                      return t;
                    }))
            .build();

    Http(int port) {
      this.base = "http://localhost:" + port;
    }

    JsonNode post(String path, String body) throws Exception {
      HttpResponse<String> r =
          client.send(request(path, body), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
      }
      return JSON.readTree(r.body());
    }

    int postRaw(String path, String body) {
      try {
        return client
            .send(request(path, body), HttpResponse.BodyHandlers.discarding())
            .statusCode();
      } catch (Exception e) {
        return -1;
      }
    }

    private HttpRequest request(String path, String body) {
      return HttpRequest.newBuilder(URI.create(base + path))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build();
    }
  }
}
