//! Audio blobs (IVR prompts, greetings, voicemail) behind [`BlobStore`],
//! with a local-disk implementation.
//!
//! Keys are relative paths such as `voicemail/101/100000042.wav`. Writes go
//! to a temporary name beside the target and are renamed into place, so a
//! reader never sees half a file and a crash leaves at most a stray
//! temporary file.

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use tokio::io::AsyncWriteExt;
use tracing::debug;

use crate::{Result, StoreError};

/// The future every [`BlobStore`] method returns; boxed so the trait can be
/// used as `dyn BlobStore`.
pub type BlobFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// Where audio is kept: local disk by default, object storage at scale.
pub trait BlobStore: Send + Sync + std::fmt::Debug {
    /// Stores `bytes` under `key`, replacing any previous content at once.
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> BlobFuture<'a, ()>;

    /// The content under `key`; [`StoreError::NotFound`] when absent.
    fn get<'a>(&'a self, key: &'a str) -> BlobFuture<'a, Vec<u8>>;

    /// Removes `key`; removing an absent key is not an error.
    fn delete<'a>(&'a self, key: &'a str) -> BlobFuture<'a, ()>;
}

/// Blobs as files under one directory.
#[derive(Debug, Clone)]
pub struct LocalBlobStore {
    root: PathBuf,
}

impl LocalBlobStore {
    /// A store rooted at `root`, which is created on first write.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The file that holds `key`, for callers that stream it (the media
    /// layer playing a prompt). Rejects keys that could leave the root.
    pub fn path(&self, key: &str) -> Result<PathBuf> {
        validate_key(key)?;
        Ok(self.root.join(key))
    }

    async fn write(&self, key: &str, bytes: Vec<u8>) -> Result<()> {
        let target = self.path(key)?;
        let parent = target.parent().unwrap_or(&self.root).to_path_buf();
        tokio::fs::create_dir_all(&parent).await?;
        let temp = temp_name(&target);
        let written = match write_synced(&temp, &bytes).await {
            Ok(()) => tokio::fs::rename(&temp, &target).await,
            Err(err) => Err(err),
        };
        if let Err(err) = written {
            // Best effort: the write already failed, and a leftover is only
            // a hidden file that no key can name.
            let _ = tokio::fs::remove_file(&temp).await;
            return Err(err.into());
        }
        debug!(key, size = bytes.len(), "blob written");
        Ok(())
    }

    async fn read(&self, key: &str) -> Result<Vec<u8>> {
        match tokio::fs::read(self.path(key)?).await {
            Ok(bytes) => Ok(bytes),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Err(StoreError::NotFound("blob")),
            Err(err) => Err(err.into()),
        }
    }

    async fn remove(&self, key: &str) -> Result<()> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err.into()),
            _ => Ok(()),
        }
    }
}

impl BlobStore for LocalBlobStore {
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> BlobFuture<'a, ()> {
        Box::pin(self.write(key, bytes))
    }

    fn get<'a>(&'a self, key: &'a str) -> BlobFuture<'a, Vec<u8>> {
        Box::pin(self.read(key))
    }

    fn delete<'a>(&'a self, key: &'a str) -> BlobFuture<'a, ()> {
        Box::pin(self.remove(key))
    }
}

/// Writes and flushes to disk, so the rename never exposes an empty file
/// after a power cut.
async fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = tokio::fs::File::create(path).await?;
    file.write_all(bytes).await?;
    file.sync_all().await
}

/// A temporary name in the target's directory (rename must not cross file
/// systems), unique per write.
fn temp_name(target: &Path) -> PathBuf {
    let file = target
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or("blob");
    target.with_file_name(format!(".{file}.{:016x}.tmp", rand::random::<u64>()))
}

/// Keys are relative paths of plain segments: no `..`, no absolute paths,
/// no hidden names (temporary files start with a dot).
fn validate_key(key: &str) -> Result<()> {
    let plain = |seg: &str| {
        !seg.is_empty()
            && !seg.starts_with('.')
            && seg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    if key.split('/').all(plain) {
        Ok(())
    } else {
        Err(StoreError::Blob(io::Error::new(
            io::ErrorKind::InvalidInput,
            "invalid blob key",
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_escape_the_root() {
        assert!(validate_key("voicemail/101/1.wav").is_ok());
        assert!(validate_key("../etc/passwd").is_err());
        assert!(validate_key("/etc/passwd").is_err());
        assert!(validate_key("a//b").is_err());
        assert!(validate_key(".a.tmp").is_err());
    }
}
