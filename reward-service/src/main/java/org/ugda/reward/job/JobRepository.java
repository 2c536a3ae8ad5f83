package org.ugda.reward.job;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface JobRepository extends JpaRepository<JobEntity, UUID> {
  Optional<JobEntity> findByIdempotencyKey(String key);

  /** The job's row, locked until the transaction ends (SELECT ... FOR UPDATE). */
  @Lock(LockModeType.PESSIMISTIC_WRITE)
  @Query("select j from JobEntity j where j.id = :id")
  Optional<JobEntity> lockById(@Param("id") UUID id);
}
