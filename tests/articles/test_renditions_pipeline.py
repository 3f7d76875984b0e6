"""The image pipeline itself (photos/renditions.py): bytes in, files out, no database."""

import io

import pytest
from PIL import ExifTags, Image, features

from photos import renditions
from photos.renditions import PhotoRejected
from tests.articles import renditions_images as images


def render_all(data: bytes, focal=(0.5, 0.5)) -> list[renditions.Output]:
    return renditions.render(data, renditions.plan(data, focal=focal), focal=focal)


def opened(output: renditions.Output) -> Image.Image:
    image = Image.open(io.BytesIO(output.data))
    image.load()
    return image


def test_a_large_photo_gets_every_width_in_every_format_and_three_crops():
    data = images.jpeg(images.picture(2400, 1600))
    outputs = render_all(data)

    formats = renditions.output_formats()
    widths = {(o.spec.name, o.spec.format): (o.width, o.height) for o in outputs}
    for width in (320, 640, 960, 1280, 1920):
        for fmt in formats:
            assert widths[(f"w{width}", fmt)] == (width, round(1600 * width / 2400))
    assert widths[("16x9", "jpeg")] == (1200, 675)
    assert widths[("4x3", "jpeg")] == (1200, 900)
    assert widths[("1x1", "jpeg")] == (1200, 1200)
    assert len(outputs) == 5 * len(formats) + 3
    for output in outputs:
        image = opened(output)
        assert image.format == output.spec.format.upper()
        assert image.size == (output.width, output.height)


def test_avif_is_made_exactly_when_this_pillow_can_write_it():
    assert ("avif" in renditions.output_formats()) == features.check("avif")
    assert renditions.output_formats()[-2:] == ("webp", "jpeg")


def test_a_small_photo_is_never_upscaled():
    outputs = render_all(images.jpeg(images.picture(700, 500)))

    widths = sorted({o.width for o in outputs if o.spec.ratio is None})
    assert widths == [320, 640, 700]
    crops = {o.spec.name: (o.width, o.height) for o in outputs if o.spec.ratio}
    assert crops == {"16x9": (700, 394), "4x3": (667, 500), "1x1": (500, 500)}


def test_gps_and_every_other_metadata_are_absent_from_every_rendition():
    data = images.with_iptc(
        images.jpeg(exif=images.gps_exif(), xmp=images.xmp_packet(), icc_profile=b""),
        {(2, 80): images.PHOTOGRAPHER, (2, 120): "A caption"},
    )
    assert images.metadata_markers(data)  # the upload really carries them

    outputs = render_all(data)

    assert outputs
    for output in outputs:
        assert images.metadata_markers(output.data) == [], output.spec
        image = opened(output)
        assert not image.getexif(), output.spec
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert not {"exif", "xmp", "icc_profile", "comment", "photoshop"} & set(image.info)


@pytest.mark.parametrize("orientation", [6, 8, 3])
def test_exif_orientation_is_applied_to_the_pixels(orientation):
    # The camera stored the picture sideways and says so in EXIF: renditions come out upright.
    upright = images.picture(1200, 800)
    stored = upright.transpose(
        {
            6: Image.Transpose.ROTATE_90,
            8: Image.Transpose.ROTATE_270,
            3: Image.Transpose.ROTATE_180,
        }[orientation]
    )
    data = images.jpeg(stored, exif=images.gps_exif(orientation=orientation))

    outputs = render_all(data)

    w640 = next(o for o in outputs if o.spec.key == ("w640", "jpeg"))
    assert (w640.width, w640.height) == (640, 427)
    image = opened(w640).convert("RGB")
    red, green, blue = image.getpixel((10, 10))
    assert red > 180 and green < 90 and blue < 90  # the red corner is top-left again


def test_crops_centre_on_the_focal_point_and_stay_inside_the_picture():
    assert renditions.crop_box((1600, 1000), (1, 1), (0.5, 0.5)) == (300, 0, 1300, 1000)
    assert renditions.crop_box((1600, 1000), (1, 1), (0.1, 0.5)) == (0, 0, 1000, 1000)
    assert renditions.crop_box((1600, 1000), (1, 1), (0.75, 0.5)) == (600, 0, 1600, 1000)
    assert renditions.crop_box((1000, 1600), (16, 9), (0.5, 0.2)) == (0, 39, 1000, 601)


