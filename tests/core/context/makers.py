"""Files the context tests and the bench make for themselves: WARC/WACZ, GeoTIFF, WHOIS, crt.sh JSON, CSV."""

from __future__ import annotations

import gzip
import io
import json
import struct
import uuid
import zipfile
from pathlib import Path

PAGE_ONE = (
    "<!doctype html><html><head><title>Bridge collapses after storm</title>"
    "<script>document.location='https://evil.example/steal'</script><style>body{color:red}</style></head>"
    "<body onload=\"fetch('https://evil.example')\"><h1>Bridge collapses</h1>"
    "<p>The old <b>Kestrel</b> bridge fell into the river on Tuesday morning.</p>"
    '<a href="/news/2?utm_source=tw">next</a><iframe src="https://ads.example/"></iframe></body></html>'
)
PAGE_TWO = (
    "<html><head><meta charset='iso-8859-1'><title>Météo du jour</title></head>"
    "<body><p>Pluie forte à Kestrel entre 9h et 11h.</p></body></html>"
)


def warc_record(
    rtype: str,
    uri: str | None,
    date: str,
    block: bytes,
    content_type: str,
    *,
    version: str = "WARC/1.1",
) -> bytes:
    head = [f"{version}", f"WARC-Type: {rtype}", f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>", f"WARC-Date: {date}"]
    if uri:
        head.append(f"WARC-Target-URI: {uri}")
    head += [f"Content-Type: {content_type}", f"Content-Length: {len(block)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def http_response(body: bytes, content_type: str = "text/html; charset=utf-8", extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body


def chunked(body: bytes, size: int = 50) -> bytes:
    out = b""
    for i in range(0, len(body), size):
        piece = body[i : i + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\n\r\n"


def two_page_records() -> list[bytes]:
    info = warc_record("warcinfo", None, "2024-05-03T10:00:00Z", b"software: test\r\n", "application/warc-fields")
    req = warc_record(
        "request",
        "https://news.example.com/bridge",
        "2024-05-03T10:00:01Z",
        b"GET /bridge HTTP/1.1\r\nHost: news.example.com\r\n\r\n",
        "application/http; msgtype=request",
    )
    one = warc_record(
        "response",
        "https://news.example.com/bridge",
        "2024-05-03T10:00:02Z",
        http_response(PAGE_ONE.encode()),
        "application/http; msgtype=response",
    )
    body_two = PAGE_TWO.encode("iso-8859-1")
    two = warc_record(
        "response",
        "<https://meteo.example.fr/jour>",
        "2024-05-03T11:30:00.123456Z",
        http_response(
            chunked(gzip.compress(body_two)), "text/html", "Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n"
        ),
        "application/http; msgtype=response",
        version="WARC/1.0",
    )
    image = warc_record(
        "response",
        "https://news.example.com/a.png",
        "2024-05-03T10:00:03Z",
        http_response(b"\x89PNG fake", "image/png"),
        "application/http; msgtype=response",
    )
    return [info, req, one, image, two]


def make_warc(path: Path, *, compress: bool = True, records: list[bytes] | None = None) -> Path:
    recs = records if records is not None else two_page_records()
    with path.open("wb") as fh:
        for rec in recs:
            fh.write(gzip.compress(rec) if compress else rec)
    return path


def make_wacz(path: Path, *, extra: dict[str, bytes] | None = None) -> Path:
    buf = io.BytesIO()
    for rec in two_page_records():
        buf.write(gzip.compress(rec))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("datapackage.json", json.dumps({"profile": "data-package", "wacz_version": "1.1.1"}))
        zf.writestr("archive/data.warc.gz", buf.getvalue())
        zf.writestr("pages/pages.jsonl", '{"format": "json-pages-1.0"}\n')
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


# --- GeoTIFF ----------------------------------------------------------------------------------------------------
def make_geotiff(
    path: Path,
    *,
    size: tuple[int, int] = (64, 48),
    origin: tuple[float, float] = (10.0, 50.0),  # (lon, lat) of the top-left corner
    pixel: tuple[float, float] = (0.001, 0.001),  # degrees (or metres for 3857)
    epsg: int = 4326,
    datetime_tag: str | None = "2024:05:01 09:30:00",
    transformation: tuple[float, ...] | None = None,
) -> Path:
    """A small RGB GeoTIFF with ModelTiepoint/ModelPixelScale (or ModelTransformation) and GeoKeys."""
    import numpy as np
    from PIL import Image, TiffImagePlugin

    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    arr = np.stack([(xx * 255 // max(w - 1, 1)), (yy * 255 // max(h - 1, 1)), np.full_like(xx, 128)], axis=-1)
    img = Image.fromarray(arr.astype("uint8"), "RGB")
    info = TiffImagePlugin.ImageFileDirectory_v2()
    if transformation is not None:
        info[34264] = transformation
        info.tagtype[34264] = 12
    else:
        info[33922] = (0.0, 0.0, 0.0, origin[0], origin[1], 0.0)
        info.tagtype[33922] = 12
        info[33550] = (pixel[0], pixel[1], 0.0)
        info.tagtype[33550] = 12
    model = 2 if 4000 <= epsg < 5000 else 1
    key = 2048 if model == 2 else 3072
    info[34735] = (1, 1, 0, 3, 1024, 0, 1, model, 1025, 0, 1, 1, key, 0, 1, epsg)
    info.tagtype[34735] = 3
    if datetime_tag:
        info[306] = datetime_tag
    img.save(path, format="TIFF", tiffinfo=info)
    return path


WHOIS_TEXT = """\
   Domain Name: KESTREL-TRUTH.NEWS
   Registry Domain ID: 1234_DOMAIN_NEWS-DONUTS
   Registrar WHOIS Server: whois.namecheap.com
   Updated Date: 2024-05-01T08:00:00Z
   Creation Date: 2024-05-01T07:59:58Z
   Registry Expiry Date: 2025-05-01T07:59:58Z
   Registrar: NameCheap, Inc.
   Name Server: DNS1.REGISTRAR-SERVERS.COM
   Name Server: DNS2.REGISTRAR-SERVERS.COM
>>> Last update of WHOIS database: 2024-05-04T10:00:00Z <<<
"""

CRTSH_JSON = json.dumps(
    [
        {
            "issuer_ca_id": 183267,
            "issuer_name": "C=US, O=Let's Encrypt, CN=R3",
            "common_name": "kestrel-truth.news",
            "name_value": "kestrel-truth.news\nwww.kestrel-truth.news",
            "id": 222,
            "entry_timestamp": "2024-05-01T09:10:00.123",
            "not_before": "2024-05-01T08:10:00",
            "not_after": "2024-07-30T08:10:00",
        },
        {
            "issuer_name": "C=US, O=Let's Encrypt, CN=R3",
            "common_name": "kestrel-truth.news",
            "name_value": "kestrel-truth.news",
            "id": 333,
            "not_before": "2024-05-20T08:10:00",
            "not_after": "2024-08-18T08:10:00",
        },
    ]
)

DIG_TEXT = """\
; <<>> DiG 9.18.24 <<>> kestrel-truth.news A
;; global options: +cmd
;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1
;; QUESTION SECTION:
;kestrel-truth.news.		IN	A

;; ANSWER SECTION:
kestrel-truth.news.	1800	IN	A	203.0.113.7
www.kestrel-truth.news.	1800	IN	CNAME	kestrel-truth.news.

;; Query time: 20 msec
;; WHEN: Sat May 04 10:00:00 UTC 2024
"""

OBSERVATIONS_CSV = """\
time,lat,lon,variable,value,unit,station
2024-05-03T09:00:00Z,50.01,10.02,precipitation,4.2,mm/h,Kestrel North
2024-05-03T10:00:00+00:00,50.01,10.02,precipitation,6.0,mm/h,Kestrel North
2024-05-03T11:00:00Z,50.01,10.02,precipitation,0.0,mm/h,Kestrel North
2024-05-03T12:00:00+02:00,50.01,10.02,temperature,14.5,°C,Kestrel North
2024-05-03T10:00:00Z,51.5,-0.12,precipitation,0.0,mm/h,Far Away
2024-04-01T10:00:00Z,50.01,10.02,precipitation,9.9,mm/h,Kestrel North
"""


def tiff_struct_note() -> bytes:
    return struct.pack("<HH", 42, 0)


def make_pdf(path: Path, text: str = "Kestrel bridge report") -> Path:
    """A one-page PDF with one line of text (Helvetica), written by hand with a correct cross-reference table."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path
