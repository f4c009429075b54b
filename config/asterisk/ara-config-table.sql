-- The static-realtime config table that holds the dialplan context definitions
-- (extconfig.conf: extensions_dograh.conf => pgsql,general,ast_config).
--
-- Asterisk's alembic scripts (contrib/ast-db-manage, or the generated
-- contrib/realtime/postgresql/postgresql_config.sql) create the ps_* tables and
-- extensions; this table is added here, only if it does not exist yet. Run this once, as
-- the owner of the ARA database, before ara-grants.sql:
--
--   psql -v ON_ERROR_STOP=1 -d asterisk -f ara-config-table.sql
--
-- The demo and the tests load this very file. If you choose another
-- name (RECONCILERD_CONFIG_TABLE), rename the table and index here and in extconfig.conf.
-- reconcilerd owns only the rows whose filename is RECONCILERD_CONFIG_FILENAME
-- (default extensions_dograh.conf): other static-realtime files can share the table.
CREATE TABLE IF NOT EXISTS ast_config (
    id serial PRIMARY KEY,
    cat_metric integer NOT NULL DEFAULT 0,
    var_metric integer NOT NULL DEFAULT 0,
    commented integer NOT NULL DEFAULT 0,
    filename varchar(128) NOT NULL,
    category varchar(128) NOT NULL DEFAULT 'default',
    var_name varchar(128) NOT NULL,
    var_val varchar(128) NOT NULL
);
-- Asterisk loads a static-realtime file with WHERE filename = ... AND commented = 0.
CREATE INDEX IF NOT EXISTS ast_config_filename_commented ON ast_config (filename, commented);
