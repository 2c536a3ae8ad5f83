package org.ugda.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.http.HttpServletRequest;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;
import org.ugda.support.limits.RequestSizeFilter;
import org.ugda.support.problem.TooLargeException;
import org.ugda.support.web.HttpProperties;

class RequestSizeFilterTest {
  private final RequestSizeFilter filter =
      new RequestSizeFilter(
          new HttpProperties(DataSize.ofKilobytes(4), HttpProperties.Forwarded.APPLY));

  @Test
  void shouldRefuseADeclaredLengthOverTheLimitBeforeReadingAByte() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/x");
    request.setContent(new byte[4097]);

    HttpServletRequest seen = passThrough(request);

    assertThatThrownBy(seen::getInputStream)
        .isInstanceOf(TooLargeException.class)
        .hasMessageContaining("has 4097 bytes")
        .hasMessageContaining("ugda.http.max-request-size");
  }

  @Test
  void shouldLetABodyAtTheLimitThrough() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/x");
    request.setContent(new byte[4096]);

    try (InputStream in = passThrough(request).getInputStream()) {
      assertThat(in.readAllBytes()).hasSize(4096);
    }
  }

  @Test
  void shouldRefuseAnUndeclaredBodyAtTheByteThatCrossesTheLimit() throws Exception {
    MockHttpServletRequest request =
        new MockHttpServletRequest("POST", "/v1/x") {
          @Override
          public long getContentLengthLong() {
            return -1; // chunked
          }
        };
    request.setContent(new byte[5000]);

    InputStream in = passThrough(request).getInputStream();

    assertThat(in.readNBytes(4096)).hasSize(4096);
    assertThatThrownBy(in::read).isInstanceOf(TooLargeException.class);
  }

  private HttpServletRequest passThrough(MockHttpServletRequest request) throws Exception {
    AtomicReference<HttpServletRequest> seen = new AtomicReference<>();
    filter.doFilter(
        request, new MockHttpServletResponse(), (req, res) -> seen.set((HttpServletRequest) req));
    return seen.get();
  }
}
