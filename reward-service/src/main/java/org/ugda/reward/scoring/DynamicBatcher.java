package org.ugda.reward.scoring;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * Merges concurrent requests for the same key (an ensemble version) into one forward pass.
 *
 * <p>A worker takes the oldest waiting request and every queued request with the same key, up to
 * {@code maxBatchSize} items (a request is never split; one larger than the limit runs alone); with
 * a positive {@code maxDelay} it waits up to that long (from the first request's arrival) for more.
 * It runs them as one batch and completes every request's future with its own rows. With a zero
 * delay this is continuous batching: the requests that arrive while a pass runs form the next one,
 * and a request that finds the model idle runs at once. With batching off, each request runs alone.
 * Requests of other keys keep their place in the queue.
 *
 * @param <K> what requests must share to be batched
 * @param <I> one item
 * @param <R> one item's result
 */
final class DynamicBatcher<K, I, R> implements AutoCloseable {

  /** A waiting request: its items, when it arrived, and the future its caller waits on. */
  static final class Request<K, I, R> {
    final K key;
    final List<I> items;
    final long enqueuedNanos = System.nanoTime();
    final CompletableFuture<List<R>> future = new CompletableFuture<>();

    Request(K key, List<I> items) {
      this.key = key;
      this.items = List.copyOf(items);
    }
  }

  /** Observes each batch run: its size in items and requests, and each request's queueing time. */
  interface Observer {
    void batch(int items, int requests, long[] queueNanos);
  }

  private final boolean enabled;
  private final int maxBatchSize;
  private final long maxDelayNanos;
  private final BiFunction<K, List<I>, List<R>> run;
  private final Observer observer;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final Map<K, ArrayDeque<Request<K, I, R>>> byKey = new LinkedHashMap<>();
  private final ArrayDeque<Request<K, I, R>> arrival = new ArrayDeque<>();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean closed;

  DynamicBatcher(
      boolean enabled,
      int maxBatchSize,
      long maxDelayNanos,
      int workerCount,
      BiFunction<K, List<I>, List<R>> run,
      Observer observer) {
    this.enabled = enabled;
    this.maxBatchSize = maxBatchSize;
    this.maxDelayNanos = maxDelayNanos;
    this.run = run;
    this.observer = observer;
    for (int i = 0; i < workerCount; i++) {
      Thread t = new Thread(this::work, "reward-batcher-" + i);
      t.setDaemon(true);
      t.start();
      workers.add(t);
    }
  }

  CompletableFuture<List<R>> submit(K key, List<I> items) {
    Request<K, I, R> r = new Request<>(key, items);
    lock.lock();
    try {
      if (closed) {
        r.future.completeExceptionally(new IllegalStateException("the scoring queue is shut down"));
        return r.future;
      }
      byKey.computeIfAbsent(key, k -> new ArrayDeque<>()).add(r);
      arrival.add(r);
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
    return r.future;
  }

  private void work() {
    while (!closed) {
      List<Request<K, I, R>> batch;
      try {
        batch = nextBatch();
      } catch (InterruptedException e) {
        return;
      }
      if (batch == null) {
        continue;
      }
      runBatch(batch);
    }
  }

  private List<Request<K, I, R>> nextBatch() throws InterruptedException {
    lock.lock();
    try {
      while (arrival.isEmpty()) {
        if (closed) {
          return null;
        }
        arrived.await(100, TimeUnit.MILLISECONDS);
      }
      Request<K, I, R> first = arrival.peek();
      K key = first.key;
      List<Request<K, I, R>> batch = new ArrayList<>();
      take(first, batch);
      int items = first.items.size();
      if (!enabled) {
        return batch;
      }
      long deadline = first.enqueuedNanos + maxDelayNanos;
      while (items < maxBatchSize) {
        ArrayDeque<Request<K, I, R>> q = byKey.get(key);
        Request<K, I, R> next = q == null ? null : q.peek();
        if (next != null) {
          if (items + next.items.size() > maxBatchSize) {
            break;
          }
          take(next, batch);
          items += next.items.size();
          continue;
        }
        long wait = deadline - System.nanoTime();
        if (wait <= 0) {
          break;
        }
        arrived.awaitNanos(wait);
      }
      return batch;
    } finally {
      lock.unlock();
    }
  }

  private void take(Request<K, I, R> r, List<Request<K, I, R>> batch) {
    ArrayDeque<Request<K, I, R>> q = byKey.get(r.key);
    q.remove(r);
    if (q.isEmpty()) {
      byKey.remove(r.key);
    }
    arrival.remove(r);
    batch.add(r);
  }

  private void runBatch(List<Request<K, I, R>> batch) {
    long now = System.nanoTime();
    long[] queued = new long[batch.size()];
    List<I> items = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      queued[i] = now - batch.get(i).enqueuedNanos;
      items.addAll(batch.get(i).items);
    }
    try {
      List<R> results = run.apply(batch.get(0).key, items);
      int at = 0;
      for (Request<K, I, R> r : batch) {
        r.future.complete(results.subList(at, at + r.items.size()));
        at += r.items.size();
      }
    } catch (Throwable t) {
      batch.forEach(r -> r.future.completeExceptionally(t));
    }
    if (observer != null) {
      observer.batch(items.size(), batch.size(), queued);
    }
  }

  @Override
  public void close() {
    closed = true;
    lock.lock();
    try {
      for (Request<K, I, R> r : arrival) {
        r.future.completeExceptionally(new IllegalStateException("the scoring queue is shut down"));
      }
      arrival.clear();
      byKey.clear();
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
    for (Thread t : workers) {
      t.interrupt();
    }
  }
}
