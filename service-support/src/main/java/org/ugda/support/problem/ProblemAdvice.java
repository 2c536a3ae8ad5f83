package org.ugda.support.problem;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.databind.DatabindException;

/**
 * Turns every error of a UGDA service into RFC 9457 {@code application/problem+json}, the same way
 * in every service (see {@link Problems} for the body).
 *
 * <p>Domain code throws plain exceptions with a sentence that says what to fix: {@link
 * IllegalArgumentException} (400), {@link NotFoundException} (404), {@link ConflictException}
 * (409), {@link TooLargeException} (413), {@link UnavailableException} (503 with {@code
 * Retry-After}). Spring MVC's own exceptions (malformed JSON, a wrong media type, a bad path
 * variable, an unknown path) come through the base class. Anything else is a 500 whose body says
 * only that the request failed and gives a reference to find in the log: no message, class name or
 * stack trace of the failure reaches the caller.
 */
@RestControllerAdvice
public class ProblemAdvice extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<ProblemDetail> invalid(IllegalArgumentException e, HttpServletRequest request) {
    return respond(HttpStatus.BAD_REQUEST, e.getMessage(), request);
  }

  @ExceptionHandler(NotFoundException.class)
  ResponseEntity<ProblemDetail> notFound(NotFoundException e, HttpServletRequest request) {
    return respond(HttpStatus.NOT_FOUND, e.getMessage(), request);
  }

  @ExceptionHandler(ConflictException.class)
  ResponseEntity<ProblemDetail> conflict(ConflictException e, HttpServletRequest request) {
    return respond(HttpStatus.CONFLICT, e.getMessage(), request);
  }

  @ExceptionHandler(TooLargeException.class)
  ResponseEntity<ProblemDetail> tooLarge(TooLargeException e, HttpServletRequest request) {
    return respond(HttpStatus.CONTENT_TOO_LARGE, e.getMessage(), request);
  }

  @ExceptionHandler(UnavailableException.class)
  ResponseEntity<ProblemDetail> unavailable(UnavailableException e, HttpServletRequest request) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())))
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage(), request.getRequestURI()));
  }

  /** Anything unexpected: logged in full under a reference; the caller gets only the reference. */
  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
    String reference = UUID.randomUUID().toString();
    log.error(
        "unexpected failure of {} {} (reference {})",
        request.getMethod(),
        request.getRequestURI(),
        reference,
        e);
    return respond(
        HttpStatus.INTERNAL_SERVER_ERROR,
        "the request failed inside the service; the service log has the details under reference "
            + reference,
        request);
  }

  /**
   * Malformed JSON, or JSON that a contract record refused in its compact constructor: the record's
   * sentence ("label must be an integer from 1 to 5, got 7") becomes the detail. A body over the
   * size limit is a 413.
   */
  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    String path = path(request);
    for (Throwable cause = ex.getCause(); cause != null; cause = next(cause)) {
      if (cause instanceof TooLargeException tooLarge) {
        return body(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage(), path);
      }
      if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
        return body(HttpStatus.BAD_REQUEST, cause.getMessage(), path);
      }
    }
    String where = "";
    for (Throwable cause = ex.getCause(); cause != null; cause = next(cause)) {
      if (cause instanceof DatabindException databind && !databind.getPath().isEmpty()) {
        where =
            " (at "
                + databind.getPath().stream()
                    .map(
                        reference ->
                            reference.getPropertyName() != null
                                ? reference.getPropertyName()
                                : "[" + reference.getIndex() + "]")
                    .collect(Collectors.joining("."))
                + ": "
                + firstLine(databind.getOriginalMessage())
                + ")";
        break;
      }
    }
    return body(
        HttpStatus.BAD_REQUEST,
        "the request body is not valid JSON for this endpoint"
            + where
            + "; see /v3/api-docs for its schema",
        path);
  }

  /** A path variable or parameter of the wrong type: names it, the type it takes and the value. */
  @Override
  protected ResponseEntity<Object> handleTypeMismatch(
      TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String name = ex.getPropertyName() == null ? "a path variable" : ex.getPropertyName();
    return body(
        HttpStatus.BAD_REQUEST,
        name + " must be " + expected(ex.getRequiredType()) + ", got '" + ex.getValue() + "'",
        path(request));
  }

  /** What a value of {@code type} is, in a client's words ("a UUID", "a number", ...). */
  private static String expected(Class<?> type) {
    if (type == null) {
      return "a value of another type";
    }
    if (type == UUID.class) {
      return "a UUID";
    }
    if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
      return "a number";
    }
    if (type.isEnum()) {
      return "one of " + Arrays.toString(type.getEnumConstants());
    }
    return "a " + type.getSimpleName();
  }

  @Override
  protected ResponseEntity<Object> handleMaxUploadSizeExceededException(
      MaxUploadSizeExceededException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return body(
        HttpStatus.CONTENT_TOO_LARGE,
        "the upload is larger than spring.servlet.multipart.max-file-size allows; split it",
        path(request));
  }

  /** Every body Spring MVC builds itself gets the shared titles, a bounded detail and the path. */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ProblemDetail problem =
        body instanceof ProblemDetail given
            ? given
            : ProblemDetail.forStatusAndDetail(status, ex.getMessage());
    Problems.normalise(problem, path(request));
    HttpHeaders out = new HttpHeaders();
    if (headers != null) {
      out.putAll(headers);
    }
    out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return new ResponseEntity<>(problem, out, status);
  }

  private static ResponseEntity<ProblemDetail> respond(
      HttpStatus status, String detail, HttpServletRequest request) {
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(Problems.of(status, detail, request.getRequestURI()));
  }

  private static ResponseEntity<Object> body(HttpStatus status, String detail, String path) {
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(Problems.of(status, detail, path));
  }

  private static String path(WebRequest request) {
    return request instanceof ServletWebRequest servlet
        ? servlet.getRequest().getRequestURI()
        : null;
  }

  private static Throwable next(Throwable cause) {
    return cause.getCause() == cause ? null : cause.getCause();
  }

  private static String firstLine(String message) {
    String text = message == null ? "" : message.strip();
    int end = text.indexOf('\n');
    text = end < 0 ? text : text.substring(0, end);
    return text.length() <= 200 ? text : text.substring(0, 197) + "...";
  }
}
