//! Attachment files: the type judged by content (PDF, JPEG, PNG), stored once per content
//! (named by SHA-256) in a directory outside the web root.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
}

impl FileKind {
    /// The kind the bytes are, whatever the file's name or the browser claims.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileKind::Png)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn path_of(dir: &Path, sha256: &str) -> Option<PathBuf> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(dir.join(&sha256[..2]).join(sha256))
}

/// Stores the bytes under their hash (once: the same content is kept one time) and returns
/// the hash.
pub async fn store(dir: &Path, bytes: &[u8]) -> std::io::Result<String> {
    let sha256 = sha256_hex(bytes);
    let path = path_of(dir, &sha256).ok_or_else(|| std::io::Error::other("bad hash"))?;
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(sha256);
    }
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent).await?;
    }
    // Write aside, then rename: a reader never sees half a file.
    let temp = path.with_extension(format!("part-{}", std::process::id()));
    tokio::fs::write(&temp, bytes).await?;
    tokio::fs::rename(&temp, &path).await?;
    Ok(sha256)
}

pub async fn read(dir: &Path, sha256: &str) -> std::io::Result<Vec<u8>> {
    let path = path_of(dir, sha256).ok_or_else(|| std::io::Error::other("bad hash"))?;
    tokio::fs::read(path).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_content() {
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(
            FileKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            FileKind::sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some(FileKind::Png)
        );
        assert_eq!(FileKind::sniff(b"MZ\x90\x00 an executable"), None);
        assert_eq!(FileKind::sniff(b"<html>"), None);
    }

    #[tokio::test]
    async fn stored_files_come_back_by_hash() {
        let dir = tempfile::tempdir().unwrap();
        let hash = store(dir.path(), b"%PDF-1.4 test").await.unwrap();
        assert_eq!(hash, sha256_hex(b"%PDF-1.4 test"));
        assert_eq!(read(dir.path(), &hash).await.unwrap(), b"%PDF-1.4 test");
        assert_eq!(
            store(dir.path(), b"%PDF-1.4 test").await.unwrap(),
            hash,
            "stored once"
        );
        assert!(read(dir.path(), "../../etc/passwd").await.is_err());
    }
}
