package org.ugda.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StandalonePropertiesTest {

  @Test
  void shouldShiftConfiguredPortsByOffsetGivenOnCommandLine() {
    StandaloneProperties settings = StandaloneProperties.from("--ugda.standalone.port-offset=1000");

    assertThat(settings.port(8081)).isEqualTo(9081);
  }

  @Test
  void shouldKeepRandomPortRandom() {
    StandaloneProperties settings = StandaloneProperties.from("--ugda.standalone.port-offset=1000");

    assertThat(settings.port(0)).isZero();
  }

  @Test
  void shouldKeepConfiguredPortsWithoutOffset() {
    StandaloneProperties settings = StandaloneProperties.from("--server.port=0");

    assertThat(settings.port(8080)).isEqualTo(8080);
  }
}
