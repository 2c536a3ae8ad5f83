-- The lease of a selection job (issue 15): the instance that queued or runs it and when that
-- instance last said it is alive (service-support's JobWorker refreshes it every
-- ugda.jobs.heartbeat). A queued or running job whose heartbeat is older than ugda.jobs.stale-after
-- is marked INTERRUPTED by any instance; a live replica's jobs are never touched.
alter table selection.job
    add column owner        text,
    add column heartbeat_at timestamptz not null default now();
