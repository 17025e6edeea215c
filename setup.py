"""Build the optional compiled core of the discovery engine; without a compiler the pure-Python path is used."""

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # Cython missing (it is a build requirement, so only outside pip): pure Python only
    extensions = []
else:
    extensions = cythonize(
        [Extension("tandem.data.discovery._core", ["src/tandem/data/discovery/_core.pyx"])],
        language_level=3,
        quiet=True,
    )
    for extension in extensions:
        # A failed compile (no compiler, no Python headers) then only warns: engine.compiled_core() finds no
        # module and the pure-Python path runs. Set after cythonize(), which does not carry the flag over.
        extension.optional = True

setup(ext_modules=extensions)
