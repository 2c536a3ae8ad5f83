package org.ugda.reward.runtime;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.ugda.core.format.HfTokenizer;
import org.ugda.core.format.ModelConfig;
import org.ugda.core.lora.PeftAdapters;
import org.ugda.core.model.DjlRuntime;
import org.ugda.core.model.Transformer;
import org.ugda.reward.config.RewardProperties;
import org.ugda.reward.ensemble.EnsembleEntity;
import org.ugda.reward.ensemble.VersionEntity;
import org.ugda.reward.storage.StorageRoot;
import org.ugda.support.device.DeviceProperties;
import org.ugda.support.problem.ConflictException;

/**
 * Base checkpoints and ensemble versions in memory. A base is loaded once and shared by every
 * ensemble on it (never copied per member); versions are loaded on first use and the least recently
 * used are unloaded beyond {@code ugda.reward.loaded-versions}.
 */
@Component
public class ModelRegistry implements DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

  private final StorageRoot storage;
  private final int capacity;
  private final int maxRowsPerPass;
  private final Device device;
  private final Map<Path, LoadedBase> bases = new HashMap<>();
  private final Map<String, LoadedBase> byName = new ConcurrentHashMap<>();
  private final LinkedHashMap<UUID, LoadedVersion> versions = new LinkedHashMap<>(16, 0.75f, true);

  public ModelRegistry(StorageRoot storage, RewardProperties props, DeviceProperties device) {
    this.storage = storage;
    this.capacity = props.loadedVersions();
    this.maxRowsPerPass = props.batching().maxRowsPerPass();
    this.device = DjlRuntime.device(device.device());
    log.info("reward models run on {}", this.device);
  }

  public Device device() {
    return device;
  }

  /**
   * The base checkpoint of an ensemble, loaded once. Ensembles name their base as stored, so the
   * scoring path finds it by that name without touching the file system again.
   */
  public LoadedBase base(String baseModel) {
    LoadedBase known = byName.get(baseModel);
    return known != null ? known : load(baseModel);
  }

  private synchronized LoadedBase load(String baseModel) {
    Path dir = storage.resolveInput(baseModel, "baseModel", makeOne());
    LoadedBase b = bases.get(dir);
    if (b == null) {
      if (!Files.isRegularFile(dir.resolve("config.json"))) {
        throw new IllegalArgumentException(
            "baseModel '"
                + StorageRoot.shown(baseModel)
                + "' is not a Hugging Face checkpoint directory "
                + "(config.json, *.safetensors, tokenizer.json). "
                + makeOne());
      }
      Transformer t = storage.hidingPaths(() -> Transformer.load(dir, device));
      HfTokenizer tok = null;
      try {
        if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
          tok = storage.hidingPaths(() -> HfTokenizer.load(dir));
        }
      } catch (RuntimeException e) {
        t.close();
        throw e;
      }
      ModelConfig c = t.config();
      b =
          new LoadedBase(
              dir, storage.shownPath(dir), t, tok, tok == null ? null : new RewardCodec(tok, c));
      bases.put(dir, b);
      log.info(
          "loaded base {} ({}, {} layers, hidden {})",
          dir,
          c.architecture(),
          c.numLayers(),
          c.hiddenSize());
    }
    byName.put(baseModel, b);
    return b;
  }

  /** How to make a base checkpoint under the storage root, for messages that refuse one. */
  private String makeOne() {
    String root = storage.rootInCommands();
    return "The benchmark world's SFT model is made under the storage root with ./ugda world"
        + " generate --out "
        + root
        + "/world, then ./ugda world train-sft --data "
        + root
        + "/world --out "
        + root
        + "/models/world-sft; then give baseModel models/world-sft, or leave it out while that is"
        + " ugda.reward.default-base-model (the default).";
  }

  /** A lease on a version: close it when the forward passes using it are done. */
  public final class Lease implements AutoCloseable {
    private final LoadedVersion version;

    Lease(LoadedVersion v) {
      this.version = v;
    }

    public LoadedVersion version() {
      return version;
    }

    @Override
    public void close() {
      version.release();
    }
  }

  public Lease lease(EnsembleEntity e, VersionEntity v) {
    while (true) {
      LoadedVersion lv = loaded(e, v);
      if (lv.acquire()) {
        return new Lease(lv);
      }
    }
  }

  private synchronized LoadedVersion loaded(EnsembleEntity e, VersionEntity v) {
    LoadedVersion lv = versions.get(v.id());
    if (lv != null) {
      return lv;
    }
    LoadedBase b = base(e.baseModel());
    Path dir = storage.root().resolve(v.storagePath());
    List<String> problems = storage.verify(dir);
    if (!problems.isEmpty()) {
      throw new ConflictException(
          "version "
              + v.number()
              + " of ensemble '"
              + e.name()
              + "' is damaged on disk: "
              + problems
              + "; restore it from a backup or score another version");
    }
    int adapters = e.headsMode() ? 1 : e.members();
    List<String> names = new ArrayList<>();
    try {
      for (int i = 0; i < adapters; i++) {
        String name = "v" + v.id() + "-m" + i;
        Path member = dir.resolve(memberDir(i));
        PeftAdapters.Loaded l =
            storage.hidingPaths(() -> PeftAdapters.read(member, b.model().config()));
        storage.hidingPaths(
            () -> b.model().addAdapter(name, l.config(), l.tensors(), storage.shownPath(member)));
        names.add(name);
      }
      lv = new LoadedVersion(v.id(), b, names, e.headsMode(), e.members(), maxRowsPerPass);
    } catch (RuntimeException ex) {
      names.forEach(b.model()::removeAdapter);
      throw ex;
    }
    versions.put(v.id(), lv);
    evictBeyondCapacity();
    return lv;
  }

  private void evictBeyondCapacity() {
    Iterator<Map.Entry<UUID, LoadedVersion>> it = versions.entrySet().iterator();
    while (versions.size() > capacity && it.hasNext()) {
      LoadedVersion old = it.next().getValue();
      it.remove();
      old.evict();
    }
  }

  public static String memberDir(int i) {
    return "member-" + i;
  }

  @Override
  public synchronized void destroy() {
    versions.values().forEach(LoadedVersion::evict);
    versions.clear();
    for (LoadedBase b : bases.values()) {
      if (b.tokenizer() != null) {
        b.tokenizer().close();
      }
      b.model().close();
    }
    bases.clear();
    byName.clear();
  }
}
