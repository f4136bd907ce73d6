-- When the scheduler should look at a subscription again, so that a round reads only the subscriptions
-- whose push may be due (O(due), not O(subscribers)). The scheduler sets it to the next due instant
-- after it has handled one; every save sets it to the save's moment (the settings may have changed
-- when it is due); the epoch, for rows from before this column, means "look now". A subscription
-- whose due push waits for its day's list keeps its value and is looked at every round until the
-- grace window ends. The index holds only delivering subscriptions, in the order rounds read them.
ALTER TABLE subscriptions ADD COLUMN next_check_at TEXT NOT NULL DEFAULT '1970-01-01T00:00:00.000000+00:00';
CREATE INDEX subscriptions_next_check ON subscriptions (next_check_at, id)
    WHERE active = 1 AND paused_reason IS NULL;
