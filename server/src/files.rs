//! Attachment files: the type judged by content (PDF, JPEG, PNG), PDFs with active content
//! refused, images stripped of their metadata (EXIF: the camera, the time, the place a photo
//! was taken), stored once per content (named by SHA-256) in a directory outside the web
//! root, and handed back under a name of the system's (`材料-<id>.pdf`), never the one the
//! file came with.

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

    /// The kind a stored content type names.
    pub fn of_content_type(content_type: &str) -> Option<Self> {
        [FileKind::Pdf, FileKind::Jpeg, FileKind::Png]
            .into_iter()
            .find(|kind| kind.content_type() == content_type)
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
        }
    }
}

/// Why a file is refused though its type is one of ours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// A PDF with scripts, embedded files or launch actions.
    ActiveContent,
    /// An image whose structure cannot be read (so its metadata cannot be taken out).
    Unreadable,
}

/// The PDF names that make a document do something by itself: run JavaScript, carry other
/// files, launch a program, play rich media or fill an XFA form.
const ACTIVE_PDF_NAMES: [&[u8]; 7] = [
    b"JavaScript",
    b"JS",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"Launch",
    b"RichMedia",
    b"XFA",
];

/// Whether a PDF names active content. Names are read as PDF writes them, `#xx` escapes
/// decoded (`/J#61vaScript` is `/JavaScript`), in the file and inside its compressed object
/// streams (`/Type /ObjStm`, where PDF 1.5 writers put most dictionaries), which are
/// inflated to look. An object stream that cannot be read — another filter than
/// `FlateDecode`, broken data, more than [`MAX_OBJECT_STREAMS_BYTES`] inflated in all —
/// counts as active: what cannot be checked is not kept.
pub fn pdf_is_active(bytes: &[u8]) -> bool {
    if names_active(bytes) {
        return true;
    }
    let mut budget = MAX_OBJECT_STREAMS_BYTES;
    for stream in object_streams(bytes) {
        if !stream.flate_only {
            return true;
        }
        match inflate(stream.data, budget) {
            Some(inflated) => {
                budget -= inflated.len();
                if names_active(&inflated) {
                    return true;
                }
            }
            None => return true,
        }
    }
    false
}

/// The most the object streams of one PDF may inflate to, together.
pub const MAX_OBJECT_STREAMS_BYTES: usize = 32 * 1024 * 1024;

/// Whether any name in `bytes` is one of [`ACTIVE_PDF_NAMES`].
fn names_active(bytes: &[u8]) -> bool {
    pdf_names(bytes).any(|name| ACTIVE_PDF_NAMES.contains(&name.as_slice()))
}

/// Every name (`/Something`) in `bytes`, `#xx` escapes decoded.
fn pdf_names(bytes: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    let delimiter = |b: u8| b.is_ascii_whitespace() || b"()<>[]{}/%".contains(&b);
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && bytes[i] != b'/' {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let mut name = Vec::new();
        let mut j = i + 1;
        while j < bytes.len() && !delimiter(bytes[j]) {
            if bytes[j] == b'#' && j + 2 < bytes.len() {
                let hex = std::str::from_utf8(&bytes[j + 1..j + 3]).ok();
                if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    name.push(byte);
                    j += 3;
                    continue;
                }
            }
            name.push(bytes[j]);
            j += 1;
        }
        i = j.max(i + 1);
        Some(name)
    })
}

/// An object stream of a PDF: its data as stored, and whether its only filter is
/// `FlateDecode` (the one this check reads).
struct ObjectStream<'a> {
    data: &'a [u8],
    flate_only: bool,
}

