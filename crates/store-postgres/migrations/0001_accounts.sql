-- Accounts: main accounts (owner_sid NULL) and their subaccounts.
-- tree_sid is the main account of the row's tree, so a tree lists by one index range.
CREATE TABLE accounts (
    seq                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sid                TEXT    NOT NULL UNIQUE,
    owner_sid          TEXT    REFERENCES accounts (sid),
    tree_sid           TEXT    NOT NULL,
    friendly_name      TEXT    NOT NULL,
    auth_token         TEXT    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('active', 'suspended', 'closed')),
    type               TEXT    NOT NULL CHECK (type IN ('Trial', 'Full')),
    date_created       BIGINT  NOT NULL,
    date_updated       BIGINT  NOT NULL,
    closed_at          BIGINT,
    -- Main accounts: subaccounts that are not closed (the limit's count, kept in step).
    open_subaccounts   BIGINT  NOT NULL DEFAULT 0,
    subaccount_limit   BIGINT  NOT NULL,
    auto_delete_closed BOOLEAN NOT NULL
);
CREATE INDEX accounts_tree ON accounts (tree_sid, seq);
-- Deleting a subaccount checks the owner_sid foreign key through this index.
CREATE INDEX accounts_owner ON accounts (owner_sid);
CREATE INDEX accounts_closed ON accounts (closed_at) WHERE closed_at IS NOT NULL;
