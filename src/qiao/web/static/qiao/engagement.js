/* Engagement signals the For-you recommender learns from, sent to /api/v1/events:
   dwell time on an opened note (page or overlay), shares, and for clips a "play" when one
   starts and a "watch" with the seconds actually watched (seeking is not watching).
   Impressions and opens are logged by the server when it renders them. Signed-in visitors
   only; best effort. */
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
    flushWatch(false);
    if (viewing && viewing.id === id) return;
    flush();
    if (id) viewing = { id: id, since: Date.now() };
  }

  // --- clips -------------------------------------------------------------------------
  var players = [];  // { video, id, played, watched, last }
  function surface() { return document.querySelector("#overlay[open]") ? "overlay" : "page"; }
  function player(video) {
    for (var i = 0; i < players.length; i++) if (players[i].video === video) return players[i];
    var fig = video.closest && video.closest("[data-player]");
    if (!fig) return null;
    var st = { video: video, id: parseInt(fig.getAttribute("data-note-id"), 10), played: false,
               watched: 0, last: video.currentTime };
    players.push(st);
    return st;
  }
  function flushWatch(all) {
    // Send the watch time of clips that are gone, hidden or finished (all: every clip).
    var out = [];
    players.forEach(function (st) {
      var due = all || document.hidden || st.video.ended || !document.contains(st.video);
      if (due && st.watched >= 0.5) {
        out.push({ kind: "watch", note_id: st.id, value: Math.round(st.watched * 10) / 10,
                   surface: surface() });
        st.watched = 0;
      }
    });
    players = players.filter(function (st) { return document.contains(st.video); });
    send(out);
  }
  document.addEventListener("play", function (e) {
    var st = player(e.target);
    if (!st) return;
    st.last = e.target.currentTime;
    if (!st.played) { st.played = true; send([{ kind: "play", note_id: st.id, surface: surface() }]); }
  }, true);
  document.addEventListener("timeupdate", function (e) {
    var st = player(e.target);
    if (!st || e.target.paused || e.target.seeking) return;
    var delta = e.target.currentTime - st.last;
    if (delta > 0 && delta < 2) st.watched += delta;
    st.last = e.target.currentTime;
  }, true);
  document.addEventListener("seeked", function (e) {
    var st = player(e.target);
    if (st) st.last = e.target.currentTime;
  }, true);
  document.addEventListener("ended", function () { flushWatch(false); }, true);

  window.setInterval(check, 1000);
  document.addEventListener("visibilitychange", check);
  window.addEventListener("pagehide", function () { flushWatch(true); flush(); });
  document.addEventListener("click", function (e) {
    var share = e.target.closest && e.target.closest("[data-share]");
    if (!share) return;
    var note = share.closest("article.note[data-note-id]");
    if (note) send([{ kind: "share", note_id: parseInt(note.getAttribute("data-note-id"), 10) }]);
  });
  check();
})();