/// The object streams of a PDF: each `stream … endstream` whose dictionary (since the
/// `obj` before it) names `/ObjStm`.
fn object_streams(bytes: &[u8]) -> impl Iterator<Item = ObjectStream<'_>> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        loop {
            let keyword = from + find(&bytes[from..], b"stream")?;
            let after = keyword + b"stream".len();
            from = after;
            // `endstream` ends a stream; only `stream` followed by an end of line starts one.
            let data_start = match bytes.get(after..after + 2) {
                Some([b'\r', b'\n']) => after + 2,
                Some([b'\n', _]) | Some([b'\n']) => after + 1,
                _ => continue,
            };
            if keyword >= 3 && &bytes[keyword - 3..keyword] == b"end" {
                continue;
            }
            let dictionary_start = rfind(&bytes[..keyword], b"obj").unwrap_or(0);
            let dictionary = &bytes[dictionary_start..keyword];
            let names: Vec<Vec<u8>> = pdf_names(dictionary).collect();
            let data_end = data_start + find(&bytes[data_start..], b"endstream")?;
            from = data_end;
            if !names.iter().any(|name| name == b"ObjStm") {
                continue;
            }
            const FILTERS: [&[u8]; 9] = [
                b"FlateDecode",
                b"ASCIIHexDecode",
                b"ASCII85Decode",
                b"LZWDecode",
                b"RunLengthDecode",
                b"CCITTFaxDecode",
                b"JBIG2Decode",
                b"DCTDecode",
                b"Crypt",
            ];
            let filters: Vec<&Vec<u8>> = names
                .iter()
                .filter(|name| FILTERS.contains(&name.as_slice()))
                .collect();
            let flate_only =
                matches!(filters.as_slice(), [only] if only.as_slice() == b"FlateDecode");
            return Some(ObjectStream {
                data: &bytes[data_start..data_end],
                flate_only,
            });
        }
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// `data` inflated (zlib), or `None` when it is broken or inflates to more than `limit`.
fn inflate(data: &[u8], limit: usize) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut inflated = Vec::new();
    let mut reader = flate2::read::ZlibDecoder::new(data).take(limit as u64 + 1);
    match reader.read_to_end(&mut inflated) {
        // A stream's data may end with the end of line before `endstream`: read what
        // inflates, a truncated stream is broken.
        Ok(_) if inflated.len() <= limit => Some(inflated),
        _ => None,
    }
}

/// The file as it is kept: a PDF as sent unless it is active; an image without its EXIF
/// metadata (img-parts rewrites the container, the picture's bytes untouched).
pub fn cleaned(kind: FileKind, bytes: Vec<u8>) -> Result<Vec<u8>, Refused> {
    use img_parts::{Bytes, ImageEXIF};
    match kind {
        FileKind::Pdf if pdf_is_active(&bytes) => Err(Refused::ActiveContent),
        FileKind::Pdf => Ok(bytes),
        FileKind::Jpeg => {
            let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(Bytes::from(bytes))
                .map_err(|_| Refused::Unreadable)?;
            jpeg.set_exif(None);
            // XMP (APP1 "http://ns.adobe.com/xap/1.0/") can hold a place too.
            jpeg.segments_mut().retain(|segment| {
                !(segment.marker() == img_parts::jpeg::markers::APP1
                    && segment.contents().starts_with(b"http://ns.adobe.com/xap/"))
            });
            Ok(jpeg.encoder().bytes().to_vec())
        }
        FileKind::Png => {
            let mut png = img_parts::png::Png::from_bytes(Bytes::from(bytes))
                .map_err(|_| Refused::Unreadable)?;
            png.set_exif(None);
            // Text chunks can carry the same (XMP is an iTXt chunk).
            png.chunks_mut()
                .retain(|chunk| !matches!(&chunk.kind(), b"tEXt" | b"zTXt" | b"iTXt"));
            Ok(png.encoder().bytes().to_vec())
        }
    }
}

