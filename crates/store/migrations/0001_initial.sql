-- The whole schema, in SQL that SQLite and PostgreSQL both accept.
--
-- Conventions that keep it portable:
-- * ids are BIGINT handed out by the id_sequence row, never AUTOINCREMENT
--   or SERIAL;
-- * instants are BIGINT milliseconds since the Unix epoch (UTC);
-- * booleans are BIGINT 0/1;
-- * nested configuration (answering rules, IVR menus, schedules, contacts)
--   is JSON text in RingCentral's shape; only what queries filter on has
--   its own column.

CREATE TABLE id_sequence (
    name TEXT PRIMARY KEY,
    next_id BIGINT NOT NULL
);
-- Ids start high enough to look like RingCentral's and never clash with
-- short extension numbers in logs.
INSERT INTO id_sequence (name, next_id) VALUES ('global', 100000000);

CREATE TABLE accounts (
    id BIGINT PRIMARY KEY,
    company_name TEXT NOT NULL,
    main_number TEXT NOT NULL,
    operator_extension_id BIGINT,
    timezone TEXT NOT NULL,
    status TEXT NOT NULL,
    business_hours TEXT
);

CREATE TABLE extensions (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    extension_number TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    contact TEXT NOT NULL,
    regional_settings TEXT,
    ivr_pin TEXT,
    -- A PHC string (argon2) written by the API layer; never a clear password.
    password_hash TEXT,
    hidden BIGINT NOT NULL DEFAULT 0,
    business_hours TEXT,
    UNIQUE (account_id, extension_number)
);
CREATE INDEX extensions_by_type ON extensions (account_id, type);

CREATE TABLE devices (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    extension_id BIGINT REFERENCES extensions (id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    sip_username TEXT NOT NULL UNIQUE,
    -- Kept in clear: digest authentication and sip-info provisioning need it.
    sip_password TEXT NOT NULL,
    sip_authorization_id TEXT NOT NULL UNIQUE
);
CREATE INDEX devices_by_extension ON devices (extension_id);

CREATE TABLE phone_numbers (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    phone_number TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    usage_type TEXT NOT NULL,
    status TEXT NOT NULL,
    label TEXT,
    extension_id BIGINT REFERENCES extensions (id) ON DELETE SET NULL
);
CREATE INDEX phone_numbers_by_usage ON phone_numbers (account_id, usage_type);

CREATE TABLE extension_answering_rules (
    extension_id BIGINT NOT NULL REFERENCES extensions (id) ON DELETE CASCADE,
    rule_id TEXT NOT NULL,
    type TEXT NOT NULL,
    enabled BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (extension_id, rule_id)
);

CREATE TABLE company_answering_rules (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    rule_id TEXT NOT NULL,
    type TEXT NOT NULL,
    enabled BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, rule_id)
);

CREATE TABLE forwarding_numbers (
    id BIGINT PRIMARY KEY,
    extension_id BIGINT NOT NULL REFERENCES extensions (id) ON DELETE CASCADE,
    phone_number TEXT NOT NULL,
    label TEXT,
    type TEXT NOT NULL
);
CREATE INDEX forwarding_numbers_by_extension ON forwarding_numbers (extension_id);

-- An IVR menu is also an extension of type IvrMenu with the same id.
CREATE TABLE ivr_menus (
    id BIGINT PRIMARY KEY REFERENCES extensions (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    body TEXT NOT NULL
);

CREATE TABLE ivr_prompts (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT,
    filename TEXT,
    content_type TEXT NOT NULL,
    blob_key TEXT NOT NULL
);

CREATE TABLE greetings (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    extension_id BIGINT REFERENCES extensions (id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    content_type TEXT NOT NULL,
    answering_rule_id TEXT,
    blob_key TEXT NOT NULL
);
CREATE INDEX greetings_by_extension ON greetings (extension_id);

CREATE TABLE messages (
    id BIGINT PRIMARY KEY,
    extension_id BIGINT NOT NULL REFERENCES extensions (id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    direction TEXT NOT NULL,
    read_status TEXT NOT NULL,
    availability TEXT NOT NULL,
    message_status TEXT NOT NULL,
    creation_time BIGINT NOT NULL,
    last_modified_time BIGINT NOT NULL,
    from_party TEXT NOT NULL,
    to_parties TEXT NOT NULL,
    subject TEXT,
    attachments TEXT NOT NULL
);
CREATE INDEX messages_by_time ON messages (extension_id, creation_time);

CREATE TABLE call_log (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    extension_id BIGINT REFERENCES extensions (id) ON DELETE SET NULL,
    session_id TEXT NOT NULL,
    telephony_session_id TEXT,
    start_time BIGINT NOT NULL,
    type TEXT NOT NULL,
    direction TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX call_log_by_time ON call_log (account_id, start_time);
CREATE INDEX call_log_by_extension_time ON call_log (extension_id, start_time);

CREATE TABLE call_log_legs (
    record_id BIGINT NOT NULL REFERENCES call_log (id) ON DELETE CASCADE,
    leg_index BIGINT NOT NULL,
    extension_id BIGINT REFERENCES extensions (id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (record_id, leg_index)
);
CREATE INDEX call_log_legs_by_extension ON call_log_legs (extension_id);

CREATE TABLE presence (
    extension_id BIGINT PRIMARY KEY REFERENCES extensions (id) ON DELETE CASCADE,
    body TEXT NOT NULL
);

-- Registrar bindings (RFC 3261 section 10.3), reloaded at start-up.
CREATE TABLE sip_registrations (
    aor TEXT NOT NULL,
    contact_uri TEXT NOT NULL,
    source_address TEXT NOT NULL,
    transport TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    call_id TEXT NOT NULL,
    cseq BIGINT NOT NULL,
    -- q-value in thousandths, so no floating-point column is needed.
    q_milli BIGINT,
    instance TEXT,
    -- The owner as the registrar resolved it; no foreign key, so the
    -- registrar never fails on a binding of an extension deleted meanwhile.
    extension_id BIGINT,
    user_agent TEXT,
    PRIMARY KEY (aor, contact_uri)
);
CREATE INDEX sip_registrations_by_expiry ON sip_registrations (expires_at);

CREATE TABLE oauth_clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT,
    grants TEXT NOT NULL,
    -- Space-separated permissions the app may be granted.
    scope TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- One row per issued access/refresh pair; a refresh rotates the row.
CREATE TABLE oauth_tokens (
    id BIGINT PRIMARY KEY,
    session_id TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL,
    extension_id BIGINT NOT NULL REFERENCES extensions (id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    access_hash TEXT NOT NULL UNIQUE,
    access_expires_at BIGINT NOT NULL,
    refresh_hash TEXT UNIQUE,
    refresh_expires_at BIGINT,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX oauth_tokens_by_session ON oauth_tokens (session_id);

CREATE TABLE oauth_jwt_credentials (
    id TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    extension_id BIGINT NOT NULL REFERENCES extensions (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    client_ids TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);

CREATE TABLE oauth_codes (
    code_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL,
    extension_id BIGINT NOT NULL REFERENCES extensions (id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL,
    code_challenge TEXT,
    code_challenge_method TEXT,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
