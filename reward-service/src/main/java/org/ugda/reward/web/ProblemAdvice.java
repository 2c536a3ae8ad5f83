package org.ugda.reward.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.ugda.core.format.CheckpointException;
import org.ugda.core.train.NonFiniteException;
import org.ugda.world.data.JsonlException;

/** Every error as RFC 9457 problem+json, with a detail that says what to fix. */
@RestControllerAdvice
class ProblemAdvice {
  private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

  @ExceptionHandler(ApiException.class)
  ProblemDetail api(ApiException e, HttpServletRequest req) {
    return problem(e.status(), e.getMessage(), req);
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ProblemDetail unreadable(HttpMessageNotReadableException e, HttpServletRequest req) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String why =
        root instanceof IllegalArgumentException
            ? root.getMessage()
            : "the body is not valid JSON for this endpoint (" + firstLine(root.getMessage()) + ")";
    return problem(HttpStatus.BAD_REQUEST, why, req);
  }

  @ExceptionHandler({
    IllegalArgumentException.class,
    JsonlException.class,
    CheckpointException.class
  })
  ProblemDetail invalid(RuntimeException e, HttpServletRequest req) {
    return problem(HttpStatus.BAD_REQUEST, e.getMessage(), req);
  }

  @ExceptionHandler({
    MethodArgumentTypeMismatchException.class,
    MissingRequestHeaderException.class,
    MissingServletRequestPartException.class
  })
  ProblemDetail badParameter(Exception e, HttpServletRequest req) {
    return problem(HttpStatus.BAD_REQUEST, e.getMessage(), req);
  }

  @ExceptionHandler(MaxUploadSizeExceededException.class)
  ProblemDetail tooLarge(MaxUploadSizeExceededException e, HttpServletRequest req) {
    return problem(
        HttpStatus.PAYLOAD_TOO_LARGE,
        "the upload is larger than spring.servlet.multipart.max-file-size allows; split the dataset",
        req);
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ProblemDetail mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest req) {
    return problem(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE, e.getMessage() + "; send application/json", req);
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ProblemDetail method(HttpRequestMethodNotSupportedException e, HttpServletRequest req) {
    return problem(HttpStatus.METHOD_NOT_ALLOWED, e.getMessage(), req);
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ProblemDetail noResource(NoResourceFoundException e, HttpServletRequest req) {
    return problem(HttpStatus.NOT_FOUND, "no such endpoint: " + req.getRequestURI(), req);
  }

  @ExceptionHandler(NonFiniteException.class)
  ProblemDetail nonFinite(NonFiniteException e, HttpServletRequest req) {
    log.error("non-finite number at {}: {}", req.getRequestURI(), e.getMessage());
    return problem(
        HttpStatus.INTERNAL_SERVER_ERROR,
        "the model produced a non-finite number: " + e.getMessage(),
        req);
  }

  static ProblemDetail problem(HttpStatus status, String detail, HttpServletRequest req) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setTitle(status.getReasonPhrase());
    p.setInstance(URI.create(req.getRequestURI()));
    return p;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
