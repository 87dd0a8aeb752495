DROP TABLE audit_children_seen;
