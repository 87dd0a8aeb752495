DELETE FROM audit_actions WHERE name IN ('inspector_post_opened', 'inspector_post_ended');
DROP TABLE inspector_posts;
-- btree_gist stays: another migration's constraint may use it, and keeping an
-- unused extension costs nothing.
