-- N three_cx configurations with realistic variety, for the benchmark (psql variable :n).
-- Deterministic: configuration i always gets the same fields, so runs are comparable.
--   * organizations hold 2 or 3 configurations each; each organization has its own 3CX host
--     in one of six styles (<org>.3cx.cloud, pbx<org>.3cx.eu, Acme<org>.3CX.us, sip.org<org>.de,
--     tel-<org>.my3cx.de, <org>.3cx.be:5061), so endpoint ids stay <= 31 characters and unique;
--   * extensions 100..99999 (every 10th saved as a JSON number), strip prefixes from a small
--     list, an auth_username on every 3rd, a TCP transport on every 7th;
--   * ~1% invalid (i % 100 = 42: no sip_password), ~2% inactive (i % 50 = 17),
--   * ~0.1% collisions (i % 1000 = 999: another organization's copy of configuration i-500,
--     rejected by reconcilerd because the lower id keeps the endpoint id),
--   * plus N/20 rows of another provider (twilio) that reconcilerd must ignore.
-- scripts/bench/lib.sh relies on these formulas (bench_pick_config).
\set ON_ERROR_STOP 1
BEGIN;
INSERT INTO organizations (id, provider_id)
SELECT o, 'org-' || o FROM generate_series(1, (2 * :n + 4) / 5 + 1) AS o;

WITH base AS (
    SELECT i,
           (2 * i + 4) / 5 AS org,
           CASE WHEN i % 1000 = 999 THEN i - 500 ELSE i END AS src
    FROM generate_series(1, :n) AS i
), fields AS (
    SELECT i, org, src,
           CASE ((2 * src + 4) / 5) % 6
               WHEN 0 THEN ((2 * src + 4) / 5) || '.3cx.cloud'
               WHEN 1 THEN 'pbx' || ((2 * src + 4) / 5) || '.3cx.eu'
               WHEN 2 THEN 'Acme' || ((2 * src + 4) / 5) || '.3CX.us'
               WHEN 3 THEN 'sip.org' || ((2 * src + 4) / 5) || '.de'
               WHEN 4 THEN 'tel-' || ((2 * src + 4) / 5) || '.my3cx.de'
               ELSE ((2 * src + 4) / 5) || '.3cx.be:5061'
           END AS domain,
           100 + (src * 7919) % 99900 AS ext,
           (ARRAY['^\+39', '^\+(39|41)', '^00', '', '^(00|\+)44'])[1 + i % 5] AS strip_prefix
    FROM base
)
INSERT INTO telephony_configurations (id, organization_id, name, provider, credentials, is_default_outbound, inactive, created_at, updated_at)
SELECT i, org, '3CX trunk ' || i, 'three_cx',
       json_strip_nulls(json_build_object(
           'ari_endpoint', 'http://asterisk.internal:8088',
           'app_name', 'dograh',
           'app_password', 'ari-secret-' || org,
           'ws_client_name', 'dograh_ws',
           'sip_domain', domain,
           'extension', CASE WHEN i % 10 = 5 THEN to_json(ext) ELSE to_json(ext::text) END,
           'auth_username', CASE WHEN i % 3 = 0 THEN 'u' || md5(i::text)::varchar(8) END,
           'sip_password', CASE WHEN i % 100 <> 42 THEN 'sip-' || md5('pw' || i) END,
           'strip_prefix', strip_prefix,
           'transport_name', CASE WHEN i % 7 = 0 THEN 'transport-tcp' END)),
       i % 5 = 1,  -- one default-outbound configuration in some organizations (at most one each)
       i % 50 = 17,
       now() - interval '1 day', now() - interval '1 day'
FROM fields;

-- Other providers live in the same table; reconcilerd's WHERE provider = 'three_cx' skips them.
INSERT INTO telephony_configurations (id, organization_id, name, provider, credentials, created_at, updated_at)
SELECT :n + j, 1 + j % ((2 * :n + 4) / 5), 'Twilio ' || j, 'twilio',
       json_build_object('account_sid', 'AC' || md5(j::text), 'auth_token', md5('t' || j)), now(), now()
FROM generate_series(1, greatest(:n / 20, 1)) AS j;

SELECT setval(pg_get_serial_sequence('telephony_configurations', 'id'), (SELECT max(id) FROM telephony_configurations));
SELECT setval(pg_get_serial_sequence('organizations', 'id'), (SELECT max(id) FROM organizations));
COMMIT;
ANALYZE telephony_configurations;
