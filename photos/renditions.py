"""The photo pipeline: what happens to a picture between the upload and the reader's screen.

Two stages, both plain functions over bytes (no models, no storage), so the web request,
the Celery worker, the tests and the benchmark all run the same code:

- `ingest()` runs when a file is uploaded. It reads the IPTC/XMP credit and caption, then
  strips every metadata segment from the original *without re-encoding it*: the
  photographer's pixels stay bit-exact and, because the public fallback `<img>` points at
  the original while renditions are pending, there is never a moment when a public URL
  serves the camera's GPS position. Only the EXIF orientation survives, as a one-tag EXIF
  block, so browsers still show the picture upright. It costs a copy of the bytes, no
  decoding, so it is cheap enough for the web request.
- `plan()` and `render()` run in the Celery worker: decode once at the smallest useful
  scale (JPEG `draft()`, then `reduce()` inside `resize()`), apply the orientation, convert
  to sRGB, and make every width from the previous, larger one.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import warnings
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from PIL import Image, ImageCms, ImageOps, IptcImagePlugin, UnidentifiedImageError, features

# The upload limits are the upload validator's; the worker re-checks the pixel count for
# files that reached storage another way.
from core.text import clean_name
from photos.validators import MAX_PIXELS, format_label, pixel_limit

WIDTHS = (320, 640, 960, 1280, 1920)
# Open Graph and Google's article images want 16:9, 4:3 and 1:1 at about 1200 pixels wide.
CROPS = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
CROP_WIDTH = 1200
# No GIF: newsroom photos are not palette images, and an animation would be lost (the
# upload validator refuses GIFs too); animated PNG and WebP are refused below.
UPLOAD_FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp"}
MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}
# Bump to remake every rendition after changing sizes, quality or encoders.
PIPELINE_VERSION = "1"
ORIENTATION = 0x0112

_ENCODER_OPTIONS: dict[str, dict[str, Any]] = {
    "jpeg": {"quality": 82, "progressive": True, "optimize": True},
    "webp": {"quality": 80, "method": 4},
    # speed 8 costs ~5% in size against the default 6 and is ten times faster.
    "avif": {"quality": 60, "speed": 8},
}


class PhotoRejected(Exception):
    """A file the pipeline cannot use; the message is meant for the editor."""


def output_formats() -> tuple[str, ...]:
    """Formats for width renditions, best first: AVIF only where this Pillow can write it."""
    return ("avif", "webp", "jpeg") if features.check("avif") else ("webp", "jpeg")


# --- Ingest: at upload time ---------------------------------------------------------------


@dataclass(frozen=True)
class Embedded:
    """Credit fields found in the file's IPTC or XMP block."""

    credit: str = ""
    caption: str = ""
    copyright: str = ""
    license_url: str = ""


@dataclass(frozen=True)
class Ingested:
    data: bytes
    extension: str
    embedded: Embedded


def ingest(data: bytes) -> Ingested:
    """Check an upload, read its credits and return it with all metadata removed."""
    with _open(data) as image:
        fmt = image.format or ""
        orientation = _orientation(image)
        embedded = _embedded(image)
    strip = {"JPEG": _strip_jpeg, "MPO": _strip_jpeg, "PNG": _strip_png, "WEBP": _strip_webp}
    stripped = strip[fmt](data, orientation)
    return Ingested(data=stripped, extension=UPLOAD_FORMATS[fmt], embedded=embedded)


def displayed_size(file: IO[bytes]) -> tuple[int, int] | tuple[None, None]:
    """Width and height as shown: EXIF orientations 5-8 turn the stored pixels a quarter."""
    position = file.tell()
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                if _orientation(image) in (5, 6, 7, 8):
                    width, height = height, width
                return width, height
    except (OSError, ValueError, Image.DecompressionBombError):
        return None, None
    finally:
        file.seek(position)


def _open(data: bytes) -> Image.Image:
    """Open (header only) a file we accept, or say in plain words why not."""
    if not data:
        raise PhotoRejected("The file is empty.")
    try:
        with warnings.catch_warnings():
            # Our own pixel limit below gives the clearer message.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise PhotoRejected(
            f"The image has too many pixels (limit {_megapixels(MAX_PIXELS)})."
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error) as exc:
        raise PhotoRejected(
            f"The file is not a readable image, or it is damaged or cut short ({_reason(exc)})."
        ) from None
    if image.format not in UPLOAD_FORMATS:
        image.close()
        raise PhotoRejected(
            f"{image.format} files are not supported: upload a JPEG, PNG or WebP photo."
        )
    width, height = image.size
    limit = pixel_limit(image.format)
    if width * height > limit:  # from the header: nothing is decoded yet
        image.close()
        raise PhotoRejected(
            f"The image is {width}×{height} ({_megapixels(width * height)}); "
            f"the limit for {format_label(image.format)} photos is {_megapixels(limit)}."
        )
    # An MPO (a camera's JPEG with a preview or depth image appended) is a still photo.
    if image.format != "MPO" and getattr(image, "n_frames", 1) > 1:
        image.close()
        raise PhotoRejected(
            "Animated images are not supported: renditions are stills, so the animation "
            "would be lost. Upload a still frame, or embed the animation as a video."
        )
    return image


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.0f} megapixels"


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(ORIENTATION, 1)
    except Exception:  # a broken EXIF block must not stop the upload; we drop it anyway
        return 1
    return value if value in range(1, 9) else 1


