-- The runtime role needs DML only: reconcilerd never runs DDL while reconciling.
-- psql variable :role names the role (default reconcilerd).
GRANT SELECT, INSERT, UPDATE, DELETE ON ps_auths, ps_aors, ps_endpoints, ps_registrations, extensions, ast_config TO :"role";
GRANT USAGE ON SEQUENCE extensions_id_seq, ast_config_id_seq TO :"role";
