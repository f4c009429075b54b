-- Dograh's tables as far as reconcilerd reads them (columns as of Dograh's latest
-- migrations; see docs/ and DOMAIN.md §1). Only for the throwaway demo/test database.
CREATE TABLE organizations (
    id serial PRIMARY KEY,
    provider_id varchar(255) NOT NULL UNIQUE,
    created_at timestamptz DEFAULT now()
);

CREATE TABLE telephony_configurations (
    id serial PRIMARY KEY,
    organization_id integer NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name varchar(64) NOT NULL,
    provider varchar(32) NOT NULL,
    credentials json NOT NULL,
    is_default_outbound boolean NOT NULL DEFAULT false,
    inactive boolean NOT NULL DEFAULT false,
    inactive_since timestamptz NULL,
    inactive_reason varchar(255) NULL,
    created_at timestamptz,
    updated_at timestamptz,
    UNIQUE (organization_id, name)
);
CREATE UNIQUE INDEX telephony_configurations_default_outbound
    ON telephony_configurations (organization_id) WHERE is_default_outbound;
