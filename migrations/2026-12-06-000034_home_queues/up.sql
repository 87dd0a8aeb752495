-- Each role's home is its queue (issue 21). Every list a home shows and every
-- count the menu shows reads one of these partial indexes: what is waiting
-- now, never the years of history behind it.

-- The unit head: plans and closures awaiting a decision, new cases to assign.
CREATE INDEX cases_plan_awaiting ON cases (unit_id, plan_submitted_at)
    WHERE status = 'case_plan' AND plan_submitted_at IS NOT NULL;
-- (A closure request is dated by its timeline entry: there are few at a time.)
CREATE INDEX cases_closure_awaiting ON cases (unit_id, id)
    WHERE closure_requested_by IS NOT NULL;
CREATE INDEX cases_to_assign ON cases (unit_id, opened_at, id)
    WHERE status = 'new' AND assigned_to IS NULL;
-- The unit's open cases by their next step's date: what is overdue, and the
-- way to their referrals that are late.
CREATE INDEX cases_unit_due ON cases (unit_id, due_on, id)
    WHERE status <> 'closed';

-- The case worker: my open cases by when their next step is due.
CREATE INDEX cases_worker_due ON cases (assigned_to, due_on, id)
    WHERE status <> 'closed' AND assigned_to IS NOT NULL;

-- The provider: referrals to answer, services running.
CREATE INDEX referrals_agency_waiting ON referrals (agency_id, answer_by, id)
    WHERE status = 'sent';
CREATE INDEX referrals_agency_running ON referrals (agency_id, planned_end, id)
    WHERE status IN ('accepted', 'in_service');

-- Law enforcement: investigations still at the investigation stage, by the
-- day that stage began.
CREATE INDEX investigations_stage_due ON investigations (agency_id, stage_on, id)
    WHERE stage = 'investigation';
