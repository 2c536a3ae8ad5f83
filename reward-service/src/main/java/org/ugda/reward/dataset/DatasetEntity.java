package org.ugda.reward.dataset;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * An uploaded preference dataset (row of reward.datasets); the file lives under the storage root.
 */
@Entity
@Table(name = "datasets")
public class DatasetEntity {
  @Id private UUID id;

  @Column(nullable = false)
  private String name;

  @Column(nullable = false)
  private String format;

  @Column(nullable = false)
  private int pairs;

  @Column(nullable = false)
  private String sha256;

  @Column(nullable = false)
  private String path;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  protected DatasetEntity() {}

  DatasetEntity(
      UUID id,
      String name,
      String format,
      int pairs,
      String sha256,
      String path,
      Instant createdAt) {
    this.id = id;
    this.name = name;
    this.format = format;
    this.pairs = pairs;
    this.sha256 = sha256;
    this.path = path;
    this.createdAt = createdAt;
  }

  public UUID id() {
    return id;
  }

  public String name() {
    return name;
  }

  public String format() {
    return format;
  }

  public int pairs() {
    return pairs;
  }

  public String sha256() {
    return sha256;
  }

  public String path() {
    return path;
  }

  public Instant createdAt() {
    return createdAt;
  }
}