def _embedded(image: Image.Image) -> Embedded:
    """Credit, caption, copyright and licence from IPTC (JPEG) or XMP, IPTC first."""
    iptc: dict[tuple[int, int], Any] = {}
    try:
        iptc = IptcImagePlugin.getiptcinfo(image) or {}
    except Exception:  # malformed IPTC: the photo is still usable without it
        iptc = {}
    xmp: dict[str, Any] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            xmp = image.getxmp()
    except Exception:  # malformed XMP, as above
        xmp = {}

    def iptc_text(*keys: tuple[int, int]) -> str:
        for key in keys:
            value = iptc.get(key)
            if isinstance(value, list):
                value = value[0] if value else None
            if value:
                return _decode(value)
        return ""

    def xmp_text(*keys: str) -> str:
        for key in keys:
            text = _xmp_text(_xmp_find(xmp, key))
            if text:
                return text
        return ""

    return Embedded(
        # IPTC "Credit Line" is the line to print; "Creator"/"By-line" is the photographer.
        credit=clean_name(iptc_text((2, 110), (2, 80)) or xmp_text("Credit", "creator"))[:120],
        caption=iptc_text((2, 120)) or xmp_text("description"),
        copyright=(iptc_text((2, 116)) or xmp_text("rights"))[:200],
        license_url=_url(xmp_text("WebStatement", "LicensorURL")),
    )


def _decode(value: bytes) -> str:
    try:
        return value.decode("utf-8").strip()
    except UnicodeDecodeError:
        return value.decode("latin-1").strip()


def _xmp_find(node: Any, key: str) -> Any:
    """The first value stored under `key` anywhere in Pillow's nested XMP dictionary."""
    if isinstance(node, dict):
        if key in node:
            return node[key]
        children: Iterable[Any] = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _xmp_find(child, key)
        if found is not None:
            return found
    return None


def _xmp_text(value: Any) -> str:
    """Plain text from an XMP value: a string, an rdf:Alt/Seq/Bag, or a lang-tagged li."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return next((text for text in map(_xmp_text, value) if text), "")
    if isinstance(value, dict):
        if "text" in value:
            return _xmp_text(value["text"])
        return next(
            (_xmp_text(v) for k, v in value.items() if k != "lang" and _xmp_text(v)),
            "",
        )
    return ""


def _url(text: str) -> str:
    return text[:200] if text.startswith(("https://", "http://")) else ""


def _minimal_exif(orientation: int) -> bytes:
    """An EXIF block holding the orientation and nothing else."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return exif.tobytes()  # starts with b"Exif\0\0"


# JPEG segments worth keeping: JFIF (APP0), the ICC colour profile (APP2) and Adobe's
# colour-transform flag (APP14), without which CMYK files decode to the wrong colours.
# Everything else before the image data goes: EXIF and XMP (APP1, GPS lives here),
# IPTC/Photoshop (APP13), maker notes, comments.
_JPEG_KEEP_APP = {0xE0: b"JFIF", 0xE2: b"ICC_PROFILE", 0xEE: b"Adobe"}


def _strip_jpeg(data: bytes, orientation: int) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise PhotoRejected("The file is not a readable JPEG.")
    kept = [b"\xff\xd8"]
    if orientation != 1:
        exif = _minimal_exif(orientation)
        kept.append(b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif)
    position = 2
    while True:
        while (
            position < len(data)
            and data[position] == 0xFF
            and data[position + 1 : position + 2] == b"\xff"
        ):
            position += 1  # fill bytes before a marker
        if position + 4 > len(data) or data[position] != 0xFF:
            raise PhotoRejected("The JPEG file is damaged: its header ends early.")
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: the compressed image follows
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        end = position + 2 + length
        if length < 2 or end > len(data):
            raise PhotoRejected("The JPEG file is damaged: its header ends early.")
        is_app = 0xE0 <= marker <= 0xEF
        if marker == 0xFE:  # comment
            pass
        elif not is_app or (
            marker in _JPEG_KEEP_APP and data[position + 4 : end].startswith(_JPEG_KEEP_APP[marker])
        ):
            kept.append(data[position:end])
        position = end
    # The image data ends at the first EOI marker (0xFF inside it is always followed by 0x00
    # or a restart marker). Whatever follows, e.g. the second picture of an MPO with its own
    # EXIF block, is dropped. A file without EOI is kept whole: the worker reports it.
    eoi = data.find(b"\xff\xd9", position)
    kept.append(data[position : eoi + 2] if eoi != -1 else data[position:])
    return b"".join(kept)


