//! Fulfilment photos on disk, in `LINLI_UPLOAD_DIR`. Only this module touches that
//! folder. A photo is written to a temporary name, flushed to the disk, renamed into
//! place and the folder flushed, all before the database records it; so a photo that a
//! wish's record points to is on disk whatever crashes. Files are named by a random
//! token, never by anything the uploader sent. Several server processes must share the
//! folder (a network or cluster file system) for photos to be seen from all of them.

use crate::wishes::model::PhotoKind;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

pub struct Saved {
    pub file: String,
    pub sha256: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stored name is ours only if it has the shape we give: `w<id>-<32 hex>.<ext>`.
fn path_of(dir: &Path, file: &str) -> Option<PathBuf> {
    let ok = file
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !file.starts_with('.')
        && !file.contains("..");
    ok.then(|| dir.join(file))
}

/// Writes the photo durably and returns its name and SHA-256.
pub async fn save(dir: &Path, wish: i64, bytes: &[u8], kind: PhotoKind) -> std::io::Result<Saved> {
    tokio::fs::create_dir_all(dir).await?;
    let mut token = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut token);
    let file = format!("w{wish}-{}.{}", hex(&token), kind.ext());
    let tmp = dir.join(format!(".{file}.part"));
    let dest = dir.join(&file);
    let mut f = tokio::fs::File::create(&tmp).await?;
    f.write_all(bytes).await?;
    f.sync_all().await?;
    drop(f);
    tokio::fs::rename(&tmp, &dest).await?;
    // The rename itself is durable only once the folder is flushed.
    if let Ok(d) = tokio::fs::File::open(dir).await {
        d.sync_all().await?;
    }
    Ok(Saved {
        file,
        sha256: hex(&Sha256::digest(bytes)),
    })
}

pub async fn read(dir: &Path, file: &str) -> std::io::Result<Vec<u8>> {
    let path = path_of(dir, file).ok_or_else(|| std::io::Error::other("bad stored name"))?;
    tokio::fs::read(path).await
}

/// Removes a photo whose database record was not written (the step lost a race).
pub async fn remove(dir: &Path, file: &str) {
    if let Some(path) = path_of(dir, file) {
        if let Err(e) = tokio::fs::remove_file(&path).await {
            tracing::warn!(error = %e, file, "could not remove an unrecorded photo");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_of_our_shape_are_opened() {
        let d = Path::new("/srv/up");
        assert!(path_of(d, "w12-0123456789abcdef0123456789abcdef.jpg").is_some());
        assert!(path_of(d, "../etc/passwd").is_none());
        assert!(path_of(d, ".hidden").is_none());
        assert!(path_of(d, "a/b.jpg").is_none());
    }

    #[tokio::test]
    async fn a_saved_photo_reads_back_and_can_be_removed() {
        let dir = std::env::temp_dir().join(format!("linli-photo-test-{}", std::process::id()));
        let bytes = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];
        let s = save(&dir, 7, &bytes, PhotoKind::Jpeg).await.unwrap();
        assert!(s.file.starts_with("w7-") && s.file.ends_with(".jpg"));
        assert_eq!(s.sha256.len(), 64);
        assert_eq!(read(&dir, &s.file).await.unwrap(), bytes);
        remove(&dir, &s.file).await;
        assert!(read(&dir, &s.file).await.is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
