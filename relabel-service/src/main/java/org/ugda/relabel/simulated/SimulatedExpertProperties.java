package org.ugda.relabel.simulated;

import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.ugda.world.expert.SimulatedExpert;

/**
 * The benchmark world's simulated expert (DESIGN.md section 5): labels 1-5 from the gold reward,
 * agreeing with it at a set rate, like the paper's raters (84-90%, table 1).
 *
 * @param seed seed of its disagreements; the same (seed, item) always gets the same label (default
 *     42)
 * @param agreement probability of giving the gold label, in [0, 1]; otherwise a neighbouring one
 *     (default {@value SimulatedExpert#DEFAULT_AGREEMENT})
 */
@ConfigurationProperties("ugda.relabel.simulated")
public record SimulatedExpertProperties(
    @DefaultValue("42") long seed,
    @DefaultValue("" + SimulatedExpert.DEFAULT_AGREEMENT) double agreement) {

  public SimulatedExpertProperties {
    if (!(agreement >= 0 && agreement <= 1)) {
      throw new IllegalArgumentException(
          "ugda.relabel.simulated.agreement must be in [0, 1], was " + agreement);
    }
  }

  /** How labels of this expert name their labeller. */
  public String labeller() {
    return String.format(Locale.ROOT, "simulated(seed=%d, agreement=%s)", seed, agreement);
  }
}
