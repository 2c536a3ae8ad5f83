package org.ugda.support.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.ugda.api.job.JobState;
import org.ugda.support.database.EmbeddedPostgresServer;
import org.ugda.support.problem.ConflictException;

/** The shared job machinery on a real PostgreSQL: every transition a job can take. */
class JobWorkerTest {
  private static EmbeddedPostgresServer.Lease pg;
  private static JdbcClient jdbc;
  private static JobTable table;

  @BeforeAll
  static void start() {
    pg = EmbeddedPostgresServer.acquire(null);
    jdbc = JdbcClient.create(new DriverManagerDataSource(pg.url(), pg.username(), pg.password()));
    jdbc.sql("CREATE SCHEMA IF NOT EXISTS jobtest").update();
    jdbc.sql(
            """
            CREATE TABLE IF NOT EXISTS jobtest.job (id uuid primary key, state text not null,
              error text, cancel_requested boolean not null default false,
              idempotency_key text unique, request_fingerprint text,
              started_at timestamptz, finished_at timestamptz)""")
        .update();
    table = new JobTable(jdbc, "jobtest.job");
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  private static UUID queued() {
    UUID id = UUID.randomUUID();
    jdbc.sql("INSERT INTO jobtest.job (id, state) VALUES (?, 'QUEUED')").param(id).update();
    return id;
  }

  private static JobState state(UUID id) {
    return JobState.valueOf(
        jdbc.sql("SELECT state FROM jobtest.job WHERE id = ?")
            .param(id)
            .query(String.class)
            .single());
  }

  private static String error(UUID id) {
    return jdbc.sql("SELECT error FROM jobtest.job WHERE id = ?")
        .param(id)
        .query(String.class)
        .optional()
        .orElse(null);
  }

  private static JobState await(UUID id) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      JobState s = state(id);
      if (s != JobState.QUEUED && s != JobState.RUNNING) {
        return s;
      }
      Thread.sleep(20);
    }
    return state(id);
  }

  private static JobWorker worker() {
    return new JobWorker(
        table, "thing", "/v1/things/{id}/resume", m -> m.replace("/secret", "<root>"));
  }

  @Test
  void aJobRunsToSuccessAndAFailureKeepsItsMessage() throws Exception {
    try (JobWorker w = worker()) {
      UUID ok = queued();
      w.submit(ok, stop -> {});
      assertThat(await(ok)).isEqualTo(JobState.SUCCEEDED);
      Timestamp finished =
          jdbc.sql("SELECT finished_at FROM jobtest.job WHERE id = ?")
              .param(ok)
              .query(Timestamp.class)
              .single();
      assertThat(finished).isNotNull();
      UUID bad = queued();
      w.submit(
          bad,
          stop -> {
            throw new IllegalStateException("no file /secret/x");
          });
      assertThat(await(bad)).isEqualTo(JobState.FAILED);
      assertThat(error(bad)).isEqualTo("no file <root>/x");
      // a failed job can be resumed, and then succeeds
      w.resume(bad, JobState.FAILED, stop -> {});
      assertThat(await(bad)).isEqualTo(JobState.SUCCEEDED);
      assertThat(error(bad)).isNull();
      assertThatThrownBy(() -> w.cancel(bad, JobState.SUCCEEDED))
          .isInstanceOf(ConflictException.class)
          .hasMessageContaining("only a queued or running thing can be cancelled");
      assertThatThrownBy(() -> w.resume(bad, JobState.SUCCEEDED, stop -> {}))
          .isInstanceOf(ConflictException.class)
          .hasMessageContaining("only an interrupted, failed or cancelled thing");
    }
  }

  @Test
  void aRunningJobStopsOnCancelAndAQueuedOneAtOnce() throws Exception {
    try (JobWorker w = worker()) {
      CountDownLatch started = new CountDownLatch(1);
      UUID running = queued();
      w.submit(running, stop -> spin(stop, started));
      UUID waiting = queued();
      w.submit(waiting, stop -> {});
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      w.cancel(waiting, JobState.QUEUED);
      assertThat(state(waiting)).isEqualTo(JobState.CANCELLED);
      assertThat(error(waiting)).isEqualTo("cancelled before it started");
      w.cancel(running, JobState.RUNNING);
      assertThat(await(running)).isEqualTo(JobState.CANCELLED);
      assertThat(await(waiting)).as("never ran").isEqualTo(JobState.CANCELLED);
    }
  }

  @Test
  void aCancelRequestInTheTableStopsAJobAnotherInstanceRuns() throws Exception {
    try (JobWorker runner = worker();
        JobWorker other = worker()) {
      CountDownLatch started = new CountDownLatch(1);
      UUID id = queued();
      runner.submit(id, stop -> spin(stop, started));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      other.cancel(id, JobState.RUNNING);
      assertThat(await(id)).isEqualTo(JobState.CANCELLED);
    }
  }

  @Test
  void aShutdownInterruptsARunningJobAndARestartTheQueuedOnes() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    UUID id = queued();
    JobWorker w = worker();
    w.submit(id, stop -> spin(stop, started));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    w.close();
    assertThat(state(id)).isEqualTo(JobState.INTERRUPTED);
    assertThat(error(id)).contains("POST /v1/things/" + id + "/resume");

    UUID stale = queued();
    try (JobWorker restarted = worker()) {
      restarted.interruptAfterRestart();
      assertThat(state(stale)).isEqualTo(JobState.INTERRUPTED);
      restarted.resume(stale, JobState.INTERRUPTED, stop -> {});
      assertThat(await(stale)).isEqualTo(JobState.SUCCEEDED);
    }
  }

  @Test
  void twoInstancesNeverRunTheSameJobTwice() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    try (JobWorker a = worker();
        JobWorker b = worker()) {
      UUID id = queued();
      a.submit(id, stop -> runs.incrementAndGet());
      b.submit(id, stop -> runs.incrementAndGet());
      assertThat(await(id)).isEqualTo(JobState.SUCCEEDED);
      Thread.sleep(200);
    }
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void aJobIsFoundByItsIdempotencyKeyWithItsFingerprint() {
    UUID id = UUID.randomUUID();
    jdbc.sql(
            "INSERT INTO jobtest.job (id, state, idempotency_key, request_fingerprint)"
                + " VALUES (?, 'QUEUED', 'key-1', 'fp-1')")
        .param(id)
        .update();
    assertThat(table.byKey("key-1")).contains(id);
    assertThat(table.byKey("key-2")).isEmpty();
    assertThat(table.fingerprint(id)).contains("fp-1");
  }

  @Test
  void aTransitionFromTheWrongStateChangesNothing() {
    UUID id = queued();
    assertThat(
            table.transition(
                id, List.of(JobState.RUNNING), JobState.SUCCEEDED, null, Instant.now()))
        .isFalse();
    assertThat(state(id)).isEqualTo(JobState.QUEUED);
    assertThatThrownBy(() -> new JobTable(jdbc, "job; DROP TABLE x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void spin(java.util.function.BooleanSupplier stop, CountDownLatch started) {
    started.countDown();
    while (!stop.getAsBoolean()) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new java.util.concurrent.CancellationException("cancelled on request");
  }
}
