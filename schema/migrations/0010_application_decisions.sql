-- The office's decisions on applications (the member test): member from a
-- date, observer from a date until a date, or not yet, with a comment.
-- Append-only: a later decision on the same application is a new row and
-- the earlier ones stay as its history. A member or an observer is
-- registered in the members register before its decision is written.
CREATE TABLE IF NOT EXISTS application_decisions (
    id             String,
    application_id String,
    code           String,
    verdict        String,
    from_date      Date,
    observer_until Nullable(Date),
    comment        String,
    decided_by     String,
    decided_at     DateTime('UTC')
) ENGINE = MergeTree() ORDER BY (application_id, decided_at, id);

-- The e-mail telling the applicant's contacts of a decision: one row per
-- attempt, sent or failed (with the error), so the office sees whether the
-- applicant was told and can send it again.
CREATE TABLE IF NOT EXISTS application_mails (
    decision_id String,
    recipients  Array(String),
    state       String,
    error       String,
    at          DateTime('UTC')
) ENGINE = MergeTree() ORDER BY (decision_id, at);
