"""Entry point of the ``harken`` command."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from harken import __version__
from harken.cli import (
    bench_commands,
    binary_commands,
    dct_commands,
    demo_command,
    emulate_commands,
    flash_commands,
    fuzz_commands,
    mfg_commands,
    serial_commands,
    softap_commands,
)
from harken.cli.output import fail
from harken.errors import HarkenError


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    parser = argparse.ArgumentParser(
        prog="harken",
        description="Set up and inspect Particle Gen 2 devices (Photon, P1, Electron) "
        "and harken's emulated ones.",
    )
    parser.add_argument("--version", action="version", version=f"harken {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-vv)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    serial_commands.add_parser(commands)
    softap_commands.add_parser(commands)
    dct_commands.add_parser(commands)
    binary_commands.add_parser(commands)
    flash_commands.add_parser(commands)
    emulate_commands.add_parser(commands)
    bench_commands.add_parser(commands)
    fuzz_commands.add_parser(commands)
    demo_command.add_parser(commands)
    mfg_commands.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        return 130
    except (HarkenError, ValueError, OSError) as exc:
        return fail(str(exc))


if __name__ == "__main__":
    sys.exit(main())
