DELETE FROM audit_actions WHERE name IN ('establishment_created', 'establishment_updated',
    'inspection_created', 'inspection_updated', 'inspection_closed',
    'penalty_imposed', 'penalty_collected');
DROP INDEX cases_inspection;
ALTER TABLE cases DROP COLUMN inspection_id;
DROP TABLE penalties;
DROP TABLE inspection_violations;
DROP TABLE inspection_inspectors;
DROP TABLE inspections;
DROP TABLE establishments;
