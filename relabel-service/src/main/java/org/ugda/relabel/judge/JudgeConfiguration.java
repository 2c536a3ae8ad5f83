package org.ugda.relabel.judge;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires the LLM judge from {@link JudgeProperties}; the key comes from the environment or a file. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(JudgeProperties.class)
public class JudgeConfiguration {

    private static final Logger log = LoggerFactory.getLogger(JudgeConfiguration.class);

    @Bean(destroyMethod = "close")
    LlmJudge llmJudge(JudgeProperties properties, JdbcClient jdbc, MeterRegistry registry) {
        ApiKey key = ApiKey.resolve(properties.apiKeyFile(), properties.apiKeyEnv(), System::getenv);
        Rubric rubric = Rubric.V1;
        CircuitBreaker breaker = new CircuitBreaker(properties.breaker().failureThreshold(),
                properties.breaker().openFor(), System::nanoTime);
        JudgeMetrics metrics = new JudgeMetrics(registry, properties.model(), breaker);
        OpenAiChat chat = key.present() ? new OpenAiChat(properties, key, rubric) : null;
        ResilientJudge resilient = chat == null ? null : new ResilientJudge(chat, properties, breaker,
                new RateLimiter(properties.limits().requestsPerSecond(), System::nanoTime), metrics);
        log.info("LLM judge: model {} at {}, rubric {}, API key from {}", properties.model(), properties.baseUrl(),
                rubric.version(), key.source());
        return new LlmJudge(properties, rubric, key, new JudgeCache(jdbc), chat, resilient, metrics);
    }
}
