DO $$
DECLARE f regprocedure;
BEGIN
  FOR f IN
    SELECT p.oid::regprocedure FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND 'plan_cache_mode=force_generic_plan' = ANY (p.proconfig)
  LOOP
    EXECUTE format('ALTER FUNCTION %s RESET plan_cache_mode', f);
  END LOOP;
END $$;
