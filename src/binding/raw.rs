//! The accelerator entry points as raw N-API callbacks.
//!
//! `mask`, `unmask` and `isValidUTF8` are called per small buffer by `ws`, `receiverPush` once
//! per socket chunk by every receiver and `frameInto` once per sent message, so their fixed
//! cost is what matters: a napi-rs generated wrapper measured ~110 ns per call here, a raw
//! callback ~40 ns (bufferutil's C addon: ~45 ns). These skip the generated wrapper:
//! each reads its arguments with plain N-API calls, checks bounds, and calls the kernel in
//! `crate::proto`. The functions are attached to the exports object at module load.

use super::receiver::{Receiver, MIN_EVENT_SLOTS};
use super::sender::frame_into;
use crate::proto::{mask, utf8};
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;
use std::ffi::c_void;
use std::ptr;

/// Reads the bytes of a Buffer / Uint8Array argument.
///
/// # Safety
/// `env` and `value` come from the current callback; the slice lives while the JS thread is
/// inside the callback (the caller holds the arguments).
unsafe fn bytes<'a>(env: sys::napi_env, value: sys::napi_value) -> Option<&'a mut [u8]> {
  // SAFETY: `env` and `value` are the current callback's (this function's contract).
  let (data, len) = unsafe { raw_bytes(env, value) }?;
  // SAFETY: N-API reported `data..data + len` as the argument's live backing store, and the
  // slice is the only reference made to it during the callback.
  Some(unsafe { slice_mut(data, len) })
}

/// The address and length of a Buffer / Uint8Array argument (no slice is made yet, so that
/// two arguments may be checked for overlap first).
///
/// # Safety
/// As for [`bytes`].
unsafe fn raw_bytes(env: sys::napi_env, value: sys::napi_value) -> Option<(*mut u8, usize)> {
  let mut data: *mut c_void = ptr::null_mut();
  let mut len = 0usize;
  // SAFETY: `env` and `value` are the current callback's; the out-pointers are locals.
  if unsafe { sys::napi_get_buffer_info(env, value, &mut data, &mut len) } != sys::Status::napi_ok {
    return None;
  }
  Some((data.cast(), len))
}

/// A slice over `len` bytes at `data` (an empty one when `len` is 0, whatever `data` is).
///
/// # Safety
/// `data..data + len` is live, writable memory that nothing else references meanwhile.
unsafe fn slice_mut<'a>(data: *mut u8, len: usize) -> &'a mut [u8] {
  if len == 0 {
    &mut []
  } else {
    // SAFETY: the caller guarantees `len` live, writable, unaliased bytes at `data`; `len > 0`
    // so `data` is not the dangling pointer N-API may give for empty arrays.
    unsafe { std::slice::from_raw_parts_mut(data, len) }
  }
}

/// Reads an unsigned 32-bit integer argument.
///
/// # Safety
/// As for [`bytes`].
unsafe fn uint(env: sys::napi_env, value: sys::napi_value) -> Option<usize> {
  let mut n = 0u32;
  // SAFETY: `env` and `value` are the current callback's; `n` is a local.
  (unsafe { sys::napi_get_value_uint32(env, value, &mut n) } == sys::Status::napi_ok)
    .then_some(n as usize)
}

/// Throws a TypeError (returns undefined to JS).
///
/// # Safety
/// `env` is the current callback's.
unsafe fn throw(env: sys::napi_env, message: &'static [u8]) -> sys::napi_value {
  // SAFETY: `env` is the current callback's; `message` is a static NUL-terminated string.
  unsafe { sys::napi_throw_type_error(env, ptr::null(), message.as_ptr().cast()) };
  ptr::null_mut()
}

/// Reads up to `N` arguments.
///
/// # Safety
/// `env` and `info` are the current callback's.
unsafe fn args<const N: usize>(
  env: sys::napi_env,
  info: sys::napi_callback_info,
) -> [sys::napi_value; N] {
  let mut argc = N;
  let mut argv = [ptr::null_mut(); N];
  // SAFETY: `env` and `info` are the current callback's; `argv` has room for `argc` values.
  unsafe {
    sys::napi_get_cb_info(
      env,
      info,
      &mut argc,
      argv.as_mut_ptr(),
      ptr::null_mut(),
      ptr::null_mut(),
    )
  };
  argv
}

