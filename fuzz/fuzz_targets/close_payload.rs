//! `close::parse` on any payload: never panics, and agrees with the RFC's rules. Byte 0
//! bit 0 is `skip_utf8`; the rest is the (unmasked) close payload, of any length.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxws::proto::close::{self, NO_STATUS};
use oxws::proto::ProtocolError;
use oxws_fuzz::spec_valid_close_code;

fuzz_target!(|data: &[u8]| {
  let Some((&flags, payload)) = data.split_first() else {
    return;
  };
  let skip_utf8 = flags & 1 != 0;
  let result = close::parse(payload, skip_utf8);

  let expected = match payload.len() {
    0 => Ok((NO_STATUS, 0)),
    1 => Err(ProtocolError::InvalidControlPayloadLength(1)),
    _ => {
      let code = u16::from_be_bytes([payload[0], payload[1]]);
      if !spec_valid_close_code(code) {
        Err(ProtocolError::InvalidCloseCode(code))
      } else if !skip_utf8 && std::str::from_utf8(&payload[2..]).is_err() {
        Err(ProtocolError::InvalidUtf8)
      } else {
        Ok((code, 2))
      }
    }
  };
  assert_eq!(
    result.map(|p| (p.code, p.reason_start)),
    expected,
    "parse({payload:02x?}, {skip_utf8})"
  );
  assert_eq!(
    close::is_valid_code(u16::from_be_bytes([flags, flags ^ 0x5a])),
    { spec_valid_close_code(u16::from_be_bytes([flags, flags ^ 0x5a])) }
  );

  // Accepted payloads round-trip through close::write.
  if let Ok(p) = result {
    let reason = &payload[p.reason_start..];
    assert!(p.code == NO_STATUS || spec_valid_close_code(p.code));
    if !skip_utf8 {
      assert!(std::str::from_utf8(reason).is_ok());
    }
    if reason.len() <= close::MAX_REASON_LEN {
      let mut out = [0u8; 125];
      let n = close::write(p.code, reason, &mut out);
      assert_eq!(&out[..n], payload, "close::write round trip");
    }
  }
});
