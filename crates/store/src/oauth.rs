//! OAuth 2.0 state: client apps, issued tokens, per-user JWT credentials
//! and authorization codes.
//!
//! Nothing secret is stored in clear: tokens, codes, JWTs and client
//! secrets are kept as SHA-256 hashes ([`hash_secret`]), looked up by hash.
//! A plain hash suffices because the server generates every one of these
//! with at least 128 random bits; user passwords would need argon2 instead.
//! The API layer issues and checks the values; this module only remembers
//! them.

use jiff::Timestamp;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use switchboard_phone::model::{AccountId, ExtensionId};
use tracing::{debug, warn};

use crate::db::{RowExt, from_json, from_millis, millis, next_id, to_json};
use crate::{Result, Store, StoreError};

/// The lowercase hex SHA-256 of a token, code or secret: the form in which
/// it is stored and looked up.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A registered client application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClient {
    /// The `client_id` apps send.
    pub id: String,
    pub name: String,
    /// [`hash_secret`] of the client secret; `None` for public clients
    /// (browser apps using PKCE).
    pub secret_hash: Option<String>,
    /// Grant types allowed: `authorization_code`, `refresh_token`,
    /// `password`, `urn:ietf:params:oauth:grant-type:jwt-bearer`.
    pub grants: Vec<String>,
    /// Exact redirect URIs accepted in the authorization code flow.
    pub redirect_uris: Vec<String>,
    /// Space-separated permissions the app may be granted; tokens never
    /// carry more.
    pub scope: String,
    pub created_at: Timestamp,
}

/// The hashes and lifetimes of a freshly issued access/refresh pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHashes {
    pub access_hash: String,
    pub access_expires_at: Timestamp,
    /// `None` when no refresh token was issued.
    pub refresh_hash: Option<String>,
    pub refresh_expires_at: Option<Timestamp>,
}

/// A token pair as issued to a client for one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    /// RingCentral's `session_id`: shared by every pair a refresh chain
    /// produces, so one revocation can end the whole chain.
    pub session_id: String,
    pub client_id: String,
    pub account_id: AccountId,
    /// The owner (`owner_id`).
    pub extension_id: ExtensionId,
    pub scope: String,
    pub hashes: TokenHashes,
    pub created_at: Timestamp,
}

/// A stored token pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: i64,
    pub token: NewToken,
    pub revoked_at: Option<Timestamp>,
}

/// A JWT credential a user created for an app's JWT bearer grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtCredential {
    /// The JWT's `jti`.
    pub id: String,
    pub account_id: AccountId,
    pub extension_id: ExtensionId,
    /// [`hash_secret`] of the whole JWT.
    pub token_hash: String,
    /// Apps allowed to use it; empty means any.
    pub client_ids: Vec<String>,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// An authorization code waiting to be exchanged for tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationCode {
    /// [`hash_secret`] of the code.
    pub code_hash: String,
    pub client_id: String,
    pub account_id: AccountId,
    pub extension_id: ExtensionId,
    pub redirect_uri: String,
    pub scope: String,
    /// PKCE (RFC 7636) `code_challenge`, if the client sent one.
    pub code_challenge: Option<String>,
    /// `plain` or `S256`.
    pub code_challenge_method: Option<String>,
    pub expires_at: Timestamp,
}

impl Store {
    /// Registers a client application.
    pub async fn create_oauth_client(&self, client: &OAuthClient) -> Result<()> {
        sqlx::query(
            "INSERT INTO oauth_clients (id, name, secret_hash, grants, redirect_uris, scope, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(client.id.clone())
        .bind(client.name.clone())
        .bind(client.secret_hash.clone())
        .bind(to_json(&client.grants))
        .bind(to_json(&client.redirect_uris))
        .bind(client.scope.clone())
        .bind(millis(client.created_at))
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx("OAuth client", e))?;
        Ok(())
    }