/// `mask(source, key, output, offset, length)`: bufferutil's `mask` with the 4-byte masking
/// key passed as a big-endian uint32 (as `frameInto` takes it). The JS wrapper reads the key
/// from its Buffer: a number costs one N-API call where a Buffer's address and length cost
/// two, about 12% of a 125-byte call.
unsafe fn mask_cb_body(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
  // SAFETY: all values come from this callback; slices are used before it returns. `source`
  // and `output` may be the same memory (masking in place): they are checked on raw
  // addresses, and the source is copied first when they overlap, so no shared and mutable
  // slice of the same bytes ever exist together.
  unsafe {
    let [a0, a1, a2, a3, a4] = args::<5>(env, info);
    let (Some((src, src_len)), Some(k), Some((out, out_len)), Some(offset), Some(length)) = (
      raw_bytes(env, a0),
      uint(env, a1),
      raw_bytes(env, a2),
      uint(env, a3),
      uint(env, a4),
    ) else {
      return throw(
        env,
        b"mask(source, key, output, offset, length): bad arguments\0",
      );
    };
    let k = (k as u32).to_be_bytes();
    if length > src_len || offset.checked_add(length).is_none_or(|end| end > out_len) {
      return throw(env, b"The offset and length are out of range\0");
    }
    if length == 0 {
      return ptr::null_mut();
    }
    let dst_at = out.add(offset);
    let (s, d) = (src as usize, dst_at as usize);
    if s < d + length && d < s + length {
      let copy = std::slice::from_raw_parts(src, length).to_vec();
      mask::mask_into(&copy, k, slice_mut(dst_at, length));
    } else {
      mask::mask_into(
        std::slice::from_raw_parts(src, length),
        k,
        slice_mut(dst_at, length),
      );
    }
    ptr::null_mut()
  }
}

/// `unmask(buffer, key)`: bufferutil's `unmask` with the key as a big-endian uint32 (see
/// `mask`).
unsafe fn unmask_cb_body(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
  // SAFETY: as for `mask_cb`.
  unsafe {
    let [a0, a1] = args::<2>(env, info);
    let (Some(buffer), Some(k)) = (bytes(env, a0), uint(env, a1)) else {
      return throw(env, b"unmask(buffer, key): bad arguments\0");
    };
    mask::apply_mask(buffer, (k as u32).to_be_bytes(), 0);
    ptr::null_mut()
  }
}

/// `isValidUTF8(buffer)`.
unsafe fn is_valid_utf8_cb_body(
  env: sys::napi_env,
  info: sys::napi_callback_info,
) -> sys::napi_value {
  // SAFETY: as for `mask_cb`.
  unsafe {
    let [a0] = args::<1>(env, info);
    let Some(buffer) = bytes(env, a0) else {
      return throw(env, b"isValidUTF8(buffer): bad arguments\0");
    };
    let mut result = ptr::null_mut();
    sys::napi_get_boolean(env, utf8::is_valid(buffer), &mut result);
    result
  }
}

/// `receiverPush(receiver, chunk, start, events)`: `Receiver.push` (see `receiver.rs`) as a
/// raw callback. It runs once per socket chunk, and napi-rs's generated wrapper spends more
/// per call on borrow bookkeeping (a global lock and map per typed-array argument) and class
/// checks than a 32-byte frame takes to decode.
unsafe fn receiver_push_cb_body(
  env: sys::napi_env,
  info: sys::napi_callback_info,
) -> sys::napi_value {
  // SAFETY: all values come from this callback. The receiver object is checked to carry the
  // `Receiver` class's type tag (stamped by napi-rs when it wrapped the instance) before its
  // wrapped pointer, a `Box<Receiver>` napi-rs made, is used; JS is blocked for the call. The
  // event array is an Int32Array (so its data is 4-byte aligned) checked not to overlap the
  // chunk before either slice is made.
  unsafe {
    let [a0, a1, a2, a3] = args::<4>(env, info);
    let mut tagged = false;
    let tag = <Receiver as TypeTag>::type_tag();
    if sys::napi_check_object_type_tag(env, a0, &tag, &mut tagged) != sys::Status::napi_ok
      || !tagged
    {
      return throw(env, b"receiverPush: not a Receiver\0");
    }
    let mut wrapped: *mut c_void = ptr::null_mut();
    if sys::napi_unwrap(env, a0, &mut wrapped) != sys::Status::napi_ok || wrapped.is_null() {
      return throw(env, b"receiverPush: not a Receiver\0");
    }
    let receiver = &mut *wrapped.cast::<Receiver>();
    let (Some((chunk_ptr, chunk_len)), Some(start), Some((events_ptr, events_len))) =
      (raw_bytes(env, a1), uint(env, a2), int32_array(env, a3))
    else {
      return throw(
        env,
        b"receiverPush(receiver, chunk, start, events): bad arguments\0",
      );
    };
    if start > chunk_len {
      return throw(env, b"receiverPush: start is past the end of the chunk\0");
    }
    if events_len < MIN_EVENT_SLOTS {
      return throw(env, b"receiverPush: the event array is too small\0");
    }
    let (c, e) = (chunk_ptr as usize, events_ptr as usize);
    if chunk_len > 0 && c < e + events_len * 4 && e < c + chunk_len {
      return throw(env, b"receiverPush: the event array overlaps the chunk\0");
    }
    let chunk = slice_mut(chunk_ptr, chunk_len);
    let events = std::slice::from_raw_parts_mut(events_ptr, events_len);
    let count = receiver.push_slice(&Env::from_raw(env), chunk, start, events);
    let mut result = ptr::null_mut();
    sys::napi_create_uint32(env, count, &mut result);
    result
  }
}

