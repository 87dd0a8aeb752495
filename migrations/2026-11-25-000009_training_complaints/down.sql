DELETE FROM audit_actions WHERE name IN ('training_recorded', 'training_updated',
    'complaint_logged', 'complaint_updated', 'complaint_processed');
DROP TABLE school_fee_complaints;
DROP INDEX users_role_name;
DROP TABLE training_records;
