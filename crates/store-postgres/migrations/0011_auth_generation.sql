-- Every change to accounts or API keys notifies `switchboard_auth` when it commits: each
-- instance listens and drops its cache of accounts and keys (switchboard_store::auth_cache).
CREATE FUNCTION switchboard_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('switchboard_auth', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER accounts_auth_changed AFTER INSERT OR UPDATE OR DELETE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION switchboard_auth_changed();
CREATE TRIGGER api_keys_auth_changed AFTER INSERT OR UPDATE OR DELETE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION switchboard_auth_changed();
