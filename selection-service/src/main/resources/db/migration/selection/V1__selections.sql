-- The selection service's schema (issue 12). Every name is qualified with selection. so that the
-- services can share one database.

create table selection.job (
    id                  uuid        primary key,
    state               text        not null check (state in
                          ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED')),
    run_id              uuid        not null,
    strategy            text        not null,
    -- the request with its defaults filled, validation examples included
    request             jsonb       not null,
    -- eta-bar_i per checkpoint epoch, resolved at submission: {"1": 1e-3, "2": 5e-4}
    weights             jsonb       not null,
    progress            jsonb,
    log_size            int,
    train_size          int,
    kept_size           int,
    effective_eta       double precision,
    error               text,
    cancel_requested    boolean     not null default false,
    idempotency_key     text        unique,
    request_fingerprint text        not null,
    created_at          timestamptz not null,
    started_at          timestamptz,
    finished_at         timestamptz
);
create index job_by_created on selection.job (created_at desc, id);

-- One row per logged sample of the run, written as the log is read and completed when the job ends;
-- a resumed job deletes its rows and starts again, so a sample is never there twice.
create table selection.sample (
    job_id              uuid             not null references selection.job (id) on delete cascade,
    rollout_id          bigint           not null,
    step                int              not null,
    idx                 int              not null,
    subtask             text,
    prompt              text             not null,
    response            text             not null,
    reward_mean         double precision not null,
    reward_variance     double precision not null,
    gold_reward         double precision,
    variance_rank       int,
    variance_fraction   double precision,
    passed_uncertainty  boolean,
    -- per subtask, sum over checkpoints of eta-bar_i * cosine: {"helpful": 0.12, ...}
    influence           jsonb,
    -- per checkpoint epoch and subtask, the cosine: {"1": {"helpful": 0.3, ...}, ...}
    cosines             jsonb,
    aggregate           double precision,
    influence_rank      int,
    kept                boolean,
    primary key (job_id, rollout_id)
);
create index sample_kept on selection.sample (job_id, rollout_id) where kept;
