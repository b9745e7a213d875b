"""The reproducibility bundle's container: a zip of named files with a manifest of SHA-256 sums.

Plain Python, no Flask. :func:`pack` makes the same bytes from the same files (sorted
names, fixed timestamps), so a bundle can itself be checked by its sum. Next to the
files it writes ``manifest.json`` (what the bundle is, each file's size and SHA-256,
and the sums of the report files the app exported from the same data) and
``SHA256SUMS`` (``sha256sum -c`` reads it). :func:`unpack` refuses a bundle whose files
do not match their sums.
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FORMAT = "materiality-bundle/1"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


class BundleError(ValueError):
    """A file that is not a readable bundle; ``code`` says why, ``detail`` names the part."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Bundle:
    """A checked bundle: its manifest and its files by name."""

    manifest: dict[str, Any]
    files: dict[str, bytes]

    def json(self, name: str) -> Any:
        """One of the bundle's JSON files, parsed."""
        return json.loads(self.files[name].decode("utf-8"))

    @property
    def outputs(self) -> dict[str, str]:
        """The report files exported when the bundle was made: file name -> SHA-256."""
        return dict(self.manifest.get("outputs", {}))


def sha256(content: bytes) -> str:
    """The hex SHA-256 of some bytes."""
    return hashlib.sha256(content).hexdigest()


def json_bytes(data: Any) -> bytes:
    """JSON as the bundle stores it: UTF-8, sorted keys, indented, one final newline."""
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()


def pack(files: Mapping[str, bytes], about: Mapping[str, Any],
         outputs: Mapping[str, bytes] | None = None) -> bytes:
    """The zip: ``files``, the manifest (``about`` plus every file's size and SHA-256, and
    the SHA-256 of each of ``outputs``, which are not stored) and SHA256SUMS."""
    if {MANIFEST, SUMS} & set(files):
        raise ValueError("manifest.json and SHA256SUMS are written by pack itself")
    manifest = {
        **about,
        "format": FORMAT,
        "files": {name: {"bytes": len(content), "sha256": sha256(content)}
                  for name, content in sorted(files.items())},
        "outputs": {name: sha256(content) for name, content in sorted((outputs or {}).items())},
    }
    every = {**files, MANIFEST: json_bytes(manifest)}
    sums = "".join(f"{sha256(every[name])}  {name}\n" for name in sorted(every))
    every[SUMS] = sums.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(every):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, every[name])
    return buffer.getvalue()


def unpack(content: bytes) -> Bundle:
    """Open and check a bundle: every file listed, present and matching its SHA-256."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        files = {name: archive.read(name) for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise BundleError("not_a_zip", str(error)) from error
    if MANIFEST not in files:
        raise BundleError("no_manifest")
    try:
        manifest = json.loads(files.pop(MANIFEST).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BundleError("bad_manifest", str(error)) from error
    if manifest.get("format") != FORMAT:
        raise BundleError("unknown_format", str(manifest.get("format")))
    files.pop(SUMS, None)
    listed = manifest.get("files", {})
    for name, entry in listed.items():
        if name not in files:
            raise BundleError("missing_file", name)
        if sha256(files[name]) != entry.get("sha256"):
            raise BundleError("checksum_mismatch", name)
    extra = sorted(set(files) - set(listed))
    if extra:
        raise BundleError("unlisted_file", ", ".join(extra))
    return Bundle(manifest, files)
