package org.ugda.reward.ensemble;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.ugda.api.reward.CreateEnsemble;
import org.ugda.api.reward.Ensemble;
import org.ugda.api.reward.EnsembleMode;
import org.ugda.api.reward.EnsembleVersion;
import org.ugda.api.reward.ImportEnsemble;
import org.ugda.api.reward.LoraSpec;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.lora.LoraConfig;
import org.ugda.core.lora.PeftAdapters;
import org.ugda.core.model.Transformer;
import org.ugda.reward.config.RewardLimits;
import org.ugda.reward.config.RewardProperties;
import org.ugda.reward.runtime.LoadedBase;
import org.ugda.reward.runtime.ModelRegistry;
import org.ugda.reward.storage.StorageRoot;
import org.ugda.support.problem.ConflictException;
import org.ugda.support.problem.NotFoundException;

/**
 * Ensembles and their immutable versions: creation (version 1 = freshly initialised members),
 * import of existing PEFT adapters, and new versions written by jobs. Files are published to the
 * storage root before the row that points at them is committed; a failed insert removes them.
 */
@Service
public class EnsembleService {

  private final EnsembleRepository ensembles;
  private final VersionRepository versions;
  private final ModelRegistry registry;
  private final StorageRoot storage;
  private final TransactionTemplate tx;
  private final String defaultBaseModel;
  private final RewardLimits limits;

  EnsembleService(
      EnsembleRepository ensembles,
      VersionRepository versions,
      ModelRegistry registry,
      StorageRoot storage,
      TransactionTemplate tx,
      RewardProperties props,
      RewardLimits limits) {
    this.ensembles = ensembles;
    this.versions = versions;
    this.registry = registry;
    this.storage = storage;
    this.tx = tx;
    this.defaultBaseModel = props.defaultBaseModel();
    this.limits = limits;
  }

  /**
   * The base checkpoint a request names, or else the configured default ({@code
   * ugda.reward.default-base-model}), which must then hold a checkpoint: if it does not, the 400
   * says how to make one.
   */
  private String baseModel(String requested) {
    if (requested != null) {
      return requested;
    }
    if (!storage.holds(defaultBaseModel, "config.json")) {
      String root = storage.rootInCommands();
      String out =
          Path.of(defaultBaseModel).isAbsolute()
              ? "<ugda.reward.default-base-model>"
              : root + "/" + defaultBaseModel;
      throw new IllegalArgumentException(
          "baseModel is not given, and the default base model '"
              + StorageRoot.shown(defaultBaseModel)
              + "' (ugda.reward.default-base-model, relative to the storage root"
              + " ugda.reward.storage-root) holds no checkpoint yet. Make the benchmark world's SFT"
              + " model there: ./ugda world generate --out "
              + root
              + "/world, then ./ugda world train-sft --data "
              + root
              + "/world --out "
              + out
              + "; or give baseModel, a Hugging Face checkpoint directory (config.json,"
              + " safetensors, tokenizer.json) under the storage root or ugda.reward.model-roots");
    }
    return defaultBaseModel;
  }

  public Ensemble create(CreateEnsemble req) {
    String name = req.name();
    String baseModel = baseModel(req.baseModel());
    EnsembleMode mode = req.mode() == null ? EnsembleMode.LORA : req.mode();
    int k = req.members() == null ? 3 : req.members();
    LoraConfig cfg = loraConfig(req.lora());
    long seed = req.seed() == null ? 0 : req.seed();
    RewardLimits.atMost("members", k, limits.maxMembers(), "max-members");
    RewardLimits.atMost("lora.rank", cfg.rank(), limits.maxLoraRank(), "max-lora-rank");
    requireFreeName(name);
    LoadedBase base = registry.base(baseModel);
    UUID id = UUID.randomUUID();
    Path tmp = storage.newTempDir();
    try {
      Transformer m = base.model();
      if (mode == EnsembleMode.HEADS) {
        writeFresh(
            m,
            cfg.withHeadOutputs(k),
            seed,
            tmp.resolve(ModelRegistry.memberDir(0)),
            baseModel,
            id,
            0);
      } else {
        for (int i = 0; i < k; i++) {
          writeFresh(m, cfg, seed + i, tmp.resolve(ModelRegistry.memberDir(i)), baseModel, id, i);
        }
      }
    } catch (RuntimeException e) {
      StorageRoot.deleteQuietly(tmp);
      throw e;
    }
    return publishFirst(newEntity(id, name, baseModel, mode, k, cfg, seed), tmp, "initial");
  }

