-- Rows an operator keeps by hand in the same ARA tables; reconcilerd must never touch them.
INSERT INTO ps_endpoints (id, transport, aors, context, disallow, allow) VALUES ('office_phone', 'transport-udp', 'office_phone', 'internal', 'all', 'ulaw');
INSERT INTO ps_aors (id, max_contacts) VALUES ('office_phone', 1);
INSERT INTO ps_auths (id, auth_type, username, password) VALUES ('office_phone', 'userpass', 'office', 'operator-secret');
INSERT INTO extensions (context, exten, priority, app, appdata) VALUES ('internal', '100', 1, 'Dial', 'PJSIP/office_phone');
INSERT INTO ast_config (filename, category, var_name, var_val) VALUES ('extensions.conf', 'internal', 'switch', 'Realtime/internal@extensions');
