-- Prepaid enforcement per main account: traffic its balance cannot cover is refused.
ALTER TABLE account_credits ADD COLUMN prepaid INTEGER NOT NULL DEFAULT 0;
