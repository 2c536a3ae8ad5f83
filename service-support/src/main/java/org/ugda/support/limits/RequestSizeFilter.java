package org.ugda.support.limits;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;
import org.ugda.support.problem.TooLargeException;
import org.ugda.support.web.HttpProperties;

/**
 * Bounds the body a handler reads to {@code ugda.http.max-request-size}: a declared {@code
 * Content-Length} over the limit is refused before a byte is read, and a body without one (chunked)
 * is refused at the byte that crosses it. The refusal is a {@link TooLargeException}, which the
 * shared advice answers as 413 problem+json; nothing has been stored by then.
 */
public class RequestSizeFilter extends OncePerRequestFilter {
  private final long maxBytes;

  public RequestSizeFilter(HttpProperties limits) {
    this.maxBytes = limits.maxRequestSize().toBytes();
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    chain.doFilter(new Bounded(request, maxBytes), response);
  }

  private static TooLargeException tooLarge(long maxBytes, String how) {
    return new TooLargeException(
        "the request body "
            + how
            + " bytes, over the limit of "
            + maxBytes
            + " (ugda.http.max-request-size); send less per request");
  }

  private static final class Bounded extends HttpServletRequestWrapper {
    private final long maxBytes;
    private ServletInputStream stream;

    Bounded(HttpServletRequest request, long maxBytes) {
      super(request);
      this.maxBytes = maxBytes;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      long declared = getContentLengthLong();
      if (declared > maxBytes) {
        throw tooLarge(maxBytes, "has " + declared);
      }
      if (stream == null) {
        stream = new Counting(super.getInputStream(), maxBytes);
      }
      return stream;
    }
  }

  private static final class Counting extends ServletInputStream {
    private final ServletInputStream in;
    private final long maxBytes;
    private long read;

    Counting(ServletInputStream in, long maxBytes) {
      this.in = in;
      this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > maxBytes) {
        throw tooLarge(maxBytes, "exceeds " + maxBytes + " bytes: it has more than");
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
