DELETE FROM audit_actions WHERE name IN ('inspection_corrected', 'penalty_status_changed');
DROP TABLE penalty_payments;
DROP TABLE penalty_violations;
DROP INDEX penalties_decided;
ALTER TABLE penalties DROP COLUMN recorded_by;
ALTER TABLE penalties DROP CONSTRAINT penalties_paid_after_decision;
ALTER TABLE penalties DROP COLUMN decided_on;
DROP INDEX inspections_planned;
UPDATE inspections SET status = 'open' WHERE status = 'planned';
ALTER TABLE inspections DROP CONSTRAINT inspections_status_check;
ALTER TABLE inspections ADD CONSTRAINT inspections_status_check CHECK (status IN ('open', 'closed'));
ALTER TABLE le_referrals DROP COLUMN sent_on;
ALTER TABLE referrals DROP CONSTRAINT referrals_ended_after_start,
    DROP CONSTRAINT referrals_ended_on, DROP CONSTRAINT referrals_started_on;
ALTER TABLE referrals DROP COLUMN ended_on, DROP COLUMN started_on;
ALTER TABLE cases DROP COLUMN identified_on;
