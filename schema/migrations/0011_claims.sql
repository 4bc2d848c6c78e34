-- Claims on a key shared by every instance ("earliest claim wins", see
-- storage.Claims): the upload of a file claims its sha256 so that the same
-- file sent to two instances at once makes one submission. A claim is a row
-- written before it is counted; its release is a second row with released = 1.
-- at partitions the table by day, so that old days are dropped whole
-- (ClickHouse 18.16 has no TTL).
CREATE TABLE IF NOT EXISTS claims (
    scope    String,
    key      String,
    claim    String,
    seq      UInt64,
    released UInt8,
    at       DateTime('UTC')
) ENGINE = MergeTree() PARTITION BY toYYYYMMDD(at) ORDER BY (scope, key, seq, claim);
