-- Sample Dograh configurations for the demo: two valid trunks, one inactive, one with a
-- missing password, one that collides with another organization's trunk.
INSERT INTO organizations (id, provider_id) VALUES (1, 'org-acme'), (2, 'org-globex');

INSERT INTO telephony_configurations (organization_id, name, provider, credentials, inactive, created_at, updated_at) VALUES
 (1, 'Acme 3CX Milan', 'three_cx',
  '{"ari_endpoint": "http://asterisk.internal:8088", "app_name": "dograh", "app_password": "ari-demo-secret",
    "ws_client_name": "dograh_ws", "sip_domain": "1156.3cx.cloud", "extension": "12611",
    "sip_password": "demo-sip-secret-1", "strip_prefix": "^\\+39"}', false, now(), now()),
 (1, 'Acme 3CX London', 'three_cx',
  '{"ari_endpoint": "http://asterisk.internal:8088", "app_name": "dograh", "app_password": "ari-demo-secret",
    "sip_domain": "acme-uk.3cx.eu", "extension": "201", "auth_username": "x7Kp201",
    "sip_password": "demo-sip-secret-2", "strip_prefix": "", "transport_name": "transport-udp"}', false, now(), now()),
 (1, 'Acme parked', 'three_cx',
  '{"app_name": "dograh", "sip_domain": "old.3cx.cloud", "extension": "300", "sip_password": "demo-sip-secret-3"}',
  true, now(), now()),
 (2, 'Globex draft', 'three_cx',
  '{"app_name": "dograh", "sip_domain": "globex.3cx.us", "extension": "100"}', false, now(), now()),
 (2, 'Globex copy of Acme', 'three_cx',
  '{"app_name": "dograh", "sip_domain": "1156.3cx.cloud", "extension": "12611", "sip_password": "demo-sip-secret-4"}',
  false, now(), now()),
 (2, 'Globex Twilio', 'twilio', '{"account_sid": "AC123", "auth_token": "not-ours"}', false, now(), now());
