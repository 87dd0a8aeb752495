-- The report triggers plan their queries once per connection (issue 20).
--
-- Each trigger's statements take the ids of the rows written (`= ANY (ids)`,
-- or a transition table). PL/pgSQL keeps a statement's plan, but while the
-- plan made for the values at hand looks cheaper than a plan for any values
-- (always, for an array of one id against an estimate of ten), it plans the
-- statement again on every call: the cells of a case, a union of a dozen
-- queries, were planned on every follow-up visit. Measured on a million
-- cases, 200 follow-up visits and 200 referrals accepted spent 778 ms in
-- the report triggers, 232 of them planning the cells of cases and 110 the
-- counts of referrals; with one plan per connection, 360 ms.
--
-- A function's settings are part of its definition: a later migration that
-- replaces one of these functions (CREATE OR REPLACE) must say
-- `SET plan_cache_mode = force_generic_plan` again. `tests/rollups.rs`
-- checks that every report function that runs queries has it.
DO $$
DECLARE f regprocedure;
BEGIN
  FOR f IN
    SELECT p.oid::regprocedure FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_language l ON l.oid = p.prolang
    WHERE n.nspname = 'public' AND l.lanname = 'plpgsql'
      AND (p.proname LIKE 'report\_on\_%' OR p.proname IN
           ('report_refresh', 'report_child_refresh', 'report_child_cells', 'rollup_of'))
      AND p.proname <> 'report_on_persons_changed'
  LOOP
    EXECUTE format('ALTER FUNCTION %s SET plan_cache_mode = force_generic_plan', f);
  END LOOP;
END $$;
