-- The reward service's own schema: ensemble and version metadata, jobs, uploaded datasets.
-- Weights live under the storage root; these rows point at them.
create table ensembles (
    id           uuid primary key,
    name         text not null unique,
    base_model   text not null,
    mode         text not null check (mode in ('lora', 'heads')),
    members      int  not null check (members >= 1),
    lora_rank    int  not null,
    lora_alpha   double precision not null,
    lora_targets text not null,
    seed         bigint not null,
    created_at   timestamptz not null
);

create table ensemble_versions (
    id           uuid primary key,
    ensemble_id  uuid not null references ensembles (id),
    number       int  not null,
    parent       int,
    kind         text not null check (kind in ('initial', 'import', 'train', 'refine')),
    storage_path text not null,
    job_id       uuid,
    metrics      text not null default '{}',
    created_at   timestamptz not null,
    unique (ensemble_id, number)
);

create table jobs (
    id              uuid primary key,
    kind            text not null check (kind in ('train', 'refine')),
    ensemble_id     uuid not null references ensembles (id),
    state           text not null,
    progress        double precision not null default 0,
    detail          text not null default '{}',
    request         text not null,
    result          text,
    error           text,
    idempotency_key text unique,
    cancel_requested boolean not null default false,
    created_at      timestamptz not null,
    updated_at      timestamptz not null
);

create index jobs_by_state on jobs (state);

create table datasets (
    id         uuid primary key,
    name       text not null,
    format     text not null,
    pairs      int  not null,
    sha256     text not null,
    path       text not null,
    created_at timestamptz not null
);
