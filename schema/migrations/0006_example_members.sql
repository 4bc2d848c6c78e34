-- Example members: the members the demo registers (serve --demo), whose
-- reports are made up. Every page and API answer showing their data says
-- so. A table of its own beside members (18.16 has no ADD COLUMN IF NOT
-- EXISTS), written once per member before its entry, so that whoever sees
-- the entry sees the mark; a later plain serve on the same database keeps
-- showing it.
CREATE TABLE IF NOT EXISTS example_members (
    code      String,
    marked_by String,
    marked_at DateTime('UTC')
) ENGINE = MergeTree() ORDER BY code;
