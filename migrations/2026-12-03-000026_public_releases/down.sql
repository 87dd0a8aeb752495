DELETE FROM audit_actions WHERE name = 'release_published';
DROP TABLE public_releases;
DROP FUNCTION public_releases_frozen();
