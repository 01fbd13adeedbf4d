use super::*;

fn part(name: &str) -> UploadPart {
    UploadPart {
        upload_id: UploadId::from_uuid(uuid::Uuid::nil()),
        name: name.to_owned(),
        content_hash: String::new(),
        size: 1,
        created_ms: 0,
    }
}

fn ordered(variant: UploadVariant, names: &[&str]) -> Vec<String> {
    let mut parts: Vec<UploadPart> = names.iter().map(|n| part(n)).collect();
    order_parts(variant, &mut parts);
    parts.into_iter().map(|p| p.name).collect()
}

#[test]
fn v1_joins_in_byte_order_v2_and_legacy_by_number() {
    assert_eq!(
        ordered(UploadVariant::V1, &["2", "10", "1"]),
        ["1", "10", "2"]
    );
    assert_eq!(
        ordered(UploadVariant::V2, &["2", "10", "1"]),
        ["1", "2", "10"]
    );
    assert_eq!(
        ordered(UploadVariant::Legacy, &["2", "10", "0"]),
        ["0", "2", "10"]
    );
    // The names real v1 clients use sort right byte-wise.
    assert_eq!(
        ordered(
            UploadVariant::V1,
            &["0000000000000010", "0000000000000002", "0000000000000000"]
        ),
        ["0000000000000000", "0000000000000002", "0000000000000010"]
    );
    assert_eq!(
        ordered(
            UploadVariant::V1,
            &[
                "000000010485760-000000020971519",
                "000000000000000-000000010485759"
            ]
        ),
        [
            "000000000000000-000000010485759",
            "000000010485760-000000020971519"
        ]
    );
}

#[test]
fn part_names_follow_the_variant() {
    for ok in [
        "0000000000000000",
        "000000000000000-000000010485759",
        "any name",
    ] {
        assert!(check_part_name(UploadVariant::V1, ok).is_ok(), "{ok}");
    }
    for ok in ["1", "00001", "10000", "000042"] {
        assert!(check_part_name(UploadVariant::V2, ok).is_ok(), "{ok}");
    }
    for bad in ["0", "10001", "x", "1a", "-1", ""] {
        assert!(check_part_name(UploadVariant::V2, bad).is_err(), "{bad}");
    }
    for bad in [".file", "a/b", "..", ""] {
        let err = check_part_name(UploadVariant::V1, bad).unwrap_err();
        assert_eq!(err.code(), "invalid-input", "{bad}");
    }
}

#[test]
fn legacy_names_parse_like_nextcloud() {
    let chunk = parse_legacy_chunk_name("big file.bin-chunking-4711-3-2").unwrap();
    assert_eq!(
        chunk,
        LegacyChunkName {
            base_name: "big file.bin",
            transfer: "4711",
            count: 3,
            index: 2,
        }
    );
    // Dashes in the file's own name stay with it.
    let chunk = parse_legacy_chunk_name("a-chunking-b-chunking-1-2-0").unwrap();
    assert_eq!(chunk.base_name, "a-chunking-b");
    for not_a_chunk in [
        "plain.txt",
        "a-chunking-1-2",
        "-chunking-1-2-0",
        "a-chunking-x-2-0",
        "a-chunking-1-2-",
        "a-chunkin-1-2-0",
        "a-chunking-1-99999999999999999999999-0",
    ] {
        assert_eq!(parse_legacy_chunk_name(not_a_chunk), None, "{not_a_chunk}");
    }
}

#[test]
fn transfer_ids_are_folder_names() {
    assert!(check_transfer_id("rclone-chunked-upload-0123abcd").is_ok());
    assert!(
        check_transfer_id("legacy/1").is_err(),
        "legacy keys are out of reach"
    );
    let err = check_transfer_id("..").unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "transfer_id"));
}

#[test]
fn a_claim_goes_stale_after_an_hour() {
    let session = UploadSession {
        id: UploadId::generate(),
        user_id: UserId::generate(),
        transfer_id: "t".into(),
        variant: UploadVariant::V1,
        destination: None,
        total_length: None,
        chunk_count: None,
        created_ms: 0,
        touched_ms: 0,
        assembling_ms: Some(1_000),
    };
    assert!(is_assembling(&session, 1_000));
    assert!(is_assembling(&session, 1_000 + ASSEMBLY_STALE_MS - 1));
    assert!(!is_assembling(&session, 1_000 + ASSEMBLY_STALE_MS));
    assert!(!is_assembling(
        &UploadSession {
            assembling_ms: None,
            ..session
        },
        1_000
    ));
}
