package org.ugda.support.device;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where a service runs its models (reward-service, policy-service) ({@code ugda.device}, DESIGN.md
 * section 4).
 *
 * @param device {@code auto} (a GPU where libtorch sees one, else the CPU; the default), {@code
 *     cpu}, {@code cuda} or {@code cuda:N}; whether the named GPU exists is checked when the engine
 *     starts
 */
@ConfigurationProperties("ugda")
public record DeviceProperties(@DefaultValue("auto") String device) {
  public DeviceProperties {
    if (device == null || !device.strip().matches("(?i)auto|cpu|gpu|cuda(:\\d+)?")) {
      throw new IllegalArgumentException(
          "ugda.device must be auto, cpu, cuda or cuda:N, got '" + device + "'");
    }
  }
}
