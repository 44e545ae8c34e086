"""``harken binary inspect FILE`` and ``harken binary stamp FILE``: Particle module binaries.

``inspect`` prints every prefix and suffix field and exits 1 when the CRC-32 or the SHA-256
does not verify. ``stamp`` writes the product id and version into the suffix and recomputes
both checksums; the file is replaced atomically (temporary file, then rename).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harken.atomic_file import replace_file
from harken.cli.output import emit, fail, to_jsonable
from harken.protocol.module_binary import (
    MAX_MODULE_SIZE,
    ModuleFormatError,
    ModuleImage,
    parse_module,
    stamp_module,
)
from harken.protocol.module_layout import ModuleFlag, ModuleFunction

UNSET = 0xFFFF


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``binary inspect`` and ``binary stamp``."""
    binary = commands.add_parser("binary", help="Particle firmware module binaries (.bin)")
    sub = binary.add_subparsers(dest="binary_command", metavar="COMMAND", required=True)
    inspect = sub.add_parser("inspect", help="print a module's fields and verify its checksums")
    inspect.add_argument("file", type=Path, metavar="FILE")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")
    inspect.set_defaults(handler=run_inspect)
    stamp = sub.add_parser("stamp", help="set a module's product id and version")
    stamp.add_argument("file", type=Path, metavar="FILE")
    stamp.add_argument("--product-id", type=u16, metavar="N", help="default: keep the file's")
    stamp.add_argument("--product-version", type=u16, metavar="N", help="default: keep the file's")
    stamp.add_argument("--output", type=Path, metavar="OUT", help="write here (default: FILE)")
    stamp.add_argument("--json", action="store_true", help="print the stamped module as JSON")
    stamp.set_defaults(handler=run_stamp)


def u16(text: str) -> int:
    """An argument in 0..65535 (decimal or 0x hex)."""
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 0xFFFF:
        raise argparse.ArgumentTypeError(f"{value} is outside 0..65535")
    return value


def read_module_file(path: Path) -> bytes:
    """The file's bytes, refusing (before reading) anything larger than a module can be."""
    size = path.stat().st_size
    if size > MAX_MODULE_SIZE:
        raise ModuleFormatError(f"{size} bytes: larger than any module ({MAX_MODULE_SIZE})")
    return path.read_bytes()


def flag_names(flags: int) -> list[str]:
    """Names of the known prefix flags that are set."""
    return [str(flag.name) for flag in ModuleFlag if flags & flag]


def module_payload(image: ModuleImage) -> dict[str, Any]:
    """JSON form of a parsed module: every field plus flag names and overall validity."""
    return {**to_jsonable(image), "flag_names": flag_names(image.flags), "valid": image.valid}


def _mismatches(image: ModuleImage) -> str:
    checks = (("CRC-32", image.crc_ok), ("SHA-256", image.sha_ok))
    return " and ".join(name for name, ok in checks if not ok)


def _product_text(image: ModuleImage) -> str:
    pid, version = image.product_id, image.product_version
    if pid is None or version is None:
        return f"no product fields (suffix size {image.suffix_size})"
    if pid == version == UNSET:
        return "none (id and version 0xffff)"
    return f"id {pid}, version {version}" + (" (incomplete)" if UNSET in (pid, version) else "")


def _dependency_text(image: ModuleImage) -> str:
    present = [d for d in image.dependencies if d.present]
    if not present:
        return "none"
    return ", ".join(f"{d.function_name} {d.index} >= {d.version}" for d in present)


def module_lines(path: Path, image: ModuleImage) -> list[str]:
    """Readable form of a parsed module."""
    platform = image.platform_name or "unknown platform"
    crc = "ok" if image.crc_ok else f"MISMATCH (computed 0x{image.computed_crc32:08x})"
    sha = "ok" if image.sha_ok else f"MISMATCH (computed {image.computed_sha256})"
    flags = ", ".join(flag_names(image.flags)) or "none"
    lines = [
        f"{path}: {image.function_name} {image.index}, version {image.version}, "
        f"platform {image.platform_id} ({platform})",
        f"  size: {image.size} bytes, prefix at 0x{image.prefix_offset:x}",
        f"  addresses: 0x{image.start_address:08x}..0x{image.end_address:08x} (CRC at the end)",
        f"  flags: 0x{image.flags:02x} ({flags}), reserved: {image.reserved}",
        f"  depends on: {_dependency_text(image)}",
        f"  product: {_product_text(image)}",
        f"  suffix: size {image.suffix_size}, reserved {image.suffix_reserved}",
        f"  SHA-256: {image.sha256} {sha}",
        f"  CRC-32: 0x{image.crc32:08x} {crc}",
    ]
    lines += [f"  warning: {problem}" for problem in image.problems]
    return lines


def run_inspect(args: argparse.Namespace) -> int:
    try:
        image = parse_module(read_module_file(args.file))
    except ModuleFormatError as exc:
        return fail(f"{args.file}: not a valid module binary: {exc}")
    emit(
        args.json, {"file": str(args.file), **module_payload(image)}, module_lines(args.file, image)
    )
    if not image.valid:
        return fail(f"{args.file}: {_mismatches(image)} mismatch: the module is damaged")
    return 0


def run_stamp(args: argparse.Namespace) -> int:
    if args.product_id is None and args.product_version is None:
        return fail("give --product-id, --product-version or both")
    try:
        data = read_module_file(args.file)
        current = parse_module(data)
        product_id = current.product_id if args.product_id is None else args.product_id
        version = current.product_version if args.product_version is None else args.product_version
        if product_id is None or version is None:
            raise ModuleFormatError("the suffix has no product fields to keep")
        stamped = stamp_module(data, product_id, version)
    except ModuleFormatError as exc:
        return fail(f"{args.file}: cannot stamp: {exc}")
    output: Path = args.output or args.file
    mode_source = output if output.exists() else args.file  # keep the replaced file's mode
    replace_file(output, stamped, mode_source.stat().st_mode & 0o7777)
    image = parse_module(stamped)
    lines = [
        f"{output}: product id {image.product_id}, version {image.product_version}; "
        f"SHA-256 {image.sha256}, CRC-32 0x{image.crc32:08x}"
    ]
    if image.function not in (ModuleFunction.USER_PART, ModuleFunction.MONO_FIRMWARE):
        lines.append(
            f"note: the product fields of a {image.function_name} are read by no device "
            "(Device OS: user parts; harken: its monolithic images)"
        )
    emit(args.json, {"file": str(output), **module_payload(image)}, lines)
    return 0
