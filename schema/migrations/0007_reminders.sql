-- Reminders by e-mail: every reminder claimed and sent, by a stable key
-- ("member/1281/2026/before-30"). A run claims a key (state 'claimed')
-- before sending and sends only when its claim is the earliest for the
-- key (by time, then claim id); it then records the key as 'sent'. So a
-- restart or a second instance never sends a reminder twice.
CREATE TABLE IF NOT EXISTS reminders (
    key        String,
    claim      String,
    state      String,
    code       String,
    recipients Array(String),
    subject    String,
    at         DateTime('UTC')
) ENGINE = MergeTree() ORDER BY (key, at, claim);
