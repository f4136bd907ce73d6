-- The PostgreSQL text of ../0009_subscription_choices.sql (why is said there).
ALTER TABLE subscriptions ADD COLUMN cadence TEXT NOT NULL DEFAULT 'daily'
    CHECK (cadence IN ('daily', 'weekly', 'monthly'));
ALTER TABLE subscriptions ADD COLUMN week_day INTEGER NOT NULL DEFAULT 0 CHECK (week_day BETWEEN 0 AND 6);
ALTER TABLE subscriptions ADD COLUMN month_day INTEGER NOT NULL DEFAULT 1 CHECK (month_day BETWEEN 1 AND 31);
ALTER TABLE subscriptions ADD COLUMN has_code BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE subscriptions ADD COLUMN min_stars INTEGER NOT NULL DEFAULT 0 CHECK (min_stars >= 0);
ALTER TABLE subscriptions ADD COLUMN ranking TEXT NOT NULL DEFAULT 'votes' CHECK (ranking IN ('votes', 'personal'));
ALTER TABLE subscriptions ADD COLUMN follows TEXT NOT NULL DEFAULT '[]';
ALTER TABLE subscriptions ADD COLUMN feed_token TEXT NOT NULL DEFAULT '';
UPDATE subscriptions SET feed_token = replace(gen_random_uuid()::text, '-', '');
ALTER TABLE subscriptions ALTER COLUMN feed_token DROP DEFAULT;
CREATE UNIQUE INDEX subscriptions_feed_token ON subscriptions (feed_token);
