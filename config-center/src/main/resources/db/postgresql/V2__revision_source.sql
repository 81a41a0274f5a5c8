-- Issue 18, audit: the remote address of the admin connection that made a revision.
-- Rows from before have an unknown source, ''.
ALTER TABLE revisions ADD COLUMN source varchar(300) NOT NULL DEFAULT '';
