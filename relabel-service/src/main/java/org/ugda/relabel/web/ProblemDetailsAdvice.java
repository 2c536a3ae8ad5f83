package org.ugda.relabel.web;

import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.ugda.relabel.RelabelProblem;
import tools.jackson.databind.DatabindException;

/**
 * Every error of the relabel service as RFC 9457 {@code application/problem+json}: 400 for invalid
 * input (with the sentence that says what to fix, e.g. a score outside 1..5), 404 for an unknown
 * job, task or label, 409 for a conflict with stored state, 413 for a batch or text over the
 * limits, 500 with no internals for anything unexpected. Spring MVC's own exceptions (malformed
 * JSON, wrong media type, bad path variable) come through the base class.
 */
@RestControllerAdvice(basePackages = "org.ugda.relabel")
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

  @ExceptionHandler(RelabelProblem.class)
  ResponseEntity<ProblemDetail> relabelProblem(RelabelProblem problem) {
    ProblemDetail detail = ProblemDetail.forStatusAndDetail(problem.status(), problem.getMessage());
    detail.setTitle(problem.title());
    return ResponseEntity.status(problem.status()).body(detail);
  }

  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<ProblemDetail> invalidInput(IllegalArgumentException e) {
    return badRequest(e.getMessage());
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    log.error("unexpected error", e);
    ProblemDetail detail =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.INTERNAL_SERVER_ERROR, "internal error; the service log has the details");
    return ResponseEntity.internalServerError().body(detail);
  }

  /**
   * Malformed JSON, or JSON that a contract record refused in its constructor: the record's
   * sentence (e.g. "score must be an integer from 1 ... to 5 ...; got 7") becomes the detail.
   */
  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    for (Throwable cause = ex.getCause();
        cause != null && cause != cause.getCause();
        cause = cause.getCause()) {
      if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
        return new ResponseEntity<>(
            badRequest(cause.getMessage()).getBody(), HttpStatus.BAD_REQUEST);
      }
    }
    String where = "";
    for (Throwable cause = ex.getCause();
        cause != null && cause != cause.getCause();
        cause = cause.getCause()) {
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
                + firstSentence(databind.getOriginalMessage())
                + ")";
        break;
      }
    }
    ProblemDetail detail =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.BAD_REQUEST,
            "the request body is not valid JSON for this endpoint"
                + where
                + "; see /v3/api-docs for its schema");
    detail.setTitle("Malformed request body");
    return new ResponseEntity<>(detail, HttpStatus.BAD_REQUEST);
  }

  private static String firstSentence(String message) {
    String text = message == null ? "" : message.strip();
    int end = text.indexOf('\n');
    text = end < 0 ? text : text.substring(0, end);
    return text.length() <= 200 ? text : text.substring(0, 197) + "...";
  }

  private static ResponseEntity<ProblemDetail> badRequest(String message) {
    ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, message);
    detail.setTitle("Invalid request");
    return ResponseEntity.badRequest().body(detail);
  }
}
