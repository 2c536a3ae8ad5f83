package org.ugda.reward.ensemble;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An immutable version of an ensemble's members (row of reward.ensemble_versions). */
@Entity
@Table(name = "ensemble_versions")
public class VersionEntity {
  @Id private UUID id;

  @Column(name = "ensemble_id", nullable = false)
  private UUID ensembleId;

  @Column(nullable = false)
  private int number;

  private Integer parent;

  @Column(nullable = false)
  private String kind;

  @Column(name = "storage_path", nullable = false)
  private String storagePath;

  @Column(name = "job_id")
  private UUID jobId;

  @Column(nullable = false)
  private String metrics;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  protected VersionEntity() {}

  public VersionEntity(
      UUID id,
      UUID ensembleId,
      int number,
      Integer parent,
      String kind,
      String storagePath,
      UUID jobId,
      String metrics,
      Instant createdAt) {
    this.id = id;
    this.ensembleId = ensembleId;
    this.number = number;
    this.parent = parent;
    this.kind = kind;
    this.storagePath = storagePath;
    this.jobId = jobId;
    this.metrics = metrics;
    this.createdAt = createdAt;
  }

  public UUID id() {
    return id;
  }

  public UUID ensembleId() {
    return ensembleId;
  }

  public int number() {
    return number;
  }

  public Integer parent() {
    return parent;
  }

  public String kind() {
    return kind;
  }

  public String storagePath() {
    return storagePath;
  }

  public UUID jobId() {
    return jobId;
  }

  public String metrics() {
    return metrics;
  }

  public Instant createdAt() {
    return createdAt;
  }
}
