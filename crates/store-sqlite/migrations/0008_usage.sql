-- Usage rollups (see switchboard_store::usage): per account, category, UTC day and shard,
-- updated in the transaction that records each charge. owner_sid: the tree's main account
-- (the account itself for a main account), so a tree's usage outlives a purged subaccount.
CREATE TABLE usage_daily (
    account_sid TEXT   NOT NULL,
    owner_sid   TEXT   NOT NULL,
    category    TEXT   NOT NULL,
    day         INTEGER NOT NULL,
    shard       INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    usage       INTEGER NOT NULL,
    price_nanos INTEGER NOT NULL,
    PRIMARY KEY (account_sid, category, day, shard)
) WITHOUT ROWID;
CREATE INDEX usage_daily_tree ON usage_daily (owner_sid, day);

-- What the operator credited a main account (nano-dollars); its balance is this less the
-- total price of its tree.
CREATE TABLE account_credits (
    account_sid  TEXT   PRIMARY KEY,
    credit_nanos INTEGER NOT NULL
);
