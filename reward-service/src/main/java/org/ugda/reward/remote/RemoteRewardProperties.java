package org.ugda.reward.remote;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The OpenRLHF remote-reward endpoint's defaults ({@code ugda.reward.remote.*}); a request's query
 * parameters ({@code ?ensemble=&version=&shaping=&lambda=}) or the path variant {@code
 * /get_reward/{ensemble}} override them.
 *
 * @param ensemble the ensemble scored (id or name); empty: every request must name one
 * @param version its version; null: the latest
 * @param shaping {@code mean} (default), {@code lcb} (mean - lambda std) or {@code uwo} (mean -
 *     lambda variance, population variance over the members)
 * @param lambda lcb's and uwo's lambda; null: 1 for lcb, 0.1 for uwo
 */
@ConfigurationProperties("ugda.reward.remote")
public record RemoteRewardProperties(
    @DefaultValue("") String ensemble,
    Integer version,
    @DefaultValue("mean") String shaping,
    Double lambda) {

  public RemoteRewardProperties {
    RemoteShaping.of(shaping);
    if (version != null && version < 1) {
      throw new IllegalArgumentException("ugda.reward.remote.version must be 1 or more");
    }
    if (lambda != null && !(lambda >= 0 && lambda <= 1e6)) {
      throw new IllegalArgumentException("ugda.reward.remote.lambda must be in [0, 1e6]");
    }
  }
}
