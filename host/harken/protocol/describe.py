"""The ``s`` reply (system module information JSON) as dataclasses.

Accepts the 2.x form and the 1.5.2 form whose dependency objects carry an extra ``"_":""``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harken.protocol.console import ConsoleFormatError, json_object
from harken.protocol.platform import platform_name

MODULE_FUNCTIONS: dict[str, str] = {
    "n": "none",
    "r": "resource",
    "b": "bootloader",
    "m": "monolithic",
    "s": "system",
    "u": "user",
    "c": "ncp",
    "a": "radio-stack",
    "_": "other",
}
MODULE_STORES: dict[str, str] = {
    "m": "main",
    "b": "backup",
    "f": "factory",
    "t": "scratchpad",
    "_": "other",
}
VALIDITY_BITS: dict[int, str] = {
    1 << 1: "integrity",
    1 << 2: "dependencies",
    1 << 3: "range",
    1 << 4: "platform",
    1 << 5: "product",
    1 << 6: "full-dependencies",
}


def module_function_name(code: str) -> str:
    """``s`` → ``system`` etc.; unknown codes are returned as they are."""
    return MODULE_FUNCTIONS.get(code, code)


@dataclass(frozen=True)
class ModuleDependency:
    """One entry of a module's ``d`` list."""

    function: str
    index: int
    version: int

    @property
    def function_name(self) -> str:
        """Readable name of the function code."""
        return module_function_name(self.function)


@dataclass(frozen=True)
class ModuleInfo:
    """One module slot of the ``m`` list."""

    max_size: int
    store: str
    validity_checked: int
    validity_passed: int
    function: str
    index: int
    version: int
    dependencies: tuple[ModuleDependency, ...] = ()
    sha256: str | None = None

    @property
    def function_name(self) -> str:
        """Readable name of the function code."""
        return module_function_name(self.function)

    @property
    def store_name(self) -> str:
        """Readable name of the store code."""
        return MODULE_STORES.get(self.store, self.store)

    @property
    def valid(self) -> bool:
        """Every check that was run passed."""
        return (self.validity_passed & self.validity_checked) == self.validity_checked

    def check_results(self) -> dict[str, bool]:
        """Check name → passed, for the checks that were run."""
        return {
            name: bool(self.validity_passed & bit)
            for bit, name in VALIDITY_BITS.items()
            if self.validity_checked & bit
        }


@dataclass(frozen=True)
class SystemDescribe:
    """The whole ``s`` reply."""

    platform_id: int
    modules: tuple[ModuleInfo, ...]
    properties: dict[str, str] = field(default_factory=dict)

    @property
    def platform_name(self) -> str | None:
        """``photon``/``p1``/``electron``, or None for other platform ids."""
        return platform_name(self.platform_id)

    @property
    def product_id(self) -> int | None:
        """The running image's product id: harken devices add it (Device OS does not)."""
        return _optional_int(self.properties.get("product_id"))

    @property
    def product_version(self) -> int | None:
        """The running image's product firmware version (harken devices only)."""
        return _optional_int(self.properties.get("product_version"))


def _optional_int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise ConsoleFormatError(f"{what} is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise ConsoleFormatError(f"{what} is not a number")


def _dependency(raw: Any) -> ModuleDependency:
    if not isinstance(raw, dict):
        raise ConsoleFormatError("a module dependency is not an object")
    return ModuleDependency(
        function=str(raw.get("f", "_")),
        index=_int(raw.get("n", 0), "dependency index"),
        version=_int(raw.get("v", 0), "dependency version"),
    )


def _module(raw: Any) -> ModuleInfo:
    if not isinstance(raw, dict):
        raise ConsoleFormatError("a module entry is not an object")
    deps = raw.get("d", [])
    if not isinstance(deps, list):
        raise ConsoleFormatError("a module's dependency list is not a list")
    sha = raw.get("u")
    return ModuleInfo(
        max_size=_int(raw.get("s", 0), "module size"),
        store=str(raw.get("l", "_")),
        validity_checked=_int(raw.get("vc", 0), "module vc"),
        validity_passed=_int(raw.get("vv", 0), "module vv"),
        function=str(raw.get("f", "_")),
        index=_int(raw.get("n", 0), "module index"),
        version=_int(raw.get("v", 0), "module version"),
        dependencies=tuple(_dependency(d) for d in deps),
        sha256=str(sha) if sha is not None else None,
    )


def describe_from_json(value: dict[str, Any]) -> SystemDescribe:
    """Build a :class:`SystemDescribe` from the decoded JSON object."""
    if "p" not in value:
        raise ConsoleFormatError("the describe reply has no platform id ('p')")
    modules = value.get("m", [])
    if not isinstance(modules, list):
        raise ConsoleFormatError("the describe reply's module list is not a list")
    properties = {
        key: str(item) for key, item in value.items() if key not in ("p", "m") and key != "_"
    }
    return SystemDescribe(
        platform_id=_int(value["p"], "platform id"),
        modules=tuple(_module(m) for m in modules),
        properties=properties,
    )


def parse_describe(data: bytes | str) -> SystemDescribe:
    """Parse the ``s`` reply."""
    return describe_from_json(json_object(data, "describe"))
