package org.ugda.relabel.simulated;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.ugda.world.expert.SimulatedExpert;

/** The simulated expert, configured by {@link SimulatedExpertProperties}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SimulatedExpertProperties.class)
public class SimulatedExpertConfiguration {

  @Bean
  SimulatedExpert simulatedExpert(SimulatedExpertProperties properties) {
    return new SimulatedExpert(properties.seed(), properties.agreement());
  }
}
