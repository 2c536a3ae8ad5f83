package org.ugda.reward.job;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.ugda.api.reward.JobState;

interface JobRepository extends JpaRepository<JobEntity, UUID> {
  Optional<JobEntity> findByIdempotencyKey(String key);

  List<JobEntity> findByStateIn(Collection<JobState> states);
}
