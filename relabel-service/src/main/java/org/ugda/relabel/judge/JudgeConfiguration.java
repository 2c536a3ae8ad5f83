package org.ugda.relabel.judge;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Wires the LLM judge from {@link JudgeProperties}; the key comes from the environment or a file.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(JudgeProperties.class)
public class JudgeConfiguration {

  private static final Logger log = LoggerFactory.getLogger(JudgeConfiguration.class);

  @Bean(destroyMethod = "close")
  LlmJudge llmJudge(JudgeProperties properties, JdbcClient jdbc, MeterRegistry registry) {
    LlmJudge judge = LlmJudge.create(properties, System::getenv, jdbc, registry);
    log.info(
        "LLM judge: model {} at {}, rubric {}, API key from {}",
        properties.model(),
        properties.baseUrl(),
        judge.rubric().version(),
        judge.keySource());
    return judge;
  }
}
