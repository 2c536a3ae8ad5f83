package org.ugda.relabel;

import org.springframework.http.HttpStatus;

/**
 * A request the service refuses, with the HTTP status and a sentence that says what to fix; the web
 * layer turns it into RFC 9457 problem+json.
 */
public final class RelabelProblem extends RuntimeException {

  private final HttpStatus status;
  private final String title;

  private RelabelProblem(HttpStatus status, String title, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
  }

  /** 404: an unknown job, task or label. */
  public static RelabelProblem notFound(String what, Object id) {
    return new RelabelProblem(
        HttpStatus.NOT_FOUND, what + " not found", "no " + what + " with id " + id);
  }

  /** 409: the request conflicts with what is stored. */
  public static RelabelProblem conflict(String title, String detail) {
    return new RelabelProblem(HttpStatus.CONFLICT, title, detail);
  }

  /** 413: a batch or a text over the configured limits. */
  public static RelabelProblem tooLarge(String detail) {
    return new RelabelProblem(HttpStatus.CONTENT_TOO_LARGE, "Request too large", detail);
  }

  public HttpStatus status() {
    return status;
  }

  public String title() {
    return title;
  }
}
