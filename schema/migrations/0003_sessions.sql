-- Browser sessions and one-time set-password links. Like the other
-- registers they are append-only: a change (revocation, use) is a new row
-- with a higher version, and the current state is the row with the highest
-- version. Only SHA-256 hashes of the secrets are stored.
CREATE TABLE IF NOT EXISTS sessions (
    sha256     String,
    account_id UUID,
    csrf       String,
    created_at DateTime('UTC'),
    expires_at DateTime('UTC'),
    revoked    UInt8,
    version    UInt64
) ENGINE = MergeTree() ORDER BY (sha256, version);

CREATE TABLE IF NOT EXISTS password_links (
    sha256     String,
    account_id UUID,
    expires_at DateTime('UTC'),
    used       UInt8,
    version    UInt64
) ENGINE = MergeTree() ORDER BY (sha256, version);