def test_a_focal_point_on_the_red_corner_keeps_it_in_the_square_crop():
    data = images.jpeg(images.picture(1600, 1000))
    left = render_all(data, focal=(0.0, 0.0))
    right = render_all(data, focal=(1.0, 1.0))

    def corner(outputs):
        square = next(o for o in outputs if o.spec.name == "1x1")
        return opened(square).convert("RGB").getpixel((5, 5))

    assert corner(left)[0] > 180 and corner(left)[1] < 90
    assert corner(right)[0] < 90


def test_cmyk_jpeg_is_converted_to_the_right_rgb_colours():
    outputs = render_all(images.cmyk_jpeg((255, 0, 0, 0)))  # pure cyan ink

    for output in outputs:
        image = opened(output).convert("RGB")
        assert image.mode == "RGB"
        red, green, blue = image.getpixel((image.width // 2, image.height // 2))
        assert red < 60 and green > 150 and blue > 150, (output.spec, (red, green, blue))


def test_16_bit_greyscale_png_keeps_its_tones_instead_of_turning_white():
    outputs = render_all(images.png16_grey(32768))  # mid-grey

    for output in outputs:
        value = opened(output).convert("L").getpixel((5, 5))
        assert 110 < value < 145, (output.spec, value)


def test_48_bit_rgb_png_is_read_as_its_8_bit_colours():
    outputs = render_all(images.png48_rgb())

    red, green, blue = opened(outputs[0]).convert("RGB").getpixel((5, 5))
    assert red > 240 and 110 < green < 145 and blue < 20


def test_transparent_png_keeps_alpha_in_webp_and_goes_on_white_in_jpeg():
    image = Image.new("RGBA", (800, 500), (0, 0, 0, 0))
    outputs = render_all(images.png(image))

    webp = next(o for o in outputs if o.spec.key == ("w640", "webp"))
    assert opened(webp).mode == "RGBA" and opened(webp).getpixel((5, 5))[3] == 0
    jpeg = next(o for o in outputs if o.spec.key == ("w640", "jpeg"))
    assert opened(jpeg).getpixel((5, 5)) >= (250, 250, 250)


def test_a_24_megapixel_jpeg_is_decoded_at_reduced_scale_not_full_size():
    data = images.jpeg(images.picture(6000, 4000), quality=70)
    specs = renditions.plan(data, focal=(0.5, 0.5))

    base = renditions._decode_base(data, specs)

    assert base.size == (1920, 1280)  # draft() then one resize, never 6000×4000 in memory


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "The file is empty."),
        (b"this is a text file, not a photo" * 10, "not a readable image"),
        (
            images.pixel_bomb(),
            "12000×9000 (108 megapixels); the limit for PNG photos is 25 megapixels",
        ),
        (images.animated_png(), "Animated images are not supported"),
        (images.animated_webp(), "Animated images are not supported"),
        (images.animated_gif(), "GIF files are not supported"),
        (images.jpeg()[:400], "damaged or cut short"),
    ],
    ids=["empty", "not-an-image", "100mp-bomb", "apng", "animated-webp", "gif", "cut-header"],
)
def test_bad_files_are_refused_at_upload_with_the_reason(data, reason):
    with pytest.raises(PhotoRejected) as refused:
        renditions.ingest(data)

    assert reason in str(refused.value)


def test_a_truncated_jpeg_passes_upload_but_the_worker_reports_it():
    data = images.truncated_jpeg()
    stripped = renditions.ingest(data).data

    with pytest.raises(PhotoRejected, match="cannot be decoded: image file is truncated"):
        render_all(stripped)


def test_a_jpeg_with_a_corrupt_huffman_table_is_reported_by_the_worker():
    data = bytearray(images.jpeg(images.picture(1200, 800)))
    table = data.find(b"\xff\xc4")
    data[table + 5 : table + 25] = b"\xff" * 20  # the header parses; decoding cannot
    stripped = renditions.ingest(bytes(data)).data

    with pytest.raises(PhotoRejected, match="cannot be decoded: broken data stream"):
        render_all(stripped)


