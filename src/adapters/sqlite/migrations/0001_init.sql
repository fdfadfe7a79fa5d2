-- 0001: tenants and API keys, profiles, observation sets, the hash-chained audit log, knowledge
-- versions. SQLite dialect; keep in step with ../../postgres/migrations/0001_init.sql.
-- Timestamps are ISO 8601 UTC text written by the engine (the audit hash covers them verbatim).
-- JSON documents are the engine's canonical JSON text (sorted keys), checked with json_valid.

CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
) STRICT;

-- Only the SHA-256 of a key is stored; the plaintext is shown once at creation.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  key_hash TEXT NOT NULL UNIQUE,
  label TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT
) STRICT;
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);

-- seq orders rows and serves as the page cursor; id is the public identifier.
CREATE TABLE profiles (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  created_at TEXT NOT NULL,
  intake TEXT NOT NULL CHECK (json_valid(intake)),
  profile TEXT NOT NULL CHECK (json_valid(profile)),
  intake_hash TEXT NOT NULL,
  knowledge_version TEXT,
  -- target of the composite foreign key below: an observation set can only point at a profile
  -- of its own tenant.
  UNIQUE (tenant_id, id)
) STRICT;
CREATE INDEX profiles_tenant ON profiles (tenant_id, seq);

CREATE TABLE observation_sets (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  profile_id TEXT,
  partner TEXT CHECK (partner IN ('female', 'male')),
  created_at TEXT NOT NULL,
  report TEXT NOT NULL CHECK (json_valid(report)),
  observation_count INTEGER NOT NULL,
  FOREIGN KEY (tenant_id, profile_id) REFERENCES profiles (tenant_id, id)
) STRICT;
CREATE INDEX observation_sets_tenant ON observation_sets (tenant_id, seq);
CREATE INDEX observation_sets_profile ON observation_sets (tenant_id, profile_id, seq);

-- One row per tenant: the last seq and hash of its chain. Appends lock it (BEGIN IMMEDIATE here,
-- SELECT … FOR UPDATE on PostgreSQL); verification compares the chain's end with it, which is
-- how a removed tail is noticed.
CREATE TABLE audit_heads (
  tenant_id TEXT PRIMARY KEY REFERENCES tenants (id),
  seq INTEGER NOT NULL CHECK (seq >= 0),
  hash TEXT NOT NULL
) STRICT;

CREATE TABLE audit_log (
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  seq INTEGER NOT NULL CHECK (seq >= 1),
  id TEXT NOT NULL UNIQUE,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (tenant_id, seq)
) STRICT;

-- Append-only by construction. These stop mistakes and casual edits; someone who can drop a
-- trigger can also edit rows, and that is what the hash chain is for.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads
BEGIN
  SELECT RAISE(ABORT, 'audit_heads rows cannot be deleted');
END;
CREATE TRIGGER audit_heads_forward_only BEFORE UPDATE ON audit_heads
WHEN NEW.seq <> OLD.seq + 1 OR NEW.tenant_id <> OLD.tenant_id
BEGIN
  SELECT RAISE(ABORT, 'audit_heads only advance one record at a time');
END;

-- A stored bank, by its content id. Entries are kept forever so that any answer's version can be
-- reloaded and any rollback republished.
CREATE TABLE knowledge_versions (
  version TEXT PRIMARY KEY,
  content_hash TEXT NOT NULL,
  entries TEXT NOT NULL CHECK (json_valid(entries)),
  entry_count INTEGER NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

-- Each publication; the highest n is current. `id` makes a retried publish idempotent.
CREATE TABLE knowledge_publications (
  n INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  version TEXT NOT NULL REFERENCES knowledge_versions (version),
  published_at TEXT NOT NULL,
  published_by TEXT NOT NULL,
  note TEXT
) STRICT;

CREATE TRIGGER knowledge_versions_no_update BEFORE UPDATE ON knowledge_versions
BEGIN
  SELECT RAISE(ABORT, 'knowledge_versions are immutable');
END;
CREATE TRIGGER knowledge_versions_no_delete BEFORE DELETE ON knowledge_versions
BEGIN
  SELECT RAISE(ABORT, 'knowledge_versions are immutable');
END;
CREATE TRIGGER knowledge_publications_no_update BEFORE UPDATE ON knowledge_publications
BEGIN
  SELECT RAISE(ABORT, 'knowledge_publications are append-only');
END;
CREATE TRIGGER knowledge_publications_no_delete BEFORE DELETE ON knowledge_publications
BEGIN
  SELECT RAISE(ABORT, 'knowledge_publications are append-only');
END;
