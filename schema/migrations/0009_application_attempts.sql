-- Applications sent through the member test, per client, for the limit on
-- how many a client may send an hour, shared by every instance: each is a
-- row written before it is counted (so two at once count each other), the
-- refused ones too. seq (Unix nanoseconds) orders them; at partitions the
-- table by day, so that the service drops old days whole (ClickHouse 18.16
-- has no TTL).
CREATE TABLE IF NOT EXISTS application_attempts (
    client     String,
    at         DateTime('UTC'),
    seq        UInt64,
    attempt_id String
) ENGINE = MergeTree() PARTITION BY toYYYYMMDD(at) ORDER BY (client, seq);