/// The address and length (in elements) of an `Int32Array` argument.
///
/// # Safety
/// As for [`bytes`].
unsafe fn int32_array(env: sys::napi_env, value: sys::napi_value) -> Option<(*mut i32, usize)> {
  let mut kind = 0;
  let mut length = 0usize;
  let mut data: *mut c_void = ptr::null_mut();
  // SAFETY: `env` and `value` are the current callback's; the out-pointers are locals.
  let status = unsafe {
    sys::napi_get_typedarray_info(
      env,
      value,
      &mut kind,
      &mut length,
      &mut data,
      ptr::null_mut(),
      ptr::null_mut(),
    )
  };
  (status == sys::Status::napi_ok && kind == sys::TypedarrayType::int32_array)
    .then_some((data.cast(), length))
}

/// `frameInto(out, offset, data, flags, mask)`: `sender::frame_into` as a raw callback (once
/// per sent message; see `receiverPush` for why).
unsafe fn frame_into_cb_body(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
  // SAFETY: all values come from this callback; the slices are made only after the output
  // and the data are known not to overlap, and are used before the callback returns.
  unsafe {
    let [a0, a1, a2, a3, a4] = args::<5>(env, info);
    let (
      Some((out_ptr, out_len)),
      Some(offset),
      Some((data_ptr, data_len)),
      Some(flags),
      Some(key),
    ) = (
      raw_bytes(env, a0),
      uint(env, a1),
      raw_bytes(env, a2),
      uint(env, a3),
      uint(env, a4),
    )
    else {
      return throw(
        env,
        b"frameInto(out, offset, data, flags, mask): bad arguments\0",
      );
    };
    let (out_start, data_start) = (out_ptr as usize, data_ptr as usize);
    if out_len > 0
      && data_len > 0
      && out_start < data_start + data_len
      && data_start < out_start + out_len
    {
      return throw(env, b"The output buffer overlaps the data\0");
    }
    let out = slice_mut(out_ptr, out_len);
    let data: &[u8] = slice_mut(data_ptr, data_len);
    match frame_into(out, offset as u32, data, flags as u32, key as u32) {
      Ok(written) => {
        let mut result = ptr::null_mut();
        sys::napi_create_uint32(env, written, &mut result);
        result
      }
      Err(message) => throw(env, message),
    }
  }
}

/// Wraps a callback body so that a panic becomes a JS exception, never an abort.
macro_rules! guarded {
  ($name:ident, $body:ident) => {
    unsafe extern "C" fn $name(
      env: sys::napi_env,
      info: sys::napi_callback_info,
    ) -> sys::napi_value {
      // SAFETY: forwards the callback's own arguments.
      std::panic::catch_unwind(|| unsafe { $body(env, info) }).unwrap_or_else(|_| unsafe {
        throw(env, b"oxws: internal error (panic) in a native call\0")
      })
    }
  };
}

guarded!(mask_cb, mask_cb_body);
guarded!(unmask_cb, unmask_cb_body);
guarded!(is_valid_utf8_cb, is_valid_utf8_cb_body);
guarded!(receiver_push_cb, receiver_push_cb_body);
guarded!(frame_into_cb, frame_into_cb_body);

/// Attaches the raw functions to `exports` (runs at module load).
#[napi(module_exports)]
pub fn register_raw_accel(exports: Object, env: Env) -> Result<()> {
  type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;
  let entries: [(&str, Callback); 5] = [
    ("mask", mask_cb),
    ("unmask", unmask_cb),
    ("isValidUTF8", is_valid_utf8_cb),
    ("receiverPush", receiver_push_cb),
    ("frameInto", frame_into_cb),
  ];
  for (name, cb) in entries {
    let mut f = ptr::null_mut();
    // SAFETY: plain N-API calls on the module's env with a static name and callback.
    let status = unsafe {
      sys::napi_create_function(
        env.raw(),
        name.as_ptr().cast(),
        name.len() as isize,
        Some(cb),
        ptr::null_mut(),
        &mut f,
      )
    };
    if status != sys::Status::napi_ok {
      return Err(Error::new(
        Status::GenericFailure,
        format!("could not create {name}"),
      ));
    }
    // SAFETY: `env` and `exports` are the module's at load; `f` was just created; the name is
    // NUL-terminated and lives until the call returns.
    let status = unsafe {
      sys::napi_set_named_property(
        env.raw(),
        exports.raw(),
        format!("{name}\0").as_ptr().cast(),
        f,
      )
    };
    if status != sys::Status::napi_ok {
      return Err(Error::new(
        Status::GenericFailure,
        format!("could not export {name}"),
      ));
    }
  }
  Ok(())
}
