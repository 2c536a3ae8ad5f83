package org.ugda.support.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Duration;
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
              started_at timestamptz, finished_at timestamptz,
              owner text, heartbeat_at timestamptz not null default now())""")
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

  /** A heartbeat every 100 ms, stale after 2 s (20 beats: room for a loaded machine). */
  private static final JobProperties LEASE =
      new JobProperties(Duration.ofMillis(100), Duration.ofSeconds(2));

  private static JobWorker worker() {
    return new JobWorker(
        table, "thing", "/v1/things/{id}/resume", m -> m.replace("/secret", "<root>"), LEASE);
  }

  private static String owner(UUID id) {
    return jdbc.sql("SELECT owner FROM jobtest.job WHERE id = ?")
        .param(id)
        .query(String.class)
        .optional()
        .orElse(null);
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
  void aShutdownInterruptsItsOwnRunningAndQueuedJobsAtOnce() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    UUID id = queued();
    UUID next = queued();
    JobWorker w = worker();
    w.submit(id, stop -> spin(stop, started));
    w.submit(next, stop -> {});
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    w.close();
    assertThat(state(id)).isEqualTo(JobState.INTERRUPTED);
    assertThat(error(id))
        .contains("shutdown of instance " + w.instance())
        .contains("POST /v1/things/" + id + "/resume");
    assertThat(state(next)).as("queued, never started").isEqualTo(JobState.INTERRUPTED);
    assertThat(error(next)).contains("POST /v1/things/" + next + "/resume");
    // a clean restart resumes both at once, no stale timeout to wait for
    try (JobWorker restarted = worker()) {
      restarted.interruptStale();
      restarted.resume(id, JobState.INTERRUPTED, stop -> {});
      restarted.resume(next, JobState.INTERRUPTED, stop -> {});
      assertThat(await(id)).isEqualTo(JobState.SUCCEEDED);
      assertThat(await(next)).isEqualTo(JobState.SUCCEEDED);
      assertThat(owner(id)).isEqualTo(restarted.instance());
    }
  }

  @Test
  void aSecondInstanceStartingDoesNotInterruptTheFirstOnesJob() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    UUID id = queued();
    UUID waiting = queued();
    try (JobWorker first = worker()) {
      first.submit(
          id,
          stop -> {
            started.countDown();
            await(release);
          });
      first.submit(waiting, stop -> {});
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      try (JobWorker second = worker()) {
        assertThat(second.interruptStale()).doesNotContain(id, waiting);
        // longer than the stale timeout: the first instance's heartbeat keeps both its jobs
        Thread.sleep(LEASE.staleAfter().multipliedBy(2).toMillis());
        assertThat(second.interruptStale()).doesNotContain(id, waiting);
        assertThat(state(id)).isEqualTo(JobState.RUNNING);
        assertThat(state(waiting)).isEqualTo(JobState.QUEUED);
        release.countDown();
        assertThat(await(id)).isEqualTo(JobState.SUCCEEDED);
        assertThat(await(waiting)).isEqualTo(JobState.SUCCEEDED);
        assertThat(owner(id)).isEqualTo(first.instance());
      }
    }
  }

  @Test
  void anInstanceThatStopsHeartBeatingLosesItsJobToTheOther() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch hangs = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger ends = new AtomicInteger();
    UUID id = queued();
    JobWorker frozen = worker();
    try (JobWorker other = worker()) {
      frozen.submit(
          id,
          stop -> {
            runs.incrementAndGet();
            started.countDown();
            // a body that never polls its stop: an instance hung, or cut off from the database
            await(hangs);
            ends.incrementAndGet();
          });
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      frozen.freezeHeartbeat();
      waitUntil(() -> state(id) != JobState.RUNNING);
      assertThat(state(id)).isEqualTo(JobState.INTERRUPTED);
      assertThat(error(id))
          .startsWith("interrupted: instance " + frozen.instance() + " stopped sending heartbeats")
          .contains("POST /v1/things/" + id + "/resume");
      other.resume(id, JobState.INTERRUPTED, stop -> runs.incrementAndGet());
      assertThat(await(id)).isEqualTo(JobState.SUCCEEDED);
      assertThat(owner(id)).isEqualTo(other.instance());
      // the frozen instance's body ends later: it does not overwrite what the other one did
      hangs.countDown();
      waitUntil(() -> ends.get() > 0);
      assertThat(ends.get()).isEqualTo(1);
      Thread.sleep(200);
      assertThat(state(id)).isEqualTo(JobState.SUCCEEDED);
      assertThat(owner(id)).isEqualTo(other.instance());
      assertThat(runs.get()).isEqualTo(2);
    } finally {
      frozen.close();
    }
    assertThat(state(id)).as("a close does not touch a job it lost").isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void aRunningJobWhoseLeaseIsGoneStopsAtItsNextHeartbeat() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    UUID id = queued();
    try (JobWorker w = worker()) {
      w.submit(id, stop -> spin(stop, started));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      // what another instance's stale sweep followed by a resume there leaves in the row
      jdbc.sql("UPDATE jobtest.job SET owner = 'elsewhere/1' WHERE id = ?").param(id).update();
      waitUntil(() -> w.runningJobs() == 0);
      assertThat(w.runningJobs()).as("the body stopped").isZero();
      assertThat(state(id)).as("left to its new owner").isEqualTo(JobState.RUNNING);
      assertThat(owner(id)).isEqualTo("elsewhere/1");
    }
    // the owner it was left to never heart-beats: any instance declares it stale
    Thread.sleep(LEASE.staleAfter().toMillis() + 200);
    try (JobWorker w = worker()) {
      assertThat(w.interruptStale()).contains(id);
      assertThat(error(id)).startsWith("interrupted: instance elsewhere/1 stopped");
    }
  }

  @Test
  void aQueuedJobOfADeadInstanceIsInterruptedOnceStale() throws Exception {
    UUID fresh = queued();
    UUID old = queued();
    jdbc.sql(
            "UPDATE jobtest.job SET owner = 'dead/1', heartbeat_at = now() - interval '1 hour'"
                + " WHERE id = ?")
        .param(old)
        .update();
    try (JobWorker w = worker()) {
      assertThat(w.interruptStale()).contains(old).doesNotContain(fresh);
      assertThat(state(old)).isEqualTo(JobState.INTERRUPTED);
      assertThat(error(old)).startsWith("interrupted: instance dead/1 stopped sending heartbeats");
      w.resume(old, JobState.INTERRUPTED, stop -> {});
      assertThat(await(old)).isEqualTo(JobState.SUCCEEDED);
    }
    jdbc.sql("UPDATE jobtest.job SET state = 'CANCELLED' WHERE id = ?").param(fresh).update();
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
      assertThat(owner(id)).isIn(a.instance(), b.instance());
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

  @Test
  void aStaleTimeoutMustExceedTwoHeartbeats() {
    assertThatThrownBy(() -> new JobProperties(Duration.ofSeconds(10), Duration.ofSeconds(20)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ugda.jobs.stale-after");
    assertThatThrownBy(() -> new JobProperties(Duration.ZERO, Duration.ofSeconds(20)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void waitUntil(java.util.function.BooleanSupplier done)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!done.getAsBoolean() && System.nanoTime() < end) {
      Thread.sleep(20);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
