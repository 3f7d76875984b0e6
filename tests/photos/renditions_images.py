"""Image files for the rendition tests, made on the fly: good photos carrying GPS, XMP and
IPTC metadata, and every kind of bad file the pipeline must refuse or fail cleanly on."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image, ImageDraw, PngImagePlugin

PHOTOGRAPHER = "Abderrahmane Habibi"
GPS_LATITUDE = (51.0, 30.0, 26.0)
XMP_CREDIT = "Valentina Ruiz / Alverno Alpha"
XMP_CAPTION = "Commuters wait for the last train at Alverno Central."
XMP_RIGHTS = "© 2026 Valentina Ruiz"
XMP_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def picture(width: int = 1300, height: int = 800, mode: str = "RGB") -> Image.Image:
    """A photo-like picture with a marked top-left corner, so orientation can be checked."""
    image = Image.new("RGB", (width, height), (40, 90, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width // 4, height // 4), fill=(230, 40, 40))  # red top-left
    draw.ellipse((width // 3, height // 3, width // 2, height // 2), fill=(240, 220, 60))
    return image.convert(mode) if mode != "RGB" else image


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS R5"
    exif[ExifTags.Base.Artist] = PHOTOGRAPHER
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    return exif


def xmp_packet() -> bytes:
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    photoshop:Credit="{XMP_CREDIT}"
    xmpRights:WebStatement="{XMP_LICENSE}"
    exif:GPSLatitude="51,30.43N">
   <dc:creator><rdf:Seq><rdf:li>{PHOTOGRAPHER}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{XMP_CAPTION}</rdf:li></rdf:Alt>
   </dc:description>
   <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{XMP_RIGHTS}</rdf:li></rdf:Alt></dc:rights>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def jpeg(
    image: Image.Image | None = None,
    *,
    exif: Image.Exif | None = None,
    xmp: bytes | None = None,
    quality: int = 90,
    **options,
) -> bytes:
    image = image or picture()
    buffer = io.BytesIO()
    if exif is not None:
        options["exif"] = exif
    if xmp is not None:
        options["xmp"] = xmp
    image.save(buffer, "JPEG", quality=quality, comment=b"shot near the station", **options)
    return buffer.getvalue()


def with_iptc(data: bytes, fields: dict[tuple[int, int], str]) -> bytes:
    """Insert an APP13 Photoshop block holding IPTC datasets, as Photo Mechanic writes it."""
    iptc = b"\x1c\x01\x5a\x00\x03\x1b\x25\x47"  # 1:90 coded character set = UTF-8
    for (record, dataset), text in fields.items():
        value = text.encode()
        iptc += bytes([0x1C, record, dataset]) + struct.pack(">H", len(value)) + value
    if len(iptc) % 2:
        iptc += b"\0"
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(iptc)) + iptc
    body = b"Photoshop 3.0\0" + resource
    segment = b"\xff\xed" + struct.pack(">H", len(body) + 2) + body
    return data[:2] + segment + data[2:]


def png(image: Image.Image | None = None, *, xmp: bytes | None = None, **options) -> bytes:
    """A PNG; XMP goes where Photoshop puts it (an iTXt chunk), with a tEXt comment."""
    buffer = io.BytesIO()
    if xmp is not None:
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp.decode())
        info.add_text("Comment", "shot near the station")
        options["pnginfo"] = info
    (image or picture()).save(buffer, "PNG", **options)
    return buffer.getvalue()


def webp(image: Image.Image | None = None, **options) -> bytes:
    buffer = io.BytesIO()
    (image or picture()).save(buffer, "WEBP", quality=90, **options)
    return buffer.getvalue()


def cmyk_jpeg(color=(255, 0, 0, 0)) -> bytes:
    """Pure cyan in CMYK, as print desks send them (Adobe APP14 marker included)."""
    buffer = io.BytesIO()
    Image.new("CMYK", (800, 600), color).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def png16_grey(level: int = 32768) -> bytes:
    """A 16-bit greyscale PNG at `level` of 65535 (32768 is mid-grey)."""
    buffer = io.BytesIO()
    Image.new("I;16", (700, 500), level).save(buffer, "PNG")
    return buffer.getvalue()


def png48_rgb() -> bytes:
    """A 16-bit-per-channel RGB PNG (48 bits per pixel), written by hand: Pillow cannot."""
    width, height = 400, 300
    row = b"\0" + (struct.pack(">HHH", 65535, 32768, 0) * width)  # orange, 16-bit
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def pixel_bomb(width: int = 12_000, height: int = 9_000) -> bytes:
    """A tiny PNG whose header claims 108 megapixels: decoding it would take ~320 MB."""
    data = bytearray(png(Image.new("L", (8, 8))))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def animated_png() -> bytes:
    frames = [picture(320, 200), picture(320, 200).rotate(180)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def animated_webp() -> bytes:
    frames = [picture(320, 200), picture(320, 200).rotate(180)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def animated_gif() -> bytes:
    frames = [picture(320, 200).convert("P"), picture(320, 200).rotate(180).convert("P")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    data = jpeg(picture(1200, 800))
    return data[: len(data) // 2]


def mpo_like() -> bytes:
    """A camera's JPEG with a second picture (its own GPS EXIF) appended after the first."""
    return jpeg(picture(800, 500)) + jpeg(picture(400, 250), exif=gps_exif())


def metadata_markers(data: bytes) -> list[str]:
    """Traces of metadata left in a file's bytes."""
    found = []
    for label, needle in [
        ("EXIF", b"Exif\0\0"),
        ("XMP", b"http://ns.adobe.com/xap/1.0/"),
        ("XMP packet", b"<x:xmpmeta"),
        ("IPTC", b"Photoshop 3.0"),
        ("photographer", PHOTOGRAPHER.encode()),
        ("camera", b"EOS R5"),
        ("comment", b"shot near the station"),
    ]:
        if needle in data:
            found.append(label)
    return found