# PNG chunks worth keeping; text (tEXt/zTXt/iTXt, where XMP lives), eXIf and tIME go.
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP"}
_PNG_KEEP |= {b"sBIT", b"bKGD", b"pHYs"}


def _strip_png(data: bytes, orientation: int) -> bytes:
    kept = [data[:8]]
    position = 8
    exif_pending = orientation != 1
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        end = position + 12 + length
        if end > len(data):
            raise PhotoRejected("The PNG file is damaged: a chunk ends early.")
        if kind == b"IDAT" and exif_pending:  # eXIf must come before the image data
            chunk = b"eXIf" + _minimal_exif(orientation)[6:]  # no "Exif\0\0" in PNG
            kept.append(struct.pack(">I", len(chunk) - 4) + chunk)
            kept.append(struct.pack(">I", zlib.crc32(chunk)))
            exif_pending = False
        if kind in _PNG_KEEP:
            kept.append(data[position:end])
        position = end
        if kind == b"IEND":
            break
    return b"".join(kept)


def _strip_webp(data: bytes, orientation: int) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise PhotoRejected("The WebP file is damaged.")
    chunks: list[tuple[bytes, bytes]] = []
    position = 12
    while position + 8 <= len(data):
        kind, size = struct.unpack("<4sI", data[position : position + 8])
        body = data[position + 8 : position + 8 + size]
        if len(body) < size:
            raise PhotoRejected("The WebP file is damaged: a chunk ends early.")
        if kind not in (b"EXIF", b"XMP "):
            chunks.append((kind, body))
        position += 8 + size + (size & 1)
    # Only the extended format (VP8X) has room for EXIF; a simple WebP had none to begin with.
    if chunks and chunks[0][0] == b"VP8X":
        flags = chunks[0][1][0] & ~0x0C  # clear the EXIF and XMP flags
        if orientation != 1:
            flags |= 0x08
            chunks.append((b"EXIF", _minimal_exif(orientation)[6:]))
        chunks[0] = (b"VP8X", bytes([flags]) + chunks[0][1][1:])
    body = b"".join(
        struct.pack("<4sI", kind, len(chunk)) + chunk + (b"\0" if len(chunk) & 1 else b"")
        for kind, chunk in chunks
    )
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


# --- Renditions: in the worker ------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One rendition to make: a width (`ratio` None) or a crop, in one format."""

    name: str  # "w640" or "16x9"
    format: str  # "avif", "webp" or "jpeg"
    width: int
    height: int
    source: str  # what it is made from: the original's fingerprint (+ focal point for crops)
    ratio: tuple[int, int] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.name, self.format

    @property
    def filename(self) -> str:
        tag = hashlib.sha256(self.source.encode()).hexdigest()[:10]
        return f"{self.name}-{tag}.{EXTENSIONS[self.format]}"


@dataclass(frozen=True)
class Output:
    spec: Spec
    data: bytes = field(repr=False)
    width: int
    height: int


def fingerprint(data: bytes) -> str:
    """What a width rendition depends on: the original's bytes and this pipeline's version."""
    return hashlib.sha256(data + PIPELINE_VERSION.encode()).hexdigest()[:40]


def plan(data: bytes, *, focal: tuple[float, float]) -> list[Spec]:
    """Every rendition this original should have. Reads the header only."""
    with _open(data) as image:
        width, height = image.size
        if _orientation(image) in (5, 6, 7, 8):
            width, height = height, width
    digest = fingerprint(data)
    # Never upscale: the original's own width stands in for the sizes it cannot reach.
    widths = sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})
    specs = [
        Spec(f"w{w}", fmt, w, max(1, round(height * w / width)), digest)
        for w in widths
        for fmt in output_formats()
    ]
    focal_tag = f"{digest}@{focal[0]:.3f},{focal[1]:.3f}"
    for name, ratio in CROPS.items():
        box = crop_box((width, height), ratio, focal)
        crop_width = min(box[2] - box[0], CROP_WIDTH)
        crop_height = max(1, round(crop_width * ratio[1] / ratio[0]))
        specs.append(Spec(name, "jpeg", crop_width, crop_height, focal_tag, ratio))
    return specs


