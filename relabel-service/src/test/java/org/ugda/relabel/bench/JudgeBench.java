package org.ugda.relabel.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.ugda.relabel.judge.JudgeProperties;
import org.ugda.relabel.judge.LlmJudge;
import org.ugda.relabel.judge.Rubric;
import org.ugda.relabel.judge.Verdict;
import org.ugda.support.database.ServiceDatabase;
import org.ugda.testsupport.OpenAiStub;
import org.ugda.testsupport.TestDatabase;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Items per second through the judge path (openai-java, concurrency and rate limiter, circuit
 * breaker, retry loop, strict parsing, the Postgres cache claim and store) against the local stub
 * at concurrency 16, and the overhead per item in milliseconds, against a baseline measured in the
 * same run: the same chat-completion request sent with the JDK's plain HTTP client at the same
 * concurrency, its answer read with Jackson. Not a test. Run it with (from the repository root):
 *
 * <pre>
 * ./mvnw -q -B -pl relabel-service -am test-compile -DskipTests
 * ./mvnw -q -B -pl relabel-service dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
 * java -cp relabel-service/target/test-classes:relabel-service/target/classes:$(cat relabel-service/target/bench.cp) \
 *     org.ugda.relabel.bench.JudgeBench [items=2000] [stubLatencyMs=5]
 * </pre>
 */
public final class JudgeBench {

  private static final int CONCURRENCY = 16;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private JudgeBench() {}

  public static void main(String[] args) throws Exception {
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
    int items = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int latency = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
    try (OpenAiStub stub = OpenAiStub.start();
        HikariDataSource dataSource = dataSource(TestDatabase.fresh())) {
      ServiceDatabase.migrate(dataSource, "relabel");
      stub.delay(latency);
      JudgeProperties properties = properties(stub.baseUrl());
      try (LlmJudge judge =
          LlmJudge.create(
              properties,
              name -> "sk-bench-0123456789",
              JdbcClient.create(dataSource),
              new SimpleMeterRegistry())) {
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        System.out.printf(
            Locale.ROOT,
            "# judge benchmark: concurrency %d, %d items per run, stub latency %d ms,"
                + " %d cores, Java %s%n",
            CONCURRENCY,
            items,
            latency,
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"));
        // warm-up: JIT, connection pools, the stub
        run(pool, items / 4, i -> baseline(http, stub.completionsUri(), "warm-" + i));
        run(pool, items / 4, i -> judged(judge, "warm-" + i));

        Result baseline = run(pool, items, i -> baseline(http, stub.completionsUri(), "base-" + i));
        Result misses = run(pool, items, i -> judged(judge, "judge-" + i));
        Result hits = run(pool, items, i -> judged(judge, "judge-" + i));

        print("baseline: plain JDK HttpClient round trip", baseline);
        print("judge path, cache misses (each item asked once)", misses);
        print("judge path, cache hits (nothing asked)", hits);
        System.out.printf(
            Locale.ROOT,
            "overhead per item (judge miss - baseline, mean latency): %.2f ms%n",
            misses.meanMillis() - baseline.meanMillis());
        System.out.printf(
            Locale.ROOT,
            "RATIO judge/baseline items per second: %.3f%n",
            misses.perSecond() / baseline.perSecond());
        System.out.printf(
            Locale.ROOT,
            "RATIO cache-hit/baseline items per second: %.3f%n",
            hits.perSecond() / baseline.perSecond());
      }
    } finally {
      pool.shutdownNow();
    }
    System.exit(0);
  }

  private record Result(int items, double seconds, double meanMillis) {

    double perSecond() {
      return items / seconds;
    }
  }

  private interface Work {
    void item(int index) throws Exception;
  }

  private static Result run(ExecutorService pool, int items, Work work) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Callable<Long>> workers = new ArrayList<>();
    for (int w = 0; w < CONCURRENCY; w++) {
      workers.add(
          () -> {
            long busy = 0;
            for (int i = next.getAndIncrement(); i < items; i = next.getAndIncrement()) {
              long start = System.nanoTime();
              work.item(i);
              busy += System.nanoTime() - start;
            }
            return busy;
          });
    }
    long start = System.nanoTime();
    long busy = 0;
    for (Future<Long> worker : pool.invokeAll(workers)) {
      busy += worker.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(items, seconds, busy / 1e6 / items);
  }

  private static void judged(LlmJudge judge, String id) throws Exception {
    LlmJudge.Judgement judgement =
        judge.judge("\n\nHuman: bench " + id + "\n\nAssistant:", "answer " + id + " #stub:ok:4");
    if (!(judgement.verdict() instanceof Verdict.Scored scored) || scored.score() != 4) {
      throw new IllegalStateException("unexpected verdict " + judgement);
    }
  }

  /** The request openai-java sends for the same item, sent and read without it. */
  private static void baseline(HttpClient http, URI uri, String id) throws Exception {
    ObjectNode body =
        JSON.createObjectNode()
            .put("model", "bench-model")
            .put("temperature", 0.0)
            .put("max_completion_tokens", 300);
    body.putObject("response_format").put("type", "json_object");
    body.putArray("messages")
        .add(JSON.createObjectNode().put("role", "system").put("content", Rubric.V1.instructions()))
        .add(
            JSON.createObjectNode()
                .put("role", "user")
                .put(
                    "content",
                    Rubric.V1.userMessage(
                        "\n\nHuman: bench " + id + "\n\nAssistant:",
                        "answer " + id + " #stub:ok:4")));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer sk-bench-0123456789")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String content =
        JSON.readTree(response.body())
            .path("choices")
            .path(0)
            .path("message")
            .path("content")
            .asString();
    if (response.statusCode() != 200 || !content.contains("\"score\": 4")) {
      throw new IllegalStateException("unexpected answer " + response.statusCode() + " " + content);
    }
  }

  private static HikariDataSource dataSource(TestDatabase database) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(database.url());
    dataSource.setUsername(database.username());
    dataSource.setPassword(database.password());
    dataSource.setMaximumPoolSize(CONCURRENCY + 2);
    return dataSource;
  }

  private static JudgeProperties properties(String baseUrl) {
    return new JudgeProperties(
        URI.create(baseUrl),
        "bench-model",
        "KEY",
        null,
        Duration.ofSeconds(10),
        300,
        "max_completion_tokens",
        true,
        new JudgeProperties.Retry(
            3,
            Duration.ofMillis(50),
            Duration.ofMillis(500),
            Duration.ofSeconds(5),
            Duration.ofMinutes(1)),
        new JudgeProperties.Limits(CONCURRENCY, 0),
        new JudgeProperties.Breaker(5, Duration.ofSeconds(5)),
        new JudgeProperties.Pricing(0.15, 0.6),
        Duration.ofSeconds(30));
  }

  static void print(String what, Result result) {
    System.out.printf(
        Locale.ROOT,
        "%-52s %9.1f items/s   mean latency %7.2f ms   (%d items in %.2f s)%n",
        what,
        result.perSecond(),
        result.meanMillis(),
        result.items(),
        result.seconds());
  }
}
