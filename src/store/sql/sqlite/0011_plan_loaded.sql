-- The plan list (and so the dashboard, on every request) shows when and by
-- whom each plan's latest version was loaded. Reading that from
-- plan_versions walks the overflow pages of the plan's source and model, so
-- the plan row keeps a copy, written with each new version.
ALTER TABLE plans ADD COLUMN loaded_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN loaded_by TEXT NOT NULL DEFAULT '';
UPDATE plans SET
    loaded_at = (SELECT v.loaded_at FROM plan_versions AS v
                 WHERE v.plan_id = plans.id AND v.version = plans.latest_version),
    loaded_by = (SELECT v.loaded_by FROM plan_versions AS v
                 WHERE v.plan_id = plans.id AND v.version = plans.latest_version);
