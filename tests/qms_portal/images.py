"""Images made in memory for the attachment tests: a phone photo with EXIF (GPS position, camera,
orientation), a PNG with text chunks, a file that only claims to be a huge image."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

# Hà Nội, as a phone writes it: degrees, minutes, seconds.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (21.0, 1.0, 41.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (105.0, 50.0, 30.0),
}


def phone_jpeg(width=64, height=48, orientation=None, gps=True):
    """A JPEG as a phone takes it: the left half red, the right half blue (to see a rotation), with
    the camera's make and model, a comment, the GPS position and, optionally, an EXIF orientation
    (6: the camera was turned, the picture must be rotated 90° clockwise to stand upright)."""
    image = Image.new("RGB", (width, height), (220, 20, 20))
    image.paste((20, 20, 220), (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Model] = "Pocket 12"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"Taken at 12 Tran Hung Dao", quality=95)
    return out.getvalue()


def png_with_text(width=40, height=30, mode="RGBA"):
    image = Image.new(mode, (width, height), (10, 120, 10, 200) if mode == "RGBA" else (10, 120, 10))
    info = PngInfo()
    info.add_text("Author", "Nguyễn Văn A")
    info.add_text("Location", "21.0278 N, 105.8342 E")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def webp_bytes(width=30, height=20):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 200, 0)).save(out, "WEBP")
    return out.getvalue()


def claimed_png(width, height):
    """A few dozen bytes whose header claims a ``width`` × ``height`` picture (a decompression bomb:
    decoding it would need gigabytes)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(
        b"IEND", b"")


def photo_upload(name="anh-hien-truong.jpg", **kw):
    return SimpleUploadedFile(name, phone_jpeg(**kw), content_type="image/jpeg")


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)
