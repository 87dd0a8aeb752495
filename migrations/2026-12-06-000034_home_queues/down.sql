DROP INDEX investigations_stage_due;
DROP INDEX referrals_agency_running;
DROP INDEX referrals_agency_waiting;
DROP INDEX cases_worker_due;
DROP INDEX cases_unit_due;
DROP INDEX cases_to_assign;
DROP INDEX cases_closure_awaiting;
DROP INDEX cases_plan_awaiting;