/// The name a stored file is handed back under: `材料-<id>.<ext>` from its checked type.
pub fn download_name(attachment_id: i64, kind: FileKind) -> String {
    format!("材料-{attachment_id}.{}", kind.extension())
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
    fn a_pdf_that_runs_or_carries_something_is_active() {
        let plain = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj";
        assert!(!pdf_is_active(plain));
        for active in [
            &b"%PDF-1.7\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"[..],
            b"%PDF-1.7\n<< /Names << /EmbeddedFiles 3 0 R >> >>",
            b"%PDF-1.7\n<< /S /Launch /F (cmd.exe) >>",
            b"%PDF-1.7\n<< /S /J#61vaScript >>",
        ] {
            assert!(pdf_is_active(active), "{}", String::from_utf8_lossy(active));
        }
        assert!(!pdf_is_active(
            b"%PDF-1.7 << /JSON (a word that merely starts alike) >>"
        ));
        assert_eq!(
            cleaned(FileKind::Pdf, b"%PDF-1.7 /JS".to_vec()),
            Err(Refused::ActiveContent)
        );
    }

    /// A PDF 1.5 file whose dictionaries are in one compressed object stream.
    fn pdf_with_object_stream(objects: &[u8], filter: &str) -> Vec<u8> {
        use std::io::Write;
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        zlib.write_all(objects).unwrap();
        let data = zlib.finish().unwrap();
        let mut pdf = format!(
            "%PDF-1.5\n5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Length {} /Filter {filter} >>\nstream\n",
            data.len()
        )
        .into_bytes();
        pdf.extend(data);
        pdf.extend(b"\nendstream\nendobj\n%%EOF\n");
        pdf
    }

    #[test]
    fn active_names_hidden_in_a_compressed_object_stream_are_found() {
        let plain =
            pdf_with_object_stream(b"1 0 << /Type /Catalog /Pages 2 0 R >>", "/FlateDecode");
        assert!(!pdf_is_active(&plain), "an ordinary PDF 1.5 passes");
        let hidden = pdf_with_object_stream(
            b"1 0 << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
            "/FlateDecode",
        );
        assert!(
            pdf_is_active(&hidden),
            "JavaScript inside the object stream"
        );
        let escaped = pdf_with_object_stream(
            b"1 0 << /Names << /Embedded#46iles 3 0 R >> >>",
            "/FlateDecode",
        );
        assert!(pdf_is_active(&escaped));
        let unreadable = pdf_with_object_stream(b"1 0 << >>", "[/ASCIIHexDecode /FlateDecode]");
        assert!(
            pdf_is_active(&unreadable),
            "what cannot be checked is not kept"
        );
        let mut broken = plain.clone();
        let at = broken.windows(7).position(|w| w == b"stream\n").unwrap() + 9;
        broken[at..at + 4].copy_from_slice(b"XXXX");
        assert!(pdf_is_active(&broken), "broken data is not kept");
    }

    /// A JPEG as a phone writes it: EXIF (with a place) before the picture.
    fn jpeg_with_exif() -> Vec<u8> {
        let mut jpeg = vec![0xFF, 0xD8];
        let exif = b"Exif\0\0GPS 30.27N 120.15E";
        jpeg.extend([0xFF, 0xE1, 0, (exif.len() + 2) as u8]);
        jpeg.extend(exif);
        let quantization = [0u8; 65];
        jpeg.extend([0xFF, 0xDB, 0, 67]);
        jpeg.extend(quantization);
        jpeg.extend([0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0]);
        jpeg.extend(b"picture");
        jpeg.extend([0xFF, 0xD9]);
        jpeg
    }

    #[test]
    fn a_photo_keeps_its_picture_and_loses_where_it_was_taken() {
        let original = jpeg_with_exif();
        let kept = cleaned(FileKind::Jpeg, original.clone()).expect("a readable JPEG");
        let text = String::from_utf8_lossy(&kept);
        assert!(!text.contains("GPS") && !text.contains("Exif"), "{text}");
        assert!(text.contains("picture"), "the picture stays");
        assert_eq!(FileKind::sniff(&kept), Some(FileKind::Jpeg));
        assert!(kept.len() < original.len());
        assert_eq!(
            cleaned(FileKind::Jpeg, vec![0xFF, 0xD8, 0xFF, 0x00]),
            Err(Refused::Unreadable)
        );
    }

    #[test]
    fn the_download_name_is_the_systems() {
        assert_eq!(download_name(12, FileKind::Pdf), "材料-12.pdf");
        assert_eq!(FileKind::of_content_type("image/png"), Some(FileKind::Png));
        assert_eq!(FileKind::of_content_type("text/html"), None);
    }

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
