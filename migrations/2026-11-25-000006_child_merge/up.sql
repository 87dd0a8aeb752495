-- A supervisor can merge two records of the same child: the merged record
-- stays (its history is not erased) but points to the record kept, and drops
-- out of lists, searches and duplicate checks.
ALTER TABLE children
    ADD COLUMN merged_into bigint REFERENCES children (id),
    ADD COLUMN merged_at   timestamptz,
    ADD COLUMN merged_by   bigint REFERENCES users (id),
    ADD CONSTRAINT children_merge_not_self CHECK (merged_into <> id),
    ADD CONSTRAINT children_merge_complete CHECK (
        (merged_into IS NULL) = (merged_at IS NULL) AND (merged_into IS NULL) = (merged_by IS NULL));
CREATE INDEX children_active ON children (home_location_id, id DESC) WHERE merged_into IS NULL;

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'login_ok', 'login_failed', 'login_locked', 'logout',
    'password_changed', 'password_reset',
    'user_created', 'user_updated', 'user_deactivated', 'user_activated',
    'agency_created', 'agency_updated',
    'child_created', 'child_updated', 'child_viewed', 'child_search', 'child_merged',
    'case_opened', 'case_updated', 'case_viewed', 'case_step',
    'referral_sent', 'referral_viewed', 'referral_step', 'consent_overridden'));
