-- Sign-in attempts, for the login throttle shared by every instance. Each
-- attempt is reserved (a row per key it counts against: the account's
-- address, the client's address) before its password is checked, and its
-- outcome follows as another row with the same attempt_id and seq: failed,
-- refused (no password was checked) or succeeded. seq (Unix nanoseconds)
-- orders the attempts and bounds the window; at partitions the table by
-- day, so that the service drops old days whole (ClickHouse 18.16 has no
-- TTL).
CREATE TABLE IF NOT EXISTS login_attempts (
    key        String,
    at         DateTime('UTC'),
    seq        UInt64,
    attempt_id String,
    outcome    Enum8('reserved' = 1, 'failed' = 2, 'refused' = 3, 'succeeded' = 4)
) ENGINE = MergeTree() PARTITION BY toYYYYMMDD(at) ORDER BY (key, seq);
