-- The gateway's pipeline runs (issue 13): Algorithm 1 as a job with one row per step. Every name is
-- qualified with gateway. so that the services can share one database.

create table gateway.run (
    id                  uuid        primary key,
    state               text        not null check (state in
                          ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED')),
    name                text        not null,
    method              text        not null,
    -- the request with every default resolved (PipelineRequest)
    request             jsonb       not null,
    -- the final evaluation (gold reward per policy and subtask, reward-model accuracy)
    results             jsonb,
    error               text,
    cancel_requested    boolean     not null default false,
    idempotency_key     text        unique,
    request_fingerprint text        not null,
    created_at          timestamptz not null,
    started_at          timestamptz,
    finished_at         timestamptz
);
create index run_by_created on gateway.run (created_at desc, id);

-- One row per step of a run, written at submission. outputs holds the ids of what the step created
-- in the services (written as soon as each exists, so a step redone after a restart re-attaches to
-- them instead of creating them again) and its figures once it has finished. fingerprint is what
-- the step's result depends on: a later run's step with the same fingerprint reuses a finished one.
create table gateway.run_step (
    run_id       uuid        not null references gateway.run (id) on delete cascade,
    ordinal      int         not null,
    name         text        not null,
    state        text        not null check (state in
                   ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    fingerprint  text        not null,
    outputs      jsonb       not null default '{}'::jsonb,
    progress     jsonb,
    reused_from  uuid,
    error        text,
    started_at   timestamptz,
    finished_at  timestamptz,
    primary key (run_id, ordinal),
    unique (run_id, name)
);
create index run_step_by_fingerprint on gateway.run_step (fingerprint) where state = 'SUCCEEDED';
