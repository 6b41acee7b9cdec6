"""Checks on uploaded files: an allow-list of types recognised by their content, a size limit, and
for images a limit on pixels (a small PNG can hold an image that takes gigabytes to lay out)."""

import io
import math
import warnings
import zipfile
from pathlib import PurePath

from django.conf import settings

ALLOWED = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def _sniff(head, upload):
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return ALLOWED[".docx"]
            if any(n.startswith("xl/") for n in names):
                return ALLOWED[".xlsx"]
    return None


def check_upload(upload):
    """Return the file's content type, or raise ValueError with a message for the user."""
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in ALLOWED:
        raise ValueError("The selected file must be a PDF, DOCX, XLSX, PNG or JPEG")
    if upload.size == 0:
        raise ValueError("The selected file is empty")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValueError(f"The selected file must be smaller than {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = _sniff(head, upload)
    if content_type != ALLOWED[suffix]:
        raise ValueError(f"The selected file is not a real {suffix[1:].upper()} file")
    if content_type in ("image/png", "image/jpeg"):
        upload.seek(0)
        pixels = image_pixels(upload.read())
        upload.seek(0)
        limit = settings.UPLOAD_MAX_IMAGE_PIXELS
        if pixels is None:
            raise ValueError(f"The selected file is not a real {suffix[1:].upper()} file")
        if pixels > limit:
            raise ValueError(
                f"The selected image is too large: it must have no more than {limit / 1_000_000:g} million pixels "
                f"(for example {_side(limit):,} × {_side(limit):,}). Save it smaller and upload it again"
            )
    return content_type


def _side(pixels):
    return int(pixels**0.5)


def image_pixels(data):
    """Width × height read from the image's header (nothing is decoded), or None when it is not an
    image Pillow can read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        return math.inf  # more than twice Pillow's own limit
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return width * height
