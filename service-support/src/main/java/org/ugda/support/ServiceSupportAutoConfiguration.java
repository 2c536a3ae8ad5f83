package org.ugda.support;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.filter.ForwardedHeaderFilter;
import org.ugda.support.device.DeviceProperties;
import org.ugda.support.job.JobProperties;
import org.ugda.support.limits.RequestSizeFilter;
import org.ugda.support.problem.ProblemAdvice;
import org.ugda.support.web.HttpProperties;
import org.ugda.support.web.Locations;
import tools.jackson.databind.DeserializationFeature;

/**
 * The web conventions every UGDA service shares: the problem+json advice, the request-size limit,
 * strict integers in request bodies and forwarded headers from the gateway; and the typed settings
 * of the device and of the job lease ({@link JobProperties}). Present in a service by depending on
 * {@code service-support}; nothing to declare.
 */
@AutoConfiguration(
    beforeName = "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties({HttpProperties.class, DeviceProperties.class, JobProperties.class})
public class ServiceSupportAutoConfiguration {

  @Bean
  ProblemAdvice problemAdvice() {
    return new ProblemAdvice();
  }

  /**
   * A number with a fraction where the contract takes an integer (a label of 2.5, a rank of 8.7) is
   * a 400, not silently cut to its integer part (Jackson's default).
   */
  @Bean
  JsonMapperBuilderCustomizer strictIntegers() {
    return builder -> builder.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
  }

  /**
   * {@code X-Forwarded-*} headers: a service honours them (prefix, host, port, scheme from the
   * gateway), so that a {@code Location} built with {@link Locations} works through the gateway's
   * address; the services are reachable only through the gateway in the deployed layouts, so the
   * headers come from it. The gateway, the edge, only removes what a client sent ({@code
   * ugda.http.forwarded-headers: remove}) and writes its own.
   */
  @Bean
  FilterRegistrationBean<ForwardedHeaderFilter> forwardedHeaderFilter(HttpProperties http) {
    ForwardedHeaderFilter filter = new ForwardedHeaderFilter();
    filter.setRemoveOnly(http.forwardedHeaders() == HttpProperties.Forwarded.REMOVE);
    FilterRegistrationBean<ForwardedHeaderFilter> registration =
        new FilterRegistrationBean<>(filter);
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  @Bean
  FilterRegistrationBean<RequestSizeFilter> requestSizeFilter(HttpProperties limits) {
    FilterRegistrationBean<RequestSizeFilter> registration =
        new FilterRegistrationBean<>(new RequestSizeFilter(limits));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }
}
