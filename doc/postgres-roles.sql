-- Least-privilege roles for a PostgreSQL warehouse (doc/postgres.md).
-- Run with psql; :"dbname" is the warehouse database
-- (psql -v dbname=warehouse -f doc/postgres-roles.sql). The test
-- PostgresRoles.RunRoleRunsAndCannotWritePhase3 runs this very file.
--
-- Part 1, as a superuser (or a role with CREATEROLE), once:
CREATE ROLE phase4_owner LOGIN;  -- owns the schemas, runs `phase4 init` (and migrations)
CREATE ROLE phase4_run LOGIN;    -- runs process / backfill / run-all / outbox / report
GRANT CREATE ON DATABASE :"dbname" TO phase4_owner;
-- Give both a password (\password phase4_owner, \password phase4_run); clients
-- pass it through PGPASSWORD or ~/.pgpass, never in the URI.

-- Part 2, as phase4_owner, after `phase4 --warehouse postgresql://phase4_owner@HOST/DB init`:
GRANT USAGE ON SCHEMA nba_raw, nba_analytics, nba_precompute, nba_predictions, nba_reference
  TO phase4_run;
-- Phase 2/3 inputs: read only.
GRANT SELECT ON ALL TABLES IN SCHEMA nba_raw, nba_analytics TO phase4_run;
-- Phase 4 outputs and their outboxes: a date is replaced (DELETE + COPY);
-- consumers acknowledge messages (UPDATE of acked_at only).
GRANT SELECT, INSERT, DELETE ON ALL TABLES IN SCHEMA nba_precompute, nba_predictions
  TO phase4_run;
GRANT UPDATE (acked_at) ON nba_precompute.outbox, nba_predictions.outbox TO phase4_run;
-- Bookkeeping: the run history is appended to; the ledger (doc/ledger.md)
-- records each unit with its rows, so its rows are updated in place.
GRANT SELECT, INSERT ON nba_reference.processor_run_history TO phase4_run;
GRANT SELECT ON nba_reference.warehouse_info TO phase4_run;  -- the id checkpoints name
GRANT UPDATE ON nba_precompute.phase4_units, nba_predictions.phase4_units TO phase4_run;
-- Phase 3 fingerprints: a run refreshes the per-date digests of its inputs
-- and clears the change marks it has consumed. It still cannot touch a
-- Phase 3 row; the triggers that write the marks run as their owner.
GRANT INSERT, UPDATE, DELETE ON nba_raw.phase3_digests, nba_analytics.phase3_digests TO phase4_run;
GRANT DELETE ON nba_raw.phase3_changes, nba_analytics.phase3_changes TO phase4_run;
-- Workers (phase4 worker, run-all --workers; doc/scale-out.md): every worker
-- claims units, renews its lease and settles them in the work queue, and
-- keeps its row in the registry of workers.
GRANT SELECT, INSERT, UPDATE, DELETE ON nba_reference.phase4_claims,
  nba_reference.phase4_workers TO phase4_run;
GRANT USAGE ON SEQUENCE nba_reference.phase4_fencing_tokens, nba_reference.phase4_settlements,
  nba_reference.phase4_worker_ids TO phase4_run;
-- Tables a later schema version adds get the same rights.
ALTER DEFAULT PRIVILEGES IN SCHEMA nba_raw, nba_analytics GRANT SELECT ON TABLES TO phase4_run;
ALTER DEFAULT PRIVILEGES IN SCHEMA nba_precompute, nba_predictions
  GRANT SELECT, INSERT, DELETE ON TABLES TO phase4_run;
ALTER DEFAULT PRIVILEGES IN SCHEMA nba_reference GRANT SELECT, INSERT ON TABLES TO phase4_run;
