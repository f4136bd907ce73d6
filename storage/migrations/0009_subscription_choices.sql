-- What a subscription can choose since issues 14 and 15: how often it is pushed (daily, weekly on a
-- weekday, monthly on a day of the month), filters on code (has a repository, at least N stars), how
-- its papers are ordered (votes, or personal: votes blended with its own feedback), what it follows
-- (JSON [[kind, value], ...]: author, org, search) and the token naming its own Atom feed. Rows from
-- before this step get a fresh random token each; the token is unique, so it finds one subscription.
ALTER TABLE subscriptions ADD COLUMN cadence TEXT NOT NULL DEFAULT 'daily'
    CHECK (cadence IN ('daily', 'weekly', 'monthly'));
ALTER TABLE subscriptions ADD COLUMN week_day INTEGER NOT NULL DEFAULT 0 CHECK (week_day BETWEEN 0 AND 6);
ALTER TABLE subscriptions ADD COLUMN month_day INTEGER NOT NULL DEFAULT 1 CHECK (month_day BETWEEN 1 AND 31);
ALTER TABLE subscriptions ADD COLUMN has_code INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN min_stars INTEGER NOT NULL DEFAULT 0 CHECK (min_stars >= 0);
ALTER TABLE subscriptions ADD COLUMN ranking TEXT NOT NULL DEFAULT 'votes' CHECK (ranking IN ('votes', 'personal'));
ALTER TABLE subscriptions ADD COLUMN follows TEXT NOT NULL DEFAULT '[]';
ALTER TABLE subscriptions ADD COLUMN feed_token TEXT NOT NULL DEFAULT '';
UPDATE subscriptions SET feed_token = lower(hex(randomblob(18)));
CREATE UNIQUE INDEX subscriptions_feed_token ON subscriptions (feed_token);
