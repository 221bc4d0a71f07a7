//! The byte prefilter: decides from the bytes alone whether a file can use Amplitude, so that
//! files that cannot are never parsed. A use needs an import or require of an Amplitude package
//! (`amplitude-js`, `@amplitude/…`, `react-amplitude`) or the snippet's globals (`amplitude.`,
//! `amplitude?.`, `AmplitudeClient`); `amplitude` as an SVG attribute or a word in prose does not count. One SIMD
//! substring search (memchr's memmem) for `amplitude`, then a look at the bytes after each hit.

use memchr::memmem;
use std::sync::OnceLock;

const NEEDLE: &[u8] = b"amplitude";
/// The generated Ampli wrapper's import path ends in `/ampli`.
const AMPLI: &[u8] = b"/ampli";

fn finder() -> &'static memmem::Finder<'static> {
    static FINDER: OnceLock<memmem::Finder<'static>> = OnceLock::new();
    FINDER.get_or_init(|| memmem::Finder::new(NEEDLE))
}

fn ampli_finder() -> &'static memmem::Finder<'static> {
    static FINDER: OnceLock<memmem::Finder<'static>> = OnceLock::new();
    FINDER.get_or_init(|| memmem::Finder::new(AMPLI))
}

/// Whether `bytes` may contain Amplitude use.
pub fn may_contain(bytes: &[u8]) -> bool {
    amplitude_word(bytes) || ampli_import(bytes) || memmem::find(bytes, CLASS).is_some()
}

/// The snippet's client class, `new AmplitudeClient()` (the migration guide's first example).
const CLASS: &[u8] = b"AmplitudeClient";

/// An import path ending in `/ampli` (or `/ampli/index`), closed by a quote.
fn ampli_import(bytes: &[u8]) -> bool {
    ampli_finder().find_iter(bytes).any(|at| {
        let after = &bytes[at + AMPLI.len()..];
        let after = after.strip_prefix(b"/index").unwrap_or(after);
        matches!(after.first(), Some(b'\'' | b'"' | b'`' | b'.'))
    })
}

fn amplitude_word(bytes: &[u8]) -> bool {
    finder().find_iter(bytes).any(|at| {
        let after = &bytes[at + NEEDLE.len()..];
        after.starts_with(b".")
            || after.starts_with(b"?.")
            // `declare const amplitude: any`, `interface Window { amplitude: … }`.
            || after.starts_with(b":")
            || after.starts_with(b"-js")
            || after.starts_with(b"/")
            || after.starts_with(b"'")
            || after.starts_with(b"\"")
            || after.starts_with(b"`")
    })
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
        assert!(may_contain(
            b"import { AmplitudeClient } from 'amplitude-js'"
        ));
        assert!(may_contain(b"window.amplitude?.logEvent('x')"));
        assert!(may_contain(b"import A from 'react-amplitude'"));
        assert!(may_contain(b"amplitude.getInstance()"));
        // The snippet's global class, as the migration guide's first example uses it.
        assert!(may_contain(b"var c = new AmplitudeClient();"));
        assert!(!may_contain(
            b"import { logEvent } from 'firebase/analytics'"
        ));
        assert!(!may_contain(
            b"const attrs = 'alphabetic|amplitude|arabicForm';"
        ));
        assert!(!may_contain(b"// the amplitude of the wave"));
        assert!(may_contain(b"import { ampli } from './ampli';"));
        assert!(may_contain(b"import { ampli } from \"../ampli/index\";"));
        assert!(!may_contain(b"import { amplify } from './amplify';"));
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
