-- The relabel service's schema (issue 5). Every name is qualified with relabel. so that the services
-- can share one database. Labels are immutable: a correction is a new row that supersedes the old one.

CREATE TABLE relabel.job (
    id              uuid PRIMARY KEY,
    -- the client's Idempotency-Key; a retried POST with the same key finds this row
    idempotency_key text UNIQUE,
    -- SHA-256 of the request body's meaning (expert, items): the same key with another body is a conflict
    request_hash    text NOT NULL,
    expert          text NOT NULL CHECK (expert IN ('openai', 'human', 'simulated', 'openai+human')),
    state           text NOT NULL CHECK (state IN ('RUNNING', 'AWAITING_HUMANS', 'COMPLETED', 'FAILED', 'INTERRUPTED')),
    rubric_version  text NOT NULL,
    model           text,
    message         text,
    -- the instance running it and its last sign of life; a stale heartbeat means "interrupted"
    runner          text,
    heartbeat_at    timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_live ON relabel.job (heartbeat_at) WHERE state = 'RUNNING';

CREATE TABLE relabel.item (
    id           uuid PRIMARY KEY,
    job_id       uuid NOT NULL REFERENCES relabel.job (id),
    ordinal      int  NOT NULL,
    external_id  text,
    prompt       text NOT NULL,
    response     text NOT NULL,
    -- SHA-256 of (prompt, response): the same sample across jobs, for agreement statistics
    content_hash text NOT NULL,
    state        text NOT NULL CHECK (state IN ('PENDING', 'LABELLED', 'AWAITING_HUMAN', 'FAILED')),
    UNIQUE (job_id, ordinal)
);
CREATE INDEX item_job_state ON relabel.item (job_id, state);
CREATE INDEX item_content ON relabel.item (content_hash);

CREATE TABLE relabel.job_error (
    id      bigserial PRIMARY KEY,
    job_id  uuid NOT NULL REFERENCES relabel.job (id),
    item_id uuid REFERENCES relabel.item (id),
    message text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_error_job ON relabel.job_error (job_id, id DESC);

-- The human queue. A CLAIMED task whose lease has passed is open again (claimable by anyone).
CREATE TABLE relabel.task (
    id          uuid PRIMARY KEY,
    item_id     uuid NOT NULL UNIQUE REFERENCES relabel.item (id),
    job_id      uuid NOT NULL REFERENCES relabel.job (id),
    reason      text NOT NULL,
    state       text NOT NULL CHECK (state IN ('OPEN', 'CLAIMED', 'DONE')),
    claim_id    uuid,
    claimed_by  text,
    claimed_at  timestamptz,
    lease_until timestamptz,
    claims      int  NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    done_at     timestamptz
);
CREATE INDEX task_open ON relabel.task (job_id) WHERE state <> 'DONE';

CREATE TABLE relabel.label (
    id             uuid PRIMARY KEY,
    item_id        uuid NOT NULL REFERENCES relabel.item (id),
    expert         text NOT NULL CHECK (expert IN ('openai', 'human', 'simulated')),
    labeller       text NOT NULL,
    score          smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment        text,
    rubric_version text NOT NULL,
    -- a correction points at the label it replaces; a label is superseded at most once
    supersedes_id  uuid UNIQUE REFERENCES relabel.label (id),
    task_id        uuid REFERENCES relabel.task (id),
    -- the claim a human label was submitted under: a second submit of the claim finds this row
    claim_id       uuid UNIQUE,
    cache_key      text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (supersedes_id IS NULL OR supersedes_id <> id)
);
-- exactly one original label per item, whatever retries and restarts happen
CREATE UNIQUE INDEX label_one_original_per_item ON relabel.label (item_id) WHERE supersedes_id IS NULL;
CREATE INDEX label_expert ON relabel.label (expert, labeller);

CREATE FUNCTION relabel.label_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'relabel.label rows are immutable (label %); store a correction that supersedes it', OLD.id;
END
$$;
CREATE TRIGGER label_immutable BEFORE UPDATE OR DELETE ON relabel.label
    FOR EACH ROW EXECUTE FUNCTION relabel.label_is_immutable();

-- What the LLM judge answered, keyed by (model, rubric version, prompt, response), so that nothing is
-- paid for twice: not on retry, not across jobs, not across restarts. A PENDING row is a claim: one
-- caller asks the LLM while the others wait; a claim whose lease passed may be taken over.
CREATE TABLE relabel.judge_cache (
    cache_key         text PRIMARY KEY,
    model             text NOT NULL,
    rubric_version    text NOT NULL,
    state             text NOT NULL CHECK (state IN ('PENDING', 'DONE')),
    owner             text,
    lease_until       timestamptz,
    verdict           text CHECK (verdict IN ('SCORED', 'UNUSABLE')),
    score             smallint CHECK (score BETWEEN 1 AND 5),
    reason            text,
    prompt_tokens     bigint,
    completion_tokens bigint,
    cost_usd          double precision,
    created_at        timestamptz NOT NULL DEFAULT now(),
    completed_at      timestamptz,
    CHECK (state = 'PENDING' OR verdict IS NOT NULL),
    CHECK (verdict IS DISTINCT FROM 'SCORED' OR score IS NOT NULL)
);
