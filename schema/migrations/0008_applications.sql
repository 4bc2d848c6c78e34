-- Applications: what a municipality or region answered in the member test
-- (medlemstest), with its score, sent by the public. Append-only: an
-- applicant who takes the test again adds a row.
CREATE TABLE IF NOT EXISTS applications (
    id                String,
    code              String,
    name              String,
    questions_version String,
    answers           String,
    points            UInt32,
    max_points        UInt32,
    official_name     String,
    official_email    String,
    officer_name      String,
    officer_email     String,
    created_by        String,
    created_at        DateTime('UTC')
) ENGINE = MergeTree() ORDER BY (code, created_at);