  public Ensemble importAdapters(ImportEnsemble req) {
    String name = req.name();
    String baseModel = baseModel(req.baseModel());
    RewardLimits.atMost(
        "the number of adapters (members)",
        req.adapters().size(),
        limits.maxMembers(),
        "max-members");
    requireFreeName(name);
    LoadedBase base = registry.base(baseModel);
    UUID id = UUID.randomUUID();
    Path tmp = storage.newTempDir();
    LoraConfig first = null;
    try {
      for (int i = 0; i < req.adapters().size(); i++) {
        Path dir = storage.resolveInput(req.adapters().get(i), "adapters[" + i + "]");
        requireRankWithinLimit(dir, "adapters[" + i + "]");
        PeftAdapters.Loaded l =
            storage.hidingPaths(() -> PeftAdapters.read(dir, base.model().config()));
        String given = req.adapters().get(i);
        if (l.config().headModule() == null) {
          throw new IllegalArgumentException(
              "adapters["
                  + i
                  + "] ('"
                  + StorageRoot.shown(given)
                  + "') has no reward head: "
                  + "a member needs modules_to_save [\"score\"] and its score weight");
        }
        if (first != null
            && (first.rank() != l.config().rank()
                || !first.targetModules().equals(l.config().targetModules()))) {
          throw new IllegalArgumentException(
              "adapters["
                  + i
                  + "] differs from adapters[0] in rank or target modules; "
                  + "members of one ensemble share them");
        }
        first = first == null ? l.config() : first;
        String tmpName = "import-" + id + "-" + i;
        LoraAdapter a =
            storage.hidingPaths(
                () -> base.model().addAdapter(tmpName, l.config(), l.tensors(), given));
        try {
          PeftAdapters.write(
              tmp.resolve(ModelRegistry.memberDir(i)),
              a,
              baseModel,
              Map.of(
                  "ugda.ensemble",
                  id.toString(),
                  "ugda.member",
                  Integer.toString(i),
                  "ugda.source",
                  given));
        } finally {
          base.model().removeAdapter(tmpName);
        }
      }
    } catch (RuntimeException e) {
      StorageRoot.deleteQuietly(tmp);
      throw e;
    }
    return publishFirst(
        newEntity(id, name, baseModel, EnsembleMode.LORA, req.adapters().size(), first, 0),
        tmp,
        "import");
  }

  /**
   * An adapter's rank ({@code r} in its {@code adapter_config.json}) within {@code max-lora-rank},
   * read before its tensors are: the tensors' size grows with it. A config without a readable
   * {@code r} is left to the adapter reader, whose message names what is wrong.
   */
  private void requireRankWithinLimit(Path dir, String where) {
    Path config = dir.resolve("adapter_config.json");
    if (!Files.isRegularFile(config)) {
      return;
    }
    long rank;
    try {
      JsonElement r = JsonParser.parseString(Files.readString(config)).getAsJsonObject().get("r");
      if (r == null || !r.isJsonPrimitive() || !r.getAsJsonPrimitive().isNumber()) {
        return;
      }
      rank = r.getAsLong();
    } catch (IOException | RuntimeException e) {
      return;
    }
    RewardLimits.atMost(where + "'s rank r", rank, limits.maxLoraRank(), "max-lora-rank");
  }

