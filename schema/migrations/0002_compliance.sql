-- Compliance reviews: a reviewer's decision on one member's obligation for
-- one report year. Append-only: every change is a new row, nothing is
-- overwritten. The current override of (member, year, obligation) is the
-- row with the highest version; an empty status means the override was
-- removed and the computed status applies again. status_before and
-- status_after are the statuses shown before and after the change,
-- computed_status what the rules said at the time.
CREATE TABLE IF NOT EXISTS compliance_reviews (
    id                UUID,
    municipality_code String,
    report_year       UInt16,
    obligation        String,
    status            String,
    comment           String,
    status_before     String,
    status_after      String,
    computed_status   String,
    changed_by        String,
    changed_role      String,
    changed_at        DateTime('UTC'),
    version           UInt64
) ENGINE = MergeTree() ORDER BY (municipality_code, report_year, obligation, version);

-- A member's replies to the result of one obligation (and, when given, to
-- one review). Append-only like the reviews; status_shown is the status the
-- member saw when replying.
CREATE TABLE IF NOT EXISTS compliance_replies (
    id                UUID,
    municipality_code String,
    report_year       UInt16,
    obligation        String,
    reply_to          String,
    message           String,
    status_shown      String,
    changed_by        String,
    changed_role      String,
    changed_at        DateTime('UTC'),
    version           UInt64
) ENGINE = MergeTree() ORDER BY (municipality_code, report_year, obligation, version);
