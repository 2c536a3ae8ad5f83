-- The lease of a run (issue 15): the instance that queued or runs it and when that instance last
-- said it is alive (service-support's JobWorker refreshes it every ugda.jobs.heartbeat). A queued
-- or running run whose heartbeat is older than ugda.jobs.stale-after is marked INTERRUPTED by any
-- instance; a live replica's runs are never touched.
alter table run
    add column owner        text,
    add column heartbeat_at timestamptz not null default now();
