-- certdir address book, SQLite schema as migration "v1" leaves it (reference copy).
-- The statements below are exactly AddressBookSchema.version1; a test keeps them equal.
-- Migrations are frozen once shipped; later versions append migrations, never edit this one.
-- The migration also sets PRAGMA application_id = 1128481089 (0x43444142, "CDAB").
-- Times are seconds since 1970-01-01 UTC (REAL); sha256 is lowercase hex of the DER.

CREATE TABLE contact (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL UNIQUE,        -- normalised: lowercase
    display_name TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',  -- JSON array of lowercase addresses
    origin TEXT NOT NULL,                -- directory | signed-mail | import
    directory_uri TEXT,
    dn TEXT,
    created_at REAL NOT NULL,            -- seconds since 1970, UTC
    updated_at REAL NOT NULL
);
CREATE TABLE certificate (
    sha256 TEXT PRIMARY KEY,             -- lowercase hex of the DER
    der BLOB NOT NULL,
    subject TEXT NOT NULL,               -- RFC 4514
    issuer TEXT NOT NULL,
    serial TEXT NOT NULL,                -- lowercase hex
    not_before REAL NOT NULL,
    not_after REAL NOT NULL,
    key_usage TEXT NOT NULL              -- e.g. "keyEncipherment; EKU emailProtection"
);
CREATE TABLE contact_certificate (
    contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL REFERENCES certificate(sha256) ON DELETE CASCADE,
    origin TEXT NOT NULL,                -- directory | signed-mail | import
    origin_detail TEXT,                  -- directory URI and DN, message, or file
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL,
    smime_capabilities BLOB,             -- DER SMIMECapabilities from signed mail (RFC 8551 §2.5.2)
    encryption_preference INTEGER NOT NULL DEFAULT 0, -- named by SMIMEEncryptionKeyPreference (RFC 8551 §2.5.3)
    PRIMARY KEY (contact_id, sha256)
);
CREATE INDEX contact_certificate_sha256 ON contact_certificate(sha256);
CREATE TABLE lookup (
    address TEXT NOT NULL,               -- normalised: lowercase
    directory TEXT NOT NULL,             -- servers and base asked
    checks TEXT NOT NULL,                -- fingerprint of trust anchors, intermediates and policy
    looked_up_at REAL NOT NULL,
    status TEXT NOT NULL,                -- ok | not-found | no-usable-certificate | ambiguous
    detail TEXT NOT NULL,                -- JSON: entries, candidates and their verdicts
    PRIMARY KEY (address, directory)
);
