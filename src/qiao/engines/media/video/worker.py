"""The sandboxed child: probe, transcode and extract audio with PyAV (FFmpeg's libraries).

Run only through :mod:`qiao.engines.media.video.sandbox`, as
``python -m qiao.engines.media.video.worker`` with a JSON request on stdin. It lowers its own
resource limits before importing PyAV, prints one JSON line and exits.

Inputs are opened with the demuxer the parent sniffed (``mov`` or ``matroska``), only the
``file`` protocol, and QuickTime data references off, so a file cannot make FFmpeg open
another file or a URL. Outputs are muxed from scratch: nothing of the input's metadata is
copied (no global or stream tags, no chapters, no data or subtitle tracks), and the muxer
runs in bit-exact mode so it does not even write its own version.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import resource
import signal
import sys
from fractions import Fraction
from typing import Any

OPS = ("probe", "transcode", "extract_audio", "selftest_spin", "selftest_alloc")


class Rejected(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _set_limits(limits: dict[str, Any]) -> None:
    mb = 1024 * 1024
    cpu = max(1, math.ceil(float(limits["cpu_seconds"])))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    memory = int(limits["memory_mb"]) * mb
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    size = int(limits["file_size_mb"]) * mb
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _die_with_parent(parent: int | None) -> None:
    """Ask the kernel to kill this child when the process that started it dies (a worker
    killed with SIGKILL would otherwise leave its transcode running, unwatched, until the
    CPU limit); exit at once when that already happened. Linux only; elsewhere a no-op."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def _usage() -> dict[str, float]:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "cpu_seconds": round(r.ru_utime + r.ru_stime, 3),
        "peak_rss_mb": round(r.ru_maxrss / 1024, 1),
    }


# --- opening and checking an input ----------------------------------------------------------


def _open(av: Any, path: str, demuxer: str) -> Any:
    options = {"protocol_whitelist": "file"}
    if demuxer == "mov":
        options.update({"enable_drefs": "0", "use_absolute_path": "0"})
    return av.open(path, mode="r", format=demuxer, options=options, metadata_errors="ignore")


def _streams(av: Any, container: Any, policy: dict[str, Any]) -> tuple[Any, Any, list[str]]:
    notes: list[str] = []
    attached = av.stream.Disposition.attached_pic
    videos = [s for s in container.streams.video if not (s.disposition & attached)]
    if not videos:
        raise Rejected("no_video_stream", "The file has no video in it.")
    video = videos[0]
    name = video.codec_context.name
    if name not in policy["video_codecs"]:
        raise Rejected("unsupported_codec", f"Video encoded as {name} is not supported.")
    audio = None
    for stream in container.streams.audio:
        if stream.codec_context.name in policy["audio_codecs"]:
            audio = stream
            break
        notes.append(f"audio_dropped:{stream.codec_context.name}")
    return video, audio, notes


def _rotation(frame: Any) -> int:
    """Clockwise degrees to turn the coded picture upright (the display matrix's rotation is
    counter-clockwise, hence the minus; FFmpeg's CLI autorotates the same way)."""
    try:
        ccw = frame.rotation
    except AttributeError:  # pragma: no cover - PyAV without display-matrix support
        return 0
    return int(round(-float(ccw or 0) / 90.0)) * 90 % 360


def _display_size(video: Any, width: int, height: int, rotation: int) -> tuple[int, int]:
    sar = video.sample_aspect_ratio
    if sar and sar > 0 and sar != 1:
        width = max(1, round(width * float(sar)))
    return (height, width) if rotation in (90, 270) else (width, height)


def _check_size(width: int, height: int, policy: dict[str, Any]) -> None:
    if max(width, height) > policy["max_side"]:
        raise Rejected(
            "dimensions_too_large",
            f"The video is {width}×{height}; the limit is {policy['max_side']} pixels on a side.",
        )
    if min(width, height) < policy["min_side"]:
        raise Rejected("dimensions_too_small", f"The video is only {width}×{height} pixels.")


