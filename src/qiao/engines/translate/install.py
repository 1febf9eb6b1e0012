"""Model installation: fetch, verify, install atomically, record a manifest; report status.

Layout of ``models_dir``::

    manifest.json                 what is installed, with sha256 of every file
    bergamot/zh-en/...            fxtranslate model files (model.*.bin, *.spm, lex.*.bin)
    ctranslate2/en-zh/...         CTranslate2 model directories (OPUS-MT, Argos, NLLB)

Sources, for :func:`install_models`:

* ``None``: Firefox's model discovery, as fxtranslate does it: the Remote Settings records
  (``FXTRANSLATE_RECORDS_URL`` or ``records_url=`` can point at a mirror), the newest complete
  file set that fxtranslate accepts (``base`` architecture preferred), attachments from the
  CDN or a mirror (``attachments_url=`` / ``QIAO_FXTRANSLATE_ATTACHMENTS_URL``), each checked
  with fxtranslate's ``verify_and_decompress`` against the published sha256. If the records
  cannot be understood, fxtranslate's own ``discovery.add_models`` is used instead.
* a URL or a local directory holding ``index.json`` (a *Qiao model package*)::

      {"format": "qiao-models/1",
       "pairs": {"zh-en": {"engine": "bergamot", "version": "...",
                           "files": [{"name": "model.zhen.intgemm.alphas.bin",
                                      "url": "zh-en/model.zhen.intgemm.alphas.bin",
                                      "sha256": "...", "size": 123}]}}}

* a URL or path of an archive (``.tar.gz``, ``.tgz``, ``.tar``, ``.zip``, ``.argosmodel``)
  whose sha256 is given with ``sha256=`` or as ``<archive>.sha256`` beside it, containing
  pair directories (or an ``index.json``, or one Argos package);
* a local directory of pair directories (``zh-en/``, ``en-zh/``) as fxtranslate caches them.

Every file is hashed; a mismatch raises :class:`IntegrityError` and leaves nothing behind:
files are staged in ``models_dir/.staging-*`` and moved into place only when all are good.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tarfile
import tempfile
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .manifest import (
    MANIFEST_NAME,
    FileRecord,
    InstallError,
    IntegrityError,
    Manifest,
    PairRecord,
    read_manifest,
)

INDEX_NAME = "index.json"
ENGINES = ("bergamot", "ctranslate2")
DEFAULT_PAIRS: tuple[tuple[str, str], ...] = (("zh", "en"), ("en", "zh"))
_CHUNK = 1 << 16

#: progress(stage, done, total): stage like ``"download zh-en/model.bin"``; total may be 0.
ProgressCallback = Callable[[str, int, int], None]


def _write_manifest(models_dir: Path, manifest: Manifest) -> None:
    tmp = models_dir / f".{MANIFEST_NAME}.tmp"
    tmp.write_text(manifest.to_json(), encoding="utf-8")
    os.replace(tmp, models_dir / MANIFEST_NAME)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


# --- status ------------------------------------------------------------------------------


@dataclass
class PairStatus:
    engine: str
    source: str
    target: str
    state: str  # "installed" | "missing" | "damaged"
    version: str = ""
    detail: str = ""


@dataclass
class TranslationStatus:
    models_dir: str
    pairs: list[PairStatus]

    @property
    def installed(self) -> list[tuple[str, str]]:
        return sorted({(p.source, p.target) for p in self.pairs if p.state == "installed"})

    @property
    def ready(self) -> bool:
        return bool(self.installed)

    @property
    def message(self) -> str:
        """One plain sentence for the log and the admin page."""
        if not self.pairs or all(p.state == "missing" for p in self.pairs):
            return (
                f"No translation models are installed in {self.models_dir}: machine translation "
                "is off (word look-up still works). Run `qiao translate install zh en`."
            )
        parts = []
        for p in self.pairs:
            what = f"{p.source}→{p.target} ({p.engine}{', ' + p.version if p.version else ''})"
            parts.append(f"{what}: {p.state}{' — ' + p.detail if p.detail else ''}")
        return "Translation models: " + "; ".join(parts) + "."


def translation_status(
    models_dir: str | Path,
    pairs: Iterable[tuple[str, str]] = DEFAULT_PAIRS,
    *,
    verify: bool = False,
) -> TranslationStatus:
    """Which pairs are installed. ``verify=True`` re-hashes every file (slow for big models);
    otherwise presence and sizes are checked against the manifest."""
    root = Path(models_dir)
    try:
        manifest = read_manifest(root)
    except InstallError as exc:
        return TranslationStatus(
            str(root), [PairStatus("?", s, t, "damaged", detail=str(exc)) for s, t in pairs]
        )
    wanted = list(dict.fromkeys(pairs))
    for rec in manifest.pairs.values():
        if (rec.source, rec.target) not in wanted:
            wanted.append((rec.source, rec.target))
    out: list[PairStatus] = []
    for s, t in wanted:
        recs = [r for r in manifest.pairs.values() if (r.source, r.target) == (s, t)]
        if not recs:
            # installed by hand (no manifest)? say so if the files are there
            from .engines.bergamot import find_bergamot_files

            if find_bergamot_files(root / "bergamot" / f"{s}-{t}") is not None:
                out.append(PairStatus("bergamot", s, t, "installed", detail="not in manifest"))
            else:
                out.append(PairStatus("-", s, t, "missing"))
            continue
        for rec in recs:
            problem = _check_pair(root / rec.engine / f"{s}-{t}", rec, verify)
            state = "damaged" if problem else "installed"
            out.append(PairStatus(rec.engine, s, t, state, rec.version, problem))
    return TranslationStatus(str(root), out)


def _check_pair(directory: Path, rec: PairRecord, verify: bool) -> str:
    for name, frec in rec.files.items():
        path = directory / name
        if not path.is_file():
            return f"{name} is missing"
        if path.stat().st_size != frec.size:
            return f"{name} has the wrong size"
        if verify and sha256_file(path) != frec.sha256:
            return f"{name} fails its sha256 check"
    return ""


# --- fetching ----------------------------------------------------------------------------


def _is_url(source: str) -> bool:
    return urllib.parse.urlparse(source).scheme in ("http", "https", "file")


def _download(
    url: str, dest: Path, progress: ProgressCallback | None, label: str, timeout: float
) -> None:
    if urllib.parse.urlparse(url).scheme not in ("http", "https", "file"):
        raise InstallError(f"unsupported URL {url!r}")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - checked
            total = int(resp.headers.get("Content-Length") or 0)
            done = 0
            with dest.open("wb") as fh:
                while chunk := resp.read(_CHUNK):
                    fh.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(label, done, total)
    except OSError as exc:
        raise InstallError(f"cannot download {url}: {exc}") from exc


def _read_text(source: str, timeout: float) -> str:
    if _is_url(source):
        try:
            with urllib.request.urlopen(source, timeout=timeout) as resp:  # noqa: S310 - the configured download URL
                return str(resp.read().decode("utf-8"))
        except OSError as exc:
            raise InstallError(f"cannot read {source}: {exc}") from exc
    return Path(source).read_text(encoding="utf-8")


def _join(base: str, rel: str) -> str:
    if _is_url(base):
        return urllib.parse.urljoin(base if base.endswith("/") else base + "/", rel)
    return str(Path(base) / rel)


def _fetch(
    src: str, dest: Path, progress: ProgressCallback | None, label: str, timeout: float
) -> None:
    if _is_url(src):
        _download(src, dest, progress, label, timeout)
    else:
        size = Path(src).stat().st_size
        with Path(src).open("rb") as fi, dest.open("wb") as fo:
            done = 0
            while chunk := fi.read(_CHUNK):
                fo.write(chunk)
                done += len(chunk)
                if progress:
                    progress(label, done, size)


def _check_file(path: Path, sha256: str | None, size: int | None, label: str) -> FileRecord:
    actual = sha256_file(path)
    actual_size = path.stat().st_size
    if size is not None and size != actual_size:
        raise IntegrityError(f"{label}: expected {size} bytes, got {actual_size}")
    if sha256 and sha256.lower() != actual:
        raise IntegrityError(f"{label}: sha256 {actual} does not match the expected {sha256}")
    return FileRecord(actual, actual_size)


def _safe_extract(archive: Path, dest: Path) -> None:
    dest_resolved = dest.resolve()

    def inside(name: str) -> Path:
        target = (dest / name).resolve()
        if not str(target).startswith(str(dest_resolved) + os.sep) and target != dest_resolved:
            raise InstallError(f"archive member {name!r} escapes the target directory")
        return target

    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                inside(info.filename)
            zf.extractall(dest)  # noqa: S202 - every member checked above
        return
    try:
        with tarfile.open(archive) as tf:
            for member in tf.getmembers():
                inside(member.name)
                if not (member.isfile() or member.isdir()):
                    raise InstallError(f"archive member {member.name!r} is not a plain file")
            tf.extractall(dest, filter="data")
    except tarfile.TarError as exc:
        raise InstallError(f"{archive.name} is not a readable archive: {exc}") from exc


# --- staging: what a source yields before it is moved into place -------------------------


@dataclass
class _Staged:
    engine: str
    source: str
    target: str
    directory: Path
    version: str
    files: dict[str, FileRecord]


def _stage_index(
    base: str,
    index: dict[str, Any],
    pairs: list[tuple[str, str]],
    staging: Path,
    progress: ProgressCallback | None,
    timeout: float,
) -> list[_Staged]:
    if not str(index.get("format", "")).startswith("qiao-models/"):
        raise InstallError("index.json is not a Qiao model package (format qiao-models/1)")
    out = []
    available = index.get("pairs") or {}
    for s, t in pairs:
        spec = available.get(f"{s}-{t}")
        if spec is None:
            raise InstallError(f"the package has no {s}-{t} model (it has {', '.join(available)})")
        engine = str(spec.get("engine", "bergamot"))
        if engine not in ENGINES:
            raise InstallError(f"unknown engine {engine!r} for {s}-{t}")
        pdir = staging / engine / f"{s}-{t}"
        pdir.mkdir(parents=True, exist_ok=True)
        files: dict[str, FileRecord] = {}
        for f in spec.get("files") or []:
            name = str(f["name"])
            parts = name.split("/")
            if name.startswith("/") or any(not p or p.startswith(".") for p in parts):
                raise InstallError(f"bad file name {name!r} in index.json")
            (pdir / name).parent.mkdir(parents=True, exist_ok=True)  # e.g. an Argos "model/"
            label = f"{s}-{t}/{name}"
            _fetch(
                _join(base, str(f.get("url") or f"{s}-{t}/{name}")),
                pdir / name,
                progress,
                label,
                timeout,
            )
            if not f.get("sha256"):
                raise IntegrityError(f"{label}: the package gives no sha256")
            files[name] = _check_file(pdir / name, str(f["sha256"]), f.get("size"), label)
        out.append(_Staged(engine, s, t, pdir, str(spec.get("version", "")), files))
    return out


def _detect_engine(directory: Path) -> str | None:
    from .engines.bergamot import find_bergamot_files
    from .engines.ct2 import describe_model_dir

    if find_bergamot_files(directory) is not None:
        return "bergamot"
    if describe_model_dir(directory) is not None:
        return "ctranslate2"
    return None


def _stage_tree(
    root: Path, pairs: list[tuple[str, str]], staging: Path, progress: ProgressCallback | None
) -> list[_Staged]:
    """Pair directories found under ``root`` (``zh-en/`` or ``bergamot/zh-en/``), or ``root``
    itself when it is a single model (an Argos package names its pair in metadata.json)."""
    from .engines.ct2 import describe_model_dir

    candidates: dict[tuple[str, str], Path] = {}
    for d in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
        if d.name.startswith("."):
            continue
        m = describe_model_dir(d)
        if m is not None:
            candidates.setdefault((m.source, m.target), d)
        elif "-" in d.name and _detect_engine(d) == "bergamot":
            s, t = d.name.split("-", 1)
            candidates.setdefault((s, t), d)
    out = []
    for s, t in pairs:
        found = candidates.get((s, t))
        if found is None:
            continue
        engine = _detect_engine(found) or "bergamot"
        pdir = staging / engine / f"{s}-{t}"
        shutil.copytree(found, pdir)
        files = {}
        sums = _read_sums(found)
        for p in sorted(pdir.rglob("*")):
            if p.is_file():
                rel = p.relative_to(pdir).as_posix()
                label = f"{s}-{t}/{rel}"
                files[rel] = _check_file(p, sums.get(rel), None, label)
                if progress:
                    progress(f"verify {label}", files[rel].size, files[rel].size)
        version = ""
        meta = found / "metadata.json"
        if meta.is_file():
            with contextlib.suppress(ValueError, OSError):
                version = str(json.loads(meta.read_text()).get("package_version", ""))
        out.append(_Staged(engine, s, t, pdir, version, files))
    missing = [f"{s}-{t}" for s, t in pairs if (s, t) not in {(x.source, x.target) for x in out}]
    if missing and not out:
        raise InstallError(f"no model for {', '.join(missing)} in {root}")
    return out


def _read_sums(directory: Path) -> dict[str, str]:
    """``SHA256SUMS`` (``<hex>  <name>`` lines) beside the files, if any."""
    path = directory / "SHA256SUMS"
    sums: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) == 2:
                sums[parts[1].lstrip("*")] = parts[0]
    return sums


#: Where Firefox's model attachments live; a mirror can be given for air-gapped setups.
FX_ATTACHMENTS_URL = "https://firefox-settings-attachments.cdn.mozilla.net"
_FILE_TYPES = ("model", "vocab", "srcvocab", "trgvocab", "lex")
_ARCH_PREFERENCE = ("base", "base-memory", "tiny")


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) if x.isdigit() else -1 for x in re.split(r"[.\-]", version))


def _choose_records(
    raw: list[dict[str, Any]], source: str, target: str
) -> list[dict[str, Any]] | None:
    """The newest complete set of files for the pair that fxtranslate itself accepts (its own
    version gate, ``discovery.model_pairs``, decides), preferring the ``base`` architecture."""
    from fxtranslate import discovery

    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for rec in raw:
        if (rec.get("sourceLanguage"), rec.get("targetLanguage")) != (source, target):
            continue
        if rec.get("fileType") not in _FILE_TYPES:
            continue
        key = (str(rec.get("architecture") or ""), str(rec.get("version") or ""))
        groups.setdefault(key, []).append(rec)

    def rank(key: tuple[str, str]) -> tuple[int, tuple[int, ...]]:
        arch, version = key
        pref = _ARCH_PREFERENCE.index(arch) if arch in _ARCH_PREFERENCE else len(_ARCH_PREFERENCE)
        return (-pref, _version_key(version))

    for key in sorted(groups, key=rank, reverse=True):
        recs = groups[key]
        types = {r.get("fileType") for r in recs}
        if "model" not in types or not ("vocab" in types or {"srcvocab", "trgvocab"} <= types):
            continue
        if (source, target) in discovery.model_pairs(json.dumps({"data": recs})):
            return recs
    return None


def _stage_fx_records(
    pairs: list[tuple[str, str]],
    staging: Path,
    progress: ProgressCallback | None,
    timeout: float,
    records_url: str | None,
    attachments_url: str | None,
) -> list[_Staged]:
    """Firefox's model discovery done here (records from fxtranslate's Remote Settings URL,
    files checked by fxtranslate's ``verify_and_decompress``), so downloads report byte
    progress and can come from a mirror."""
    from fxtranslate import discovery

    url = records_url or discovery.records_url()
    base = (
        attachments_url or os.environ.get("QIAO_FXTRANSLATE_ATTACHMENTS_URL") or FX_ATTACHMENTS_URL
    ).rstrip("/")
    try:
        raw = json.loads(_read_text(url, timeout)).get("data") or []
    except (ValueError, AttributeError) as exc:
        raise InstallError(f"{url} is not a Remote Settings records answer: {exc}") from exc
    out = []
    for s, t in pairs:
        recs = _choose_records(raw, s, t)
        if recs is None:
            raise _NoDirectModel(f"Firefox's model service has no direct {s}-{t} model")
        pdir = staging / "bergamot" / f"{s}-{t}"
        pdir.mkdir(parents=True)
        files: dict[str, FileRecord] = {}
        for rec in recs:
            name = str(rec["name"])
            if Path(name).name != name or name.startswith("."):
                raise InstallError(f"bad file name {name!r} in the records")
            loc = str((rec.get("attachment") or {}).get("location") or "")
            if not loc:
                raise InstallError(f"record {name} has no attachment")
            packed = staging / f"{name}.zst"
            _fetch(
                urllib.parse.urljoin(base + "/", loc.lstrip("/")),
                packed,
                progress,
                f"{s}-{t}/{name}",
                timeout,
            )
            try:
                data = discovery.verify_and_decompress(
                    packed.read_bytes(), rec.get("decompressedHash") or None
                )
            except ValueError as exc:
                raise IntegrityError(f"{s}-{t}/{name}: {exc}") from exc
            packed.unlink()
            if not rec.get("decompressedHash"):
                raise IntegrityError(f"{s}-{t}/{name}: the records give no hash")
            (pdir / name).write_bytes(data)
            files[name] = FileRecord(hashlib.sha256(data).hexdigest(), len(data))
        first = recs[0]
        version = f"{first.get('version')}/{first.get('architecture') or 'default'}"
        out.append(_Staged("bergamot", s, t, pdir, version, files))
    return out


class _NoDirectModel(InstallError):
    pass


def _stage_fxtranslate(
    pairs: list[tuple[str, str]], staging: Path, progress: ProgressCallback | None
) -> list[_Staged]:
    try:
        from fxtranslate import discovery
    except ImportError as exc:  # pragma: no cover
        raise InstallError("fxtranslate is not installed") from exc
    cache = staging / "fx-cache"
    out = []
    for i, (s, t) in enumerate(pairs):
        if progress:
            progress(f"download {s}-{t} (fxtranslate)", i, len(pairs))
        try:
            route = discovery.add_models(s, t, cache_dir=str(cache), progress=False)
        except (ValueError, OSError) as exc:
            raise InstallError(f"fxtranslate could not fetch {s}-{t}: {exc}") from exc
        if route.get("kind") != "direct":
            raise InstallError(f"no direct {s}-{t} model (route {route})")
        src_dir = cache / f"{s}-{t}"
        pdir = staging / "bergamot" / f"{s}-{t}"
        shutil.copytree(src_dir, pdir)
        files = {
            p.name: FileRecord(sha256_file(p), p.stat().st_size)
            for p in sorted(pdir.iterdir())
            if p.is_file()
        }
        out.append(_Staged("bergamot", s, t, pdir, f"fxtranslate-discovery:{s}{t}", files))
    if progress:
        progress("download (fxtranslate)", len(pairs), len(pairs))
    return out


# --- the entry point ---------------------------------------------------------------------

_ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip", ".argosmodel", ".tar.xz", ".tar.bz2")


def install_models(
    pairs: Iterable[tuple[str, str]] = DEFAULT_PAIRS,
    dest: str | Path = "models",
    source: str | Path | None = None,
    progress: ProgressCallback | None = None,
    *,
    sha256: str | None = None,
    timeout: float = 60.0,
    records_url: str | None = None,
    attachments_url: str | None = None,
) -> Manifest:
    """Fetch, verify and install models for ``pairs`` into ``dest``; return the new manifest.

    Raises :class:`IntegrityError` on a hash mismatch and :class:`InstallError` on anything
    else; in both cases ``dest`` is left as it was.
    """
    wanted = list(dict.fromkeys((s, t) for s, t in pairs))
    if not wanted:
        raise InstallError("no language pairs given")
    root = Path(dest)
    root.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(root)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    origin = str(source) if source is not None else "fxtranslate-discovery"
    try:
        staged = _stage(
            wanted, source, staging, progress, sha256, timeout, records_url, attachments_url
        )
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        for item in staged:
            final = root / item.engine / f"{item.source}-{item.target}"
            final.parent.mkdir(parents=True, exist_ok=True)
            old = None
            if final.exists():
                old = final.with_name(f".old-{final.name}-{os.getpid()}")
                os.replace(final, old)
            os.replace(item.directory, final)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            rec = PairRecord(
                item.engine, item.source, item.target, item.version, origin, now, item.files
            )
            if not rec.version:
                digest = hashlib.sha256(
                    "".join(f.sha256 for f in item.files.values()).encode()
                ).hexdigest()
                rec.version = f"sha256:{digest[:12]}"
            manifest.pairs[rec.key] = rec
        _write_manifest(root, manifest)
        if progress:
            progress("installed", len(staged), len(staged))
        return manifest
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _stage(
    pairs: list[tuple[str, str]],
    source: str | Path | None,
    staging: Path,
    progress: ProgressCallback | None,
    sha256: str | None,
    timeout: float,
    records_url: str | None = None,
    attachments_url: str | None = None,
) -> list[_Staged]:
    if source is None:
        try:
            return _stage_fx_records(
                pairs, staging, progress, timeout, records_url, attachments_url
            )
        except _NoDirectModel:
            if records_url or attachments_url:
                raise
            # the records changed shape? let fxtranslate's own downloader decide
            shutil.rmtree(staging / "bergamot", ignore_errors=True)
            return _stage_fxtranslate(pairs, staging, progress)
    src = str(source)
    if not _is_url(src) and Path(src).is_dir():
        index = Path(src) / INDEX_NAME
        if index.is_file():
            return _stage_index(
                src, json.loads(index.read_text()), pairs, staging, progress, timeout
            )
        return _stage_tree(Path(src), pairs, staging, progress)
    lowered = urllib.parse.urlparse(src).path.lower() if _is_url(src) else src.lower()
    if lowered.endswith(_ARCHIVE_SUFFIXES):
        archive = staging / ("download" + "".join(Path(lowered).suffixes[-2:]))
        _fetch(src, archive, progress, f"download {Path(lowered).name}", timeout)
        expected = sha256 or _sidecar_sha256(src, timeout)
        if not expected:
            raise IntegrityError(
                f"no sha256 for {src}: pass sha256=... or put {Path(lowered).name}.sha256 beside it"
            )
        _check_file(archive, expected, None, Path(lowered).name)
        extracted = staging / "extracted"
        extracted.mkdir()
        _safe_extract(archive, extracted)
        archive.unlink()
        index = extracted / INDEX_NAME
        if index.is_file():
            return _stage_index(
                str(extracted), json.loads(index.read_text()), pairs, staging, progress, timeout
            )
        return _stage_tree(extracted, pairs, staging, progress)
    # a package URL: a directory with index.json, or the index itself
    index_url = src if src.endswith(".json") else _join(src, INDEX_NAME)
    try:
        index_data = json.loads(_read_text(index_url, timeout))
    except ValueError as exc:
        raise InstallError(f"{index_url} is not JSON: {exc}") from exc
    base = index_url.rsplit("/", 1)[0] + "/"
    return _stage_index(base, index_data, pairs, staging, progress, timeout)


def _sidecar_sha256(src: str, timeout: float) -> str | None:
    try:
        text = _read_text(src + ".sha256", timeout)
    except (InstallError, OSError):
        return None
    parts = text.split()
    return parts[0] if parts else None
