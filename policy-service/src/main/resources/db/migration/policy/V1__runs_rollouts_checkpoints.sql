-- policy-service's own schema (DESIGN.md section 2): PPO runs, their rollout log, their checkpoints.

-- One PPO run (the job resource): its settings as given with defaults filled, its state and the
-- last finished step it can resume after.
create table run (
    id                  uuid primary key,
    state               varchar(32)  not null,
    settings            jsonb        not null,
    shaping             varchar(16)  not null,
    ensemble_id         uuid,
    ensemble_version    integer,
    total_steps         integer      not null,
    finished_steps      integer      not null default 0,
    progress            jsonb,
    error               text,
    cancel_requested    boolean      not null default false,
    idempotency_key     varchar(200) unique,
    request_fingerprint varchar(64),
    created_at          timestamptz  not null default now(),
    started_at          timestamptz,
    finished_at         timestamptz
);

-- Every sample a run generated, with every member's reward (never logged without them).
-- (run_id, step, idx) is the sample's identity: a retried batch inserts nothing twice.
create table rollout (
    id                 bigint generated always as identity primary key,
    run_id             uuid             not null references run (id) on delete cascade,
    epoch              integer          not null,
    step               integer          not null,
    idx                integer          not null,
    subtask            varchar(64),
    prompt             text             not null,
    response           text             not null,
    prompt_tokens      bigint[]         not null,
    response_tokens    bigint[]         not null,
    prompt_length      integer          not null,
    response_length    integer          not null,
    ended_with_eos     boolean          not null,
    member_rewards     double precision[] not null,
    reward_mean        double precision not null,
    reward_variance    double precision not null,
    kl                 double precision not null,
    shaped_reward      double precision not null,
    gold_reward        double precision,
    policy_version     integer          not null,
    ensemble_id        uuid,
    ensemble_version   integer,
    created_at         timestamptz      not null default now(),
    constraint rollout_sample unique (run_id, step, idx),
    constraint rollout_rewards check (cardinality(member_rewards) > 0)
);
create index rollout_by_run on rollout (run_id, id);
create index rollout_by_run_step on rollout (run_id, step, id);

-- Per PPO step the metrics the job resource and the dashboard show (step, proxy mean, KL, losses).
create table run_step (
    run_id     uuid        not null references run (id) on delete cascade,
    step       integer     not null,
    epoch      integer     not null,
    metrics    jsonb       not null,
    created_at timestamptz not null default now(),
    primary key (run_id, step)
);

-- One checkpoint per epoch: adapter + value head (PEFT layout) and the Adam state, under the
-- storage root at `path` (relative), written atomically before this row is inserted.
create table checkpoint (
    run_id             uuid             not null references run (id) on delete cascade,
    epoch              integer          not null,
    adam_step          bigint           not null,
    mean_learning_rate double precision not null,
    path               text             not null,
    created_at         timestamptz      not null default now(),
    primary key (run_id, epoch)
);
