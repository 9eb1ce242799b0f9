//! Payload masking (RFC 6455 §5.3): XOR with a 4-byte key, repeating.
//!
//! The fast kernel works on 8-byte words (the compiler vectorises the loop; no
//! `target-cpu=native`). The only `unsafe` is [`extend_masked`]'s `set_len` once every new
//! byte is written. [`apply_mask_scalar`] is the byte-at-a-time reference it is tested
//! (and fuzzed) against.

/// The key rotated so that byte `phase` of `mask` comes first.
#[inline]
fn rotated(mask: [u8; 4], phase: usize) -> [u8; 4] {
  let p = phase & 3;
  [
    mask[p],
    mask[(p + 1) & 3],
    mask[(p + 2) & 3],
    mask[(p + 3) & 3],
  ]
}

/// XORs `buf` in place with `mask`, starting at byte `phase` of the key (the number of
/// payload bytes of this frame already unmasked, modulo 4). Masking twice restores the data.
pub fn apply_mask(buf: &mut [u8], mask: [u8; 4], phase: usize) {
  let key = rotated(mask, phase);
  let word = u64::from_ne_bytes([
    key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3],
  ]);
  let mut chunks = buf.chunks_exact_mut(8);
  for chunk in &mut chunks {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(chunk);
    chunk.copy_from_slice(&(u64::from_ne_bytes(bytes) ^ word).to_ne_bytes());
  }
  for (i, b) in chunks.into_remainder().iter_mut().enumerate() {
    *b ^= key[i & 3];
  }
}

/// Appends `src` XORed with `mask`, starting at byte `phase` of the key, to `dst`: one pass
/// that reads each byte once and writes it once, where copying and then [`apply_mask`] would
/// be two.
pub fn extend_masked(dst: &mut Vec<u8>, src: &[u8], mask: [u8; 4], phase: usize) {
  let key = rotated(mask, phase);
  let word = u64::from_ne_bytes([
    key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3],
  ]);
  dst.reserve(src.len());
  let spare = &mut dst.spare_capacity_mut()[..src.len()];
  let mut d = spare.chunks_exact_mut(8);
  let mut s = src.chunks_exact(8);
  for (dc, sc) in (&mut d).zip(&mut s) {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(sc);
    let out = (u64::from_ne_bytes(bytes) ^ word).to_ne_bytes();
    for (slot, b) in dc.iter_mut().zip(out) {
      slot.write(b);
    }
  }
  for (i, (slot, b)) in d.into_remainder().iter_mut().zip(s.remainder()).enumerate() {
    slot.write(b ^ key[i & 3]);
  }
  // SAFETY: the first `src.len()` bytes of the spare capacity were all written above.
  unsafe { dst.set_len(dst.len() + src.len()) };
}

/// Writes `src ^ mask` into `dst` (the `bufferutil.mask` operation); `dst.len()` must equal
/// `src.len()`.
///
/// # Panics
/// If the lengths differ.
pub fn mask_into(src: &[u8], mask: [u8; 4], dst: &mut [u8]) {
  assert_eq!(src.len(), dst.len(), "mask_into: length mismatch");
  let word = u64::from_ne_bytes([
    mask[0], mask[1], mask[2], mask[3], mask[0], mask[1], mask[2], mask[3],
  ]);
  let mut s = src.chunks_exact(8);
  let mut d = dst.chunks_exact_mut(8);
  for (dc, sc) in (&mut d).zip(&mut s) {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(sc);
    dc.copy_from_slice(&(u64::from_ne_bytes(bytes) ^ word).to_ne_bytes());
  }
  for (i, (db, sb)) in d.into_remainder().iter_mut().zip(s.remainder()).enumerate() {
    *db = *sb ^ mask[i & 3];
  }
}

/// Byte-at-a-time reference for [`apply_mask`].
pub fn apply_mask_scalar(buf: &mut [u8], mask: [u8; 4], phase: usize) {
  for (i, b) in buf.iter_mut().enumerate() {
    *b ^= mask[(i + phase) & 3];
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 + 7) as u8).collect()
  }

  #[test]
  fn extend_masked_matches_copy_then_apply_mask() {
    let mask = [0x12, 0x34, 0x56, 0x78];
    let src = data(300);
    for len in [0, 1, 7, 8, 9, 63, 64, 65, 300] {
      for phase in 0..4 {
        let mut fast = vec![0xee; 3];
        extend_masked(&mut fast, &src[..len], mask, phase);
        let mut slow = src[..len].to_vec();
        apply_mask_scalar(&mut slow, mask, phase);
        assert_eq!(&fast[..3], &[0xee; 3]);
        assert_eq!(&fast[3..], &slow[..], "len {len} phase {phase}");
      }
    }
  }

  #[test]
  fn word_kernel_matches_scalar_every_length_alignment_and_phase() {
    let mask = [0x6d, 0xb6, 0xb2, 0x80];
    let backing = data(300 + 8);
    for len in 0..=300 {
      for align in 0..8 {
        for phase in 0..4 {
          let mut fast = backing[align..align + len].to_vec();
          let mut slow = fast.clone();
          // Work on a misaligned sub-slice of a larger buffer too.
          let mut big = backing.clone();
          apply_mask(&mut fast, mask, phase);
          apply_mask_scalar(&mut slow, mask, phase);
          assert_eq!(fast, slow, "len {len} phase {phase}");
          apply_mask(&mut big[align..align + len], mask, phase);
          assert_eq!(&big[align..align + len], &slow[..]);
        }
      }
    }
  }

  #[test]
  fn mask_into_matches_scalar() {
    let mask = [1, 2, 3, 250];
    let backing = data(308);
    for len in 0..=300 {
      for align in 0..8 {
        let src = &backing[align..align + len];
        let mut dst = vec![0u8; len];
        mask_into(src, mask, &mut dst);
        let mut expected = src.to_vec();
        apply_mask_scalar(&mut expected, mask, 0);
        assert_eq!(dst, expected);
      }
    }
  }

  #[test]
  fn rfc6455_example() {
    // RFC 6455 §5.7: "Hello" masked with 37 fa 21 3d.
    let mut buf = *b"Hello";
    apply_mask(&mut buf, [0x37, 0xfa, 0x21, 0x3d], 0);
    assert_eq!(buf, [0x7f, 0x9f, 0x4d, 0x51, 0x58]);
  }

  #[test]
  fn split_unmask_equals_whole() {
    let mask = [9, 8, 7, 6];
    let orig = data(100);
    for cut in 0..=100 {
      let mut whole = orig.clone();
      apply_mask(&mut whole, mask, 0);
      let mut parts = orig.clone();
      let (a, b) = parts.split_at_mut(cut);
      apply_mask(a, mask, 0);
      apply_mask(b, mask, cut);
      assert_eq!(parts, whole);
    }
  }
}
