-- A refused page or action leaves a trace (issue 19): the route and the id
-- asked for, whoever asked.
INSERT INTO audit_actions (name) VALUES ('access_refused');
