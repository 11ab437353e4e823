"""`python -m micrograd_lite` is the same as the `micrograd-lite` command."""

from micrograd_lite.cli import run

if __name__ == "__main__":
    run()
