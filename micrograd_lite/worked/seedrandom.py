"""The random numbers of the adding-neuron article: numeric 1.2.6's seedrandom.js 2.0 (ARC4).

The article's JavaScript seeds `numeric.seedrandom` with 2017 and draws every input and initial
weight from it, so its printed figures can be reproduced only from the same stream. This is a
port of that generator (docs/worked/adding-neuron.md tells how its output was checked):

* **Key.** The seed becomes a string (a number's decimal digits plus a NUL, so 2017 -> "2017\\0").
  For character j (at key index j mod 256) a running `smear` is XORed with 19 times the byte
  already at that index (0 if none), and the byte becomes `(smear + char code) & 255`.
* **ARC4.** The standard key schedule over S = 0..255, then i = j = 0. `g(count)` runs `count`
  rounds (i += 1, j += S[i], swap S[i], S[j], output S[(S[i] + S[j]) & 255]) and returns the
  bytes as one big-endian integer. The first 256 output bytes are discarded after keying.
* **A double in [0, 1).** n = g(6), d = 2^48, x = 0; while n < 2^52: n = (n + x)·256, d ·= 256,
  x = g(1); then while n >= 2^53: n, d, x = n/2, d/2, x >> 1; return (n + x) / d.
  Every quantity is an integer below 2^61 and n + x < 2^53, so the final division by a power of
  two is exact: the same double JavaScript computes with its floats.

    >>> rng = SeedRandom(2017)
    >>> rng.scaled(0, 100)   # the article's first input: r*(0 - 100) + 100
    83.3441794707234
"""

from __future__ import annotations

_WIDTH = 256  # ARC4 works on bytes
_MASK = _WIDTH - 1
_CHUNKS = 6  # bytes in a double's first draw
_START_DENOM = 1 << 8 * _CHUNKS  # 2^48
_SIGNIFICANCE = 1 << 52  # a double needs at least 52 significant bits ...
_OVERFLOW = 1 << 53  # ... and at most 53


def mix_key(seed: int | str) -> list[int]:
    """The ARC4 key seedrandom derives from `seed` (a number gets a NUL appended, as JS does)."""
    if isinstance(seed, bool) or not isinstance(seed, int | str):
        raise TypeError(
            f"SeedRandom: seed must be an int or a str, got {seed!r} (type {type(seed).__name__})"
        )
    text = seed if isinstance(seed, str) else f"{seed}\0"
    key: list[int] = []
    smear = 0
    for j, char in enumerate(text):
        index = j & _MASK
        if index < len(key):  # a long seed wraps around and mixes into the earlier bytes
            smear ^= key[index] * 19
            key[index] = (smear + ord(char)) & _MASK
        else:
            key.append((smear + ord(char)) & _MASK)
    return key


class SeedRandom:
    """An ARC4 stream seeded like `Math.seedrandom(seed)` in seedrandom.js 2.0 (numeric 1.2.6)."""

    __slots__ = ("_i", "_j", "_s")

    def __init__(self, seed: int | str) -> None:
        key = mix_key(seed) or [0]  # seedrandom treats the empty key as [0]
        s = list(range(_WIDTH))
        j = 0
        for i in range(_WIDTH):
            j = (j + s[i] + key[i % len(key)]) & _MASK
            s[i], s[j] = s[j], s[i]
        self._s = s
        self._i = 0
        self._j = 0
        self.bytes(_WIDTH)  # seedrandom drops the first 256 bytes: early ARC4 output is biased

    def bytes(self, count: int) -> int:
        """The next `count` ARC4 output bytes as one big-endian integer (seedrandom's `g`)."""
        s, i, j = self._s, self._i, self._j
        r = 0
        for _ in range(count):
            i = (i + 1) & _MASK
            t = s[i]
            j = (j + t) & _MASK
            u = s[j]
            s[i] = u
            s[j] = t
            r = r * _WIDTH + s[(t + u) & _MASK]
        self._i, self._j = i, j
        return r

    def random(self) -> float:
        """The next double in [0, 1), built from at least 7 ARC4 bytes (52+ random bits)."""
        n = self.bytes(_CHUNKS)
        d = _START_DENOM
        x = 0
        while n < _SIGNIFICANCE:  # too few bits yet: shift in one more byte
            n = (n + x) * _WIDTH
            d *= _WIDTH
            x = self.bytes(1)
        while n >= _OVERFLOW:  # more than a double holds: drop low bits (n stays an integer)
            n //= 2
            d //= 2
            x >>= 1
        return (n + x) / d

    def scaled(self, a: float, b: float) -> float:
        """`r * (a - b) + b` for the next draw r: the article's `utils` helper, argument order kept.

        The article calls it as (0, 100) for inputs and (0, 2) for weights, so its numbers are
        uniform on (0, 100] and (0, 2] (r = 0 gives the upper end).
        """
        return self.random() * (a - b) + b
