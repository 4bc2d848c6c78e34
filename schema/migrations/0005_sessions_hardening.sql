-- Sessions, set-password links and API tokens, hardened. ClickHouse 18.16
-- has no ADD COLUMN IF NOT EXISTS, so nothing here alters a table: what
-- the older tables lack is kept in tables of its own, each safe to create
-- again.

-- When a session was last used, written at most once a minute per session;
-- the newest is max(seen_at). Kept apart from sessions so that recording a
-- visit never writes a session row, and a logout can never be undone by a
-- visit recorded after it. Partitioned by day so that the service drops
-- the days older than any session can live (18.16 has no TTL).
CREATE TABLE IF NOT EXISTS session_seen (
    sha256  String,
    seen_at DateTime('UTC')
) ENGINE = MergeTree() PARTITION BY toYYYYMMDD(seen_at) ORDER BY (sha256, seen_at);

-- Each attempt to use a set-password link, with a random use id. ClickHouse
-- has no transactions: an attempt inserts its row and then reads back the
-- link's first attempt (lowest version, then use id); only that attempt
-- sets the password.
CREATE TABLE IF NOT EXISTS password_link_uses (
    sha256     String,
    use_id     String,
    account_id UUID,
    version    UInt64
) ENGINE = MergeTree() ORDER BY (sha256, version, use_id);

-- The expiry of an API token that has one, written once when the token is
-- made; a token without a row here does not expire.
CREATE TABLE IF NOT EXISTS api_token_expiry (
    id         UUID,
    account_id UUID,
    expires_at DateTime('UTC')
) ENGINE = MergeTree() ORDER BY id;
