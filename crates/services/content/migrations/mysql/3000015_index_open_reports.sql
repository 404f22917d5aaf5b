-- The staff queue reads open reports oldest first.
CREATE INDEX reports_open ON reports (status, created_at);
