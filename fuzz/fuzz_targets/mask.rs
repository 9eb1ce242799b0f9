//! Differential: the word-at-a-time masking kernels against the byte-at-a-time reference.
//!
//! Input: bytes 0-3 the key, byte 4 the phase, byte 5 the source (bits 0-2) and destination
//! (bits 3-5) misalignment and whether `extend_masked` finds room already (bit 6), byte 6 a
//! cut point; the rest is the payload.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxws::proto::mask::{apply_mask, apply_mask_scalar, extend_masked, mask_into};

fuzz_target!(|data: &[u8]| {
  if data.len() < 7 {
    return;
  }
  let key: [u8; 4] = data[..4].try_into().unwrap();
  let phase = usize::from(data[4]);
  let src_off = usize::from(data[5] & 7);
  let dst_off = usize::from((data[5] >> 3) & 7);
  let payload = &data[7..];
  let len = payload.len();
  let cut = usize::from(data[6]).min(len);

  let mut reference = payload.to_vec();
  apply_mask_scalar(&mut reference, key, phase);

  // apply_mask on a sub-slice at any alignment.
  let mut backing = vec![0xa5u8; len + 16];
  backing[src_off..src_off + len].copy_from_slice(payload);
  apply_mask(&mut backing[src_off..src_off + len], key, phase);
  assert_eq!(
    &backing[src_off..src_off + len],
    &reference[..],
    "apply_mask"
  );
  assert!(
    backing[..src_off]
      .iter()
      .chain(&backing[src_off + len..])
      .all(|&b| b == 0xa5),
    "apply_mask wrote outside its slice"
  );

  // Masking twice restores the data.
  apply_mask(&mut backing[src_off..src_off + len], key, phase);
  assert_eq!(
    &backing[src_off..src_off + len],
    payload,
    "apply_mask twice"
  );

  // Two pieces, the second continuing the phase, equal one pass.
  let mut parts = payload.to_vec();
  let (a, b) = parts.split_at_mut(cut);
  apply_mask(a, key, phase);
  apply_mask(b, key, phase.wrapping_add(cut));
  assert_eq!(parts, reference, "split apply_mask");

  // mask_into (phase 0) between misaligned buffers.
  let mut expected = payload.to_vec();
  apply_mask_scalar(&mut expected, key, 0);
  let mut dst = vec![0x5au8; len + 16];
  mask_into(
    &backing[src_off..src_off + len],
    key,
    &mut dst[dst_off..dst_off + len],
  );
  assert_eq!(&dst[dst_off..dst_off + len], &expected[..], "mask_into");
  assert!(
    dst[..dst_off]
      .iter()
      .chain(&dst[dst_off + len..])
      .all(|&b| b == 0x5a),
    "mask_into wrote outside its slice"
  );

  // extend_masked appends in two pieces (the second continuing the phase) after a prefix,
  // into a vector whose spare capacity is sometimes there already and sometimes not.
  let mut grown = Vec::with_capacity(if data[5] & 64 != 0 { len + 3 } else { 0 });
  grown.extend_from_slice(&[1, 2, 3]);
  extend_masked(&mut grown, &payload[..cut], key, phase);
  extend_masked(&mut grown, &payload[cut..], key, phase.wrapping_add(cut));
  assert_eq!(&grown[..3], &[1, 2, 3], "extend_masked kept the prefix");
  assert_eq!(&grown[3..], &reference[..], "extend_masked");
});
