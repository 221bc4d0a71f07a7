//! The byte prefilter: a file that never contains `mplitude` (as in `amplitude`, `Amplitude`,
//! `@amplitude/…`, `amplitude-js`) cannot hold an Amplitude import, client or global, so it is
//! never parsed. A single SIMD substring search (memchr's memmem) over the bytes just read.

use memchr::memmem;
use std::sync::OnceLock;

const NEEDLE: &[u8] = b"mplitude";

fn finder() -> &'static memmem::Finder<'static> {
    static FINDER: OnceLock<memmem::Finder<'static>> = OnceLock::new();
    FINDER.get_or_init(|| memmem::Finder::new(NEEDLE))
}

/// Whether `bytes` may contain Amplitude use.
pub fn may_contain(bytes: &[u8]) -> bool {
    finder().find(bytes).is_some()
}

/// The same test for UTF-16 text (a file with a UTF-16 byte-order mark), so that such files
/// are reported rather than passed over.
pub fn may_contain_utf16(bytes: &[u8]) -> bool {
    let little = bytes.starts_with(&[0xFF, 0xFE]);
    let units = bytes[2.min(bytes.len())..].chunks_exact(2).map(|c| {
        if little {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let narrowed: Vec<u8> = units.map(|u| u8::try_from(u).unwrap_or(0)).collect();
    may_contain(&narrowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_spelling_amp2mp_resolves() {
        assert!(may_contain(b"import amplitude from 'amplitude-js'"));
        assert!(may_contain(
            b"import * as a from '@amplitude/analytics-browser'"
        ));
        assert!(may_contain(b"new AmplitudeClient()"));
        assert!(!may_contain(
            b"import { logEvent } from 'firebase/analytics'"
        ));
    }

    #[test]
    fn utf16_text_is_searched_too() {
        let mut le = vec![0xFF, 0xFE];
        le.extend(
            "amplitude.logEvent()"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        assert!(may_contain_utf16(&le));
        let mut be = vec![0xFE, 0xFF];
        be.extend("x()".encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert!(!may_contain_utf16(&be));
    }
}
