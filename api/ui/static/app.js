// Local times: the pages give every time in UTC with its instant in datetime=; the browser shows
// it in the desk's own time zone (the UTC text stays as the tooltip).
(function () {
  "use strict";
  var format = window.Intl && new Intl.DateTimeFormat(undefined, {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    hour12: false, timeZoneName: "short"
  });
  function localTimes() {
    if (!format) { return; }
    document.querySelectorAll("time[datetime]").forEach(function (el) {
      if (el.hasAttribute("data-local")) { return; }
      var at = new Date(el.getAttribute("datetime"));
      if (isNaN(at.getTime())) { return; }
      el.setAttribute("title", el.textContent);
      el.textContent = format.format(at);
      el.setAttribute("data-local", "");
    });
  }
  document.addEventListener("DOMContentLoaded", localTimes);
  document.addEventListener("htmx:afterSettle", localTimes);
  window.handoverLocalTimes = localTimes;
})();

// Live updates: the page listens to the server's stream of action changes and redraws its
// content when something it shows has changed, unless the person is in the middle of typing.
(function () {
  "use strict";
  var dirty = false;
  document.addEventListener("input", function (e) {
    if (e.target.closest("form")) { dirty = true; }
  });
  document.addEventListener("submit", function () { dirty = false; });
  // A refused form shown again (at the address it was posted to) holds what the person typed: it
  // is never redrawn under them, and a redraw would fetch that address, not the page's.
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("#live[data-refused]")) { dirty = true; }
  });

  function watched() {
    var el = document.querySelector("[data-live]");
    return el ? el.getAttribute("data-live") : null;
  }

  // busy: the person has typed into a form, or is in one of its fields now.
  function busy() {
    var el = document.activeElement;
    return dirty || (el && el.closest && el.closest("#live form") !== null &&
      /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  var pending = false;
  function refresh(reason) {
    if (pending) { return; }
    var status = document.getElementById("live-status");
    if (busy()) {
      if (status) {
        status.textContent = document.querySelector("#live[data-refused]") ?
          "This page has changed since. You will see it once you send the form again or leave it." :
          "This page changed while you were typing. Reload to see it.";
      }
      return;
    }
    pending = true;
    // Panels the person opened stay open across the redraw.
    var open = Array.prototype.map.call(document.querySelectorAll("#live details[open][id]"), function (d) { return d.id; });
    window.htmx.ajax("GET", window.location.pathname + window.location.search, {
      target: "#live", select: "#live", swap: "outerHTML"
    }).then(function () {
      pending = false;
      open.forEach(function (id) {
        var d = document.getElementById(id);
        if (d) { d.open = true; }
      });
      document.body.setAttribute("data-refreshed", String(Date.now()));
      if (status) { status.textContent = reason; }
    }, function () { pending = false; });
  }

  function start() {
    if (!window.EventSource || !document.body.hasAttribute("hx-headers")) { return; }
    var source = new EventSource("/events");
    source.addEventListener("action", function (e) {
      var want = watched();
      if (!want) { return; }
      var change;
      try { change = JSON.parse(e.data); } catch (err) { return; }
      var shown = document.querySelector("[data-version]");
      if (want === change.id && shown && Number(shown.getAttribute("data-version")) >= change.version) {
        return; // the page already shows this version
      }
      if (want === "all" || want === change.id) {
        refresh("Updated: an action changed (" + change.status.replace(/_/g, " ") + ").");
      }
    });
    var poll = document.querySelector("[data-poll]");
    if (poll) {
      window.setInterval(function () { refresh("Updated."); }, Number(poll.getAttribute("data-poll")) || 3000);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
