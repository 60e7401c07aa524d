"""`FitsFormatter`: images, masked images and tables as FITS files, through astropy.

- a `~skybutler.daf_butler.types.MaskedImage` is a primary HDU holding the
  metadata (``HIERARCH`` cards, so keys keep their case) and three image
  extensions ``IMAGE``, ``MASK`` and ``VARIANCE``; each plane, the
  metadata and the ``bbox`` can be read alone, without reading the others;
- a numpy array is the primary HDU's data;
- an astropy ``Table``/``QTable`` is a binary table extension (units kept).
"""

from __future__ import annotations

__all__ = ["FitsFormatter"]

import re
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from ._base import Formatter, ReadRequest

_PLANES = {"image": "IMAGE", "mask": "MASK", "variance": "VARIANCE"}
_STRUCTURAL = re.compile(r"^(SIMPLE|BITPIX|NAXIS\d*|EXTEND|XTENSION|PCOUNT|GCOUNT|EXTNAME|)$")


def _header(metadata: Mapping[str, Any]) -> Any:
    from astropy.io import fits

    header = fits.Header()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # HIERARCH cards warn about their length
        for key, value in metadata.items():
            if not isinstance(value, str | int | float | bool | np.number | np.bool_):
                raise TypeError(
                    f"FITS headers hold scalars; metadata {key!r} is a {type(value).__name__}."
                )
            header[f"HIERARCH {key}"] = value
    return header


def _metadata(header: Any) -> dict[str, Any]:
    return {
        key: value
        for key, value in header.items()
        if not _STRUCTURAL.match(key) and key not in ("COMMENT", "HISTORY")
    }


class FitsFormatter(Formatter):
    """FITS files of images, masked images and astropy tables."""

    name: ClassVar[str] = "fits"
    default_extension: ClassVar[str] = ".fits"
    supported_extensions: ClassVar[frozenset[str]] = frozenset({".fit", ".fits.gz", ".fits.fz"})
    prefers_local_file: ClassVar[bool] = True

    def readable_components(self, storage_class: Any) -> frozenset[str]:
        if storage_class.pytype_name == "skybutler.daf_butler.types.MaskedImage":
            return frozenset({*_PLANES, "metadata", "bbox"})
        return frozenset()

    # ------------------------------------------------------------ writing

    def write_local_file(self, obj: Any, path: str) -> None:
        from astropy.io import fits

        from ..types import MaskedImage

        if isinstance(obj, MaskedImage):
            mask = obj.mask.astype(np.uint8) if obj.mask.dtype == np.bool_ else obj.mask
            hdus = [fits.PrimaryHDU(header=_header(obj.metadata))]
            for plane, extname in _PLANES.items():
                data = mask if plane == "mask" else getattr(obj, plane)
                hdus.append(fits.ImageHDU(data=data, name=extname))
            fits.HDUList(hdus).writeto(path)
            return
        table_module = __import__("sys").modules.get("astropy.table")
        if table_module is not None and isinstance(obj, table_module.Table):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # meta that FITS cannot hold is dropped
                obj.write(path, format="fits")
            return
        if isinstance(obj, np.ndarray) and not obj.dtype.hasobject and obj.dtype.names is None:
            fits.PrimaryHDU(data=obj).writeto(path)
            return
        raise TypeError(
            f"The fits formatter writes MaskedImages, numpy arrays and astropy tables, not a "
            f"{type(obj).__name__}."
        )

    # ------------------------------------------------------------ reading

    def read_local_file(self, path: str, request: ReadRequest) -> Any:
        from astropy.io import fits

        pytype = request.storage_class.pytype_name
        if pytype == "skybutler.daf_butler.types.MaskedImage":
            return self._read_masked_image(path, request.component)
        if pytype.startswith("astropy.table"):
            from astropy import table

            cls = table.QTable if pytype.endswith("QTable") else table.Table
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return cls.read(path, format="fits")
        with fits.open(path, memmap=False) as hdus:
            return np.array(hdus[0].data)

    def from_bytes(self, data: bytes, request: ReadRequest) -> Any:  # pragma: no cover
        raise NotImplementedError("FITS files are read from local files.")

    @staticmethod
    def _read_masked_image(path: str, component: str | None) -> Any:
        from astropy.io import fits

        from ..types import Box, MaskedImage

        with fits.open(path, memmap=True, lazy_load_hdus=True) as hdus:
            if component == "metadata":
                return _metadata(hdus[0].header)
            if component == "bbox":
                header = hdus["IMAGE"].header
                return Box(0, 0, int(header["NAXIS1"]), int(header["NAXIS2"]))
            if component in _PLANES:
                return np.array(hdus[_PLANES[component]].data)
            planes = {plane: np.array(hdus[ext].data) for plane, ext in _PLANES.items()}
            return MaskedImage(metadata=_metadata(hdus[0].header), **planes)