    /// The client with this `client_id`.
    pub async fn get_oauth_client(&self, id: &str) -> Result<OAuthClient> {
        let row = sqlx::query("SELECT * FROM oauth_clients WHERE id = $1")
            .bind(id.to_owned())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("OAuth client"))?;
        client_from_row(&row)
    }

    /// Every registered client.
    pub async fn list_oauth_clients(&self) -> Result<Vec<OAuthClient>> {
        let rows = sqlx::query("SELECT * FROM oauth_clients ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(client_from_row).collect()
    }

    /// Removes a client with all its tokens and codes.
    pub async fn delete_oauth_client(&self, id: &str) -> Result<()> {
        let done = sqlx::query("DELETE FROM oauth_clients WHERE id = $1")
            .bind(id.to_owned())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("OAuth client"));
        }
        Ok(())
    }

    /// Stores a newly issued token pair.
    pub async fn insert_token(&self, token: &NewToken) -> Result<TokenRecord> {
        let id = next_id(&self.pool).await?;
        insert_token_row(&self.pool, id, token).await?;
        debug!(
            token_id = id,
            extension_id = token.extension_id,
            "token issued"
        );
        Ok(TokenRecord {
            id,
            token: token.clone(),
            revoked_at: None,
        })
    }

    /// The unrevoked, unexpired token pair whose access token hashes to
    /// `access_hash`.
    pub async fn find_access_token(
        &self,
        access_hash: &str,
        now: Timestamp,
    ) -> Result<Option<TokenRecord>> {
        let row = sqlx::query(
            "SELECT * FROM oauth_tokens WHERE access_hash = $1 AND revoked_at IS NULL \
             AND access_expires_at > $2",
        )
        .bind(access_hash.to_owned())
        .bind(millis(now))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    /// The pair whose access token hashes to `access_hash`, expired and
    /// revoked ones included, so the API can tell "expired" (OAU-128) from
    /// "invalid" (OAU-129).
    pub async fn lookup_access_token(&self, access_hash: &str) -> Result<Option<TokenRecord>> {
        let row = sqlx::query("SELECT * FROM oauth_tokens WHERE access_hash = $1")
            .bind(access_hash.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    /// Exchanges a refresh token for a new pair: the old pair is revoked and
    /// the new one inherits its session, client, owner and scope, all in
    /// one transaction. Presenting an already rotated refresh token is
    /// treated as theft (RFC 6819 section 5.2.2.3): the whole session is
    /// revoked and the call fails.
    pub async fn rotate_refresh_token(
        &self,
        refresh_hash: &str,
        replacement: &TokenHashes,
        now: Timestamp,
    ) -> Result<TokenRecord> {
        let mut tx = self.pool.begin().await?;
        let old = sqlx::query(
            "UPDATE oauth_tokens SET revoked_at = $2 WHERE refresh_hash = $1 \
             AND revoked_at IS NULL AND refresh_expires_at > $2 RETURNING *",
        )
        .bind(refresh_hash.to_owned())
        .bind(millis(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(old) = old else {
            drop(tx);
            self.revoke_reused_refresh(refresh_hash, now).await?;
            return Err(StoreError::Expired("refresh token"));
        };
        let old = token_from_row(&old)?;
        let id = next_id(&mut *tx).await?;
        let token = NewToken {
            hashes: replacement.clone(),
            created_at: now,
            ..old.token
        };
        insert_token_row(&mut *tx, id, &token).await?;
        tx.commit().await?;
        debug!(token_id = id, replaces = old.id, "refresh token rotated");
        Ok(TokenRecord {
            id,
            token,
            revoked_at: None,
        })
    }

    /// Revokes the pair that either token of it hashes to (RFC 7009);
    /// returns whether one was found.
    pub async fn revoke_token(&self, token_hash: &str, now: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE oauth_tokens SET revoked_at = $2 WHERE (access_hash = $1 \
             OR refresh_hash = $1) AND revoked_at IS NULL",
        )
        .bind(token_hash.to_owned())
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Revokes every pair of a session (logout); returns how many.
    pub async fn revoke_session(&self, session_id: &str, now: Timestamp) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE oauth_tokens SET revoked_at = $2 WHERE session_id = $1 AND revoked_at IS NULL",
        )
        .bind(session_id.to_owned())
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Revokes every token of a user (password change, disabled user).
    pub async fn revoke_extension_tokens(
        &self,
        extension: ExtensionId,
        now: Timestamp,
    ) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE oauth_tokens SET revoked_at = $2 WHERE extension_id = $1 \
             AND revoked_at IS NULL",
        )
        .bind(extension)
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Deletes pairs whose access and refresh tokens both expired before
    /// `before`, and codes past their expiry; returns how many rows went.
    pub async fn delete_expired_oauth_state(&self, before: Timestamp) -> Result<u64> {
        let tokens = sqlx::query(
            "DELETE FROM oauth_tokens WHERE access_expires_at < $1 \
             AND (refresh_expires_at IS NULL OR refresh_expires_at < $1)",
        )
        .bind(millis(before))
        .execute(&self.pool)
        .await?;
        let codes = sqlx::query("DELETE FROM oauth_codes WHERE expires_at < $1")
            .bind(millis(before))
            .execute(&self.pool)
            .await?;
        Ok(tokens.rows_affected() + codes.rows_affected())
    }

    /// Stores a JWT credential.
    pub async fn create_jwt_credential(&self, jwt: &JwtCredential) -> Result<()> {
        sqlx::query(
            "INSERT INTO oauth_jwt_credentials (id, account_id, extension_id, token_hash, \
             client_ids, created_at, expires_at, revoked_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(jwt.id.clone())
        .bind(jwt.account_id)
        .bind(jwt.extension_id)
        .bind(jwt.token_hash.clone())
        .bind(to_json(&jwt.client_ids))
        .bind(millis(jwt.created_at))
        .bind(jwt.expires_at.map(millis))
        .bind(jwt.revoked_at.map(millis))
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx("JWT credential", e))?;
        Ok(())
    }

    /// The valid (unrevoked, unexpired) credential whose JWT hashes to
    /// `token_hash`.
    pub async fn find_jwt_credential(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<JwtCredential>> {
        let row = sqlx::query(
            "SELECT * FROM oauth_jwt_credentials WHERE token_hash = $1 AND revoked_at IS NULL \
             AND (expires_at IS NULL OR expires_at > $2)",
        )
        .bind(token_hash.to_owned())
        .bind(millis(now))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(jwt_from_row).transpose()
    }

    /// A user's JWT credentials, revoked ones included.
    pub async fn list_jwt_credentials(&self, extension: ExtensionId) -> Result<Vec<JwtCredential>> {
        let rows = sqlx::query(
            "SELECT * FROM oauth_jwt_credentials WHERE extension_id = $1 ORDER BY created_at",
        )
        .bind(extension)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(jwt_from_row).collect()
    }

    /// Revokes a JWT credential by its id.
    pub async fn revoke_jwt_credential(&self, id: &str, now: Timestamp) -> Result<()> {
        let done = sqlx::query(
            "UPDATE oauth_jwt_credentials SET revoked_at = $2 WHERE id = $1 \
             AND revoked_at IS NULL",
        )
        .bind(id.to_owned())
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("JWT credential"));
        }
        Ok(())
    }

    /// Stores an authorization code.
    pub async fn create_authorization_code(&self, code: &AuthorizationCode) -> Result<()> {
        sqlx::query(
            "INSERT INTO oauth_codes (code_hash, client_id, account_id, extension_id, \
             redirect_uri, scope, code_challenge, code_challenge_method, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(code.code_hash.clone())
        .bind(code.client_id.clone())
        .bind(code.account_id)
        .bind(code.extension_id)
        .bind(code.redirect_uri.clone())
        .bind(code.scope.clone())
        .bind(code.code_challenge.clone())
        .bind(code.code_challenge_method.clone())
        .bind(millis(code.expires_at))
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx("authorization code", e))?;
        Ok(())
    }

    /// Marks a code used and returns it, once: a second call, or a call
    /// after expiry, is [`StoreError::Expired`]. The caller still checks
    /// the client, redirect URI and PKCE verifier.
    pub async fn consume_authorization_code(
        &self,
        code_hash: &str,
        now: Timestamp,
    ) -> Result<AuthorizationCode> {
        let row = sqlx::query(
            "UPDATE oauth_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL \
             AND expires_at > $2 RETURNING *",
        )
        .bind(code_hash.to_owned())
        .bind(millis(now))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::Expired("authorization code"))?;
        code_from_row(&row)
    }

    /// Revokes the session of a refresh token that was already rotated or
    /// revoked, since someone other than the client may hold it.
    async fn revoke_reused_refresh(&self, refresh_hash: &str, now: Timestamp) -> Result<()> {
        let row = sqlx::query(
            "SELECT session_id FROM oauth_tokens WHERE refresh_hash = $1 \
             AND revoked_at IS NOT NULL",
        )
        .bind(refresh_hash.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = row {
            let session = row.text("session_id", "token")?;
            let revoked = self.revoke_session(&session, now).await?;
            warn!(session_id = %session, revoked, "revoked refresh token reused");
        }
        Ok(())
    }
}

async fn insert_token_row<'e, E>(executor: E, id: i64, token: &NewToken) -> Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO oauth_tokens (id, session_id, client_id, account_id, extension_id, scope, \
         access_hash, access_expires_at, refresh_hash, refresh_expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id)
    .bind(token.session_id.clone())
    .bind(token.client_id.clone())
    .bind(token.account_id)
    .bind(token.extension_id)
    .bind(token.scope.clone())
    .bind(token.hashes.access_hash.clone())
    .bind(millis(token.hashes.access_expires_at))
    .bind(token.hashes.refresh_hash.clone())
    .bind(token.hashes.refresh_expires_at.map(millis))
    .bind(millis(token.created_at))
    .execute(executor)
    .await
    .map_err(|e| StoreError::from_sqlx("token", e))?;
    Ok(())
}

