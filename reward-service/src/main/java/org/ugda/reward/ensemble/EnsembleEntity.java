package org.ugda.reward.ensemble;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.ugda.api.reward.EnsembleMode;

/** An ensemble's metadata: its base, mode, size and LoRA settings (row of reward.ensembles). */
@Entity
@Table(name = "ensembles")
public class EnsembleEntity {
  @Id private UUID id;

  @Column(nullable = false, unique = true)
  private String name;

  @Column(name = "base_model", nullable = false)
  private String baseModel;

  /** The mode's wire name ({@code lora}, {@code heads}), as the table's check constraint has it. */
  @Column(nullable = false)
  private String mode;

  @Column(nullable = false)
  private int members;

  @Column(name = "lora_rank", nullable = false)
  private int loraRank;

  @Column(name = "lora_alpha", nullable = false)
  private double loraAlpha;

  @Column(name = "lora_targets", nullable = false)
  private String loraTargets;

  @Column(nullable = false)
  private long seed;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  protected EnsembleEntity() {}

  public EnsembleEntity(
      UUID id,
      String name,
      String baseModel,
      EnsembleMode mode,
      int members,
      int loraRank,
      double loraAlpha,
      List<String> loraTargets,
      long seed,
      Instant createdAt) {
    this.id = id;
    this.name = name;
    this.baseModel = baseModel;
    this.mode = mode.wireName();
    this.members = members;
    this.loraRank = loraRank;
    this.loraAlpha = loraAlpha;
    this.loraTargets = String.join(",", loraTargets);
    this.seed = seed;
    this.createdAt = createdAt;
  }

  public UUID id() {
    return id;
  }

  public String name() {
    return name;
  }

  public String baseModel() {
    return baseModel;
  }

  public EnsembleMode mode() {
    return EnsembleMode.parse(mode);
  }

  public boolean headsMode() {
    return mode() == EnsembleMode.HEADS;
  }

  public int members() {
    return members;
  }

  public int loraRank() {
    return loraRank;
  }

  public double loraAlpha() {
    return loraAlpha;
  }

  public List<String> loraTargets() {
    return Arrays.asList(loraTargets.split(","));
  }

  public long seed() {
    return seed;
  }

  public Instant createdAt() {
    return createdAt;
  }
}
