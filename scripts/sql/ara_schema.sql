-- The Asterisk Realtime tables reconcilerd writes, with the types of Asterisk's own
-- Postgres schema (alembic, Asterisk 22): ps_* tables have no primary key but UNIQUE(id),
-- every other ps_* column is nullable, booleans are the ast_bool_values enum.
-- Only the columns that matter here plus a few unmanaged ones (left alone by reconcilerd).
CREATE TYPE ast_bool_values AS ENUM ('0', '1', 'off', 'on', 'false', 'true', 'no', 'yes');
CREATE TYPE pjsip_auth_type_values_v2 AS ENUM ('md5', 'userpass', 'google_oauth');
CREATE TYPE pjsip_dtmf_mode_values_v3 AS ENUM ('rfc4733', 'inband', 'info', 'auto', 'auto_info');

CREATE TABLE ps_auths (
    id varchar(255) NOT NULL UNIQUE,
    auth_type pjsip_auth_type_values_v2,
    nonce_lifetime integer,
    md5_cred varchar(40),
    password varchar(80),
    realm varchar(255),
    username varchar(40),
    refresh_token varchar(255),
    oauth_clientid varchar(255),
    oauth_secret varchar(255)
);

CREATE TABLE ps_aors (
    id varchar(255) NOT NULL UNIQUE,
    contact varchar(255),
    default_expiration integer,
    mailboxes varchar(80),
    max_contacts integer,
    minimum_expiration integer,
    remove_existing ast_bool_values,
    qualify_frequency integer,
    authenticate_qualify ast_bool_values,
    maximum_expiration integer,
    outbound_proxy varchar(255),
    support_path ast_bool_values,
    qualify_timeout float,
    voicemail_extension varchar(40),
    remove_unavailable ast_bool_values
);

CREATE TABLE ps_endpoints (
    id varchar(255) NOT NULL UNIQUE,
    transport varchar(40),
    aors varchar(2048),
    auth varchar(255),
    context varchar(40),
    disallow varchar(200),
    allow varchar(200),
    direct_media ast_bool_values,
    dtmf_mode pjsip_dtmf_mode_values_v3,
    force_rport ast_bool_values,
    ice_support ast_bool_values,
    identify_by varchar(80),
    mailboxes varchar(40),
    outbound_auth varchar(255),
    outbound_proxy varchar(255),
    rewrite_contact ast_bool_values,
    rtp_symmetric ast_bool_values,
    callerid varchar(40),
    from_user varchar(40),
    from_domain varchar(40),
    language varchar(40),
    accountcode varchar(80),
    set_var text
);

CREATE TABLE ps_registrations (
    id varchar(255) NOT NULL UNIQUE,
    auth_rejection_permanent ast_bool_values,
    client_uri varchar(255),
    contact_user varchar(40),
    expiration integer,
    max_retries integer,
    outbound_auth varchar(255),
    outbound_proxy varchar(255),
    retry_interval integer,
    forbidden_retry_interval integer,
    server_uri varchar(255),
    transport varchar(40),
    support_path ast_bool_values,
    fatal_retry_interval integer,
    line ast_bool_values,
    endpoint varchar(255),
    support_outbound ast_bool_values,
    contact_header_params varchar(255),
    max_random_initial_delay integer
);

CREATE TABLE extensions (
    id bigserial PRIMARY KEY,
    context varchar(40) NOT NULL,
    exten varchar(40) NOT NULL,
    priority integer NOT NULL,
    app varchar(40) NOT NULL,
    appdata varchar(256) NOT NULL,
    UNIQUE (context, exten, priority)
);

-- The static-realtime config table (ast_config) comes from the operator kit:
-- config/asterisk/ara-config-table.sql, loaded right after this file.
