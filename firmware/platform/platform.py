"""PlatformIO dev-platform hook: provide tool-scons before Core goes looking for it."""
import os

from platformio.compat import load_python_module
from platformio.public import PlatformBase


class HarkenPlatform(PlatformBase):
    def configure_default_packages(self, options, targets):
        # Core resolves tool-scons right after this hook; build it from PyPI's scons so
        # that no PlatformIO registry access is ever needed.
        offline = load_python_module(
            "harken_offline", os.path.join(os.path.dirname(__file__), "offline.py"))
        offline.ensure_tool_scons(self.config.get("platformio", "packages_dir"))
        return super().configure_default_packages(options, targets)
