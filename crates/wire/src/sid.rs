//! SIDs (two upper-case letters + 32 lowercase hex digits) and secrets.

use rand::RngCore;

/// Two-letter SID prefixes used by this server.
pub mod prefix {
    pub const ACCOUNT: &str = "AC";
    pub const ADDRESS: &str = "AD";
    pub const CALL: &str = "CA";
    pub const KEY: &str = "SK";
    /// Messages with media are `MM`, others `SM`.
    pub const MESSAGE: &str = "SM";
    pub const MEDIA_MESSAGE: &str = "MM";
    pub const NOTIFICATION: &str = "NO";
    pub const PHONE_NUMBER: &str = "PN";
    pub const RECORDING: &str = "RE";
    pub const USAGE_TRIGGER: &str = "UT";
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    let mut out = String::with_capacity(bytes * 2);
    for b in buf {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// A new SID with the given prefix, e.g. `AC` + 32 lowercase hex digits: 12 digits of the
/// creation time in milliseconds, then 20 random ones (80 bits). Time first keeps every
/// unique index on SIDs append-mostly: random SIDs made each insert dirty a different index
/// page, and under load most of the database's writes were those pages.
pub fn new_sid(prefix: &str) -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    format!("{prefix}{:012x}{}", ms & 0xffff_ffff_ffff, &random_hex(10))
}

/// A new 32-hex-digit secret (auth tokens, key secrets).
pub fn new_secret() -> String {
    random_hex(16)
}

/// A new 32-character alphanumeric secret, as Twilio's API key secrets are.
pub fn new_key_secret() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..32)
        .map(|_| char::from(CHARS[rng.gen_range(0..CHARS.len())]))
        .collect()
}

/// True when `s` is `prefix` followed by exactly 32 hex digits (either case, as the spec's
/// patterns allow).
pub fn is_sid(prefix: &str, s: &str) -> bool {
    s.len() == 34 && s.starts_with(prefix) && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// True when `s` is 32 hex digits, the shape of an auth token.
pub fn is_secret(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sids_have_the_spec_shape() {
        let sid = new_sid(prefix::ACCOUNT);
        assert!(is_sid("AC", &sid), "{sid}");
        assert_eq!(sid.len(), 34);
        assert!(sid[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert_ne!(new_sid("AC"), new_sid("AC"));
    }

    #[test]
    fn sids_made_later_sort_later() {
        let a = new_sid("SM");
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = new_sid("SM");
        assert!(a < b, "{a} {b}");
    }

    #[test]
    fn is_sid_rejects_other_shapes() {
        assert!(!is_sid("AC", "AC123"));
        assert!(!is_sid("AC", &format!("PN{}", "a".repeat(32))));
        assert!(!is_sid("AC", &format!("AC{}", "g".repeat(32))));
        assert!(is_sid("AC", &format!("AC{}", "A".repeat(32))));
    }

    #[test]
    fn secrets_are_32_hex() {
        let s = new_secret();
        assert!(is_secret(&s));
        assert!(!is_secret("xyz"));
    }
}
