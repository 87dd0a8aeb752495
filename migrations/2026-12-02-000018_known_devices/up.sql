-- Issue 19, password guessing. A browser that has signed in fully is a
-- "known device": the cookie holds a random token, this table its SHA-256.
-- Failed attempts made with a known device's cookie count on the device, not
-- on the account, so an outsider's wrong passwords (which grow the account's
-- delay) do not keep the owner out, and a guesser holding one device's
-- cookie still meets its own growing delay.
CREATE TABLE known_devices (
    token_hash BYTEA PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX known_devices_user ON known_devices (user_id);

-- A wrong current password on the change-password form.
INSERT INTO audit_actions (name) VALUES ('password_change_failed');
