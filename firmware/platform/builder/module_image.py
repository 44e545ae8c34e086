"""Post-link step for the Cortex-M images: turn objcopy's .bin into a valid Particle module.

The linker script leaves placeholders in the suffix; this fills in the SHA-256 and the
CRC-32 the way Device OS's build does (module-format.md §5, §6) and writes the same bytes
into the ELF, which is what QEMU loads, so that the ELF, the .bin and the running image
agree. Pure Python: struct, hashlib, zlib.
"""

import hashlib
import struct
import zlib

VECTOR_TABLE = 0x184                      # prefix offset when word 0 is an SRAM stack pointer
PREFIX = struct.Struct("<IIBBHHBB4s4s")   # module_info_t, 24 bytes
SUFFIX_SIZE = 40                          # module_info_suffix_t (36) + product data (4)
# As linked (module_suffix.cpp): SHA 01..20, suffix size 40, CRC 0x12345678 little-endian.
PLACEHOLDER = bytes(range(1, 33)) + struct.pack("<H", SUFFIX_SIZE) + struct.pack("<I", 0x12345678)
SHA_AT, CRC_AT = -38, -4                  # offsets from the end of the file (§4)

PT_LOAD = 1


class ModuleImageError(Exception):
    pass


def stamp(bin_path, elf_path):
    """Fill in the SHA-256 and CRC-32 of `bin_path` and of the ELF it came from.

    Returns (sha256 hex, crc32). A .bin that objcopy made from an ELF stamped by an
    earlier build already carries correct values; it is checked and left as it is.
    """
    with open(bin_path, "rb") as f:
        image = bytearray(f.read())
    with open(elf_path, "rb") as f:
        elf = bytearray(f.read())
    start = check_layout(image)
    tail = bytes(image[SHA_AT:])
    if tail == PLACEHOLDER:
        seal(image)
    elif tail != sealed_tail(image):
        raise ModuleImageError(
            "%s: the last 38 bytes are neither the suffix placeholder nor a valid SHA-256 "
            "and CRC-32" % bin_path)
    # The same 38 bytes into the ELF, found through the load address of the .bin's tail.
    # Whatever was there must be the placeholder or these very bytes.
    where = file_offset(elf, start + len(image) + SHA_AT, -SHA_AT)
    if where is None:
        raise ModuleImageError("%s: no loadable segment holds the module suffix" % elf_path)
    if bytes(elf[where:where - SHA_AT]) not in (PLACEHOLDER, bytes(image[SHA_AT:])):
        raise ModuleImageError("%s: the suffix in the ELF differs from the .bin" % elf_path)
    elf[where:where - SHA_AT] = image[SHA_AT:]
    if load_image(elf, start) != image:
        raise ModuleImageError("%s: its loadable bytes are not the .bin" % elf_path)
    with open(bin_path, "wb") as f:
        f.write(image)
    with open(elf_path, "wb") as f:
        f.write(elf)
    return image[SHA_AT:CRC_AT - 2].hex(), struct.unpack(">I", image[CRC_AT:])[0]


def check_layout(image):
    """The prefix after the vector table, and an end address at the CRC (module-format.md
    §1, §1.1, §4.1). Returns the module's start address."""
    if len(image) < VECTOR_TABLE + PREFIX.size + 48:
        raise ModuleImageError("image of %d bytes is too short for a module" % len(image))
    (stack,) = struct.unpack_from("<I", image, 0)
    if stack & 0x2FF10000 != 0x20000000:
        raise ModuleImageError("word 0 (0x%08x) is not an SRAM stack pointer: no vector "
                               "table, so no module prefix at 0x184" % stack)
    start, end = PREFIX.unpack_from(image, VECTOR_TABLE)[:2]
    if end - start != len(image) - 4:
        raise ModuleImageError(
            "module_end_address 0x%08x should be 0x%08x: the CRC must be the last 4 bytes "
            "(start 0x%08x, %d bytes)" % (end, start + len(image) - 4, start, len(image)))
    (size,) = struct.unpack_from("<H", image, len(image) - 6)
    if size != SUFFIX_SIZE:
        raise ModuleImageError("suffix size %d, expected %d" % (size, SUFFIX_SIZE))
    if image[-48:-44] != b"\xff\xff\xff\xff":
        raise ModuleImageError("no 0xFFFF filler before the product id and version")
    return start


def sealed_tail(image):
    """The last 38 bytes `image` should end with: SHA-256 over [0, L-38), the suffix size,
    CRC-32 over [0, L-4) (SHA and size included) stored big-endian (§5 steps 3-4, §6)."""
    sha = hashlib.sha256(image[:SHA_AT]).digest()
    size = bytes(image[CRC_AT - 2:CRC_AT])
    crc = zlib.crc32(bytes(image[:SHA_AT]) + sha + size)
    return sha + size + struct.pack(">I", crc)


def seal(image):
    image[SHA_AT:] = sealed_tail(image)


def segments(elf):
    """(file offset, load address, file size) of every PT_LOAD segment of an ELF32 LE."""
    if elf[:4] != b"\x7fELF" or elf[4] != 1 or elf[5] != 1:
        raise ModuleImageError("not a 32-bit little-endian ELF")
    phoff, = struct.unpack_from("<I", elf, 28)
    phentsize, phnum = struct.unpack_from("<HH", elf, 42)
    for i in range(phnum):
        kind, offset, _vaddr, paddr, filesz = struct.unpack_from("<5I", elf, phoff + i * phentsize)
        if kind == PT_LOAD and filesz:
            yield offset, paddr, filesz


def file_offset(elf, address, length):
    for offset, paddr, filesz in segments(elf):
        if paddr <= address and address + length <= paddr + filesz:
            return offset + address - paddr
    return None


def load_image(elf, start):
    """What a loader puts in flash from `start` on, gaps zero-filled as objcopy -O binary
    fills them."""
    out = bytearray()
    for offset, paddr, filesz in sorted(segments(elf), key=lambda s: s[1]):
        if paddr < start:
            continue
        at = paddr - start
        out.extend(bytes(max(0, at - len(out))))
        out[at:at + filesz] = elf[offset:offset + filesz]
    return out
