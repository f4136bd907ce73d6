-- The PostgreSQL text of ../0002_outbox_expiring_leases.sql (the same statement: why is said there).
CREATE INDEX outbox_expiring ON outbox (lease_expires_at) WHERE status = 'leased';
