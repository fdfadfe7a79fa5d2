-- 0001: tenants and API keys, profiles, observation sets, the hash-chained audit log, knowledge
-- versions. PostgreSQL dialect; keep in step with ../../sqlite/migrations/0001_init.sql.
-- Runs inside the store's schema (search_path), in one transaction, under an advisory lock.
-- JSON documents use `json` (stored verbatim, validated) rather than `jsonb`: the engine writes
-- canonical text and reads back exactly what it wrote.

CREATE TABLE tenants (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL
);

-- Only the SHA-256 of a key is stored; the plaintext is shown once at creation.
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id),
  key_hash text NOT NULL UNIQUE,
  label text,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);

-- seq orders rows and serves as the page cursor; id is the public identifier.
CREATE TABLE profiles (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  tenant_id text NOT NULL REFERENCES tenants (id),
  created_at timestamptz NOT NULL,
  intake json NOT NULL,
  profile json NOT NULL,
  intake_hash text NOT NULL,
  knowledge_version text,
  -- target of the composite foreign key below: an observation set can only point at a profile
  -- of its own tenant.
  UNIQUE (tenant_id, id)
);
CREATE INDEX profiles_tenant ON profiles (tenant_id, seq);

CREATE TABLE observation_sets (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  tenant_id text NOT NULL REFERENCES tenants (id),
  profile_id text,
  partner text CHECK (partner IN ('female', 'male')),
  created_at timestamptz NOT NULL,
  report json NOT NULL,
  observation_count integer NOT NULL,
  FOREIGN KEY (tenant_id, profile_id) REFERENCES profiles (tenant_id, id)
);
CREATE INDEX observation_sets_tenant ON observation_sets (tenant_id, seq);
CREATE INDEX observation_sets_profile ON observation_sets (tenant_id, profile_id, seq);

-- One row per tenant: the last seq and hash of its chain. Appends take it with SELECT … FOR
-- UPDATE, which serializes appends to one chain across every process on this database while
-- other tenants append in parallel; verification compares the chain's end with it.
CREATE TABLE audit_heads (
  tenant_id text PRIMARY KEY REFERENCES tenants (id),
  seq bigint NOT NULL CHECK (seq >= 0),
  hash text NOT NULL
);

CREATE TABLE audit_log (
  tenant_id text NOT NULL REFERENCES tenants (id),
  seq bigint NOT NULL CHECK (seq >= 1),
  id text NOT NULL UNIQUE,
  -- text, not timestamptz: the hash covers this exact string.
  at text NOT NULL,
  kind text NOT NULL,
  payload json NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);

-- Append-only by construction. These stop mistakes and casual edits; a role that can disable a
-- trigger can also edit rows, and that is what the hash chain is for.
CREATE FUNCTION fertility_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END
$$;

CREATE FUNCTION fertility_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.seq <> OLD.seq + 1 OR NEW.tenant_id <> OLD.tenant_id THEN
    RAISE EXCEPTION 'audit_heads only advance one record at a time';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION fertility_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION fertility_refuse_change();
CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads
  FOR EACH ROW EXECUTE FUNCTION fertility_refuse_change();
CREATE TRIGGER audit_heads_no_truncate BEFORE TRUNCATE ON audit_heads
  FOR EACH STATEMENT EXECUTE FUNCTION fertility_refuse_change();
CREATE TRIGGER audit_heads_forward_only BEFORE UPDATE ON audit_heads
  FOR EACH ROW EXECUTE FUNCTION fertility_head_forward();

-- A stored bank, by its content id. Entries are kept forever so that any answer's version can be
-- reloaded and any rollback republished.
CREATE TABLE knowledge_versions (
  version text PRIMARY KEY,
  content_hash text NOT NULL,
  entries json NOT NULL,
  entry_count integer NOT NULL,
  created_at timestamptz NOT NULL
);

-- Each publication; the highest n is current. Publishing holds an advisory lock so that n order
-- is commit order. `id` makes a retried publish idempotent.
CREATE TABLE knowledge_publications (
  n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  version text NOT NULL REFERENCES knowledge_versions (version),
  published_at timestamptz NOT NULL,
  published_by text NOT NULL,
  note text
);

CREATE TRIGGER knowledge_versions_immutable BEFORE UPDATE OR DELETE ON knowledge_versions
  FOR EACH ROW EXECUTE FUNCTION fertility_refuse_change();
CREATE TRIGGER knowledge_publications_append_only BEFORE UPDATE OR DELETE ON knowledge_publications
  FOR EACH ROW EXECUTE FUNCTION fertility_refuse_change();