def _check_fps(fps: float, policy: dict[str, Any]) -> None:
    if not (policy["min_fps"] <= fps <= policy["max_fps"]):
        raise Rejected(
            "bad_frame_rate",
            f"The video has {fps:.3g} frames per second; between "
            f"{policy['min_fps']:g} and {policy['max_fps']:g} are accepted.",
        )


def _too_long(duration: float, policy: dict[str, Any]) -> Rejected:
    return Rejected(
        "too_long",
        f"The video is {duration:.0f} seconds long; the limit is "
        f"{policy['max_duration']:.0f} seconds.",
    )


def _declared_duration(container: Any, video: Any) -> float:
    if container.duration and container.duration > 0:
        return float(container.duration) / 1_000_000
    if video.duration and video.time_base:
        return float(video.duration * video.time_base)
    return 0.0


# --- probe ---------------------------------------------------------------------------------


def probe(req: dict[str, Any]) -> dict[str, Any]:
    import av

    policy = req["policy"]
    try:
        container = _open(av, req["path"], req["demuxer"])
    except av.error.FFmpegError as exc:
        raise Rejected("corrupt", f"The video file cannot be read ({_short(exc)}).") from exc
    with container:
        video, audio, notes = _streams(av, container, policy)
        declared = _declared_duration(container, video)
        limit = float(policy["max_duration"])
        if declared > limit + 0.5:
            raise _too_long(declared, policy)
        ctx = video.codec_context
        ctx.thread_count = 1
        first = None
        packets = 0
        first_ts: float | None = None
        last_end = 0.0
        tb = video.time_base or Fraction(1, 90000)
        try:
            for packet in container.demux(video):
                if packet.size == 0:
                    continue
                packets += 1
                ts = packet.pts if packet.pts is not None else packet.dts
                if ts is not None:
                    t = float(ts * tb)
                    first_ts = t if first_ts is None else min(first_ts, t)
                    end = t + float((packet.duration or 0) * tb)
                    last_end = max(last_end, end)
                    if last_end - first_ts > limit + 0.5:
                        raise _too_long(last_end - first_ts, policy)
                if first is None:
                    for frame in ctx.decode(packet):
                        first = frame
                        break
        except av.error.FFmpegError as exc:
            if first is None:
                raise Rejected(
                    "corrupt", f"The video stream cannot be decoded ({_short(exc)})."
                ) from exc
            notes.append("damaged_after_start")
        if packets == 0:
            raise Rejected("empty_stream", "The video stream has no frames.")
        if first is None:
            try:
                for frame in ctx.decode(None):
                    first = frame
                    break
            except av.error.FFmpegError:
                first = None
        if first is None:
            raise Rejected("corrupt", "No picture in the video stream can be decoded.")
        scanned = max(0.0, last_end - (first_ts or 0.0))
        duration = declared or scanned
        if declared > 1.0 and scanned < 0.9 * declared - 0.5:
            raise Rejected(
                "corrupt",
                f"The file ends early: {scanned:.1f} of {declared:.1f} seconds are there.",
            )
        rotation = _rotation(first)
        coded_w, coded_h = first.width, first.height
        width, height = _display_size(video, coded_w, coded_h, rotation)
        _check_size(width, height, policy)
        fps = float(video.average_rate or video.guessed_rate or 0) or (
            packets / duration if duration > 0 else 0.0
        )
        measured = packets / scanned if scanned > 0.5 else fps
        _check_fps(max(fps, measured * 0.8) if packets > 5 else fps, policy)
        if fps < policy["min_fps"] and packets <= 2:
            fps = policy["min_fps"]  # a one-picture clip: its rate says nothing
        return {
            "container": "webm" if req["demuxer"] == "matroska" else "mp4",
            "duration": round(duration, 3),
            "width": width,
            "height": height,
            "coded_width": coded_w,
            "coded_height": coded_h,
            "rotation": rotation,
            "fps": round(fps, 3),
            "video_codec": ctx.name,
            "has_audio": audio is not None,
            "audio_codec": audio.codec_context.name if audio is not None else None,
            "video_packets": packets,
            "notes": notes,
        }