fn opt_millis(what: &'static str, ms: Option<i64>) -> Result<Option<Timestamp>> {
    ms.map(|ms| from_millis(what, ms)).transpose()
}

fn client_from_row(row: &AnyRow) -> Result<OAuthClient> {
    const WHAT: &str = "OAuth client";
    Ok(OAuthClient {
        id: row.text("id", WHAT)?,
        name: row.text("name", WHAT)?,
        secret_hash: row.opt_text("secret_hash", WHAT)?,
        grants: from_json(WHAT, &row.text("grants", WHAT)?)?,
        redirect_uris: from_json(WHAT, &row.text("redirect_uris", WHAT)?)?,
        scope: row.text("scope", WHAT)?,
        created_at: from_millis(WHAT, row.int("created_at", WHAT)?)?,
    })
}

fn token_from_row(row: &AnyRow) -> Result<TokenRecord> {
    const WHAT: &str = "token";
    let hashes = TokenHashes {
        access_hash: row.text("access_hash", WHAT)?,
        access_expires_at: from_millis(WHAT, row.int("access_expires_at", WHAT)?)?,
        refresh_hash: row.opt_text("refresh_hash", WHAT)?,
        refresh_expires_at: opt_millis(WHAT, row.opt_int("refresh_expires_at", WHAT)?)?,
    };
    let token = NewToken {
        session_id: row.text("session_id", WHAT)?,
        client_id: row.text("client_id", WHAT)?,
        account_id: row.int("account_id", WHAT)?,
        extension_id: row.int("extension_id", WHAT)?,
        scope: row.text("scope", WHAT)?,
        hashes,
        created_at: from_millis(WHAT, row.int("created_at", WHAT)?)?,
    };
    let revoked_at = opt_millis(WHAT, row.opt_int("revoked_at", WHAT)?)?;
    Ok(TokenRecord {
        id: row.int("id", WHAT)?,
        token,
        revoked_at,
    })
}

