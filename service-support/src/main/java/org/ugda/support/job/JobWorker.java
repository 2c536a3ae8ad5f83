package org.ugda.support.job;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ugda.api.job.JobState;
import org.ugda.support.problem.ConflictException;
import org.ugda.support.problem.Problems;

/**
 * The one way a service runs its long jobs: one worker thread, the job's state in its {@link
 * JobTable}, a cooperative stop the body polls. A job goes QUEUED → RUNNING → SUCCEEDED; a body
 * that throws {@link CancellationException} ends CANCELLED (on request) or INTERRUPTED (on
 * shutdown, resumable); any other failure ends FAILED with its message (cut, and passed through the
 * service's {@code hide}, which takes local paths out). Resume puts an interrupted, failed or
 * cancelled job back in the queue, on whichever instance is asked.
 *
 * <p>Several instances on one database (replicas): each worker has its own {@link #instance()} id.
 * A job is the owner's that queued it, and becomes RUNNING only by an atomic claim (owner and
 * heartbeat set in the UPDATE that moves it from QUEUED), so exactly one instance runs it. While it
 * has jobs, the worker refreshes their heartbeat every {@link JobProperties#heartbeat()}; a running
 * job it finds no longer its own (declared stale and maybe resumed elsewhere) sees its stop turn
 * true and writes nothing more to its row. At start ({@link #interruptStale}) and every half {@link
 * JobProperties#staleAfter()}, any instance marks INTERRUPTED the queued or running jobs whose
 * heartbeat is older than that, naming the instance that stopped: never a job a live instance is
 * heart-beating. A queued job is thus not lost with its instance's in-memory queue: it goes
 * INTERRUPTED like a running one, and a resume queues it again. A graceful {@link #close} marks
 * this instance's own jobs INTERRUPTED at once, so a clean restart does not wait for the stale
 * timeout.
 */
