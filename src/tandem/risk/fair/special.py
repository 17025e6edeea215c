"""Scalar special functions shared by the NumPy path and the compiled (Numba) path, so both compute the same bits.

Both paths call SciPy's own compiled `ndtri` and `pdtr` through the C entry points SciPy exports for Cython
(`scipy.special.cython_special`), and the C library's `exp` (Python's `math.exp`, Numba's `math.exp`). Values
drawn through these functions are then identical whichever path drew them.
"""

from __future__ import annotations

import ctypes

from scipy.special import cython_special

_NAME = ctypes.pythonapi.PyCapsule_GetName
_NAME.restype, _NAME.argtypes = ctypes.c_char_p, [ctypes.py_object]
_POINTER = ctypes.pythonapi.PyCapsule_GetPointer
_POINTER.restype, _POINTER.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]


def _address(name: str) -> int:
    capsule = cython_special.__pyx_capi__[name]
    address = _POINTER(capsule, _NAME(capsule))
    assert address
    return int(address)


# Signatures carry Cython's trailing `int __pyx_skip_dispatch` argument: pass 0.
c_ndtri = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_int)(_address("ndtri"))
c_pdtr = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_double, ctypes.c_int)(_address("pdtr"))
