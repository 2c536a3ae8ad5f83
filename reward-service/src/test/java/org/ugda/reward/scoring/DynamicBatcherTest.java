package org.ugda.reward.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DynamicBatcherTest {

  /**
   * Runs batches by doubling items, recording each batch's size and key. Each run first counts
   * {@link #started} down, then waits for the gate: a test that has awaited {@code started} knows
   * the worker has closed its first batch and is held inside it, so whatever it submits then queues
   * for the batches after it.
   */
  static final class Recorder {
    final List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    final List<String> keys = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch gate;

    Recorder(CountDownLatch gate) {
      this.gate = gate;
    }

    /** Waits until the worker runs its first batch. */
    void awaitFirstBatch() throws InterruptedException {
      assertThat(started.await(5, TimeUnit.SECONDS)).as("the worker ran a batch").isTrue();
    }

    List<Integer> run(String key, List<Integer> items) {
      started.countDown();
      try {
        gate.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sizes.add(items.size());
      keys.add(key);
      return items.stream().map(i -> 2 * i).toList();
    }
  }

  @Test
  void shouldMergeConcurrentRequestsOfOneKeyUpToTheMaximum() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    Recorder rec = new Recorder(gate);
    try (DynamicBatcher<String, Integer, Integer> b =
        new DynamicBatcher<>(true, 4, TimeUnit.MILLISECONDS.toNanos(50), 1, rec::run, null)) {
      // the worker blocks on the first batch while the rest queue up
      CompletableFuture<List<Integer>> first = b.submit("a", List.of(1));
      rec.awaitFirstBatch();
      List<CompletableFuture<List<Integer>>> more = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        more.add(b.submit("a", List.of(10 + i)));
      }
      CompletableFuture<List<Integer>> other = b.submit("b", List.of(7));
      gate.countDown();
      assertThat(first.get(5, TimeUnit.SECONDS)).containsExactly(2);
      for (int i = 0; i < 6; i++) {
        assertThat(more.get(i).get(5, TimeUnit.SECONDS))
            .as("each request gets its own rows")
            .containsExactly(2 * (10 + i));
      }
      assertThat(other.get(5, TimeUnit.SECONDS)).containsExactly(14);
      assertThat(rec.sizes).containsExactly(1, 4, 2, 1);
      assertThat(rec.keys).containsExactly("a", "a", "a", "b");
    }
  }

  @Test
  void shouldBatchWhatQueuedDuringAPassWithNoDelay() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    Recorder rec = new Recorder(gate);
    try (DynamicBatcher<String, Integer, Integer> b =
        new DynamicBatcher<>(true, 32, 0, 1, rec::run, null)) {
      // the first request finds the model idle and runs at once, alone
      CompletableFuture<List<Integer>> first = b.submit("a", List.of(1));
      rec.awaitFirstBatch();
      List<CompletableFuture<List<Integer>>> during = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        during.add(b.submit("a", List.of(i, i)));
      }
      gate.countDown();
      first.get(5, TimeUnit.SECONDS);
      for (var f : during) {
        assertThat(f.get(5, TimeUnit.SECONDS)).hasSize(2);
      }
      assertThat(rec.sizes)
          .as("the five requests that queued during the first pass form the next")
          .containsExactly(1, 10);
    }
  }

  @Test
  void shouldRunEachRequestAloneWithBatchingOff() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    Recorder rec = new Recorder(gate);
    try (DynamicBatcher<String, Integer, Integer> b =
        new DynamicBatcher<>(false, 32, TimeUnit.MILLISECONDS.toNanos(50), 1, rec::run, null)) {
      List<CompletableFuture<List<Integer>>> fs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        fs.add(b.submit("a", List.of(i, i)));
      }
      gate.countDown();
      for (var f : fs) {
        assertThat(f.get(5, TimeUnit.SECONDS)).hasSize(2);
      }
      assertThat(rec.sizes).containsExactly(2, 2, 2, 2, 2);
    }
  }

  @Test
  void shouldFailEveryRequestOfABatchWhoseRunFails() {
    try (DynamicBatcher<String, Integer, Integer> b =
        new DynamicBatcher<>(
            true,
            8,
            1_000_000,
            1,
            (k, items) -> {
              throw new IllegalStateException("model exploded");
            },
            null)) {
      CompletableFuture<List<Integer>> f = b.submit("a", List.of(1));
      assertThat(f)
          .failsWithin(5, TimeUnit.SECONDS)
          .withThrowableThat()
          .withMessageContaining("model exploded");
    }
  }

  @Test
  void shouldNotWaitLongerThanTheMaximumDelay() throws Exception {
    CountDownLatch gate = new CountDownLatch(0);
    Recorder rec = new Recorder(gate);
    try (DynamicBatcher<String, Integer, Integer> b =
        new DynamicBatcher<>(true, 1000, TimeUnit.MILLISECONDS.toNanos(20), 1, rec::run, null)) {
      long t0 = System.nanoTime();
      b.submit("a", List.of(1)).get(5, TimeUnit.SECONDS);
      assertThat((System.nanoTime() - t0) / 1e6).isLessThan(1000);
    }
  }
}
