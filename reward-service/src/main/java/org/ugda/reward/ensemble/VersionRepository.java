package org.ugda.reward.ensemble;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface VersionRepository extends JpaRepository<VersionEntity, UUID> {
  List<VersionEntity> findByEnsembleIdOrderByNumber(UUID ensembleId);

  Optional<VersionEntity> findByEnsembleIdAndNumber(UUID ensembleId, int number);

  Optional<VersionEntity> findFirstByEnsembleIdOrderByNumberDesc(UUID ensembleId);

  Optional<VersionEntity> findByJobId(UUID jobId);
}