public final class JobWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobWorker.class);

  /** A job's work; {@code stop} turns true once it should end (cancelled or shutting down). */
  @FunctionalInterface
  public interface Body {
    void run(BooleanSupplier stop);
  }

  private final JobTable table;
  private final String noun;
  private final String resumePath;
  private final UnaryOperator<String> hide;
  private final JobProperties lease;
  private final String instance = InstanceId.next();
  private final ExecutorService worker;
  private final ScheduledExecutorService housekeeping;
  private final ConcurrentHashMap<UUID, Boolean> cancel = new ConcurrentHashMap<>();

  /** The jobs this worker runs now, with when it claimed each ({@link System#nanoTime()}). */
  private final ConcurrentHashMap<UUID, Long> running = new ConcurrentHashMap<>();

  /** Running jobs this worker no longer holds: their body must stop. */
  private final Set<UUID> lost = ConcurrentHashMap.newKeySet();

  private volatile boolean shuttingDown;

  /** Tests only: an instance that hangs, or is cut off from the database, sends no heartbeat. */
  private volatile boolean frozen;

  /**
   * @param noun what a job is called in messages ({@code run}, {@code selection})
   * @param resumePath the resume endpoint with {@code {id}} for the job's id
   * @param hide rewrites a failure's message before it is stored (identity if nothing to hide)
   * @param lease the heartbeat and the stale timeout ({@code ugda.jobs})
   */
  public JobWorker(
      JobTable table,
      String noun,
      String resumePath,
      UnaryOperator<String> hide,
      JobProperties lease) {
    this.table = table;
    this.noun = noun;
    this.resumePath = resumePath;
    this.hide = hide;
    this.lease = lease;
    this.worker = Executors.newSingleThreadExecutor(daemon(noun + "-jobs"));
    this.housekeeping = Executors.newSingleThreadScheduledExecutor(daemon(noun + "-heartbeat"));
    long beat = lease.heartbeat().toMillis();
    housekeeping.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
    long sweep = lease.staleAfter().toMillis() / 2;
    housekeeping.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
  }

  /** This worker's id, stored as the owner of the jobs it queues and runs (host/random). */
  public String instance() {
    return instance;
  }

  /**
   * Marks INTERRUPTED the queued or running jobs whose instance stopped heart-beating ({@link
   * JobProperties#staleAfter()} ago or more) and logs each; a service calls it once it is ready
   * (the worker does it on its own every half stale timeout). Returns their ids.
   */
  public List<UUID> interruptStale() {
    List<UUID> ids = table.interruptStale(lease.staleAfter(), resumePath);
    for (UUID id : ids) {
      log.warn(
          "{} {} was interrupted: its instance sent no heartbeat for {}",
          noun,
          id,
          lease.staleAfter());
    }
    return ids;
  }

  /** Queues a job that is QUEUED in its table; it is this instance's until it ends. */
  public void submit(UUID id, Body body) {
    cancel.put(id, false);
    table.queue(id, instance);
    worker.submit(() -> execute(id, body));
  }

  private void execute(UUID id, Body body) {
    // on shutdown a job still queued stays so, and close() marks it INTERRUPTED
    if (shuttingDown || !table.claim(id, instance, Instant.now())) {
      cancel.remove(id);
      return;
    }
    running.put(id, System.nanoTime());
    try {
      body.run(() -> stopping(id));
      end(id, JobState.SUCCEEDED, null);
    } catch (CancellationException e) {
      if (shuttingDown) {
        end(
            id,
            JobState.INTERRUPTED,
            "interrupted by a shutdown of instance "
                + instance
                + "; POST "
                + resumePath.replace("{id}", id.toString())
                + " runs it again");
      } else {
        end(id, JobState.CANCELLED, e.getMessage());
      }
    } catch (RuntimeException | Error e) {
      log.error("{} {} failed", noun, id, e);
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      end(id, JobState.FAILED, Problems.cut(hide.apply(msg)));
    } finally {
      running.remove(id);
      lost.remove(id);
      cancel.remove(id);
    }
  }

  /** Ends a job this instance runs, unless it lost it meanwhile (then its row is not touched). */
  private void end(UUID id, JobState to, String error) {
    if (!table.finish(id, instance, to, error, Instant.now())) {
      log.warn(
          "{} {} ended {} on instance {}, which no longer held it; its row is left as it is",
          noun,
          id,
          to,
          instance);
    }
  }

  private void heartbeat() {
    if (frozen) {
      return;
    }
    try {
      long began = System.nanoTime();
      Set<UUID> held = table.heartbeat(instance);
      running.forEach(
          (id, claimed) -> {
            if (claimed < began && !held.contains(id) && lost.add(id)) {
              log.warn(
                  "{} {} is no longer instance {}'s (declared interrupted for a stale heartbeat);"
                      + " stopping it",
                  noun,
                  id,
                  instance);
            }
          });
    } catch (RuntimeException e) {
      log.warn("{} heartbeat of instance {} failed: {}", noun, instance, e.toString());
    }
  }

  /** Tests only: stops this instance's heartbeat, as if it hung. */
  void freezeHeartbeat() {
    frozen = true;
  }

  /** How many jobs this instance's bodies run now. */
  int runningJobs() {
    return running.size();
  }

  private void sweep() {
    try {
      interruptStale();
    } catch (RuntimeException e) {
      log.warn("{} stale-job sweep failed: {}", noun, e.toString());
    }
  }

  private boolean stopping(UUID id) {
    if (shuttingDown || lost.contains(id) || Boolean.TRUE.equals(cancel.get(id))) {
      return true;
    }
    if (table.cancelRequested(id)) {
      cancel.put(id, true);
      return true;
    }
    return false;
  }

  /**
   * Cancels a job in state {@code current}: a queued one at once, a running one at its next stop
   * check (also when another instance runs it: the request is in the table); 409 once it has ended.
   */
  public void cancel(UUID id, JobState current) {
    if (current == JobState.QUEUED) {
      if (table.transition(
          id,
          List.of(JobState.QUEUED),
          JobState.CANCELLED,
          "cancelled before it started",
          Instant.now())) {
        return;
      }
    }
    if (current == JobState.QUEUED || current == JobState.RUNNING) {
      table.requestCancel(id);
      cancel.computeIfPresent(id, (k, b) -> true);
      return;
    }
    throw new ConflictException(
        noun
            + " "
            + id
            + " is "
            + current
            + "; only a queued or running "
            + noun
            + " can be cancelled");
  }

  /**
   * Puts an interrupted, failed or cancelled job back in the queue and submits {@code body}; 409 in
   * any other state.
   */
  public void resume(UUID id, JobState current, Body body) {
    if (!table.transition(
        id,
        List.of(JobState.INTERRUPTED, JobState.FAILED, JobState.CANCELLED),
        JobState.QUEUED,
        null,
        Instant.now())) {
      throw new ConflictException(
          noun
              + " "
              + id
              + " is "
              + current
              + "; only an interrupted, failed or cancelled "
              + noun
              + " can be resumed");
    }
    submit(id, body);
  }

  /**
   * Stops taking work; a running body sees its stop turn true and ends INTERRUPTED, and whatever
   * else this instance still has queued or running is marked INTERRUPTED (so that another instance,
   * or this one restarted, can resume it at once).
   */
  @Override
  public void close() throws InterruptedException {
    shuttingDown = true;
    worker.shutdown();
    try {
      if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
        worker.shutdownNow();
      }
    } finally {
      housekeeping.shutdownNow();
      for (UUID id :
          table.interruptOwned(
              instance,
              "interrupted by a shutdown of instance "
                  + instance
                  + "; POST "
                  + resumePath
                  + " runs it again")) {
        log.warn("{} {} was interrupted by a shutdown", noun, id);
      }
    }
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
