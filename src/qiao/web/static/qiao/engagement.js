/* Engagement signals the For-you recommender learns from, sent to /api/v1/events:
   dwell time on an opened note (page or overlay) and shares. Impressions and opens are
   logged by the server when it renders them. Signed-in visitors only; best effort. */
(function () {
  "use strict";
  if (!document.body || !document.body.hasAttribute("data-signed-in")) return;

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function send(events) {
    if (!events.length || !window.fetch) return;
    window.fetch("/api/v1/events", {
      method: "POST", keepalive: true, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ events: events })
    }).catch(function () { /* the log is best effort */ });
  }

  var viewing = null; // { id, since }

  function shownNoteId() {
    var note = document.querySelector("#overlay[open] article.note[data-note-id]") ||
      document.querySelector("main article.note[data-note-id]");
    return note ? parseInt(note.getAttribute("data-note-id"), 10) : null;
  }

  function flush() {
    if (!viewing) return;
    var seconds = (Date.now() - viewing.since) / 1000;
    if (seconds >= 1) {
      send([{ kind: "dwell", note_id: viewing.id, value: Math.min(seconds, 3600),
              surface: document.querySelector("#overlay[open]") ? "overlay" : "page" }]);
    }
    viewing = null;
  }

  function check() {
    var id = document.hidden ? null : shownNoteId();
    if (viewing && viewing.id === id) return;
    flush();
    if (id) viewing = { id: id, since: Date.now() };
  }

  window.setInterval(check, 1000);
  document.addEventListener("visibilitychange", check);
  window.addEventListener("pagehide", flush);
  document.addEventListener("click", function (e) {
    var share = e.target.closest && e.target.closest("[data-share]");
    if (!share) return;
    var note = share.closest("article.note[data-note-id]");
    if (note) send([{ kind: "share", note_id: parseInt(note.getAttribute("data-note-id"), 10) }]);
  });
  check();
})();
