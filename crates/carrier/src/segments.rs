//! SMS segmentation: GSM-7 (160 characters, 153 per part when concatenated) when every
//! character is in the GSM 03.38 alphabet, UCS-2 (70, 67 per part) otherwise. Characters of
//! the GSM extension table take two septets.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED: &str = "\u{c}^{}\\[~]|€";

/// The encoding and length in units (septets for GSM-7, UTF-16 code units for UCS-2).
pub fn measure(body: &str) -> (Encoding, usize) {
    let mut septets = 0;
    for c in body.chars() {
        if GSM_BASIC.contains(c) {
            septets += 1;
        } else if GSM_EXTENDED.contains(c) {
            septets += 2;
        } else {
            return (Encoding::Ucs2, body.encode_utf16().count());
        }
    }
    (Encoding::Gsm7, septets)
}

/// How many segments a body is sent as (at least 1, even for an empty body with media).
pub fn segment_count(body: &str) -> u32 {
    let (enc, units) = measure(body);
    let (single, multi) = match enc {
        Encoding::Gsm7 => (160, 153),
        Encoding::Ucs2 => (70, 67),
    };
    if units <= single {
        1
    } else {
        units.div_ceil(multi) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm7_boundaries() {
        assert_eq!(segment_count(""), 1);
        assert_eq!(segment_count(&"a".repeat(160)), 1);
        assert_eq!(segment_count(&"a".repeat(161)), 2);
        assert_eq!(segment_count(&"a".repeat(306)), 2);
        assert_eq!(segment_count(&"a".repeat(307)), 3);
        assert_eq!(measure("Ahoy there!"), (Encoding::Gsm7, 11));
    }

    #[test]
    fn extension_characters_take_two_septets() {
        assert_eq!(measure("€"), (Encoding::Gsm7, 2));
        assert_eq!(segment_count(&format!("{}€", "a".repeat(158))), 1);
        assert_eq!(segment_count(&format!("{}€", "a".repeat(159))), 2);
    }

    #[test]
    fn ucs2_boundaries() {
        assert_eq!(measure("héllo ✓"), (Encoding::Ucs2, 7));
        assert_eq!(segment_count(&"✓".repeat(70)), 1);
        assert_eq!(segment_count(&"✓".repeat(71)), 2);
        assert_eq!(segment_count(&"✓".repeat(134)), 2);
        assert_eq!(segment_count(&"✓".repeat(135)), 3);
        // An emoji is two UTF-16 code units.
        assert_eq!(measure("😀"), (Encoding::Ucs2, 2));
        assert_eq!(segment_count(&"😀".repeat(35)), 1);
        assert_eq!(segment_count(&"😀".repeat(36)), 2);
    }
}
