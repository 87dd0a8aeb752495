-- Issue 19: a second factor for staff (TOTP, RFC 6238, DESIGN §5).
-- `users.totp_secret` holds the shared secret from the moment enrolment
-- starts; `totp_enabled_at` is set once a first code from the user's app
-- confirmed it. `sessions.second_factor_at` records when a session passed it.
ALTER TABLE users
    -- The 30-second step of the last code accepted: a code (or an earlier
    -- one) is never accepted again, even within its window.
    ADD COLUMN totp_last_step bigint,
    -- The end of the grace period to enrol, set at the first sign-in that
    -- finds none (now for a user whose factor the admin reset).
    ADD COLUMN second_factor_due_at timestamptz;

-- Ten single-use recovery codes per enrolled user. Each code carries 80
-- random bits, so a SHA-256 of the user's id and the code is as safe to keep
-- as the session tokens' hashes (a slow hash would only slow the sign-in).
CREATE TABLE recovery_codes (
    code_hash bytea PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at timestamptz
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

INSERT INTO audit_actions (name) VALUES
    ('second_factor_enrolled'),
    ('second_factor_ok'),
    ('second_factor_failed'),
    ('recovery_code_used'),
    ('recovery_codes_renewed'),
    ('second_factor_reset');