  /** A new ensemble's row, created now, its members' LoRA settings those of {@code lora}. */
  private static EnsembleEntity newEntity(
      UUID id,
      String name,
      String baseModel,
      EnsembleMode mode,
      int members,
      LoraConfig lora,
      long seed) {
    return new EnsembleEntity(
        id,
        name,
        baseModel,
        mode,
        members,
        lora.rank(),
        lora.alpha(),
        lora.targetModules(),
        seed,
        Instant.now());
  }

  private Ensemble publishFirst(EnsembleEntity e, Path tmp, String kind) {
    Path target = storage.versionDir(e.id(), 1);
    storage.publish(tmp, target);
    try {
      tx.executeWithoutResult(
          s -> {
            ensembles.save(e);
            versions.save(
                new VersionEntity(
                    UUID.randomUUID(),
                    e.id(),
                    1,
                    null,
                    kind,
                    storage.root().relativize(target).toString(),
                    null,
                    "{}",
                    Instant.now()));
          });
    } catch (RuntimeException ex) {
      StorageRoot.deleteQuietly(target);
      if (ensembles.findByName(e.name()).isPresent()) {
        throw new ConflictException("an ensemble named '" + e.name() + "' already exists");
      }
      throw ex;
    }
    return view(e);
  }

  private static void writeFresh(
      Transformer m, LoraConfig cfg, long seed, Path dir, String base, UUID id, int member) {
    String name = "init-" + id + "-" + member;
    LoraAdapter a = m.addAdapter(name, cfg, seed);
    try {
      PeftAdapters.write(
          dir,
          a,
          base,
          Map.of(
              "ugda.ensemble",
              id.toString(),
              "ugda.member",
              Integer.toString(member),
              "ugda.seed",
              Long.toString(seed)));
    } finally {
      m.removeAdapter(name);
    }
  }

  /**
   * Writes a new version from member adapters loaded on the base (a job's result) and records it;
   * returns its number. The version number is the next free one at commit time.
   */
  public synchronized int publishVersion(
      EnsembleEntity e,
      Integer parent,
      String kind,
      UUID jobId,
      List<String> adapterNames,
      Map<String, Object> metrics) {
    LoadedBase base = registry.base(e.baseModel());
    Path tmp = storage.newTempDir();
    try {
      for (int i = 0; i < adapterNames.size(); i++) {
        PeftAdapters.write(
            tmp.resolve(ModelRegistry.memberDir(i)),
            base.model().adapter(adapterNames.get(i)),
            e.baseModel(),
            Map.of(
                "ugda.ensemble",
                e.id().toString(),
                "ugda.member",
                Integer.toString(i),
                "ugda.job",
                String.valueOf(jobId)));
      }
    } catch (RuntimeException ex) {
      StorageRoot.deleteQuietly(tmp);
      throw ex;
    }
    int number =
        versions.findFirstByEnsembleIdOrderByNumberDesc(e.id()).map(VersionEntity::number).orElse(0)
            + 1;
    Path target = storage.versionDir(e.id(), number);
    storage.publish(tmp, target);
    VersionEntity v =
        new VersionEntity(
            UUID.randomUUID(),
            e.id(),
            number,
            parent,
            kind,
            storage.root().relativize(target).toString(),
            jobId,
            JsonColumns.write(metrics),
            Instant.now());
    try {
      versions.save(v);
    } catch (RuntimeException ex) {
      StorageRoot.deleteQuietly(target);
      throw ex;
    }
    latestCache.put(e.id(), new Latest(v, System.nanoTime()));
    return number;
  }

  static LoraConfig loraConfig(LoraSpec spec) {
    LoraConfig d = LoraConfig.paperDefault("score");
    if (spec == null) {
      return d;
    }
    try {
      return new LoraConfig(
          spec.rank() == null ? d.rank() : spec.rank(),
          spec.alpha() == null ? d.alpha() : spec.alpha(),
          spec.targets() == null ? d.targetModules() : spec.targets(),
          0.0,
          false,
          "score");
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException("lora: " + ex.getMessage());
    }
  }

