package org.ugda.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ugda.world.expert.SimulatedExpert;
import org.ugda.world.gold.GoldReward;
import org.ugda.world.responses.Responder;
import org.ugda.world.tasks.Task;
import org.ugda.world.tasks.TaskSampler;
import org.ugda.world.text.Dialogue;

class SimulatedExpertTest {

  @Test
  void shouldAgreeWithTheGoldLabelAtTheConfiguredRate() {
    SimulatedExpert e = new SimulatedExpert(3, SimulatedExpert.DEFAULT_AGREEMENT);
    SplittableRandom r = new SplittableRandom(4);
    TaskSampler s = new TaskSampler(r.split(), 0.3);
    int agree = 0;
    int n = 5000;
    int[] hist = new int[6];
    for (int i = 0; i < n; i++) {
      Task t = s.next();
      String resp =
          Responder.write(
              t,
              Responder.kinds(t.subtask()).get(r.nextInt(Responder.kinds(t.subtask()).size())),
              r);
      String prompt = Dialogue.prompt(t.humanText());
      int label = e.label(prompt, resp).getAsInt();
      int truth = SimulatedExpert.trueLabel(GoldReward.of(prompt, resp));
      assertTrue(Math.abs(label - truth) <= 1, "disagreements are off by one");
      agree += label == truth ? 1 : 0;
      hist[label]++;
      assertEquals(
          label, e.label(prompt, resp).getAsInt(), "the same item always gets the same label");
    }
    double rate = agree / (double) n;
    assertEquals(0.87, rate, 0.02, "agreement " + rate);
    for (int l = 1; l <= 5; l++) {
      assertTrue(hist[l] > 0, "label " + l + " occurs");
    }
  }

  @Test
  void shouldNotLabelPromptsFromOutsideTheWorld() {
    assertTrue(
        new SimulatedExpert(1, 0.9)
            .label(Dialogue.prompt("who wrote hamlet ?"), "shakespeare .")
            .isEmpty());
    assertThrows(IllegalArgumentException.class, () -> new SimulatedExpert(1, 1.5));
    assertEquals(5, SimulatedExpert.trueLabel(1.0));
    assertEquals(1, SimulatedExpert.trueLabel(0.0));
    assertEquals(3, SimulatedExpert.trueLabel(0.5));
  }
}
