-- A counter that every change to accounts or API keys moves, in the changing transaction:
-- a server polls it to hear of changes other processes (the CLI) made to what its cache of
-- accounts and keys holds (switchboard_store::auth_cache).
CREATE TABLE auth_generation (n INTEGER NOT NULL);
INSERT INTO auth_generation (n) VALUES (0);
CREATE TRIGGER accounts_insert_auth AFTER INSERT ON accounts
    BEGIN UPDATE auth_generation SET n = n + 1; END;
CREATE TRIGGER accounts_update_auth AFTER UPDATE ON accounts
    BEGIN UPDATE auth_generation SET n = n + 1; END;
CREATE TRIGGER accounts_delete_auth AFTER DELETE ON accounts
    BEGIN UPDATE auth_generation SET n = n + 1; END;
CREATE TRIGGER api_keys_insert_auth AFTER INSERT ON api_keys
    BEGIN UPDATE auth_generation SET n = n + 1; END;
CREATE TRIGGER api_keys_update_auth AFTER UPDATE ON api_keys
    BEGIN UPDATE auth_generation SET n = n + 1; END;
CREATE TRIGGER api_keys_delete_auth AFTER DELETE ON api_keys
    BEGIN UPDATE auth_generation SET n = n + 1; END;