  private void requireFreeName(String name) {
    if (ensembles.findByName(name).isPresent()) {
      throw new ConflictException(
          "an ensemble named '" + name + "' already exists; choose another name");
    }
  }

  /**
   * An ensemble's row. Ensembles never change once created, and versions never change once
   * published, so the scoring path reads them from memory after the first lookup; only "the latest
   * version" is re-checked, after a short while, because a job may publish a new one (this
   * instance's publications update it at once).
   */
  public EnsembleEntity entity(UUID id) {
    EnsembleEntity e = entityCache.get(id);
    if (e == null) {
      e = ensembles.findById(id).orElseThrow(() -> new NotFoundException("no ensemble " + id));
      entityCache.put(id, e);
    }
    return e;
  }

  /** A version by number, or the latest when {@code number} is null. */
  public VersionEntity version(UUID ensembleId, Integer number) {
    entity(ensembleId);
    if (number == null) {
      Latest l = latestCache.get(ensembleId);
      if (l != null && System.nanoTime() - l.readAt() < LATEST_TTL_NANOS) {
        return l.version();
      }
      VersionEntity v =
          versions
              .findFirstByEnsembleIdOrderByNumberDesc(ensembleId)
              .orElseThrow(
                  () -> new NotFoundException("ensemble " + ensembleId + " has no version"));
      latestCache.put(ensembleId, new Latest(v, System.nanoTime()));
      return v;
    }
    VersionKey key = new VersionKey(ensembleId, number);
    VersionEntity v = versionCache.get(key);
    if (v == null) {
      v =
          versions
              .findByEnsembleIdAndNumber(ensembleId, number)
              .orElseThrow(
                  () ->
                      new NotFoundException(
                          "ensemble " + ensembleId + " has no version " + number));
      versionCache.put(key, v);
    }
    return v;
  }

  private record VersionKey(UUID ensembleId, int number) {}

  private record Latest(VersionEntity version, long readAt) {}

  /** How long "the latest version" is taken from memory before the database is asked again. */
  static final long LATEST_TTL_NANOS = 1_000_000_000L;

  private final Map<UUID, EnsembleEntity> entityCache = new ConcurrentHashMap<>();
  private final Map<VersionKey, VersionEntity> versionCache = new ConcurrentHashMap<>();
  private final Map<UUID, Latest> latestCache = new ConcurrentHashMap<>();

  public VersionEntity versionOfJob(UUID jobId) {
    return versions.findByJobId(jobId).orElse(null);
  }

  public List<Ensemble> list() {
    List<Ensemble> out = new ArrayList<>();
    for (EnsembleEntity e : ensembles.findAll()) {
      out.add(view(e));
    }
    out.sort((a, b) -> a.createdAt().compareTo(b.createdAt()));
    return out;
  }

  public Ensemble view(EnsembleEntity e) {
    int latest =
        versions
            .findFirstByEnsembleIdOrderByNumberDesc(e.id())
            .map(VersionEntity::number)
            .orElse(0);
    return new Ensemble(
        e.id(), e.name(), e.baseModel(), e.mode(), e.members(), latest, e.createdAt());
  }

  public List<EnsembleVersion> versions(UUID ensembleId) {
    entity(ensembleId);
    return versions.findByEnsembleIdOrderByNumber(ensembleId).stream()
        .map(EnsembleService::view)
        .toList();
  }

  public static EnsembleVersion view(VersionEntity v) {
    return new EnsembleVersion(
        v.ensembleId(),
        v.number(),
        v.parent(),
        v.kind(),
        v.jobId(),
        v.createdAt(),
        JsonColumns.map(v.metrics()));
  }

  public Path versionPath(VersionEntity v) {
    Path p = storage.root().resolve(v.storagePath());
    if (!Files.isDirectory(p)) {
      throw new ConflictException(
          "version "
              + v.number()
              + " has no files at "
              + v.storagePath()
              + " under the storage root; restore them from a backup");
    }
    return p;
  }
}
