-- Grants for reconcilerd's database role (and, optionally, Asterisk's). Least privilege:
-- reconcilerd runs no DDL; it reads Dograh and reads/writes rows of the ARA tables.
--
-- Create the role first, as a superuser (or a role with CREATEROLE), on every Postgres
-- server it connects to; `\password` keeps the password out of shell history and logs:
--
--   CREATE ROLE reconcilerd LOGIN;
--   \password reconcilerd
--
-- Then run this same file in each database; it grants what fits the tables it finds:
--
--   psql -v ON_ERROR_STOP=1 -v role=reconcilerd -d asterisk -f ara-grants.sql
--   psql -v ON_ERROR_STOP=1 -v role=reconcilerd -d dograh   -f ara-grants.sql
--
-- psql variables (-v name=value):
--   role           reconcilerd's role (default reconcilerd)
--   config_table   the static-realtime config table, a plain table name (default
--                  ast_config; must match RECONCILERD_CONFIG_TABLE; create it with
--                  ara-config-table.sql first)
--   asterisk_role  optional: Asterisk's own role (dbuser in res_pgsql.conf), granted
--                  SELECT on the ARA tables, which is all Asterisk needs for this kit
--
-- Needs psql 10 or later (\if, \gset). Run it again after recreating a table: grants
-- belong to the table.

\if :{?role}
\else
\set role reconcilerd
\endif
\if :{?config_table}
\else
\set config_table ast_config
\endif

SELECT to_regclass('ps_endpoints') IS NOT NULL AS is_ara,
       to_regclass('telephony_configurations') IS NOT NULL AS is_dograh
\gset

\if :is_ara
    \echo ARA database: DML for role :role
    -- SELECT to read the rows it owns; INSERT, UPDATE, DELETE to apply a plan. No TRUNCATE,
    -- no REFERENCES, no TRIGGER, no DDL.
    GRANT SELECT, INSERT, UPDATE, DELETE
        ON ps_auths, ps_aors, ps_endpoints, ps_registrations, extensions, :"config_table"
        TO :"role";
    -- extensions.id and the config table's id are serial: inserts draw from their sequences.
    SELECT pg_get_serial_sequence('extensions', 'id') AS extensions_seq,
           pg_get_serial_sequence(:'config_table', 'id') AS config_seq
    \gset
    GRANT USAGE ON SEQUENCE :extensions_seq, :config_seq TO :"role";
    -- reconcilerd's own status table, once `reconcilerd migrate` has created it (daemon
    -- mode; migrate grants this itself to a role named reconcilerd).
    SELECT to_regclass('reconcilerd_status') IS NOT NULL AS has_status
    \gset
    \if :has_status
        GRANT SELECT, INSERT, UPDATE, DELETE ON reconcilerd_status TO :"role";
    \endif
    \if :{?asterisk_role}
        \echo ARA database: SELECT for role :asterisk_role
        GRANT SELECT
            ON ps_auths, ps_aors, ps_endpoints, ps_registrations, extensions, :"config_table"
            TO :"asterisk_role";
        SELECT to_regclass('ps_endpoint_id_ips') IS NOT NULL AS has_identify
        \gset
        \if :has_identify
            GRANT SELECT ON ps_endpoint_id_ips TO :"asterisk_role";
        \endif
    \endif
\endif

\if :is_dograh
    \echo Dograh database: SELECT on telephony_configurations for role :role
    -- reconcilerd only reads Dograh, and only this table.
    GRANT SELECT ON telephony_configurations TO :"role";
\endif

\if :is_ara
\elif :is_dograh
\else
    DO $$ BEGIN
        RAISE EXCEPTION 'neither ps_endpoints (ARA) nor telephony_configurations (Dograh) found: wrong database, or wrong search_path?';
    END $$;
\endif