def crop_box(
    size: tuple[int, int], ratio: tuple[int, int], focal: tuple[float, float]
) -> tuple[int, int, int, int]:
    """The largest box of `ratio` inside `size`, centred on the focal point where it fits."""
    width, height = size
    if width * ratio[1] > height * ratio[0]:
        box_width, box_height = max(1, round(height * ratio[0] / ratio[1])), height
    else:
        box_width, box_height = width, max(1, round(width * ratio[1] / ratio[0]))
    left = min(max(round(focal[0] * width - box_width / 2), 0), width - box_width)
    top = min(max(round(focal[1] * height - box_height / 2), 0), height - box_height)
    return left, top, left + box_width, top + box_height


def render(data: bytes, specs: Sequence[Spec], *, focal: tuple[float, float]) -> list[Output]:
    """Make the files for `specs` from the original's bytes. Raises PhotoRejected."""
    if not specs:
        return []
    base = _decode_base(data, specs)
    flat = _flatten(base)
    outputs: list[Output] = []
    # Widths from the largest down, each from the previous: the small ones cost almost nothing.
    current = base
    for size in sorted({(s.width, s.height) for s in specs if s.ratio is None}, reverse=True):
        if current.size != size:
            current = current.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        current_flat = _flatten(current) if current is not base else flat
        for spec in specs:
            if spec.ratio is None and (spec.width, spec.height) == size:
                image = current_flat if spec.format == "jpeg" else current
                outputs.append(Output(spec, _encode(image, spec.format), *size))
    for spec in specs:
        if spec.ratio is not None:
            crop = flat.crop(crop_box(flat.size, spec.ratio, focal))
            size = (spec.width, spec.height)
            if crop.size != size:
                crop = crop.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
            outputs.append(Output(spec, _encode(crop, spec.format), *crop.size))
    return outputs


def _decode_base(data: bytes, specs: Sequence[Spec]) -> Image.Image:
    """Decode once, at the smallest scale every rendition can still be cut from, upright and
    in sRGB, with nothing in `info` for an encoder to copy into the output."""
    image = _open(data)
    try:
        raw_width, raw_height = image.size
        turned = _orientation(image) in (5, 6, 7, 8)
        width, height = (raw_height, raw_width) if turned else (raw_width, raw_height)
        scale = 0.0
        for spec in specs:
            if spec.ratio is None:
                scale = max(scale, spec.width / width)
            else:
                box = crop_box((width, height), spec.ratio, (0.5, 0.5))
                scale = max(scale, spec.width / (box[2] - box[0]))
        scale = min(scale, 1.0)
        target = (max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale)))
        if image.format in ("JPEG", "MPO"):
            # libjpeg decodes straight to 1/2, 1/4 or 1/8 scale: a 24 MP photo never lands
            # in memory at full size.
            image.draft(None, (target[1], target[0]) if turned else target)
        try:
            image.load()
        except (
            OSError,
            ValueError,
            SyntaxError,
            struct.error,
            Image.DecompressionBombError,
        ) as exc:
            raise PhotoRejected(f"The image cannot be decoded: {_reason(exc)}.") from None
        icc = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image) if _orientation(image) != 1 else image
        rgb = _to_srgb(upright, icc)
        if rgb.width > target[0] * 1.01:
            rgb = rgb.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
        rgb.info = {}
        return rgb
    except BaseException:
        image.close()
        raise


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB or RGBA pixels in sRGB, whatever came in: CMYK, 16-bit, palette, greyscale."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit greyscale: scale to 8 bits (a plain convert would clip everything to white).
        image = image.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    elif image.mode == "F":
        image = image.point(lambda value: value * 255).convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode in ("P", "L", "RGB") and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            target = ImageCms.createProfile("sRGB")
            work = image if image.mode != "RGBA" else image.convert("RGB")
            converted = ImageCms.profileToProfile(work, source, target, outputMode="RGB")
            if converted is not None:
                if has_alpha:
                    converted.putalpha(image.getchannel("A"))
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: fall back to the plain conversion below
    return image if image.mode == mode else image.convert(mode)


def _flatten(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: put transparent pixels on white rather than black."""
    if image.mode != "RGBA":
        return image
    flat = Image.new("RGB", image.size, (255, 255, 255))
    flat.paste(image, mask=image.getchannel("A"))
    return flat


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.info = {}  # no comment, ICC profile or EXIF for the encoder to carry over
    image.save(buffer, fmt.upper(), **_ENCODER_OPTIONS[fmt])
    return buffer.getvalue()
