"""Model install against a local HTTP server serving a generated package; status; manifest."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import tarfile
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from qiao.engines.translate import (
    InstallError,
    IntegrityError,
    build_service_from_config,
    install_models,
    read_manifest,
    translation_status,
)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return


@pytest.fixture()
def http_root(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "www"
    root.mkdir()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def bergamot_files(pair: str) -> dict[str, bytes]:
    tag = pair.replace("-", "")
    return {
        f"model.{tag}.intgemm.alphas.bin": f"model weights {pair}".encode() * 5000,
        f"srcvocab.{tag}.spm": f"src vocab {pair}".encode() * 100,
        f"trgvocab.{tag}.spm": f"trg vocab {pair}".encode() * 100,
        f"lex.50.50.{tag}.s2t.bin": b"shortlist" * 100,
    }


def make_package(root: Path, *, corrupt: str | None = None) -> None:
    """index.json + files, as an operator would host them."""
    pairs = {}
    for pair in ("zh-en", "en-zh"):
        files = []
        for name, data in bergamot_files(pair).items():
            (root / pair).mkdir(parents=True, exist_ok=True)
            served = data[:-1] + b"X" if name == corrupt else data
            (root / pair / name).write_bytes(served)
            files.append(
                {
                    "name": name,
                    "url": f"{pair}/{name}",
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
        pairs[pair] = {"engine": "bergamot", "version": f"test-{pair}-1", "files": files}
    (root / "index.json").write_text(json.dumps({"format": "qiao-models/1", "pairs": pairs}))


def test_install_from_url_with_progress_and_manifest(
    http_root: tuple[Path, str], tmp_path: Path
) -> None:
    root, url = http_root
    make_package(root)
    dest = tmp_path / "models"
    assert translation_status(dest).installed == []
    assert "No translation models are installed" in translation_status(dest).message
    events: list[tuple[str, int, int]] = []
    manifest = install_models(
        [("zh", "en"), ("en", "zh")],
        dest,
        source=url,
        progress=lambda s, d, t: events.append((s, d, t)),
    )
    assert set(manifest.pairs) == {"bergamot/zh-en", "bergamot/en-zh"}
    rec = manifest.pairs["bergamot/zh-en"]
    assert rec.version == "test-zh-en-1" and rec.origin == url and rec.installed_at
    data = bergamot_files("zh-en")
    for name, content in data.items():
        assert (dest / "bergamot" / "zh-en" / name).read_bytes() == content
        assert rec.files[name].sha256 == hashlib.sha256(content).hexdigest()
    assert read_manifest(dest).pairs.keys() == manifest.pairs.keys()
    # progress: byte counts per file, ending with each file's full size, then "installed"
    model = "zh-en/model.zhen.intgemm.alphas.bin"
    model_events = [e for e in events if e[0] == model]
    assert model_events[-1][1] == model_events[-1][2] == len(data["model.zhen.intgemm.alphas.bin"])
    assert events[-1][0] == "installed"
    status = translation_status(dest, verify=True)
    assert status.installed == [("en", "zh"), ("zh", "en")] and status.ready
    assert "zh→en (bergamot, test-zh-en-1): installed" in status.message
    assert [p for p in dest.iterdir() if p.name.startswith(".")] == []
    # the service sees the models without a restart
    svc = build_service_from_config(engines=["bergamot"], models_dir=dest)
    assert svc.available_engines("zh", "en") == ["bergamot"]
    assert svc.engines[0].model_version("zh", "en") == "test-zh-en-1"


def test_corrupted_download_is_refused_and_nothing_stays(
    http_root: tuple[Path, str], tmp_path: Path
) -> None:
    root, url = http_root
    make_package(root, corrupt="srcvocab.enzh.spm")
    dest = tmp_path / "models"
    with pytest.raises(IntegrityError, match="srcvocab.enzh.spm"):
        install_models([("zh", "en"), ("en", "zh")], dest, source=url)
    assert not (dest / "bergamot").exists()  # zh-en was fine but is not half-installed
    assert not (dest / "manifest.json").exists()
    assert list(dest.iterdir()) == []
    assert translation_status(dest).installed == []


def test_failed_reinstall_keeps_the_working_models(
    http_root: tuple[Path, str], tmp_path: Path
) -> None:
    root, url = http_root
    make_package(root)
    dest = tmp_path / "models"
    install_models([("zh", "en")], dest, source=url)
    make_package(root, corrupt="model.zhen.intgemm.alphas.bin")
    with pytest.raises(IntegrityError):
        install_models([("zh", "en")], dest, source=url)
    assert translation_status(dest, verify=True).installed == [("zh", "en")]


def make_archive(root: Path, name: str) -> str:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for pair in ("zh-en", "en-zh"):
            for fname, data in bergamot_files(pair).items():
                info = tarfile.TarInfo(f"firefox-models/{pair}/{fname}")
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
    blob = buf.getvalue()
    (root / name).write_bytes(blob)
    return hashlib.sha256(blob).hexdigest()


def test_install_from_archive_url_with_sidecar_hash(
    http_root: tuple[Path, str], tmp_path: Path
) -> None:
    root, url = http_root
    digest = make_archive(root, "models.tar.gz")
    (root / "models.tar.gz.sha256").write_text(f"{digest}  models.tar.gz\n")
    dest = tmp_path / "models"
    install_models([("zh", "en"), ("en", "zh")], dest, source=f"{url}/models.tar.gz")
    assert translation_status(dest).installed == [("en", "zh"), ("zh", "en")]


def test_archive_with_wrong_or_missing_hash_is_refused(
    http_root: tuple[Path, str], tmp_path: Path
) -> None:
    root, url = http_root
    make_archive(root, "models.tar.gz")
    dest = tmp_path / "models"
    with pytest.raises(IntegrityError, match="no sha256"):
        install_models([("zh", "en")], dest, source=f"{url}/models.tar.gz")
    with pytest.raises(IntegrityError, match="does not match"):
        install_models([("zh", "en")], dest, source=f"{url}/models.tar.gz", sha256="0" * 64)
    assert list(dest.iterdir()) == []


def test_install_from_local_folder_for_air_gapped_servers(tmp_path: Path) -> None:
    src = tmp_path / "usb"
    for pair in ("zh-en", "en-zh"):
        (src / pair).mkdir(parents=True)
        for name, data in bergamot_files(pair).items():
            (src / pair / name).write_bytes(data)
    (src / "zh-en" / "SHA256SUMS").write_text(
        "".join(
            f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in bergamot_files("zh-en").items()
        )
    )
    dest = tmp_path / "models"
    manifest = install_models([("zh", "en"), ("en", "zh")], dest, source=src)
    assert manifest.pairs["bergamot/en-zh"].version.startswith("sha256:")
    assert translation_status(dest).installed == [("en", "zh"), ("zh", "en")]
    # a bad SHA256SUMS line is caught
    (src / "zh-en" / "model.zhen.intgemm.alphas.bin").write_bytes(b"tampered")
    with pytest.raises(IntegrityError):
        install_models([("zh", "en")], tmp_path / "other", source=src)


def test_argos_package_installs_as_a_ctranslate2_model(
    tmp_path: Path, tiny_ct2_model: Path
) -> None:
    import shutil
    import zipfile

    pkg = tmp_path / "pkg" / "translate-zh_en-1_9"
    shutil.copytree(tiny_ct2_model, pkg / "model")
    (pkg / "model" / "source.spm").rename(pkg / "sentencepiece.model")
    (pkg / "model" / "target.spm").unlink()
    (pkg / "metadata.json").write_text(
        json.dumps({"from_code": "zh", "to_code": "en", "package_version": "1.9"})
    )
    archive = tmp_path / "translate-zh_en-1_9.argosmodel"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in pkg.rglob("*"):
            zf.write(p, p.relative_to(pkg.parent))
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    dest = tmp_path / "models"
    manifest = install_models([("zh", "en")], dest, source=archive, sha256=digest)
    assert manifest.pairs["ctranslate2/zh-en"].version == "1.9"
    svc = build_service_from_config(engines=["bergamot", "ctranslate2"], models_dir=dest)
    [r] = svc.translate(["我爱火锅 @bob"], "zh", "en")
    assert r.engine == "ctranslate2" and "@bob" in r.text


def test_package_with_a_ctranslate2_model_in_subfolders(
    http_root: tuple[Path, str], tmp_path: Path, tiny_ct2_model: Path
) -> None:
    root, url = http_root
    files = []
    for p in sorted(tiny_ct2_model.rglob("*")):
        if p.is_file():
            name = f"model/{p.name}" if p.suffix != ".spm" else p.name
            (root / "en-zh" / name).parent.mkdir(parents=True, exist_ok=True)
            (root / "en-zh" / name).write_bytes(p.read_bytes())
            files.append({"name": name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()})
    index = {
        "format": "qiao-models/1",
        "pairs": {"en-zh": {"engine": "ctranslate2", "version": "t1", "files": files}},
    }
    (root / "index.json").write_text(json.dumps(index))
    dest = tmp_path / "models"
    install_models([("en", "zh")], dest, source=url)
    assert (dest / "ctranslate2" / "en-zh" / "model" / "model.bin").is_file()
    svc = build_service_from_config(engines=["ctranslate2"], models_dir=dest)
    assert svc.translate(["Good food."], "en", "zh")[0].model_version == "t1"  # from manifest
    bad = {
        "format": "qiao-models/1",
        "pairs": {
            "en-zh": {"engine": "ctranslate2", "files": [{"name": "../evil", "sha256": "0" * 64}]}
        },
    }
    (root / "index.json").write_text(json.dumps(bad))
    with pytest.raises(InstallError, match="bad file name"):
        install_models([("en", "zh")], tmp_path / "other", source=url)


def test_bad_sources(tmp_path: Path) -> None:
    with pytest.raises(InstallError, match="no model"):
        install_models([("zh", "en")], tmp_path / "m", source=tmp_path)
    with pytest.raises(InstallError):
        install_models([("zh", "en")], tmp_path / "m", source="http://127.0.0.1:9/pkg", timeout=2)
    with pytest.raises(InstallError, match="no language pairs"):
        install_models([], tmp_path / "m", source=tmp_path)


# --- the default source: Firefox's model discovery, served here by a local mirror ------------


def zstd_frame(data: bytes) -> bytes:
    """A valid zstd frame of raw (stored) blocks: what the model service serves, minus the
    compression, so the test needs no zstd library."""
    out = bytearray(struct.pack("<I", 0xFD2FB528))
    out.append(0b10100000)  # single segment, 4-byte content size
    out += struct.pack("<I", len(data))
    blocks = [data[i : i + (1 << 17)] for i in range(0, len(data), 1 << 17)] or [b""]
    for i, block in enumerate(blocks):
        header = (1 if i == len(blocks) - 1 else 0) | (len(block) << 3)
        out += struct.pack("<I", header)[:3] + block
    return bytes(out)


def make_records(root: Path, base: str, *, corrupt: str | None = None) -> None:
    data = []
    for pair in ("zh-en", "en-zh"):
        s, t = pair.split("-")
        for version, arch in (("3.0", "base"), ("3.1", "tiny"), ("2.0", "base")):
            for name, content in bergamot_files(pair).items():
                ftype = name.split(".")[0]
                served = content + b"!" if name == corrupt and arch == "base" else content
                loc = f"attachments/{arch}{version}-{name}.zst"
                (root / loc).parent.mkdir(parents=True, exist_ok=True)
                (root / loc).write_bytes(zstd_frame(served))
                data.append(
                    {
                        "id": loc,
                        "name": name,
                        "fileType": ftype,
                        "sourceLanguage": s,
                        "targetLanguage": t,
                        "version": version,
                        "architecture": arch,
                        "decompressedHash": hashlib.sha256(content).hexdigest(),
                        "attachment": {"location": loc, "size": len(served)},
                    }
                )
    (root / "records").write_text(json.dumps({"data": data}))


def test_install_through_model_discovery(http_root: tuple[Path, str], tmp_path: Path) -> None:
    root, url = http_root
    make_records(root, url)
    dest = tmp_path / "models"
    events: list[tuple[str, int, int]] = []
    manifest = install_models(
        [("zh", "en"), ("en", "zh")],
        dest,
        None,
        progress=lambda s, d, t: events.append((s, d, t)),
        records_url=f"{url}/records",
        attachments_url=url,
    )
    rec = manifest.pairs["bergamot/zh-en"]
    assert rec.version == "3.0/base"  # the base architecture, newest version fxtranslate takes
    assert rec.origin == "fxtranslate-discovery"
    for name, content in bergamot_files("zh-en").items():
        assert (dest / "bergamot" / "zh-en" / name).read_bytes() == content
    assert any(e[0] == "zh-en/model.zhen.intgemm.alphas.bin" and e[1] == e[2] for e in events)
    assert translation_status(dest, verify=True).installed == [("en", "zh"), ("zh", "en")]


def test_discovery_download_that_fails_its_hash_is_refused(
    http_root: tuple[Path, str], tmp_path: Path
) -> None:
    root, url = http_root
    make_records(root, url, corrupt="trgvocab.enzh.spm")
    dest = tmp_path / "models"
    with pytest.raises(IntegrityError, match="trgvocab.enzh.spm"):
        install_models(
            [("zh", "en"), ("en", "zh")],
            dest,
            None,
            records_url=f"{url}/records",
            attachments_url=url,
        )
    assert list(dest.iterdir()) == []


def test_discovery_without_a_direct_model(http_root: tuple[Path, str], tmp_path: Path) -> None:
    root, url = http_root
    make_records(root, url)
    with pytest.raises(InstallError, match="no direct zh-fr model"):
        install_models(
            [("zh", "fr")], tmp_path / "m", None, records_url=f"{url}/records", attachments_url=url
        )
