-- reward-service's train and refine jobs run through service-support's JobWorker (issue 15): the
-- columns its JobTable writes, and the lease. owner is the instance that queued or runs a job and
-- heartbeat_at when that instance last said it is alive (refreshed every ugda.jobs.heartbeat); a
-- queued or running job whose heartbeat is older than ugda.jobs.stale-after is marked INTERRUPTED by
-- any instance, and a live replica's jobs are never touched.
alter table jobs
    add column owner        text,
    add column heartbeat_at timestamptz not null default now(),
    add column started_at   timestamptz,
    add column finished_at  timestamptz;

-- JobTable moves a job's state in plain SQL: updated_at follows every change of state, as it does
-- for the changes the service writes through its entity
create function jobs_touch_updated_at() returns trigger language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end
$$;

create trigger jobs_state_changed before update on jobs
    for each row when (old.state is distinct from new.state)
    execute function jobs_touch_updated_at();
