/* Qiao's one script: placeholders, waterfall, note overlay, carousel, share, compose,
   resumable video upload, the video player and muted autoplay in the waterfall.
   The Content-Security-Policy allows no inline script or style, so everything is wired
   here from data- attributes, and colours are set as CSS custom properties. */
(function () {
  "use strict";

  // --- blurhash (https://blurha.sh), decoded into a tiny canvas ---------------------------
  var B83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";
  function d83(s) { var v = 0; for (var i = 0; i < s.length; i++) v = v * 83 + B83.indexOf(s[i]); return v; }
  function toLin(v) { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
  function toSrgb(v) {
    v = Math.max(0, Math.min(1, v));
    return Math.round((v <= 0.0031308 ? v * 12.92 : 1.055 * Math.pow(v, 1 / 2.4) - 0.055) * 255);
  }
  function signPow(v, e) { return (v < 0 ? -1 : 1) * Math.pow(Math.abs(v), e); }
  var bhCache = {};
  function blurhashURL(hash) {
    if (bhCache[hash]) return bhCache[hash];
    if (!hash || hash.length < 6) return null;
    var size = d83(hash[0]), ny = Math.floor(size / 9) + 1, nx = (size % 9) + 1;
    if (hash.length !== 4 + 2 * nx * ny) return null;
    var maxv = (d83(hash[1]) + 1) / 166, colors = [], dc = d83(hash.substring(2, 6));
    colors.push([toLin(dc >> 16), toLin((dc >> 8) & 255), toLin(dc & 255)]);
    for (var k = 1; k < nx * ny; k++) {
      var v = d83(hash.substring(4 + k * 2, 6 + k * 2));
      colors.push([signPow((Math.floor(v / 361) - 9) / 9, 2) * maxv,
        signPow(((Math.floor(v / 19) % 19) - 9) / 9, 2) * maxv, signPow(((v % 19) - 9) / 9, 2) * maxv]);
    }
    var w = 24, h = 24, canvas = document.createElement("canvas");
    canvas.width = w; canvas.height = h;
    var ctx = canvas.getContext("2d"); if (!ctx) return null;
    var img = ctx.createImageData(w, h);
    for (var y = 0; y < h; y++) for (var x = 0; x < w; x++) {
      var r = 0, g = 0, b = 0;
      for (var j = 0; j < ny; j++) for (var i = 0; i < nx; i++) {
        var basis = Math.cos(Math.PI * x * i / w) * Math.cos(Math.PI * y * j / h), c = colors[i + j * nx];
        r += c[0] * basis; g += c[1] * basis; b += c[2] * basis;
      }
      var p = 4 * (x + y * w);
      img.data[p] = toSrgb(r); img.data[p + 1] = toSrgb(g); img.data[p + 2] = toSrgb(b); img.data[p + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    return (bhCache[hash] = canvas.toDataURL());
  }

  function paint(root) {
    root.querySelectorAll("[data-color]").forEach(function (el) {
      var c = el.getAttribute("data-color");
      if (/^#[0-9a-fA-F]{3,8}$/.test(c)) {
        el.style.setProperty("--ph-color", c);
        el.style.setProperty("--avatar", c);
      }
      var bh = el.getAttribute("data-blurhash");
      var url = bh && blurhashURL(bh);
      if (url) el.style.setProperty("--ph-img", "url(" + url + ")");
      el.removeAttribute("data-color");
    });
    // Dates are stored and sent in UTC; show them in the viewer's own zone and language.
    root.querySelectorAll("time[data-local]").forEach(function (t) {
      var d = new Date(t.getAttribute("datetime"));
      if (!isNaN(d)) t.textContent = d.toLocaleDateString(document.documentElement.lang || undefined);
      t.removeAttribute("data-local");
    });
    root.querySelectorAll(".ph img").forEach(function (img) {
      if (img.complete && img.naturalWidth) img.classList.add("is-loaded");
      else img.addEventListener("load", function () { img.classList.add("is-loaded"); }, { once: true });
    });
  }

  // --- waterfall: cards go into the shortest column, in order ----------------------------
  function columnsWanted(wf) {
    return parseInt(getComputedStyle(wf).getPropertyValue("--cols"), 10) || 2;
  }
  function layout(wf, rebuild) {
    var want = columnsWanted(wf);
    var cols = Array.prototype.slice.call(wf.querySelectorAll(":scope > .wf-col"));
    var counter = parseInt(wf.getAttribute("data-n") || "0", 10);
    var loose = Array.prototype.slice.call(wf.querySelectorAll(":scope > [data-card], :scope > [data-divider]"));
    loose.forEach(function (c) { c.setAttribute("data-i", String(counter++)); });
    wf.setAttribute("data-n", String(counter));
    var placing = loose;
    if (rebuild || cols.length !== want) {
      placing = Array.prototype.slice.call(wf.querySelectorAll("[data-card], [data-divider]"));
      placing.sort(function (a, b) { return (+a.getAttribute("data-i")) - (+b.getAttribute("data-i")); });
      cols.forEach(function (c) { c.remove(); });
      cols = [];
      for (var i = 0; i < want; i++) {
        var col = document.createElement("div"); col.className = "wf-col"; wf.appendChild(col); cols.push(col);
      }
    }
    wf.classList.add("is-masonry");
    var heights = cols.map(function (c) { return c.offsetHeight; });
    placing.forEach(function (card) {
      var k = 0;
      for (var i = 1; i < heights.length; i++) if (heights[i] < heights[k] - 1) k = i;
      cols[k].appendChild(card);
      heights[k] = cols[k].offsetHeight;
    });
  }
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      document.querySelectorAll("[data-waterfall]").forEach(function (wf) {
        if (wf.querySelectorAll(":scope > .wf-col").length !== columnsWanted(wf)) layout(wf, true);
      });
    }, 150);
  });

  // --- file pickers: the chosen file's name beside the styled button ------------------
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("input[type=file][data-file-name]")) return;
    var out = document.getElementById(input.getAttribute("data-file-name"));
    if (!out) return;
    var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    out.textContent = names.join(", ");
  });

  // --- toast ---------------------------------------------------------------------------
  var toastTimer = null;
  function toast(text) {
    var t = document.getElementById("toast"); if (!t) return;
    t.textContent = text; t.classList.add("is-on");
    clearTimeout(toastTimer); toastTimer = setTimeout(function () { t.classList.remove("is-on"); }, 2200);
  }

  // --- carousel: native scroll-snap swipe, plus buttons, dots and arrow keys --------------
  function initCarousel(c) {
    if (c.getAttribute("data-ready")) return;
    c.setAttribute("data-ready", "1");
    var track = c.querySelector("[data-track]"), dots = c.querySelectorAll("[data-dot]");
    var count = track.children.length;
    function current() { return Math.round(track.scrollLeft / Math.max(1, track.clientWidth)); }
    function go(i) {
      i = Math.max(0, Math.min(count - 1, i));
      track.scrollTo({ left: i * track.clientWidth, behavior: "smooth" });
    }
    var raf = 0;
    track.addEventListener("scroll", function () {
      cancelAnimationFrame(raf);
      raf = requestAnimationFrame(function () {
        var k = current();
        if (String(k) !== c.getAttribute("data-index")) pauseAll(c);
        c.setAttribute("data-index", String(k));
        dots.forEach(function (d, i) {
          d.classList.toggle("is-active", i === k);
          if (i === k) d.setAttribute("aria-current", "true"); else d.removeAttribute("aria-current");
        });
      });
    }, { passive: true });
    var prev = c.querySelector("[data-prev]"), next = c.querySelector("[data-next]");
    if (prev) prev.addEventListener("click", function () { go(current() - 1); });
    if (next) next.addEventListener("click", function () { go(current() + 1); });
    dots.forEach(function (d) { d.addEventListener("click", function () { go(+d.getAttribute("data-dot")); }); });
    c.setAttribute("data-index", "0");
    c._go = go; c._current = current;
  }
  document.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    var t = e.target;
    if (t && t.classList && t.classList.contains("w")) return;  // word look-up moves instead
    if (t && t.closest && t.closest("[data-player]")) return;  // the player seeks instead
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    var dlg = document.getElementById("overlay");
    var scope = dlg && dlg.open ? dlg : document;
    var c = (t && t.closest && t.closest("[data-carousel]")) || scope.querySelector("[data-carousel]");
    if (!c || !c._go) return;
    e.preventDefault();
    c._go(c._current() + (e.key === "ArrowRight" ? 1 : -1));
  });

  // --- compose: previews, reorder, remove, alt text ------------------------------------
  function initCompose(form) {
    if (form.getAttribute("data-ready")) return;
    form.setAttribute("data-ready", "1");
    var input = form.querySelector(".pick-input"), list = form.querySelector("[data-previews]");
    if (!input || !list || typeof DataTransfer === "undefined") return;
    var max = parseInt(input.getAttribute("data-max") || "9", 10), items = [];
    var L = function (k) { return input.getAttribute("data-label-" + k) || k; };
    function sync() {
      var dt = new DataTransfer();
      items.forEach(function (it) { dt.items.add(it.file); });
      input.files = dt.files;
    }
    function button(text, label, fn) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = text; b.setAttribute("aria-label", label);
      b.addEventListener("click", fn); return b;
    }
    function render(focusIndex, focusWhich) {
      list.textContent = "";
      items.forEach(function (it, i) {
        var li = document.createElement("li"); li.className = "preview";
        var img = document.createElement("img"); img.src = it.url; img.alt = ""; li.appendChild(img);
        if (i === 0) { var cv = document.createElement("span"); cv.className = "preview-cover"; cv.textContent = "1"; li.appendChild(cv); }
        var tools = document.createElement("div"); tools.className = "preview-tools";
        var left = button("‹", L("left"), function () { move(i, -1, "left"); });
        var right = button("›", L("right"), function () { move(i, 1, "right"); });
        var rm = button("×", L("remove") + " " + (i + 1), function () {
          URL.revokeObjectURL(it.url); items.splice(i, 1); sync(); render(Math.min(i, items.length - 1), "remove");
        });
        left.disabled = i === 0; right.disabled = i === items.length - 1;
        tools.appendChild(left); tools.appendChild(rm); tools.appendChild(right); li.appendChild(tools);
        var alt = document.createElement("input");
        alt.name = "alt_texts"; alt.maxLength = 200; alt.value = it.alt; alt.placeholder = L("alt");
        alt.setAttribute("aria-label", L("alt") + " " + (i + 1));
        alt.addEventListener("input", function () { it.alt = alt.value; });
        li.appendChild(alt);
        var aiLabel = document.createElement("label"); aiLabel.className = "preview-ai";
        var ai = document.createElement("input");
        ai.type = "checkbox"; ai.name = "ai_images"; ai.value = String(i); ai.checked = !!it.ai;
        ai.addEventListener("change", function () { it.ai = ai.checked; });
        aiLabel.appendChild(ai); aiLabel.appendChild(document.createTextNode(" " + L("ai")));
        li.appendChild(aiLabel);
        list.appendChild(li);
        if (i === focusIndex) {
          var f = focusWhich === "left" ? left : focusWhich === "right" ? right : rm;
          if (f.disabled) f = rm;
          setTimeout(function () { f.focus(); }, 0);
        }
      });
    }
    function move(i, d, which) {
      var j = i + d; if (j < 0 || j >= items.length) return;
      var t = items[i]; items[i] = items[j]; items[j] = t; sync(); render(j, which);
    }
    input.addEventListener("change", function () {
      var picked = Array.prototype.slice.call(input.files || []);
      var known = items.map(function (it) { return it.file; });
      picked.forEach(function (f) {
        if (known.indexOf(f) !== -1) return;
        if (items.length >= max) { toast(L("too-many")); return; }
        items.push({ file: f, url: URL.createObjectURL(f), alt: "", ai: false });
      });
      sync(); render(-1);
    });
  }

  // --- video upload: resumable, in chunks, with a progress bar --------------------------
  // The file goes to /api/v1/uploads in pieces; a dropped connection resumes from the
  // offset the server has. The form then carries only the upload's id.
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }
  function initVideoPicker(box) {
    if (box.getAttribute("data-ready")) return;
    box.setAttribute("data-ready", "1");
    var input = box.querySelector("input[type=file][name=video]");
    var hidden = box.querySelector("[data-video-id]"), chosen = box.querySelector("[data-video-chosen]");
    var bar = box.querySelector("[data-video-progress]"), status = box.querySelector("[data-video-status]");
    var nameEl = box.querySelector("[data-video-name]"), preview = box.querySelector("[data-video-preview]");
    var pick = box.querySelector("[data-video-pick]"), remove = box.querySelector("[data-video-remove]");
    var endpoint = box.getAttribute("data-endpoint"), form = box.closest("form");
    var L = function (k) { return box.getAttribute("data-label-" + k) || ""; };
    var job = null;  // { id, file, offset, size, chunk, tries, xhr, done }
    if (!input || typeof XMLHttpRequest === "undefined" || !window.fetch || !window.File) return;
    input.removeAttribute("name");  // with the script, the form sends the upload's id instead

    function say(text, bad) { status.textContent = text; status.classList.toggle("field-error", !!bad); }
    function showChosen(on) { chosen.hidden = !on; if (pick) pick.hidden = on; }
    function fail(message) {
      if (job) job.failed = true;
      say(message || L("failed"), true);
      hidden.value = "";
      if (bar) bar.value = 0;
    }
    function apiError(xhrOrBody) {
      try {
        var body = typeof xhrOrBody === "string" ? JSON.parse(xhrOrBody) : xhrOrBody;
        return body.error;
      } catch (e) { return null; }
    }
    function progress(sent) {
      if (!job) return;
      var pct = Math.floor(100 * sent / Math.max(1, job.size));
      bar.value = pct;
      say(L("uploading").replace("{percent}", pct + "%"));
    }
    function later(fn) {
      job.tries += 1;
      var wait = Math.min(30000, 1000 * Math.pow(2, Math.min(job.tries, 5)));
      say(L("retrying"));
      var mine = job;
      var go = function () { window.removeEventListener("online", go); if (job === mine && !mine.failed) fn(); };
      window.addEventListener("online", go);
      setTimeout(go, wait);
    }
    function resume() {  // ask the server where it stands, then carry on
      var mine = job;
      fetch(endpoint + "/" + mine.id, { credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
        .then(function (res) {
          if (job !== mine) return;
          if (!res.ok) { fail((apiError(res.body) || {}).message); return; }
          mine.offset = res.body.offset; mine.tries = 0; send();
        })
        .catch(function () { if (job === mine) later(resume); });
    }
    function finished(body) {
      job.done = true;
      bar.value = 100;
      hidden.value = job.id;
      var v = body.video || {};
      var extra = v.ai_generated ? " " + L("ai-declared") : "";
      say(L("ready") + extra);
      if (v.ai_generated) { var ai = box.querySelector("input[name=video_ai_generated]"); if (ai) ai.checked = true; }
    }
    function send() {
      var mine = job;
      if (mine.offset >= mine.size) return;
      var end = Math.min(mine.size, mine.offset + mine.chunk);
      var xhr = new XMLHttpRequest();
      mine.xhr = xhr;
      xhr.open("PATCH", endpoint + "/" + mine.id);
      xhr.setRequestHeader("Upload-Offset", String(mine.offset));
      xhr.setRequestHeader("Content-Type", "application/offset+octet-stream");
      xhr.setRequestHeader("X-CSRFToken", csrfToken());
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (e) { if (job === mine) progress(mine.offset + e.loaded); };
      if (end === mine.size) xhr.upload.onload = function () { if (job === mine) say(L("checking")); };
      xhr.onload = function () {
        if (job !== mine) return;
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 200 && body) {
          mine.offset = body.offset; mine.tries = 0;
          if (body.state === "complete") finished(body);
          else { progress(mine.offset); send(); }
        } else if (xhr.status === 409) {
          resume();
        } else if (xhr.status >= 500 || xhr.status === 0 || xhr.status === 429) {
          later(resume);
        } else {
          fail((apiError(body || {}) || {}).message);
        }
      };
      xhr.onerror = function () { if (job === mine) later(resume); };
      xhr.send(mine.file.slice(mine.offset, end));
    }
    function cancel() {
      if (!job) return;
      var old = job; job = null; old.failed = true;
      if (old.xhr) old.xhr.abort();
      if (old.id && !old.done) {
        fetch(endpoint + "/" + old.id, { method: "DELETE", credentials: "same-origin",
                                         headers: { "X-CSRFToken": csrfToken() } }).catch(function () {});
      }
    }
    function start(file) {
      cancel();
      hidden.value = "";
      showChosen(true);
      nameEl.textContent = file.name;
      if (preview) { preview.src = URL.createObjectURL(file); }
      bar.value = 0; say(L("uploading").replace("{percent}", "0%"));
      var mine = job = { id: null, file: file, offset: 0, size: file.size, chunk: 2097152, tries: 0 };
      fetch(endpoint, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
        body: JSON.stringify({ filename: file.name, size: file.size })
      }).then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
        .then(function (res) {
          if (job !== mine) return;
          if (!res.ok) { fail((apiError(res.body) || {}).message); return; }
          mine.id = res.body.id; mine.chunk = res.body.chunk_size || mine.chunk;
          send();
        })
        .catch(function () { if (job === mine) fail(document.body.getAttribute("data-offline-text")); });
    }
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (file) start(file);
      input.value = "";
    });
    if (remove) remove.addEventListener("click", function () {
      cancel(); hidden.value = ""; showChosen(false); say("");
      if (preview) { preview.removeAttribute("src"); preview.load(); }
      input.focus();
    });
    if (form) form.addEventListener("submit", function (e) {
      if (job && !job.done && !job.failed) { e.preventDefault(); toast(L("wait")); say(L("wait")); }
    }, true);
    document.addEventListener("htmx:confirm", function (e) {
      if (form && e.target === form && job && !job.done && !job.failed) { e.preventDefault(); toast(L("wait")); }
    });
  }

  // --- video player: keyboard, captions in the reader's language, data-friendly ----------
  var mq = function (q) { return window.matchMedia && window.matchMedia(q).matches; };
  function savesData() {
    var c = navigator.connection;
    return !!(c && c.saveData) || mq("(prefers-reduced-data: reduce)");
  }
  function calm() { return mq("(prefers-reduced-motion: reduce)"); }
  function showTrack(video, original) {
    var tracks = video.querySelectorAll("track");
    for (var i = 0; i < video.textTracks.length; i++) {
      var el = tracks[i], isOriginal = el && el.hasAttribute("data-original");
      video.textTracks[i].mode = (isOriginal === original) ? "showing" : "disabled";
    }
  }
  function initPlayer(fig) {
    if (fig.getAttribute("data-ready")) return;
    fig.setAttribute("data-ready", "1");
    var video = fig.querySelector("video");
    if (!video) return;
    var hd = fig.getAttribute("data-hd");
    // A big screen gets the sharpest rendition, unless the connection saves data.
    if (hd && !savesData() && video.clientWidth * (window.devicePixelRatio || 1) > 1400) {
      var source = video.querySelector("source");
      if (source) { source.src = hd; video.load(); }
    }
    video.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var k = e.key, handled = true;
      if (k === " " || k === "k" || k === "K") { if (video.paused) video.play(); else video.pause(); }
      else if (k === "ArrowLeft" || k === "j" || k === "J") video.currentTime = Math.max(0, video.currentTime - 5);
      else if (k === "ArrowRight" || k === "l" || k === "L") video.currentTime = Math.min(video.duration || 0, video.currentTime + 5);
      else if (k === "m" || k === "M") video.muted = !video.muted;
      else if (k === "c" || k === "C") {
        var on = false;
        for (var i = 0; i < video.textTracks.length; i++) if (video.textTracks[i].mode === "showing") on = true;
        if (on) for (var j = 0; j < video.textTracks.length; j++) video.textTracks[j].mode = "disabled";
        else showTrack(video, false);
      }
      else if ((k === "f" || k === "F") && video.requestFullscreen) {
        if (document.fullscreenElement) document.exitFullscreen(); else video.requestFullscreen();
      }
      else handled = false;
      if (handled) { e.preventDefault(); e.stopPropagation(); }
    });
    if (video.hasAttribute("data-autoplay") && !savesData() && !calm()) {
      video.muted = true;
      var p = video.play(); if (p && p.catch) p.catch(function () {});
    }
  }
  // "Show original" under a clip with translated captions swaps the showing track.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-captions-toggle]");
    if (!btn) return;
    var slide = btn.closest(".slide-video"), video = slide && slide.querySelector("video");
    if (!video) return;
    var original = btn.getAttribute("aria-pressed") !== "true";
    showTrack(video, original);
    btn.setAttribute("aria-pressed", original ? "true" : "false");
    btn.textContent = btn.getAttribute(original ? "data-translation" : "data-original");
  });
  // A clip stops when its slide scrolls away or the overlay closes.
  function pauseAll(root) { root.querySelectorAll("video").forEach(function (v) { if (!v.paused) v.pause(); }); }

  // --- autoplay in the waterfall: muted, only in view, only when allowed ------------------
  var cardObserver = null;
  function initCardAutoplay(box) {
    if (box.getAttribute("data-ready") || savesData() || calm() || !("IntersectionObserver" in window)) return;
    box.setAttribute("data-ready", "1");
    if (!cardObserver) {
      cardObserver = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          var holder = entry.target, v = holder.querySelector("video.card-video");
          if (entry.isIntersecting && entry.intersectionRatio >= 0.6) {
            if (!v) {
              v = document.createElement("video");
              v.className = "card-video"; v.muted = true; v.loop = true; v.playsInline = true;
              v.setAttribute("muted", ""); v.setAttribute("playsinline", ""); v.setAttribute("aria-hidden", "true");
              v.preload = "auto"; v.src = holder.getAttribute("data-autoplay");
              holder.appendChild(v);
            }
            var p = v.play(); if (p && p.catch) p.catch(function () {});
          } else if (v) {
            v.pause();
          }
        });
      }, { threshold: [0, 0.6] });
    }
    cardObserver.observe(box);
  }

  // --- overlay: a note opened from the grid, with its own URL --------------------------
  var overlayOpenedByUs = false, lastFocus = null;
  function overlay() { return document.getElementById("overlay"); }
  function openOverlay(url, push) {
    var dlg = overlay();
    return fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
      .then(function (html) {
        var body = document.getElementById("overlay-body");
        body.innerHTML = html;
        if (push) addWhy(body, lastFocus);
        if (window.htmx) window.htmx.process(body);
        init(body);
        if (!dlg.open) dlg.showModal();
        dlg.scrollTop = 0;
        if (push) { history.pushState({ qiaoOverlay: url }, "", url); overlayOpenedByUs = true; }
        var car = body.querySelector("[data-carousel]"); if (car) car.focus({ preventScroll: true });
      })
      .catch(function () { window.location.href = url; });
  }
  // "Why am I seeing this?": a For-you card's reason, repeated at the top of its note.
  function addWhy(body, link) {
    var card = link && link.closest && link.closest("[data-card]");
    var why = card && card.querySelector(".card-reason");
    var side = body.querySelector(".note-scroll");
    if (!why || !side) return;
    var box = document.createElement("p");
    box.className = "overlay-why";
    var q = document.createElement("span");
    q.className = "overlay-why-q";
    q.textContent = why.getAttribute("data-why-title") + " ";
    box.appendChild(q);
    var said = why.querySelector("a, span:not(.visually-hidden)");
    if (said) box.appendChild(said.cloneNode(true));
    side.insertBefore(box, side.firstChild);
  }
  function closeOverlay() {
    var dlg = overlay(); if (!dlg || !dlg.open) return;
    pauseAll(dlg);
    dlg.close();
    document.getElementById("overlay-body").textContent = "";
    if (lastFocus && document.contains(lastFocus)) lastFocus.focus({ preventScroll: true });
  }
  function requestClose() {
    if (overlayOpenedByUs && history.state && history.state.qiaoOverlay) history.back();
    else closeOverlay();
  }
  window.addEventListener("popstate", function (e) {
    var dlg = overlay();
    if (e.state && e.state.qiaoOverlay) { openOverlay(e.state.qiaoOverlay, false); return; }
    if (dlg && dlg.open) { overlayOpenedByUs = false; closeOverlay(); }
  });

  document.addEventListener("click", function (e) {
    var t = e.target;
    var link = t.closest && t.closest("a[data-overlay]");
    if (link && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey && e.button === 0 && overlay()) {
      e.preventDefault(); lastFocus = link; openOverlay(link.getAttribute("href"), true); return;
    }
    if (t.closest && t.closest("[data-close-overlay]")) { requestClose(); return; }
    var dlg = overlay();
    if (dlg && t === dlg) { requestClose(); return; }
    var confirmer = t.closest && t.closest("[data-confirm]");
    if (confirmer && !window.confirm(confirmer.getAttribute("data-confirm"))) { e.preventDefault(); return; }
    var share = t.closest && t.closest("[data-share]");
    if (share) {
      var url = new URL(share.getAttribute("data-share"), window.location.href).href;
      var done = function () { toast(share.getAttribute("data-copied")); };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(url).then(done, function () { window.prompt("", url); });
      else window.prompt("", url);
      return;
    }
    var addTopic = t.closest && t.closest("[data-add-topic]");
    if (addTopic) {
      var field = document.getElementById("topics");
      var parts = field.value.split(/[,，]/).map(function (s) { return s.trim(); }).filter(Boolean);
      if (parts.length && field.value.trim().slice(-1) !== "," && parts.indexOf(addTopic.getAttribute("data-add-topic")) === -1) parts.pop();
      if (parts.indexOf(addTopic.getAttribute("data-add-topic")) === -1) parts.push(addTopic.getAttribute("data-add-topic"));
      field.value = parts.join(", ") + ", "; field.focus();
      return;
    }
    // Close open menus when clicking elsewhere.
    document.querySelectorAll("details.menu[open]").forEach(function (d) { if (!d.contains(t)) d.removeAttribute("open"); });
  });
  document.addEventListener("cancel", function (e) {
    if (e.target === overlay()) { e.preventDefault(); requestClose(); }
  }, true);

  // --- htmx glue -----------------------------------------------------------------------
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (!e.detail.successful || !form || !form.hasAttribute || !form.hasAttribute("data-reset-on-success")) return;
    if (e.detail.xhr && e.detail.xhr.responseText.indexOf("form-error") !== -1) return;
    form.reset();
    var det = form.closest("details.reply"); if (det) det.removeAttribute("open");
    var root = form.closest(".note");
    if (root) root.querySelectorAll(".comments-empty, .comment-list > .form-error").forEach(function (n) { n.remove(); });
  });

  // Saved to a board: the star turns on, the panel closes (it would cover the comment box)
  // and a toast says where the note went.
  document.addEventListener("htmx:afterSwap", function (e) {
    var panel = e.detail.target;
    var ok = panel && panel.classList && panel.classList.contains("collect-panel") && panel.querySelector(".ok");
    if (!ok) return;
    var menu = panel.closest("details");
    var summary = menu && menu.querySelector("summary");
    if (summary) { summary.classList.add("is-on"); summary.focus(); }
    if (menu) menu.removeAttribute("open");
    toast(ok.getAttribute("data-saved") || ok.textContent);
  });

  // Escape closes an open menu (the Collect panel, the account menu) and gives the focus
  // back to what opened it.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var open = document.querySelectorAll("details.menu[open]");
    if (!open.length) return;
    var last = open[open.length - 1];
    last.removeAttribute("open");
    var s = last.querySelector("summary"); if (s) s.focus();
    e.preventDefault(); e.stopPropagation();
  }, true);

  // A like in the overlay also shows on the card underneath it.
  document.addEventListener("htmx:afterSwap", function (e) {
    var form = e.detail.target;
    if (!form || !form.classList || !form.classList.contains("like")) return;
    var fresh = document.querySelector("#overlay form.like[action='" + form.getAttribute("action") + "']");
    if (!fresh) return;
    // (aria-pressed, not the class: htmx settles `class` from the old button a moment later)
    var btn = fresh.querySelector(".like-btn"), on = btn.getAttribute("aria-pressed") === "true";
    var count = fresh.querySelector(".like-count").textContent;
    document.querySelectorAll("#feed form.like[action='" + fresh.getAttribute("action") + "']").forEach(function (card) {
      var b = card.querySelector(".like-btn");
      b.classList.toggle("is-on", on); b.setAttribute("aria-pressed", on ? "true" : "false");
      b.setAttribute("aria-label", btn.getAttribute("aria-label"));
      card.querySelector("input[name=action]").value = on ? "unlike" : "like";
      card.querySelector(".like-count").textContent = count;
    });
  });

  // htmx does not swap error responses; say something instead of doing nothing.
  document.addEventListener("htmx:responseError", function () {
    toast(document.body.getAttribute("data-error-text"));
  });
  document.addEventListener("htmx:sendError", function () {
    toast(document.body.getAttribute("data-offline-text"));
  });

  // A compose error from the media pipeline: bring it into view, keep everything typed.
  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail.target;
    if (target && target.id === "compose-errors") {
      var alert = target.querySelector(".alert");
      if (alert) { alert.setAttribute("tabindex", "-1"); alert.scrollIntoView({ block: "center" }); alert.focus({ preventScroll: true }); }
    }
  });

  // --- translations: "Show original" / "Show translation" without a reload --------------
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-tr-toggle]");
    if (!btn) return;
    var block = btn.closest("[data-tr]");
    var orig = block && block.querySelector(":scope > .tr-orig");
    var alt = block && block.querySelector(":scope > .tr-alt");
    if (!orig || !alt) return;
    var showOriginal = orig.hidden;
    orig.hidden = !showOriginal; alt.hidden = showOriginal;
    block.classList.toggle("is-translated", !showOriginal);
    btn.textContent = btn.getAttribute(showOriginal ? "data-translation" : "data-original");
    btn.setAttribute("aria-pressed", showOriginal ? "true" : "false");
    var note = block.querySelector(".tr-note"); if (note) note.hidden = showOriginal;
    initWords(block);
  });

  // After "Translate" is pressed, the block is swapped: keep the keyboard focus on its bar.
  var trPending = null;
  document.addEventListener("htmx:beforeRequest", function (e) {
    var elt = e.detail.elt, ev = e.detail.requestConfig && e.detail.requestConfig.triggeringEvent;
    if (elt && elt.classList && elt.classList.contains("tr-btn") && ev && ev.type === "click") {
      trPending = elt.closest("[data-tr]").id;
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!trPending) return;
    var block = document.getElementById(trPending); trPending = null;
    var target = block && (block.querySelector("[data-tr-toggle]") || block.querySelector(".tr-unavailable"));
    if (!target) return;
    if (!target.matches("button")) target.tabIndex = -1;
    target.focus({ preventScroll: true });
  });

  // --- word look-up: tap, click or Enter on a word; Escape closes ------------------------
  // The server wraps each word of text in a language the reader may be learning in
  // <span class="w">; one word per block is in the tab order, arrow keys move between them.
  var pop = null, popWord = null;
  function closeLookup(refocus) {
    if (!pop) return;
    pop.remove(); pop = null;
    if (popWord) {
      popWord.classList.remove("is-on"); popWord.setAttribute("aria-expanded", "false");
      popWord.removeAttribute("aria-controls");
      if (refocus) popWord.focus({ preventScroll: true });
    }
    popWord = null;
  }
  function placeLookup() {
    if (!pop || !popWord) return;
    if (window.matchMedia("(max-width: 599px)").matches) { pop.style.top = ""; pop.style.left = ""; return; }
    var r = popWord.getBoundingClientRect(), w = pop.offsetWidth, h = pop.offsetHeight;
    var left = Math.max(8, Math.min(r.left, window.innerWidth - w - 8));
    var top = r.bottom + 6;
    if (top + h > window.innerHeight - 8 && r.top - h - 6 > 8) top = r.top - h - 6;
    pop.style.left = left + "px"; pop.style.top = top + "px";
  }
  function openLookup(word, byKeyboard) {
    var block = word.closest("[data-words]");
    if (!block) return;
    if (popWord === word) { closeLookup(byKeyboard); return; }
    closeLookup(false);
    popWord = word;
    word.classList.add("is-on"); word.setAttribute("aria-expanded", "true");
    pop = document.createElement("div");
    pop.className = "lookup"; pop.id = "lookup"; pop.tabIndex = -1;
    pop.setAttribute("role", "dialog");
    pop.setAttribute("aria-label", word.textContent);
    pop.innerHTML = '<p class="lookup-none">…</p>';
    word.setAttribute("aria-controls", "lookup");
    // Inside the note overlay (a modal <dialog>) the popover must live in the dialog.
    (word.closest("dialog") || document.body).appendChild(pop);
    placeLookup();
    var mine = pop;
    fetch(block.getAttribute("data-lookup") + "?text=" + encodeURIComponent(word.textContent),
      { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        if (pop !== mine) return;
        pop.innerHTML = html;  // server-rendered and escaped
        placeLookup();
        if (byKeyboard) pop.focus({ preventScroll: true });
      })
      .catch(function () { if (pop === mine) closeLookup(false); toast(document.body.getAttribute("data-offline-text")); });
  }
  function initWords(root) {
    var blocks = root.matches && root.matches("[data-words]") ? [root] : [];
    root.querySelectorAll("[data-words]").forEach(function (b) { blocks.push(b); });
    blocks.forEach(function (b) {
      if (b.querySelector(".w[tabindex='0']")) return;
      var first = b.querySelector(".w");
      if (first) rove(first);
    });
  }
  function rove(word) {
    var block = word.closest("[data-words]");
    block.querySelectorAll(".w[tabindex]").forEach(function (w) {
      w.removeAttribute("tabindex"); w.removeAttribute("role"); w.removeAttribute("aria-haspopup");
    });
    word.tabIndex = 0; word.setAttribute("role", "button"); word.setAttribute("aria-haspopup", "dialog");
  }
  document.addEventListener("click", function (e) {
    var t = e.target;
    var word = t.closest && t.closest("[data-words] .w");
    if (word && !t.closest("a")) { rove(word); openLookup(word, false); return; }
    if (t.closest && t.closest("[data-lookup-close]")) { closeLookup(true); return; }
    if (pop && !pop.contains(t)) closeLookup(false);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && pop) { e.preventDefault(); e.stopPropagation(); closeLookup(true); return; }
    var t = e.target;
    if (!t.classList || !t.classList.contains("w")) return;
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); openLookup(t, true); return; }
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      var all = Array.prototype.slice.call(t.closest("[data-words]").querySelectorAll(".w"));
      var next = all[all.indexOf(t) + (e.key === "ArrowRight" ? 1 : -1)];
      if (next) { e.preventDefault(); rove(next); next.focus(); if (pop) openLookup(next, false); }
    }
  }, true);
  window.addEventListener("resize", function () { closeLookup(false); });
  document.addEventListener("scroll", function () { placeLookup(); }, true);

  function init(root) {
    paint(root);
    initWords(root);
    root.querySelectorAll("[data-carousel]").forEach(initCarousel);
    root.querySelectorAll("[data-compose]").forEach(initCompose);
    root.querySelectorAll("[data-video]").forEach(initVideoPicker);
    root.querySelectorAll("[data-player]").forEach(initPlayer);
    root.querySelectorAll("[data-autoplay]:not(video)").forEach(initCardAutoplay);
    var wfs = root.matches && root.matches("[data-waterfall]") ? [root] : [];
    root.querySelectorAll("[data-waterfall]").forEach(function (w) { wfs.push(w); });
    var parentWf = root.closest && root.closest("[data-waterfall]");
    if (parentWf) wfs.push(parentWf);
    wfs.forEach(function (w) { layout(w, false); });
  }

  function start() {
    document.documentElement.classList.add("js");
    if (window.htmx) {
      window.htmx.onLoad(function (el) { init(el.nodeType === 1 ? el : document.body); });
    } else {
      init(document.body);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
