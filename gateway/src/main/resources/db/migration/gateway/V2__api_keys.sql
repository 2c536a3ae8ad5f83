-- The gateway's API keys (issue 13). A token is never stored: only its SHA-256 (hex) and its first
-- 8 characters, to tell keys apart in a listing. Revoking sets revoked_at; a revoked key never
-- authenticates again (rotating gives the same row a new hash, so the old token dies at once).

create table gateway.api_key (
    id               uuid        primary key,
    name             text        not null unique,
    role             text        not null check (role in ('reader', 'labeller', 'operator', 'admin')),
    hash             text        not null unique,
    prefix           text        not null,
    created_at       timestamptz not null,
    rotated_at       timestamptz,
    revoked_at       timestamptz,
    -- requests per minute for this key; null means ugda.gateway.rate-limit.per-minute
    rate_per_minute  int         check (rate_per_minute is null or rate_per_minute > 0)
);
