-- The leases a worker may take over, by when they run out: finding the expired ones reads only
-- those (0001's outbox_ready index has no lease time, so every held lease was read per lease call).
CREATE INDEX outbox_expiring ON outbox (lease_expires_at) WHERE status = 'leased';
