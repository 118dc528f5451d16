//! The local blob store: temp-then-rename writes, reads, deletes.

use switchboard_store::{BlobStore, LocalBlobStore, StoreError};

fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn writes_land_under_their_key_with_no_temporary_file_left() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobStore::new(dir.path());
    blobs
        .put("voicemail/101/1.wav", b"RIFF first".to_vec())
        .await
        .unwrap();
    blobs
        .put("voicemail/101/1.wav", b"RIFF second".to_vec())
        .await
        .unwrap();

    assert_eq!(
        blobs.get("voicemail/101/1.wav").await.unwrap(),
        b"RIFF second"
    );
    assert_eq!(names_in(&dir.path().join("voicemail/101")), vec!["1.wav"]);
    let path = blobs.path("voicemail/101/1.wav").unwrap();
    assert_eq!(std::fs::read(path).unwrap(), b"RIFF second");
}

#[tokio::test]
async fn a_failed_write_keeps_the_old_content_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobStore::new(dir.path());
    blobs.put("prompts/a.wav", b"old".to_vec()).await.unwrap();
    // A directory where the file should go makes the rename fail after the
    // temporary file was written.
    std::fs::create_dir_all(dir.path().join("prompts/b.wav/inner")).unwrap();
    assert!(blobs.put("prompts/b.wav", b"new".to_vec()).await.is_err());
    assert_eq!(blobs.get("prompts/a.wav").await.unwrap(), b"old");
    let leftovers: Vec<_> = names_in(&dir.path().join("prompts"))
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn missing_blobs_are_not_found_and_deletes_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let blobs: Box<dyn BlobStore> = Box::new(LocalBlobStore::new(dir.path()));
    assert!(matches!(
        blobs.get("greetings/x.wav").await,
        Err(StoreError::NotFound("blob"))
    ));
    blobs.put("greetings/x.wav", vec![1, 2, 3]).await.unwrap();
    blobs.delete("greetings/x.wav").await.unwrap();
    blobs.delete("greetings/x.wav").await.unwrap();
    assert!(blobs.get("greetings/x.wav").await.is_err());
    assert!(blobs.put("../escape.wav", vec![0]).await.is_err());
}
