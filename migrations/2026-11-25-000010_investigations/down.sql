ALTER TABLE case_events DROP CONSTRAINT case_events_kind_check;
ALTER TABLE case_events ADD CONSTRAINT case_events_kind_check CHECK (kind IN ('opened', 'updated',
    'assigned', 'assessment_started', 'assessment_recorded', 'plan_submitted', 'plan_approved',
    'plan_rejected', 'monitoring_started', 'follow_up', 'referral_sent', 'referral_accepted',
    'referral_declined', 'referral_started', 'referral_completed', 'referral_failed',
    'consent_overridden', 'closure_requested', 'closure_approved', 'closure_rejected',
    'reopened', 'transfer_requested', 'transfer_accepted', 'transfer_declined'));
DELETE FROM audit_actions WHERE name IN ('investigation_opened', 'investigation_updated',
    'investigation_stage', 'investigation_viewed', 'le_referral_sent', 'le_referral_answered',
    'victim_referred', 'prosecutor_staff_set');
DROP TABLE prosecutor_staff;
DROP TABLE le_referrals;
DROP TABLE investigation_events;
DROP TABLE investigation_inspections;
DROP TABLE investigation_cases;
DROP TABLE investigations;