# --- transcode -------------------------------------------------------------------------------


def _even(x: float) -> int:
    return max(2, int(round(x / 2.0)) * 2)


def _plan(width: int, height: int, renditions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    short = min(width, height)
    chosen = [
        r for r in sorted(renditions, key=lambda r: r["short_side"]) if r["short_side"] <= short
    ]
    if not chosen:  # smaller than the smallest size: one rendition at the source size
        smallest = dict(min(renditions, key=lambda r: r["short_side"]))
        smallest["short_side"] = short
        smallest["label"] = "source"
        chosen = [smallest]
    plans = []
    for r in chosen:
        scale = r["short_side"] / short
        plans.append(
            {
                **r,
                "label": r.get("label") or f"{r['short_side']}p",
                "width": _even(width * scale),
                "height": _even(height * scale),
            }
        )
    return plans


def _rotate_graph(av: Any, frame: Any, rotation: int) -> Any:
    graph = av.filter.Graph()
    src = graph.add_buffer(
        width=frame.width,
        height=frame.height,
        format=frame.format,
        time_base=frame.time_base or Fraction(1, 90000),
    )
    table: dict[int, list[tuple[str, str | None]]] = {
        90: [("transpose", "clock")],
        270: [("transpose", "cclock")],
        180: [("hflip", None), ("vflip", None)],
    }
    steps = table[rotation]
    last = src
    for name, arg in steps:
        node = graph.add(name, arg) if arg else graph.add(name)
        last.link_to(node)
        last = node
    sink = graph.add("buffersink")
    last.link_to(sink)
    graph.configure()
    return graph


def transcode(req: dict[str, Any]) -> dict[str, Any]:
    import av

    policy = req["policy"]
    workdir = req["workdir"]
    info = req["info"]
    limit = float(policy["max_duration"])
    container = _open(av, req["path"], req["demuxer"])
    outputs: list[dict[str, Any]] = []
    with container:
        video, audio, notes = _streams(av, container, policy)
        video.codec_context.thread_type = "AUTO"
        video.codec_context.thread_count = int(policy["threads"])
        rotation = int(info["rotation"])
        plans = _plan(int(info["width"]), int(info["height"]), policy["renditions"])
        fps_in = float(info["fps"]) or 30.0
        fps_out = min(fps_in, float(policy["max_output_fps"]))
        time_base = Fraction(1, 90000)
        for plan in plans:
            path = os.path.join(workdir, f"{plan['label']}.mp4")
            out = av.open(
                path,
                mode="w",
                format="mp4",
                options={"movflags": "+faststart", "fflags": "+bitexact"},
            )
            vs = out.add_stream("libx264", rate=Fraction(fps_out).limit_denominator(1001))
            vs.width, vs.height = plan["width"], plan["height"]
            vs.pix_fmt = "yuv420p"
            vs.time_base = time_base
            vs.codec_context.time_base = time_base
            vs.codec_context.thread_count = int(policy["threads"])
            vs.options = {
                "preset": str(policy["preset"]),
                "crf": str(plan["crf"]),
                "maxrate": f"{plan['maxrate_kbps']}k",
                "bufsize": f"{2 * plan['maxrate_kbps']}k",
                "profile": "high",
                "g": str(max(1, round(fps_out * 2))),
                "flags": "+bitexact",
            }
            ast = None
            if audio is not None:
                channels = min(2, audio.codec_context.channels or 2)
                ast = out.add_stream("aac", rate=48000)
                ast.layout = "stereo" if channels >= 2 else "mono"
                ast.bit_rate = int(plan["audio_kbps"]) * 1000
                ast.options = {"flags": "+bitexact"}
            outputs.append({"plan": plan, "path": path, "out": out, "v": vs, "a": ast})

        poster_times = [
            t
            for t in (0.0, 0.5, 1.0, 2.0, 3.0, 5.0)
            if t <= max(0.0, float(info["duration"]) - 0.05)
        ] or [0.0]
        best_poster: tuple[float, Any] | None = None
        graph = None
        t0: float | None = None
        next_t = 0.0
        step = 1.0 / fps_out
        last_pts = -1
        frames_out = 0
        streams = [video] + ([audio] if audio is not None else [])
        try:
            for packet in container.demux(streams):
                if packet.stream is video:
                    for frame in packet.decode():
                        t = float(frame.time) if frame.time is not None else frames_out * step
                        if t0 is None:
                            t0 = t
                            if rotation:
                                graph = _rotate_graph(av, frame, rotation)
                        rel = t - t0
                        if rel > limit + 0.5:
                            raise _too_long(rel, policy)
                        if rel + 1e-6 < next_t:
                            continue  # over the output frame rate: drop
                        next_t = max(next_t + step, rel + step * 0.5)
                        pts = round(rel / float(time_base))
                        if pts <= last_pts:
                            continue
                        last_pts = pts
                        if graph is not None:
                            graph.push(frame)
                            frame = graph.pull()
                        while poster_times and rel + 1e-6 >= poster_times[0]:
                            poster_times.pop(0)
                            best_poster = _consider_poster(
                                frame, best_poster, int(policy["poster_side"])
                            )
                        for o in outputs:
                            scaled = frame.reformat(
                                width=o["plan"]["width"],
                                height=o["plan"]["height"],
                                format="yuv420p",
                                interpolation="AREA",
                            )
                            scaled.pts = pts
                            scaled.time_base = time_base
                            for out_packet in o["v"].encode(scaled):
                                o["out"].mux(out_packet)
                        frames_out += 1
                elif audio is not None and packet.stream is audio:
                    for aframe in packet.decode():
                        if aframe.time is None:
                            continue
                        base = t0 if t0 is not None else float(aframe.time)
                        rel = float(aframe.time) - base
                        if rel < -0.001:
                            continue
                        if rel > limit + 0.5:
                            raise _too_long(rel, policy)
                        aframe.pts = round(rel * aframe.sample_rate)
                        aframe.time_base = Fraction(1, aframe.sample_rate)
                        for o in outputs:
                            for out_packet in o["a"].encode(aframe):
                                o["out"].mux(out_packet)
            for o in outputs:
                for out_packet in o["v"].encode(None):
                    o["out"].mux(out_packet)
                if o["a"] is not None:
                    for out_packet in o["a"].encode(None):
                        o["out"].mux(out_packet)
        except av.error.FFmpegError as exc:
            if frames_out == 0:
                raise Rejected("corrupt", f"The video cannot be decoded ({_short(exc)}).") from exc
            raise Rejected(
                "corrupt", f"The video is damaged after {frames_out} frames ({_short(exc)})."
            ) from exc
        finally:
            for o in outputs:
                with contextlib.suppress(Exception):  # already failing: close the rest
                    o["out"].close()
    if frames_out == 0 or best_poster is None:
        raise Rejected("empty_stream", "The video stream has no frames.")
    poster_path = os.path.join(workdir, "poster-source.png")
    best_poster[1].save(poster_path, "PNG")
    duration = last_pts * float(time_base) + step if last_pts >= 0 else 0.0
    results = []
    for o in outputs:
        size = os.path.getsize(o["path"])
        results.append(
            {
                "label": o["plan"]["label"],
                "path": o["path"],
                "width": o["plan"]["width"],
                "height": o["plan"]["height"],
                "size_bytes": size,
                "duration": round(duration, 3),
                "bitrate_kbps": round(size * 8 / 1000 / duration) if duration > 0 else 0,
            }
        )
    return {
        "renditions": results,
        "poster_source": poster_path,
        "duration": round(duration, 3),
        "frames": frames_out,
        "notes": notes,
        "has_audio": audio is not None,
    }


def _consider_poster(frame: Any, best: tuple[float, Any] | None, side: int) -> tuple[float, Any]:
    """Keep the most detailed of the candidate frames (a black or flat first frame is a poor
    poster): score = standard deviation of a small grey copy."""
    scale = min(1.0, side / max(frame.width, frame.height))
    image = frame.to_image(width=_even(frame.width * scale), height=_even(frame.height * scale))
    grey = image.convert("L").resize((64, 64))
    pixels = list(grey.tobytes())
    mean = sum(pixels) / len(pixels)
    score = (sum((p - mean) ** 2 for p in pixels) / len(pixels)) ** 0.5
    if best is None or score > best[0] + 1.0:
        return score, image
    return best


# --- audio for transcription ----------------------------------------------------------------


def extract_audio(req: dict[str, Any]) -> dict[str, Any]:
    import av

    policy = req["policy"]
    limit = float(policy["max_duration"])
    container = _open(av, req["path"], req["demuxer"])
    with container:
        audio = None
        for stream in container.streams.audio:
            if stream.codec_context.name in policy["audio_codecs"]:
                audio = stream
                break
        if audio is None:
            raise Rejected("no_audio_stream", "The video has no sound to transcribe.")
        out = av.open(req["dest"], mode="w", format="wav", options={"fflags": "+bitexact"})
        try:
            ast = out.add_stream("pcm_s16le", rate=16000)
            ast.layout = "mono"
            resampler = av.AudioResampler(format="s16", layout="mono", rate=16000)
            samples = 0
            try:
                for frame in container.decode(audio):
                    for rframe in resampler.resample(frame):
                        samples += rframe.samples
                        for packet in ast.encode(rframe):
                            out.mux(packet)
                    if samples / 16000 > limit + 0.5:
                        raise _too_long(samples / 16000, policy)
            except av.error.FFmpegError as exc:
                if samples == 0:
                    raise Rejected(
                        "corrupt", f"The sound cannot be decoded ({_short(exc)})."
                    ) from exc
            for rframe in resampler.resample(None):
                samples += rframe.samples
                for packet in ast.encode(rframe):
                    out.mux(packet)
            for packet in ast.encode(None):
                out.mux(packet)
        finally:
            out.close()
    return {"path": req["dest"], "seconds": round(samples / 16000, 3), "sample_rate": 16000}


# --- self-tests of the sandbox (used by the tests and by `doctor`) ----------------------------


def selftest_spin(req: dict[str, Any]) -> dict[str, Any]:
    while True:  # never returns: the wall-time or CPU limit must end it
        pass


def selftest_alloc(req: dict[str, Any]) -> dict[str, Any]:
    hoard = []
    while True:  # never returns: the memory limit must end it
        hoard.append(bytearray(64 * 1024 * 1024))


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    # FFmpeg messages name the input path; keep the reason, not the server's file layout.
    return text.split(": '", 1)[0][:200]


def main() -> int:
    message = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    _die_with_parent(message.get("parent"))
    _set_limits(message["limits"])
    op = message["op"]
    try:
        if op not in OPS:
            raise Rejected("processing_failed", f"unknown operation {op!r}")
        try:
            import av

            av.logging.set_level(None)
        except ImportError as exc:
            out: dict[str, Any] = {
                "ok": False,
                "code": "video_unavailable",
                "message": f"PyAV (FFmpeg) is not installed: {exc}",
            }
        else:
            result = globals()[op](message["request"])
            out = {"ok": True, "result": result}
    except Rejected as exc:
        out = {"ok": False, "code": exc.code, "message": exc.message}
    except MemoryError:
        out = {
            "ok": False,
            "code": "resource_limit",
            "message": f"Processing needed more than {message['limits']['memory_mb']} MB.",
        }
    except Exception as exc:  # noqa: BLE001 - any other failure is the file's problem
        if "Cannot allocate memory" in str(exc):
            out = {
                "ok": False,
                "code": "resource_limit",
                "message": "Processing ran out of memory.",
            }
        else:
            out = {
                "ok": False,
                "code": "corrupt",
                "message": f"The video cannot be processed ({_short(exc)}).",
            }
    out["usage"] = _usage()
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
