-- The children each user listed or opened lately, for the alert of bulk
-- access (DESIGN §5: every read is traced; `audit::watch_bulk_access`).
-- The alert counted the distinct children of the user's audit entries in
-- its window by unpacking every list's ids on every list view, and found
-- the window's entries through the user's whole history: the more a user
-- works (or reloads), the slower each list. Now each child listed or opened
-- is one row per user, with when it was last seen; the alert counts the
-- rows of the window, at most as many as the children the user saw in it.
-- The audit log stays the record; this table holds nothing it does not.
CREATE TABLE audit_children_seen (
    actor_id bigint      NOT NULL REFERENCES users (id),
    child_id bigint      NOT NULL,
    seen_at  timestamptz NOT NULL,
    PRIMARY KEY (actor_id, child_id)
);
CREATE INDEX audit_children_seen_recent ON audit_children_seen (actor_id, seen_at);

-- What the last day's entries saw (longer than any window in use).
INSERT INTO audit_children_seen (actor_id, child_id, seen_at)
SELECT actor_id, child_id, max(at) FROM (
  SELECT a.actor_id, (jsonb_array_elements_text(a.details->'child_ids'))::bigint AS child_id, a.at
  FROM audit_log a
  WHERE a.at > now() - interval '1 day' AND a.actor_id IS NOT NULL
    AND a.action IN ('children_listed', 'child_search')
  UNION ALL
  SELECT a.actor_id, a.target_id, a.at FROM audit_log a
  WHERE a.at > now() - interval '1 day' AND a.actor_id IS NOT NULL
    AND a.action = 'child_viewed' AND a.target_id IS NOT NULL
) s
GROUP BY actor_id, child_id;
