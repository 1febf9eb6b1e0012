/* Live delivery for signed-in members: one server-sent-events stream per tab
   (GET /api/v1/live/stream) brings new messages, typing, read receipts and badge counts.
   EventSource reconnects by itself and sends Last-Event-ID, so nothing is lost or repeated;
   a proxy that buffers the stream (no "hello" within a few seconds) makes us poll
   /api/v1/live/events instead. On a conversation page it also runs the composer: Enter
   sends, Shift+Enter is a new line, replies, photos, "typing…" and read marks.
   No inline script is allowed (CSP), so everything is wired from data- attributes. */
(function () {
  "use strict";
  var body = document.body;
  if (!body || !body.getAttribute("data-live")) return;
  var STREAM = body.getAttribute("data-live"), POLL = body.getAttribute("data-live-poll");
  var chat = document.querySelector("[data-chat]");
  var inbox = document.querySelector("[data-inbox]");
  var chatId = chat ? chat.getAttribute("data-chat") : null;
  var last = chat ? parseInt(chat.getAttribute("data-live-after") || "0", 10) : 0;
  var csrf = (function () {
    try { return JSON.parse(body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  })();

  function post(url, data) {
    var form = new FormData();
    Object.keys(data || {}).forEach(function (k) { form.append(k, data[k]); });
    return fetch(url, { method: "POST", body: form, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "HX-Request": "true" } });
  }
  function getHTML(url) {
    return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); });
  }

  // --- badges -----------------------------------------------------------------------------
  function setBadge(name, n) {
    document.querySelectorAll("[data-badge='" + name + "']").forEach(function (b) {
      // (an empty slot is not a .badge, so pages count only badges that show something)
      b.textContent = String(n); b.hidden = !n; b.className = n ? "badge" : "badge-slot";
    });
  }
  var counts = { messages: 0, requests: 0, notifications: 0 };
  function refreshDot() {
    document.querySelectorAll("[data-badge='dot']").forEach(function (d) {
      d.hidden = !(counts.messages || counts.requests || counts.notifications);
    });
  }
  (function initCounts() {
    var m = document.querySelector("[data-badge='messages']"), n = document.querySelector("[data-badge='notifications']");
    counts.messages = m ? parseInt(m.textContent || "0", 10) || 0 : 0;
    counts.notifications = n ? parseInt(n.textContent || "0", 10) || 0 : 0;
  })();

  // --- the conversation page ------------------------------------------------------------------
  var log = chat && document.getElementById("chat-log");
  function lastMessageId() {
    var items = log ? log.querySelectorAll("[data-msg]") : [];
    var max = 0;
    items.forEach(function (el) { max = Math.max(max, parseInt(el.getAttribute("data-msg"), 10) || 0); });
    return max;
  }
  function nearBottom() { return !log || log.scrollHeight - log.scrollTop - log.clientHeight < 120; }
  function toBottom() { if (log) log.scrollTop = log.scrollHeight; }
  function dedupe() {
    if (!log) return;
    var seen = {};
    log.querySelectorAll("[data-msg]").forEach(function (el) {
      var id = el.getAttribute("data-msg");
      if (seen[id]) el.remove(); else seen[id] = true;
    });
    var empty = log.querySelector(".chat-empty");
    if (empty && log.querySelector("[data-msg]")) empty.remove();
    var after = chat.querySelector("[data-after]");
    if (after) after.value = String(lastMessageId());
  }
  function insert(html) {
    if (!log || !html.trim()) return;
    var stick = nearBottom();
    var box = document.createElement("div");
    box.innerHTML = html;
    var added = [];
    Array.prototype.slice.call(box.children).forEach(function (el) {
      var id = el.getAttribute("data-msg");
      if (id && log.querySelector("[data-msg='" + id + "']")) return;  // already shown
      log.appendChild(el); added.push(el);
    });
    added.forEach(function (el) { if (window.htmx) window.htmx.process(el); });
    if (added.length && window.htmx) window.htmx.trigger(log, "htmx:load");
    dedupe();
    if (stick) toBottom();
    return added;
  }
  var fetching = false, again = false;
  function fetchNew() {
    if (!chat) return;
    if (fetching) { again = true; return; }
    fetching = true;
    getHTML(chat.getAttribute("data-after-url") + "?after=" + lastMessageId())
      .then(function (html) {
        var added = insert(html) || [];
        var theirs = added.filter(function (el) { return !el.hasAttribute("data-mine"); });
        if (theirs.length) { announce(theirs[theirs.length - 1]); markRead(); }
      })
      .catch(function () {})
      .then(function () { fetching = false; if (again) { again = false; fetchNew(); } });
  }
  function replaceMessage(id) {
    if (!chat) return;
    var el = log.querySelector("[data-msg='" + id + "']");
    if (!el) return;
    var url = chat.getAttribute("data-message-url").replace(/0$/, String(id));
    getHTML(url).then(function (html) {
      var box = document.createElement("div"); box.innerHTML = html;
      var fresh = box.firstElementChild;
      if (fresh) { el.replaceWith(fresh); if (window.htmx) window.htmx.process(fresh); }
    }).catch(function () { el.remove(); });  // hidden from us now
  }
  function announce(el) {
    var a = document.getElementById("live-announce");
    var who = el.getAttribute("aria-label") || "";
    if (a && document.hidden) a.textContent = (a.getAttribute("data-new-message") || "").replace("{name}", who);
  }
  var readTimer = null;
  function markRead() {
    if (!chat || document.hidden || chat.getAttribute("data-request")) return;
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      post(chat.getAttribute("data-read-url"), { up_to: String(lastMessageId()) });
    }, 300);
  }
  document.addEventListener("visibilitychange", function () { if (!document.hidden) markRead(); });

  var typingTimer = null;
  function showTyping(name) {
    var t = document.getElementById("chat-typing");
    if (!t) return;
    t.textContent = (chat.getAttribute("data-typing-one") || "").replace("{name}", name);
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { t.textContent = ""; }, 5000);
  }

  if (chat) {
    toBottom();
    markRead();
    var composer = chat.querySelector("[data-composer]");
    var text = chat.querySelector("[data-composer-text]");
    var lastTyping = 0;
    if (text) {
      var grow = function () { text.style.height = "auto"; text.style.height = Math.min(text.scrollHeight, 140) + "px"; };
      text.addEventListener("input", function () {
        grow();
        var now = Date.now();
        if (text.value.trim() && now - lastTyping > 3000) {
          lastTyping = now; post(chat.getAttribute("data-typing-url"), {});
        }
      });
      text.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !window.matchMedia("(pointer: coarse)").matches) {
          e.preventDefault();
          if (text.value.trim() || chat.querySelector("[data-photo-input]").files.length) composer.requestSubmit();
        }
      });
    }
    var photos = chat.querySelector("[data-photo-input]"), names = chat.querySelector("[data-photo-names]");
    if (photos && names) photos.addEventListener("change", function () {
      names.textContent = Array.prototype.map.call(photos.files, function (f) { return f.name; }).join(", ");
    });
    var replyBox = chat.querySelector("[data-reply-box]"), replyTo = chat.querySelector("[data-reply-to]");
    document.addEventListener("click", function (e) {
      var r = e.target.closest && e.target.closest("[data-reply]");
      if (r && replyBox) {
        replyTo.value = r.getAttribute("data-reply");
        replyBox.querySelector("[data-reply-label]").textContent = r.getAttribute("data-reply-who") + ": " + r.getAttribute("data-reply-text");
        replyBox.hidden = false; text.focus();
        return;
      }
      if (e.target.closest && e.target.closest("[data-reply-cancel]")) { replyTo.value = ""; replyBox.hidden = true; text.focus(); }
    });
    document.addEventListener("htmx:afterRequest", function (e) {
      if (e.detail.elt !== composer || !e.detail.successful) return;
      if (e.detail.xhr && e.detail.xhr.responseText.indexOf("chat-error") !== -1) return;
      composer.reset(); if (replyBox) replyBox.hidden = true; if (names) names.textContent = "";
      if (text) { text.style.height = "auto"; text.focus(); }
    });
    document.addEventListener("htmx:afterSwap", function (e) {
      if (e.detail.target === log) { dedupe(); toBottom(); }
    });
  }

  // --- the list -------------------------------------------------------------------------------
  var listTimer = null;
  function refreshInbox() {
    if (!inbox) return;
    clearTimeout(listTimer);
    listTimer = setTimeout(function () {
      getHTML(inbox.getAttribute("data-rows-url")).then(function (html) {
        var rows = document.getElementById("inbox-rows"); if (rows) rows.innerHTML = html;
      }).catch(function () {});
    }, 200);
  }

  // --- events ---------------------------------------------------------------------------------
  function handle(type, data) {
    data = data || {};
    var here = chatId && String(data.conversation) === chatId;
    if (data.counts) handle("counts", data.counts);
    if (type === "message") {
      if (here) { fetchNew(); var t = document.getElementById("chat-typing"); if (t) t.textContent = ""; }
      refreshInbox();
    }
    else if (type === "message.changed") { if (here) replaceMessage(data.message); refreshInbox(); }
    else if (type === "typing") { if (here) showTyping(data.name || data.user); }
    else if (type === "read") {
      if (here) { var mine = log.querySelectorAll("[data-mine]"); if (mine.length) replaceMessage(mine[mine.length - 1].getAttribute("data-msg")); }
    }
    else if (type === "conversation") {
      if (here && data.change === "gone") window.location.href = "/messages/";
      else if (here) window.location.reload();
      refreshInbox();
    }
    else if (type === "counts") {
      counts.messages = data.messages || 0; counts.requests = data.requests || 0;
      setBadge("messages", counts.messages); refreshDot();
    }
    else if (type === "notifications") {
      counts.notifications = data.unread || 0; setBadge("notifications", counts.notifications); refreshDot();
    }
    else if (type === "reset") { window.location.reload(); }
  }

  var TYPES = ["message", "message.changed", "typing", "read", "read.self", "conversation", "counts", "notifications", "reset"];
  var source = null, polling = false, helloTimer = null, failures = 0;
  function connect() {
    if (typeof EventSource === "undefined") { startPolling(); return; }
    source = new EventSource(STREAM + (last ? "?after=" + last : ""));
    helloTimer = setTimeout(function () { if (source) { source.close(); source = null; } startPolling(); }, 8000);
    source.addEventListener("hello", function () { clearTimeout(helloTimer); failures = 0; body.setAttribute("data-live-state", "stream"); });
    TYPES.forEach(function (t) {
      source.addEventListener(t, function (e) {
        if (e.lastEventId) last = parseInt(e.lastEventId, 10) || last;
        var data = {}; try { data = JSON.parse(e.data); } catch (err) { /* ignore */ }
        handle(t, data);
      });
    });
    source.onerror = function () {
      failures += 1;
      if (failures > 5 && source) { source.close(); source = null; clearTimeout(helloTimer); startPolling(); }
    };
  }
  function startPolling() {
    if (polling) return;
    polling = true;
    body.setAttribute("data-live-state", "poll");
    var tick = function () {
      fetch(POLL + "?after=" + last, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (res) {
          if (!res) return;
          if (res.reset) { window.location.reload(); return; }
          res.events.forEach(function (ev) { handle(ev.type, ev.data); });
          last = res.last;
        })
        .catch(function () {})
        .then(function () { setTimeout(tick, document.hidden ? 15000 : 3000); });
    };
    if (!last) {
      fetch(POLL, { credentials: "same-origin" }).then(function (r) { return r.json(); })
        .then(function (res) { last = res.last; tick(); }).catch(function () { setTimeout(startPolling, 5000); polling = false; });
    } else tick();
  }
  connect();
})();
