"""The one byte form of every document we sign: RFC 8785, the JSON Canonicalization Scheme
(JCS), via the ``rfc8785`` package. Our documents hold only strings, integers, booleans,
null, arrays and objects (no floats: times are ISO 8601 strings, hashes hex), so the bytes
are UTF-8 with object keys sorted and no insignificant whitespace."""

import rfc8785

CANONICALIZATION = "RFC 8785 (JCS)"
# JCS writes numbers as IEEE doubles; an integer beyond 2**53 would not survive that.
MAX_SAFE_INTEGER = 2**53 - 1


def _check(value, where="$"):
    if isinstance(value, float):
        raise TypeError(f"{where}: floats are not allowed in a signed document")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER:
        raise TypeError(f"{where}: integer outside the interoperable range")
    if isinstance(value, dict):
        for key, item in value.items():
            _check(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{where}[{index}]")


def canonical_bytes(document):
    """The RFC 8785 bytes of ``document`` (refuses floats and unsafe integers)."""
    _check(document)
    return rfc8785.dumps(document)
