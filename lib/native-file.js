'use strict';

/**
 * Checks a `.node` file before the dynamic loader maps it. The loader trusts the file: a
 * truncated ELF is mapped past its end and the first touch of the missing pages kills the
 * process with SIGBUS, and glibc reports a binary for another machine as "cannot open
 * shared object file: No such file or directory". Reading the headers first turns both into
 * a reason the loader's error can show.
 *
 * ELF (Linux) is checked in full: class, byte order, machine, and that every program and
 * section header and every loadable segment lies inside the file. Mach-O and PE are checked
 * for their magic and machine type.
 */

const fs = require('fs');

/** ELF e_machine values by Node's `process.arch`. */
const ELF_MACHINES = { x64: 62, arm64: 183, ia32: 3, arm: 40, riscv64: 243, ppc64: 21, s390x: 22, loong64: 258 };
/** Mach-O cputype values by `process.arch`. */
const MACHO_CPUS = { x64: 0x01000007, arm64: 0x0100000c };
/** PE machine values by `process.arch`. */
const PE_MACHINES = { x64: 0x8664, arm64: 0xaa64, ia32: 0x14c };

/**
 * The `process.arch` name of a machine number, for messages.
 *
 * @param {Object} table One of the tables above
 * @param {Number} value The number in the file
 * @return {String} e.g. `arm64`, or `machine 0x1234`
 * @private
 */
function archName(table, value) {
  const found = Object.keys(table).find((arch) => table[arch] === value);
  return found || `machine 0x${value.toString(16)}`;
}

/**
 * Why an ELF image cannot be loaded by this process, or `null`.
 *
 * @param {Buffer} data The file's first 64 bytes (or all of it, if shorter)
 * @param {Number} size The file's size
 * @param {Function} read `(offset, length) => Buffer` of the file
 * @return {(String|null)} The reason
 * @private
 */
function checkElf(data, size, read) {
  if (data.length < 64) return 'not a complete ELF file (shorter than its header)';
  const is64 = data[4] === 2;
  const little = data[5] === 1;
  if (!is64) return 'a 32-bit ELF file; this process is 64-bit';
  if (!little && process.arch !== 's390x' && process.arch !== 'ppc64') return 'a big-endian ELF file';
  const u16 = (at) => (little ? data.readUInt16LE(at) : data.readUInt16BE(at));
  const u64 = (at) => Number(little ? data.readBigUInt64LE(at) : data.readBigUInt64BE(at));

  const machine = u16(18);
  const expected = ELF_MACHINES[process.arch];
  if (expected !== undefined && machine !== expected) {
    return `built for ${archName(ELF_MACHINES, machine)}; this process is ${process.arch}`;
  }

  const phoff = u64(32);
  const shoff = u64(40);
  const phentsize = u16(54);
  const phnum = u16(56);
  const shentsize = u16(58);
  const shnum = u16(60);
  const truncated = `truncated (${size} bytes)`;
  if (phentsize < 56 || phoff + phnum * phentsize > size || shoff + shnum * shentsize > size) return truncated;
  const table = read(phoff, phnum * phentsize);
  const u64At = (at) => Number(little ? table.readBigUInt64LE(at) : table.readBigUInt64BE(at));
  for (let i = 0; i < phnum; i++) {
    const at = i * phentsize;
    if (u64At(at + 8) + u64At(at + 32) > size) return truncated;
  }
  return null;
}

/**
 * Why a Mach-O image cannot be loaded by this process, or `null`.
 *
 * @param {Buffer} data The whole file
 * @return {(String|null)} The reason
 * @private
 */
function checkMachO(data) {
  if (data.length < 32) return 'not a complete Mach-O file';
  const cpu = data.readUInt32LE(4);
  const expected = MACHO_CPUS[process.arch];
  if (expected !== undefined && cpu !== expected) {
    return `built for ${archName(MACHO_CPUS, cpu)}; this process is ${process.arch}`;
  }
  return null;
}

/**
 * Why a PE image cannot be loaded by this process, or `null`.
 *
 * @param {Buffer} data The whole file
 * @return {(String|null)} The reason
 * @private
 */
function checkPe(data) {
  if (data.length < 64) return 'not a complete PE file';
  const header = data.readUInt32LE(60);
  if (header + 6 > data.length || data.toString('latin1', header, header + 4) !== 'PE\0\0') {
    return 'not a PE file (no PE header)';
  }
  const machine = data.readUInt16LE(header + 4);
  const expected = PE_MACHINES[process.arch];
  if (expected !== undefined && machine !== expected) {
    return `built for ${archName(PE_MACHINES, machine)}; this process is ${process.arch}`;
  }
  return null;
}

/**
 * Why `file` cannot be an addon for this process, or `null` when its headers are sound
 * (the dynamic loader may still refuse it, with its own message).
 *
 * @param {String} file Path to the file
 * @return {(String|null)} The reason
 * @public
 */
function checkAddonFile(file) {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    return err.code === 'ENOENT' ? 'no such file' : err.message;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const read = (offset, length) => {
      const out = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      fs.readSync(fd, out, 0, out.length, offset);
      return out;
    };
    const head = read(0, 64);
    const format = formatOf(head);
    if (format === undefined) return 'not a native library (no ELF, Mach-O or PE header)';
    const wanted = FORMATS[process.platform] || 'ELF';
    if (format.replace(' universal', '') !== wanted) return `a ${format} library; ${process.platform} loads ${wanted}`;
    if (format === 'ELF') return checkElf(head, size, read);
    if (format === 'Mach-O') return checkMachO(head);
    if (format === 'Mach-O universal') return null;
    return checkPe(head.length < 64 ? head : Buffer.concat([head, read(64, 4096)]));
  } finally {
    fs.closeSync(fd);
  }
}

/** The executable format each platform loads (others: ELF). */
const FORMATS = { darwin: 'Mach-O', win32: 'PE' };

/**
 * The executable format of a file's first bytes.
 *
 * @param {Buffer} head The first bytes
 * @return {(String|undefined)} `ELF`, `Mach-O`, `Mach-O universal` (counted as `Mach-O`
 *     for the platform test) or `PE`
 * @private
 */
function formatOf(head) {
  if (head.length >= 4 && head.readUInt32BE(0) === 0x7f454c46) return 'ELF';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfeedfacf) return 'Mach-O';
  if (head.length >= 4 && head.readUInt32BE(0) === 0xcafebabe) return 'Mach-O universal';
  if (head.length >= 2 && head.toString('latin1', 0, 2) === 'MZ') return 'PE';
  return undefined;
}

module.exports = { checkAddonFile };
