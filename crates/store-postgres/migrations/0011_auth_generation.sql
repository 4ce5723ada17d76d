-- Changes to accounts or API keys that a cache of them could hold notify `switchboard_auth`
-- when they commit: each instance listens and drops its cache (switchboard_store::auth_cache).
-- New rows need no notice (absent SIDs are never cached), nor does a main account's count of
-- open subaccounts (read only inside the transactions that lock it): Postgres serialises the
-- commits of notifying transactions, and subaccount creates would all pay for it.
CREATE FUNCTION switchboard_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('switchboard_auth', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER accounts_auth_updated AFTER UPDATE ON accounts FOR EACH ROW
    WHEN ((to_jsonb(OLD) - 'open_subaccounts') IS DISTINCT FROM (to_jsonb(NEW) - 'open_subaccounts'))
    EXECUTE FUNCTION switchboard_auth_changed();
CREATE TRIGGER accounts_auth_deleted AFTER DELETE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION switchboard_auth_changed();
CREATE TRIGGER api_keys_auth_changed AFTER UPDATE OR DELETE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION switchboard_auth_changed();
