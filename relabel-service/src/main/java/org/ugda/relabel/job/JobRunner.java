package org.ugda.relabel.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.ugda.support.job.InstanceId;

/**
 * Runs jobs in the background on a shared pool of item workers.
 *
 * <p>Restarts: while a job runs, its instance refreshes the job's heartbeat. On shutdown the
 * instance marks its running jobs {@code INTERRUPTED} at once; if it dies instead, any instance
 * finds the stale heartbeat (at start and every half {@code stale-after}) and does the same. An
 * interrupted job is resumed with {@code POST .../resume}: labelled items stay labelled, pending
 * ones are labelled, and the judge cache makes sure none is paid for twice. Nothing is resumed
 * automatically, and a cancelled job is never resumed.
 */
@Component
public class JobRunner implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  private record Run(Future<?> future, long launchedNanos) {}

  private final JobStore jobs;
  private final ItemStore items;
  private final ItemProcessor processor;
  private final JobProperties properties;
  private final String instance = InstanceId.next();
  private final Map<UUID, Run> runs = new ConcurrentHashMap<>();

  /**
   * Jobs whose items this instance must stop taking: declared interrupted by another instance, or
   * cancelled.
   */
  private final Set<UUID> stopped = ConcurrentHashMap.newKeySet();

  private ExecutorService coordinators;
  private ExecutorService workers;
  private ScheduledExecutorService housekeeping;
  private volatile boolean running;
  private volatile boolean stopping;

  JobRunner(JobStore jobs, ItemStore items, ItemProcessor processor, JobProperties properties) {
    this.jobs = jobs;
    this.items = items;
    this.processor = processor;
    this.properties = properties;
  }

  /** This instance's name, stored as the runner of the jobs it runs. */
  public String instance() {
    return instance;
  }

  /** Starts labelling a job this instance has just marked as its own running job. */
  void launch(UUID jobId) {
    if (!running) {
      throw new IllegalStateException("the job runner is stopped");
    }
    long launched = System.nanoTime();
    stopped.remove(jobId);
    // registered before it starts, and removed only by itself, so a fast job leaves no stale entry
    Run[] self = new Run[1];
    FutureTask<Void> task =
        new FutureTask<>(
            () -> {
              try {
                run(jobId);
              } finally {
                runs.remove(jobId, self[0]);
                stopped.remove(jobId);
              }
            },
            null);
    self[0] = new Run(task, launched);
    runs.put(jobId, self[0]);
    coordinators.execute(task);
  }

  private void run(UUID jobId) {
    List<Future<?>> futures = new ArrayList<>();
    try {
      JobStore.Job job = jobs.job(jobId).orElseThrow();
      AtomicReference<String> fatal = new AtomicReference<>();
      for (Item item : items.pending(jobId)) {
        futures.add(
            workers.submit(
                () -> {
                  if (fatal.get() == null && !stopped.contains(jobId) && !stopping) {
                    String stop = processor.process(job, item);
                    if (stop != null && fatal.compareAndSet(null, stop)) {
                      items.error(jobId, null, stop);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
      if (!stopping) {
        jobs.finish(jobId, instance, fatal.get());
      }
    } catch (InterruptedException e) {
      futures.forEach(future -> future.cancel(true));
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      log.error("relabel job {} stopped by an internal error", jobId, e);
      if (!stopping) {
        jobs.finish(
            jobId,
            instance,
            "stopped by an internal error ("
                + e.getClass().getSimpleName()
                + "); POST /v1/relabel/jobs/"
                + jobId
                + "/resume retries");
      }
    }
  }

  /**
   * A job of this instance was cancelled: its items not yet started are not taken. Items being
   * labelled finish their request (so an answer being paid for reaches the judge cache), and store
   * nothing for the cancelled job. Another instance running the job stops at its next heartbeat.
   */
  void stop(UUID jobId) {
    if (runs.containsKey(jobId)) {
      stopped.add(jobId);
    }
  }

  @Override
  public void start() {
    stopping = false;
    coordinators = Executors.newCachedThreadPool(daemon("relabel-job-"));
    workers = Executors.newFixedThreadPool(properties.workers(), daemon("relabel-worker-"));
    housekeeping = Executors.newSingleThreadScheduledExecutor(daemon("relabel-heartbeat-"));
    running = true;
    sweep();
    housekeeping.scheduleAtFixedRate(
        this::heartbeat,
        properties.heartbeat().toMillis(),
        properties.heartbeat().toMillis(),
        TimeUnit.MILLISECONDS);
    long sweepEvery = properties.staleAfter().toMillis() / 2;
    housekeeping.scheduleWithFixedDelay(this::sweep, sweepEvery, sweepEvery, TimeUnit.MILLISECONDS);
    log.info("relabel job runner {} started with {} workers", instance, properties.workers());
  }

  /**
   * Stops taking items, lets the items being labelled finish (up to {@code shutdown-grace}, so
   * answers already being paid for are stored), then reports this instance's running jobs as
   * interrupted.
   */
  @Override
  public void stop() {
    running = false;
    stopping = true;
    housekeeping.shutdownNow();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(properties.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn(
            "relabel items still being labelled after {}; they stay pending",
            properties.shutdownGrace());
        workers.shutdownNow();
        workers.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
    coordinators.shutdownNow();
    jobs.interrupt(instance, "interrupted by a shutdown of instance " + instance);
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void heartbeat() {
    try {
      long began = System.nanoTime();
      Set<UUID> alive = jobs.heartbeat(instance);
      runs.forEach(
          (jobId, run) -> {
            if (run.launchedNanos() < began && !alive.contains(jobId) && stopped.add(jobId)) {
              log.warn(
                  "relabel job {} is no longer this instance's running job (declared interrupted,"
                      + " or cancelled on another instance); stopping it",
                  jobId);
            }
          });
    } catch (RuntimeException e) {
      log.warn("relabel heartbeat failed: {}", e.toString());
    }
  }

  private void sweep() {
    try {
      List<UUID> interrupted = jobs.interruptStale(properties.staleAfter().toMillis());
      if (!interrupted.isEmpty()) {
        log.warn(
            "relabel jobs {} had no heartbeat for {}: reported INTERRUPTED",
            interrupted,
            properties.staleAfter());
      }
    } catch (RuntimeException e) {
      log.warn("relabel stale-job sweep failed: {}", e.toString());
    }
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
