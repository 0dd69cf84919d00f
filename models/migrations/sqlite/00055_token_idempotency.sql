-- +goose Up
-- A token issued with an Idempotency-Key keeps the key and who gave it, so that the same request
-- sent again issues no second live credential: its secret was shown once and is not kept, so the
-- repeat is refused, naming the token issued (api/directory.go, issueToken). '' for none.
ALTER TABLE api_tokens ADD COLUMN issued_by TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN idempotency_key TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX api_tokens_idempotency ON api_tokens (issued_by, idempotency_key) WHERE idempotency_key <> '';

-- +goose Down
DROP INDEX api_tokens_idempotency;
ALTER TABLE api_tokens DROP COLUMN idempotency_key;
ALTER TABLE api_tokens DROP COLUMN issued_by;