fn jwt_from_row(row: &AnyRow) -> Result<JwtCredential> {
    const WHAT: &str = "JWT credential";
    Ok(JwtCredential {
        id: row.text("id", WHAT)?,
        account_id: row.int("account_id", WHAT)?,
        extension_id: row.int("extension_id", WHAT)?,
        token_hash: row.text("token_hash", WHAT)?,
        client_ids: from_json(WHAT, &row.text("client_ids", WHAT)?)?,
        created_at: from_millis(WHAT, row.int("created_at", WHAT)?)?,
        expires_at: opt_millis(WHAT, row.opt_int("expires_at", WHAT)?)?,
        revoked_at: opt_millis(WHAT, row.opt_int("revoked_at", WHAT)?)?,
    })
}

fn code_from_row(row: &AnyRow) -> Result<AuthorizationCode> {
    const WHAT: &str = "authorization code";
    Ok(AuthorizationCode {
        code_hash: row.text("code_hash", WHAT)?,
        client_id: row.text("client_id", WHAT)?,
        account_id: row.int("account_id", WHAT)?,
        extension_id: row.int("extension_id", WHAT)?,
        redirect_uri: row.text("redirect_uri", WHAT)?,
        scope: row.text("scope", WHAT)?,
        code_challenge: row.opt_text("code_challenge", WHAT)?,
        code_challenge_method: row.opt_text("code_challenge_method", WHAT)?,
        expires_at: from_millis(WHAT, row.int("expires_at", WHAT)?)?,
    })
}
