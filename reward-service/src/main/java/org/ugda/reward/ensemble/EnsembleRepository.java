package org.ugda.reward.ensemble;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface EnsembleRepository extends JpaRepository<EnsembleEntity, UUID> {
  Optional<EnsembleEntity> findByName(String name);
}
