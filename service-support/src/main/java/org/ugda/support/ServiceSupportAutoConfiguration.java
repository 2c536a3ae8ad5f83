package org.ugda.support;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.ugda.support.limits.RequestLimitsProperties;
import org.ugda.support.limits.RequestSizeFilter;
import org.ugda.support.problem.ProblemAdvice;

/**
 * The web conventions every UGDA service shares: the problem+json advice and the request-size
 * limit. Present in a service by depending on {@code service-support}; nothing to declare.
 */
@AutoConfiguration(
    beforeName = "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(RequestLimitsProperties.class)
public class ServiceSupportAutoConfiguration {

  @Bean
  ProblemAdvice problemAdvice() {
    return new ProblemAdvice();
  }

  @Bean
  FilterRegistrationBean<RequestSizeFilter> requestSizeFilter(RequestLimitsProperties limits) {
    FilterRegistrationBean<RequestSizeFilter> registration =
        new FilterRegistrationBean<>(new RequestSizeFilter(limits));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }
}
