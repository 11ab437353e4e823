"""micrograd's module name: `from micrograd_lite.engine import Value` works as in micrograd."""

from micrograd_lite.value import Value

__all__ = ["Value"]