@pytest.mark.parametrize(
    "make", [images.jpeg, images.png, images.webp], ids=["jpeg", "png", "webp"]
)
def test_ingest_strips_metadata_but_keeps_the_pixels_bit_exact(make):
    original = images.picture(900, 600)
    exif = images.gps_exif()
    data = make(original, exif=exif, xmp=images.xmp_packet())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert {"XMP packet", "photographer"} <= set(images.metadata_markers(data))

    stripped = renditions.ingest(data).data

    assert images.metadata_markers(stripped) == []
    before, after = Image.open(io.BytesIO(data)), Image.open(io.BytesIO(stripped))
    assert after.tobytes() == before.tobytes()  # not re-encoded
    assert not after.getexif()
    assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment"} & set(after.info)


@pytest.mark.parametrize(
    "make", [images.jpeg, images.png, images.webp], ids=["jpeg", "png", "webp"]
)
def test_ingest_keeps_only_the_orientation_from_exif(make):
    data = make(images.picture(900, 600), exif=images.gps_exif(orientation=6))

    stripped = renditions.ingest(data).data

    exif = Image.open(io.BytesIO(stripped)).getexif()
    assert dict(exif) == {ExifTags.Base.Orientation: 6}
    assert renditions.displayed_size(io.BytesIO(stripped)) == (600, 900)


def test_ingest_drops_a_second_picture_appended_after_the_first():
    data = images.mpo_like()
    assert b"Exif" in data

    stripped = renditions.ingest(data).data

    assert images.metadata_markers(stripped) == []
    assert Image.open(io.BytesIO(stripped)).size == (800, 500)


def test_ingest_reads_credit_caption_rights_and_licence_from_xmp():
    found = renditions.ingest(images.jpeg(xmp=images.xmp_packet())).embedded

    assert found == renditions.Embedded(
        credit=images.XMP_CREDIT,
        caption=images.XMP_CAPTION,
        copyright=images.XMP_RIGHTS,
        license_url=images.XMP_LICENSE,
    )


@pytest.mark.parametrize("make", [images.png, images.webp], ids=["png", "webp"])
def test_ingest_reads_credits_from_xmp_in_png_and_webp_too(make):
    found = renditions.ingest(make(xmp=images.xmp_packet())).embedded

    assert (found.credit, found.caption) == (images.XMP_CREDIT, images.XMP_CAPTION)


def test_ingest_reads_iptc_and_prefers_it_to_xmp():
    data = images.with_iptc(
        images.jpeg(xmp=images.xmp_packet()),
        {(2, 110): "Reuters/Ana Lima", (2, 120): "Ministers arrive.", (2, 116): "© Reuters"},
    )

    found = renditions.ingest(data).embedded

    assert found.credit == "Reuters/Ana Lima"
    assert found.caption == "Ministers arrive."
    assert found.copyright == "© Reuters"
    assert found.license_url == images.XMP_LICENSE  # only XMP has it


def test_iptc_by_line_stands_in_when_there_is_no_credit_line():
    data = images.with_iptc(images.jpeg(), {(2, 80): "Ana Lima"})

    assert renditions.ingest(data).embedded.credit == "Ana Lima"


def test_a_photo_without_metadata_has_nothing_to_prefill():
    assert renditions.ingest(images.png()).embedded == renditions.Embedded()


def test_renditions_depend_on_the_original_and_crops_also_on_the_focal_point():
    data = images.jpeg()
    centre = {s.key: s.source for s in renditions.plan(data, focal=(0.5, 0.5))}
    left = {s.key: s.source for s in renditions.plan(data, focal=(0.2, 0.5))}
    other = {s.key: s.source for s in renditions.plan(images.png(), focal=(0.5, 0.5))}

    assert centre[("w640", "jpeg")] == left[("w640", "jpeg")]
    assert centre[("16x9", "jpeg")] != left[("16x9", "jpeg")]
    assert centre[("w640", "jpeg")] != other[("w640", "jpeg")]
