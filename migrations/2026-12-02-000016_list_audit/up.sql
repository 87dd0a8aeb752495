-- Every page that shows a child's name is traced (DESIGN §5), and bulk
-- reading raises an alert the admin sees.
INSERT INTO audit_actions (name) VALUES ('children_listed'), ('bulk_access_alert'),
    ('report_downloaded');

-- A personal number registered beyond a reader's territory is not theirs to
-- learn of: a second record with the same number is accepted and the two
-- meet as likely duplicates (the unit head merges them), instead of a
-- refusal that tells another district the number exists.
ALTER TABLE children DROP CONSTRAINT children_personal_number_key;
CREATE INDEX children_personal_number ON children (personal_number)
    WHERE personal_number IS NOT NULL;
