-- Reference data. Append-only: a new import adds rows with a higher
-- version; readers take argMax(…, version) per key, which needs neither
-- FINAL nor background merges (ClickHouse 18.16 has no FINAL on MergeTree).
CREATE TABLE IF NOT EXISTS counties (
    code    String,
    name    String,
    version UInt64
) ENGINE = MergeTree() ORDER BY (code, version);

CREATE TABLE IF NOT EXISTS municipalities (
    code        String,
    name        String,
    county_code String,
    version     UInt64
) ENGINE = MergeTree() ORDER BY (code, version);

CREATE TABLE IF NOT EXISTS population (
    area_code String,
    year      UInt16,
    persons   UInt64,
    source    String,
    version   UInt64
) ENGINE = MergeTree() ORDER BY (area_code, year, version);

-- Members register: every change is a new row; the current state of a
-- member is its row with the highest version.
CREATE TABLE IF NOT EXISTS members (
    code           String,
    kind           Enum8('municipality' = 1, 'region' = 2),
    joined         Date,
    observer_until Nullable(Date),
    ended          Nullable(Date),
    official_name  String,
    official_email String,
    officer_name   String,
    officer_email  String,
    changed_by     String,
    changed_at     DateTime('UTC'),
    version        UInt64
) ENGINE = MergeTree() ORDER BY (code, version);

-- Submissions. The data of a submission (inventory_values, goals,
-- action_plans, measures, submission_files) is written first, tagged with
-- its id; the submissions row is written last. Readers only use data whose
-- submission_id has a row here with status 'accepted', so a submission
-- becomes visible at once or not at all, on every engine. Rejected uploads
-- get a row too, with their report, and no data. seq (nanoseconds since
-- 1970 at upload) orders the versions of a municipality's submissions.
CREATE TABLE IF NOT EXISTS submissions (
    id                UUID,
    municipality_code String,
    report_year       UInt16,
    file_name         String,
    sha256            String,
    size              UInt64,
    layout            String,
    uploaded_by       String,
    uploaded_at       DateTime('UTC'),
    seq               UInt64,
    status            Enum8('accepted' = 1, 'rejected' = 2),
    n_inventory       UInt32,
    n_goals           UInt32,
    n_plans           UInt32,
    n_measures        UInt32,
    report            String,
    contact           String,
    email             String,
    political_contact String
) ENGINE = MergeTree() ORDER BY (municipality_code, uploaded_at, id);

CREATE TABLE IF NOT EXISTS submission_files (
    submission_id UUID,
    content       String
) ENGINE = MergeTree() ORDER BY submission_id;

CREATE TABLE IF NOT EXISTS inventory_values (
    submission_id     UUID,
    municipality_code String,
    year              UInt16,
    sector            String,
    subsector         String,
    gas               String,
    tonnes            Nullable(Float64),
    notation_key      String,
    source            String,
    comment           String,
    sheet             String,
    cell              String,
    row               UInt32
) ENGINE = MergeTree() ORDER BY (municipality_code, year, sector, subsector, gas, submission_id);

CREATE TABLE IF NOT EXISTS goals (
    submission_id     UUID,
    municipality_code String,
    goal_id           String,
    name              String,
    type              String,
    sector            String,
    base_year         UInt16,
    target_year       UInt16,
    reduction_pct     Float64,
    decided_by        String,
    decided_on        Nullable(Date),
    link              String,
    sheet             String,
    cell              String,
    row               UInt32
) ENGINE = MergeTree() ORDER BY (municipality_code, submission_id, row);

CREATE TABLE IF NOT EXISTS action_plans (
    submission_id     UUID,
    municipality_code String,
    name              String,
    adopted           Nullable(Date),
    decided_by        String,
    valid_from        UInt16,
    valid_to          UInt16,
    link              String,
    sheet             String,
    cell              String,
    row               UInt32
) ENGINE = MergeTree() ORDER BY (municipality_code, submission_id, row);

CREATE TABLE IF NOT EXISTS measures (
    submission_id      UUID,
    municipality_code  String,
    measure_id         String,
    name               String,
    sector             String,
    status             String,
    start_year         UInt16,
    end_year           UInt16,
    expected_reduction Nullable(Float64),
    responsible        String,
    comment            String,
    sheet              String,
    cell               String,
    row                UInt32
) ENGINE = MergeTree() ORDER BY (municipality_code, submission_id, row);

-- SMHI releases. Values are written first, tagged with the release id; the
-- smhi_releases row is written last and makes the release visible. Every
-- release is kept: SMHI revises back years.
CREATE TABLE IF NOT EXISTS smhi_releases (
    id           UUID,
    release_date Date,
    substance    String,
    file_name    String,
    sha256       String,
    n_values     UInt64,
    years        Array(UInt16),
    checks       String,
    imported_by  String,
    imported_at  DateTime('UTC')
) ENGINE = MergeTree() ORDER BY (substance, release_date, id);

CREATE TABLE IF NOT EXISTS smhi_values (
    release_id UUID,
    substance  String,
    level      Enum8('country' = 1, 'county' = 2, 'municipality' = 3),
    area_code  String,
    sector     String,
    subsector  String,
    year       UInt16,
    tonnes     Float64
) ENGINE = MergeTree() ORDER BY (substance, area_code, sector, subsector, year, release_id);

-- Accounts and API tokens: append-only like members; the row with the
-- highest version is current. Tokens and passwords are stored hashed.
CREATE TABLE IF NOT EXISTS accounts (
    id                UUID,
    email             String,
    role              Enum8('officer' = 1, 'reviewer' = 2, 'admin' = 3),
    municipality_code String,
    password_hash     String,
    disabled          UInt8,
    changed_by        String,
    changed_at        DateTime('UTC'),
    version           UInt64
) ENGINE = MergeTree() ORDER BY (id, version);

CREATE TABLE IF NOT EXISTS api_tokens (
    id         UUID,
    account_id UUID,
    name       String,
    sha256     String,
    revoked    UInt8,
    created_at DateTime('UTC'),
    version    UInt64
) ENGINE = MergeTree() ORDER BY (id, version);

-- Audit log of every write: who, what, when, from where.
CREATE TABLE IF NOT EXISTS audit_log (
    at          DateTime('UTC'),
    actor       String,
    role        String,
    action      String,
    target      String,
    remote_addr String,
    request_id  String,
    details     String
) ENGINE = MergeTree() ORDER BY at;
