-- Capacity and automatic assignment (issue 10).

-- How many ALLOCATED conversations an operator may hold at once: the operator's own limit, else the tenant's
-- default; null in both means unlimited. Lowering a limit below the current load takes nothing away.
ALTER TABLE tenant ADD COLUMN default_max_concurrent integer CHECK (default_max_concurrent >= 1);
ALTER TABLE operator ADD COLUMN max_concurrent integer CHECK (max_concurrent >= 1);

-- PULL: operators ask (allocate, claim). PUSH: the service also assigns queued conversations on its own.
ALTER TABLE tenant ADD COLUMN assignment_mode text NOT NULL DEFAULT 'PULL' CHECK (assignment_mode IN ('PULL', 'PUSH'));

-- When the operator was last given a conversation (any way): push assignment's fairness prefers the one waiting longest.
ALTER TABLE operator_status ADD COLUMN last_assigned_at timestamptz;

-- The push sweep looks for tenants in PUSH mode.
CREATE INDEX tenant_in_push_mode ON tenant (id) WHERE assignment_mode = 'PUSH';
