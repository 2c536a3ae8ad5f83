package org.ugda.reward.job;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.ugda.api.job.JobState;
import org.ugda.api.reward.JobKind;

/** A train or refine job (row of reward.jobs); request, detail and result are JSON text. */
@Entity
@Table(name = "jobs")
public class JobEntity {
  @Id private UUID id;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private JobKind kind;

  @Column(name = "ensemble_id", nullable = false)
  private UUID ensembleId;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private JobState state;

  @Column(nullable = false)
  private double progress;

  @Column(nullable = false)
  private String detail;

  @Column(nullable = false)
  private String request;

  private String result;

  private String error;

  @Column(name = "idempotency_key", unique = true)
  private String idempotencyKey;

  @Column(name = "cancel_requested", nullable = false)
  private boolean cancelRequested;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected JobEntity() {}

  JobEntity(
      UUID id, JobKind kind, UUID ensembleId, String request, String idempotencyKey, Instant now) {
    this.id = id;
    this.kind = kind;
    this.ensembleId = ensembleId;
    this.state = JobState.QUEUED;
    this.detail = "{}";
    this.request = request;
    this.idempotencyKey = idempotencyKey;
    this.createdAt = now;
    this.updatedAt = now;
  }

  public UUID id() {
    return id;
  }

  public JobKind kind() {
    return kind;
  }

  public UUID ensembleId() {
    return ensembleId;
  }

  public JobState state() {
    return state;
  }

  public double progress() {
    return progress;
  }

  public String detail() {
    return detail;
  }

  public String request() {
    return request;
  }

  public String result() {
    return result;
  }

  public String error() {
    return error;
  }

  public String idempotencyKey() {
    return idempotencyKey;
  }

  public boolean cancelRequested() {
    return cancelRequested;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  /**
   * The result of a job whose work is done, with the last detail it reported (null: none); the job
   * worker then ends it SUCCEEDED.
   */
  void succeeded(String resultJson, String lastDetailJson, Instant now) {
    this.result = resultJson;
    this.progress = 1.0;
    if (lastDetailJson != null) {
      this.detail = lastDetailJson;
    }
    this.updatedAt = now;
  }

  void progress(double p, String detailJson, Instant now) {
    this.progress = p;
    this.detail = detailJson;
    this.updatedAt = now;
  }

  void finish(JobState s, String resultJson, String errorText, Instant now) {
    this.state = s;
    this.result = resultJson;
    this.error = errorText;
    if (s == JobState.SUCCEEDED) {
      this.progress = 1.0;
    }
    this.updatedAt = now;
  }

  void requestCancel(Instant now) {
    this.cancelRequested = true;
    this.updatedAt = now;
  }

  /** Before a resume (the job worker puts it back in the queue): no progress, no error. */
  void resetForResume(Instant now) {
    this.error = null;
    this.progress = 0;
    this.updatedAt = now;
  }
}
