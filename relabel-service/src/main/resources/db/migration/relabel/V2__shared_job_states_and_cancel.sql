-- The job vocabulary every UGDA service shares (org.ugda.api.job.JobState): a job whose items all
-- have a label is SUCCEEDED (relabel used to call it COMPLETED), and a job can be CANCELLED. A cancel
-- leaves the job's unlabelled items CANCELLED and withdraws its open human tasks (WITHDRAWN); labels
-- given before it stay. Relabel jobs start RUNNING at once, so QUEUED is never stored here.

ALTER TABLE relabel.job DROP CONSTRAINT job_state_check;
UPDATE relabel.job SET state = 'SUCCEEDED' WHERE state = 'COMPLETED';
ALTER TABLE relabel.job ADD CONSTRAINT job_state_check
    CHECK (state IN ('RUNNING', 'AWAITING_HUMANS', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED'));

ALTER TABLE relabel.item DROP CONSTRAINT item_state_check;
ALTER TABLE relabel.item ADD CONSTRAINT item_state_check
    CHECK (state IN ('PENDING', 'LABELLED', 'AWAITING_HUMAN', 'FAILED', 'CANCELLED'));

ALTER TABLE relabel.task DROP CONSTRAINT task_state_check;
ALTER TABLE relabel.task ADD CONSTRAINT task_state_check
    CHECK (state IN ('OPEN', 'CLAIMED', 'DONE', 'WITHDRAWN'));

-- the claim query's index: only tasks someone may still claim
DROP INDEX relabel.task_open;
CREATE INDEX task_open ON relabel.task (job_id) WHERE state IN ('OPEN', 'CLAIMED');
