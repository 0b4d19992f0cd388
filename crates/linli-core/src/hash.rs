//! The content hash of a tiled dataset's files (manifest and tiles): 64-bit FNV-1a over every
//! byte of the file.
//!
//! The hash names the file (`t/3-7.0123456789abcdef.linli`), so a file's name changes whenever
//! its content does and a static host may let browsers and CDNs keep it for a year. The reader
//! checks it before decoding, so a stale, swapped or damaged file is a typed error
//! ([`crate::tiles::TileError::WrongHash`]) rather than wrong answers. It guards against
//! accidents (a half-uploaded file, a cache serving the wrong object), not against someone who
//! can write to the host: that is what HTTPS and the host's access control are for. The file's
//! own CRC-32 still checks its structure.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// 64-bit FNV-1a of `bytes`.
///
/// ```
/// use linli_core::hash::content_hash;
/// assert_eq!(content_hash(b""), 0xcbf2_9ce4_8422_2325);
/// assert_eq!(content_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
/// ```
pub fn content_hash(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(OFFSET, |h, b| (h ^ u64::from(*b)).wrapping_mul(PRIME))
}

/// The hash as it appears in file names: 16 lower-case hex digits.
///
/// ```
/// use linli_core::hash::hex;
/// assert_eq!(hex(0xab), "00000000000000ab");
/// ```
pub fn hex(hash: u64) -> String {
    format!("{hash:016x}")
}

/// Reads 16 hex digits back (`None` for anything else).
pub fn parse_hex(s: &str) -> Option<u64> {
    if s.len() != 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(s, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_fnv1a_vectors() {
        // From the FNV reference test suite.
        assert_eq!(content_hash(b"foobar"), 0x8594_4171_f739_67e8);
        assert_eq!(
            parse_hex(&hex(0x8594_4171_f739_67e8)),
            Some(0x8594_4171_f739_67e8)
        );
        assert_eq!(parse_hex("xyz"), None);
        assert_eq!(parse_hex("0123456789abcdeg"), None);
    }
}
