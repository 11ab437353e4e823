"""The ARC4 seedrandom port against worked-examples.md's test vectors (seed 2017)."""

from __future__ import annotations

import pytest

from micrograd_lite.worked.seedrandom import SeedRandom, mix_key


def test_key_is_the_seed_string_with_a_nul() -> None:
    assert mix_key(2017) == [ord("2"), ord("0"), ord("1"), ord("7"), 0]


def test_long_seed_wraps_and_mixes_into_the_key() -> None:
    key = mix_key("a" * 257)
    assert len(key) == 256
    # index 0 is written twice: first ord('a'), then (smear ^ 97*19) + 97, smear starting at 0
    assert key[0] == ((97 * 19) + 97) & 255
    assert key[1:] == [97] * 255


def test_first_training_row_and_label() -> None:
    rng = SeedRandom(2017)
    x0, x1 = rng.scaled(0, 100), rng.scaled(0, 100)
    assert (x0, x1) == (83.3441794707234, 48.35041109397057)
    assert x0 + x1 == 131.69459056469398


def test_draws_lie_in_the_unit_interval_with_53_bit_resolution() -> None:
    rng = SeedRandom(7)
    draws = [rng.random() for _ in range(2000)]
    assert all(0.0 <= r < 1.0 for r in draws)
    assert len(set(draws)) == len(draws)
    assert 0.45 < sum(draws) / len(draws) < 0.55  # mean of 2000 uniforms: sd ~0.0065


def test_same_seed_same_stream_other_seed_other_stream() -> None:
    a, b, c = SeedRandom(2017), SeedRandom(2017), SeedRandom(2018)
    first = [a.random() for _ in range(10)]
    assert first == [b.random() for _ in range(10)]
    assert first != [c.random() for _ in range(10)]


def test_bytes_are_big_endian_concatenation() -> None:
    a, b = SeedRandom(2017), SeedRandom(2017)
    six = a.bytes(6)
    assert six == int.from_bytes(bytes(b.bytes(1) for _ in range(6)), "big")


@pytest.mark.parametrize("seed", [2.5, None, True])
def test_bad_seed_names_its_type(seed: object) -> None:
    with pytest.raises(TypeError, match=type(seed).__name__):
        SeedRandom(seed)  # type: ignore[arg-type]
