-- A job's kind is stored as the name of org.ugda.api.reward.JobKind, as its state is the name of
-- org.ugda.api.job.JobState.
alter table jobs drop constraint jobs_kind_check;
update jobs set kind = upper(kind);
alter table jobs add constraint jobs_kind_check check (kind in ('TRAIN', 'REFINE'));
