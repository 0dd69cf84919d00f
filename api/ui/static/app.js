// Local times: the pages give every time in UTC with its instant in datetime=; the browser shows
// it in the desk's own time zone (the UTC text stays as the tooltip).
(function () {
  "use strict";
  var parts = {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    hour12: false, timeZoneName: "short"
  };
  var format = window.Intl && new Intl.DateTimeFormat(undefined, parts);
  // A time in another year than this one says its year (a deadline 22 months ahead was read as
  // one this year).
  var withYear = window.Intl && new Intl.DateTimeFormat(undefined, Object.assign({ year: "numeric" }, parts));
  function localTimes() {
    if (!format) { return; }
    var thisYear = new Date().getFullYear();
    document.querySelectorAll("time[datetime]").forEach(function (el) {
      if (el.hasAttribute("data-local")) { return; }
      var at = new Date(el.getAttribute("datetime"));
      if (isNaN(at.getTime())) { return; }
      el.setAttribute("title", el.textContent);
      el.textContent = (at.getFullYear() === thisYear ? format : withYear).format(at);
      el.setAttribute("data-local", "");
    });
  }
  document.addEventListener("DOMContentLoaded", localTimes);
  document.addEventListener("htmx:afterSettle", localTimes);
  window.handoverLocalTimes = localTimes;
})();

// Relative times ("in 2h 5m", "3m ago") count on between redraws: each data-rel holds its instant,
// and the words are said again every 30 s the way the server says them.
(function () {
  "use strict";
  function span(ms) {
    var m = Math.round(ms / 60000);
    if (m < 60) { return m + "m"; }
    if (m < 48 * 60) { return Math.floor(m / 60) + "h " + (m % 60) + "m"; }
    return Math.round(m / 1440) + " days";
  }
  function relative() {
    document.querySelectorAll("[data-rel]").forEach(function (el) {
      var at = Date.parse(el.getAttribute("data-rel"));
      if (isNaN(at)) { return; }
      var d = at - Date.now();
      var text = Math.abs(d) < 30000 ? (d < 0 ? "under a minute ago" : "in under a minute") : (d < 0 ? span(-d) + " ago" : "in " + span(d));
      // A time still to come whose passing says something else than "ago" (a pause's end: it
      // resumes any moment, once the workflow has taken it).
      if (d < 0 && el.hasAttribute("data-rel-past")) { text = el.getAttribute("data-rel-past"); }
      if (el.textContent !== text) { el.textContent = text; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    window.setInterval(relative, 30000);
  });
  document.addEventListener("htmx:afterSettle", relative);
  window.handoverRelativeTimes = relative;
})();

// Wide tables: on a narrow screen a table scrolls sideways inside itself (app.css). One that does
// takes the keyboard focus, so that it can be scrolled with the arrow keys (WCAG 2.1.1: a table of
// policies holds no link to Tab to), named by its caption or the heading it stands under; it gives
// the focus up again when it fits.
(function () {
  "use strict";
  function heading(table) {
    var last = null;
    document.querySelectorAll("h1, h2, h3").forEach(function (h) {
      if (h.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING) { last = h; }
    });
    return last;
  }
  function scrollable() {
    document.querySelectorAll("table.grid").forEach(function (table) {
      var scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.setAttribute("data-scrolls", "");
        if (!table.caption && !table.hasAttribute("aria-label") && !table.hasAttribute("aria-labelledby")) {
          var h = heading(table);
          if (h && h.id) {
            table.setAttribute("aria-labelledby", h.id);
          } else if (h) {
            table.setAttribute("aria-label", h.textContent.replace(/\s+/g, " ").trim());
          }
        }
      } else if (!scrolls && table.hasAttribute("data-scrolls")) {
        table.removeAttribute("tabindex");
        table.removeAttribute("data-scrolls");
      }
    });
  }
  var queued = false;
  window.addEventListener("resize", function () {
    if (queued) { return; }
    queued = true;
    window.requestAnimationFrame(function () { queued = false; scrollable(); });
  });
  document.addEventListener("DOMContentLoaded", scrollable);
  document.addEventListener("htmx:afterSettle", scrollable);
  window.handoverScrollable = scrollable;
})();

// Live updates: the page listens to the server's stream of action changes and redraws its
// content when something it shows has changed, unless the person is in the middle of typing.
(function () {
  "use strict";
  // A refused form shown again (at the address it was posted to) holds what the person typed: it
  // is never redrawn under them, and a redraw would fetch that address, not the page's.
  function refused() { return document.querySelector("#live[data-refused]") !== null; }
  // Its history entry is the page the form was sent from, not the form's address: Back to it, or a
  // reload, then asks for that page rather than to send the form again.
  document.addEventListener("DOMContentLoaded", function () {
    var live = document.querySelector("#live[data-refused][data-sent-from]");
    if (live && window.history.replaceState) {
      window.history.replaceState(null, "", live.getAttribute("data-sent-from"));
    }
  });

  // changed: a field is no longer as the page drew it (something typed, ticked or chosen).
  function changed(el) {
    if (el.disabled || el.type === "hidden" || el.type === "submit" || el.type === "button" || el.tagName === "BUTTON" || el.tagName === "FIELDSET") {
      return false;
    }
    if (el.type === "checkbox" || el.type === "radio") { return el.checked !== el.defaultChecked; }
    if (el.tagName === "SELECT") {
      var chosen = Array.prototype.some.call(el.options, function (o) { return o.defaultSelected; });
      if (!chosen) { return el.selectedIndex > 0; } // drawn on its first option
      return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return "defaultValue" in el && el.value !== el.defaultValue;
  }
  // typed: a form on the page holds something the person put in it. Emptied again, it holds
  // nothing to lose, and the page is redrawn again (one stray keystroke held it for good).
  function typed() {
    return Array.prototype.some.call(document.querySelectorAll("#live form"), function (f) {
      return Array.prototype.some.call(f.elements, changed);
    });
  }
  // Sending one form leaves the page, and with it what was typed in another (the outcome typed in
  // Complete, then a rating sent): it asks first, naming the form that holds it.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.closest || !form.closest("#live")) { return; }
    var other = Array.prototype.find.call(document.querySelectorAll("#live form"), function (f) {
      return f !== form && Array.prototype.some.call(f.elements, changed);
    });
    if (!other) { return; }
    var button = other.querySelector("button[type=submit]:not([disabled]), button:not([type]):not([disabled])");
    var name = button ? "the \u201c" + button.textContent.trim() + "\u201d form" : "another form";
    if (!window.confirm("What you typed in " + name + " is lost when this form is sent. Send this one anyway?")) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  // A change held while the person typed is drawn as soon as nothing typed would be lost: the
  // form emptied, or the field left with nothing in it.
  var heldForTyping = false;
  function drawHeld() {
    if (!heldForTyping) { return; }
    if (!busy()) {
      heldForTyping = false;
      refresh("Updated: the page changed while you were typing.");
      return;
    }
    // Emptied, but still in its field: what now holds the redraw is being in it.
    say(document.getElementById("live-status"), heldWords());
  }
  document.addEventListener("input", drawHeld);
  document.addEventListener("focusout", function () { window.setTimeout(drawHeld, 0); });

  function watched() {
    var el = document.querySelector("[data-live]");
    return el ? el.getAttribute("data-live") : null;
  }

  // busy: a form holds what the person typed (or was refused), or they are in one of its fields now.
  function busy() {
    var el = document.activeElement;
    return refused() || typed() || (el && el.closest && el.closest("#live form") !== null &&
      /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  // held: the page is not to be redrawn now (the person is typing, or has paused live updates);
  // it says so in the status line.
  function held(status) {
    if (busy()) {
      heldForTyping = !refused();
      say(status, heldWords());
      heldSaid = true;
      return true;
    }
    if (paused) {
      stale = true;
      say(status, "This page has changed. Resume live updates to see it.");
      heldSaid = true;
      return true;
    }
    return false;
  }
  // heldWords says what holds a change back, and so what draws it: a refused form, what was typed,
  // or only being in a field (nothing typed: leaving it draws the change).
  function heldWords() {
    if (refused()) { return "This page has changed since. You will see it once you send the form again or leave it."; }
    if (typed()) { return "This page changed while you were typing: it is redrawn once you send or empty the form."; }
    return "This page has changed: it is redrawn when you leave this field.";
  }
  // say puts words in the status line, which a screen reader reads out: the same words again are
  // not written again (a busy team's changes would have them read out once a second).
  var heldSaid = false;
  function say(status, words) {
    if (status && status.textContent !== words) { status.textContent = words; }
  }

  // One redraw at a time, at most one a second (or every data-live-gap milliseconds, on a page
  // that costs the server more to draw): changes that come meanwhile are drawn together by the
  // next one, and none is lost (a change that comes while a redraw is reading the page may not be
  // in what it read, so another follows). A busy team's board is redrawn once a second, not once
  // per change.
  var pending = false, again = null, last = 0;
  function gap() {
    var el = document.querySelector("[data-live-gap]");
    return (el && Number(el.getAttribute("data-live-gap"))) || 1000;
  }
  function refresh(reason) {
    if (pending) { again = reason; return; }
    var status = document.getElementById("live-status");
    if (held(status)) { return; }
    pending = true;
    window.setTimeout(function () { redraw(reason, status); }, Math.max(0, last + gap() - Date.now()));
  }
  function redraw(reason, status) {
    if (held(status)) { pending = false; return; }
    again = null; // what this redraw reads comes after every change announced so far
    last = Date.now();
    // Panels the person opened stay open across the redraw, and the focus stays where it was.
    var open = Array.prototype.map.call(document.querySelectorAll("#live details[open][id]"), function (d) { return d.id; });
    var focused = focusKey(document.activeElement);
    // Tables scrolled sideways on a narrow screen stay where they were.
    var scrolled = Array.prototype.map.call(document.querySelectorAll("#live table.grid"), function (t) { return t.scrollLeft; });
    comparing = fingerprint(document.getElementById("live"));
    sameAsShown = false;
    window.htmx.ajax("GET", window.location.pathname + window.location.search, {
      target: "#live", select: "#live", swap: "outerHTML"
    }).then(function () {
      comparing = null;
      document.body.setAttribute("data-checked", String(Date.now()));
      if (sameAsShown) {
        // Nothing the page shows has changed: nothing is redrawn and nothing is read out, and a
        // held change the person was told of is no longer pending.
        if (heldSaid) { say(status, ""); heldSaid = false; }
        drawn();
        return;
      }
      open.forEach(function (id) {
        var d = document.getElementById(id);
        if (d) { d.open = true; }
      });
      document.querySelectorAll("#live table.grid").forEach(function (t, i) {
        if (scrolled[i]) { t.scrollLeft = scrolled[i]; }
      });
      // What the last form did ("Handed over to Bob Brown: you own it until they accept") is
      // history once the page has changed under it: it goes, rather than contradict the page. A
      // page that follows what the form started (a shift handover's progress) keeps it, and the
      // focus on it, as it is redrawn.
      var done = document.getElementById("done");
      if (done && !document.querySelector("#live [data-done-stays]")) {
        if (document.activeElement === done) { document.getElementById("main").focus({ preventScroll: true }); }
        done.remove();
      }
      // A wide table takes the focus once it is known to scroll: known before the focus goes back.
      if (window.handoverScrollable) { window.handoverScrollable(); }
      restoreFocus(focused);
      document.body.setAttribute("data-refreshed", String(Date.now()));
      say(status, typeof reason === "function" ? reason() : reason);
      heldSaid = false;
      drawn();
    }, function () { comparing = null; drawn(); });
  }

  // A redraw that would show the same is not made: the page fetched is compared with the one
  // shown, by what a person reads in it (a time by its instant, as the page rewrites times into
  // local words and counts relative ones on), the versions drawn and the fields as drawn, leaving
  // out what each drawing makes anew (its form keys).
  var comparing = null, sameAsShown = false;
  function instants(root) {
    root.querySelectorAll("time[datetime]").forEach(function (t) { t.textContent = t.getAttribute("datetime"); });
    root.querySelectorAll("[data-rel]").forEach(function (t) { t.textContent = t.getAttribute("data-rel"); });
    root.querySelectorAll("[data-zone-note], [data-desk-note]").forEach(function (t) { t.textContent = ""; });
    return root;
  }
  function fingerprint(live) {
    if (!live) { return null; }
    var copy = instants(live.cloneNode(true));
    var parts = [copy.textContent.replace(/\s+/g, " ").trim()];
    copy.querySelectorAll("[data-version], [data-live], [data-poll]").forEach(function (el) {
      parts.push(["v", el.getAttribute("data-version"), el.getAttribute("data-live"), el.getAttribute("data-poll")].join(":"));
    });
    copy.querySelectorAll("input, select, textarea, button, option").forEach(function (el) {
      var name = el.getAttribute("name");
      if (name === "csrf" || name === "idem") { return; }
      parts.push([el.tagName, name || "", el.getAttribute("value") || "", el.hasAttribute("disabled"),
        el.hasAttribute("selected"), el.hasAttribute("checked")].join(":"));
    });
    return parts.join("\n");
  }
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (comparing === null || !e.detail.xhr || e.detail.xhr.status !== 200) { return; }
    var fetched = new DOMParser().parseFromString(e.detail.xhr.responseText, "text/html").getElementById("live");
    if (fetched && fingerprint(fetched) === comparing) {
      sameAsShown = true;
      e.detail.shouldSwap = false;
    }
  });
  function drawn() {
    pending = false;
    if (again) {
      var reason = again;
      again = null;
      refresh(reason);
    }
  }

  // An element is found again after a redraw by its id. Without one, by what it is and says (tag,
  // link, field name, form, text) and how many such come before it: a link whose row moved is
  // followed. What it says may have changed with the redraw (a wide table's counts, a button's
  // words), and then it is found by where it is: its path from the nearest element with an id (a
  // card, a row, a form, or #live itself), each step a tag and its place among the siblings of that
  // tag, taken only when what is there is of the same kind (tag, link, field name, form, class),
  // so that the focus goes to the same table or field, not to another row's link. Gone (the action
  // moved on), the focus goes to the content itself.
  // (A time in its text counts by its instant: the page shown has it in local words, a redraw
  // has it as the server wrote it until the times are rewritten.)
  function what(el) {
    return [el.tagName, el.getAttribute("href") || "", el.getAttribute("name") || "",
      el.form ? el.form.getAttribute("action") || "" : ""].join("|");
  }
  function kind(el) { return what(el) + "|" + (el.getAttribute("class") || ""); }
  function signature(el) {
    return what(el) + "|" + (instants(el.cloneNode(true)).textContent || "").replace(/\s+/g, " ").trim();
  }
  function alike(tag, sig) {
    return Array.prototype.filter.call(document.querySelectorAll("#live " + tag), function (x) {
      return signature(x) === sig;
    });
  }
  function place(el) {
    var steps = [];
    for (var n = el; n && n.parentElement && !n.id; n = n.parentElement) {
      var same = Array.prototype.filter.call(n.parentElement.children, function (x) { return x.tagName === n.tagName; });
      steps.unshift({ tag: n.tagName, i: same.indexOf(n) });
    }
    return { from: n ? n.id : "", steps: steps };
  }
  function atPlace(p, k) {
    var n = p.from && document.getElementById(p.from);
    p.steps.forEach(function (step) {
      if (!n) { return; }
      n = Array.prototype.filter.call(n.children, function (x) { return x.tagName === step.tag; })[step.i] || null;
    });
    return n && n !== document.getElementById(p.from) && n.closest("#live") && kind(n) === k ? n : null;
  }
  function focusKey(el) {
    if (!el || !el.closest || !el.closest("#live")) { return null; }
    if (el.id) { return { id: el.id }; }
    var sig = signature(el);
    return { tag: el.tagName.toLowerCase(), sig: sig, index: alike(el.tagName.toLowerCase(), sig).indexOf(el), kind: kind(el), place: place(el) };
  }
  function restoreFocus(key) {
    // Only when the redraw took the focus away; not when the person has moved on meanwhile.
    var now = document.activeElement;
    if (!key || (now && now !== document.body && !(now.closest && now.closest("#live")))) { return; }
    var el = key.id ? document.getElementById(key.id) : null;
    if (!key.id) {
      var same = alike(key.tag, key.sig);
      el = same[key.index] || same[0] || atPlace(key.place, key.kind);
    }
    if (el) { el.focus({ preventScroll: true }); }
    // Gone, or no longer focusable (a table that fits now): the content itself, so the next Tab is
    // on this page, not its top.
    if (!el || document.activeElement !== el) { document.getElementById("main").focus({ preventScroll: true }); }
  }

  // Live updates can be paused (WCAG 2.2.2); a change meanwhile is shown on resuming.
  var paused = false, stale = false;
  function pauseButton() {
    var button = document.getElementById("live-pause");
    if (!button || !watched()) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      paused = !paused;
      // The button's name says what it does now; no pressed state besides it (a button named
      // "Resume live updates" and pressed would read as resumed).
      button.textContent = paused ? "Resume live updates" : "Pause live updates";
      if (!paused && stale) {
        stale = false;
        refresh("Updated.");
      }
    });
  }

  // changedWords names the actions that changed since the status line last said so, as the page
  // shows them when the words are read out (after the redraw, which draws every one of them):
  // "this action" on its own page, one by its title on a list that shows it, else "an action" (one
  // that has left the list); several, how many, with the first titles.
  var heard = [];
  function how(change) {
    return " changed (" + change.status.replace(/_/g, " ") + (change.paused ? ", paused" : "") + ").";
  }
  function titleOf(change) {
    var card = document.querySelector("#live [data-action=\"" + window.CSS.escape(change.id) + "\"] .card-title");
    return card ? "\u201c" + card.textContent.trim() + "\u201d" : "";
  }
  function changedWords(own) {
    return function () {
      var changes = heard;
      heard = [];
      if (changes.length === 0) { return "Updated."; }
      if (own) { return "Updated: this action" + how(changes[changes.length - 1]); }
      if (changes.length === 1) { return "Updated: " + (titleOf(changes[0]) || "an action") + how(changes[0]); }
      var titles = changes.map(titleOf).filter(Boolean);
      var named = titles.slice(0, 3).join(", ");
      if (titles.length > 3) { named += " and " + (titles.length - 3) + " more"; }
      return "Updated: " + changes.length + " actions changed" + (named ? " (" + named + ")" : "") + ".";
    };
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
        heard = heard.filter(function (c) { return c.id !== change.id; });
        heard.push(change);
        refresh(changedWords(want === change.id));
      }
    });
    // A colleague's shift, team or role changed: who can take what, and who is off shift with a
    // handover waiting, is on every page that shows them.
    source.addEventListener("staff", function () {
      if (watched()) { refresh("Updated: someone's shift, team or role changed."); }
    });
    // Whether any worker runs, when that changes: the banner saying that changes wait comes and
    // goes without a reload (it is on every page, live updates paused or not).
    source.addEventListener("workers", function (e) {
      var banner = document.getElementById("no-workers");
      var state;
      try { state = JSON.parse(e.data); } catch (err) { return; }
      if (!banner || banner.hidden === state.running) { return; }
      // Hidden, it is no refusal: the pages' and their tests' ".problem" means the visible ones.
      banner.hidden = state.running;
      banner.classList.toggle("problem", !state.running);
      // Read out too: a banner that comes and goes is otherwise seen, not heard.
      say(document.getElementById("live-status"), state.running ?
        "The service's workers are back: changes are taken again." :
        "Changes are waiting: the service's workers are not running.");
    });
    pauseButton();
    var poll = document.querySelector("[data-poll]");
    if (poll) {
      // Until the page stops asking (a shift handover that has ended).
      var timer = window.setInterval(function () {
        if (!document.querySelector("[data-poll]")) {
          window.clearInterval(timer);
          return;
        }
        // Paused, the page is not asked for: a change meanwhile comes by the stream too.
        if (paused) { return; }
        refresh("Updated.");
      }, Number(poll.getAttribute("data-poll")) || 3000);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// Refusals and confirmations (the server ties each field's error to its field: aria-invalid and
// aria-describedby): a refusal, or the sentence saying what was done, takes the focus when the
// page opens, so it is read out first; a form that cannot be undone asks first (data-confirm).
(function () {
  "use strict";
  // A refusal that marked a field offers a link to it right after itself: the next Tab from the
  // refusal, which has the focus, reaches the field in error rather than the page's first one. A
  // refusal that marked none (the action changed while the page was open) links to the first field
  // of the form it refused, whose panel the page opened again with what was typed.
  function linkField(problem) {
    var live = problem.closest("#live");
    var field = live && (document.querySelector("#live [aria-invalid=\"true\"]") ||
      document.querySelector("#live form[data-refused] :is(input:not([type=hidden]), select, textarea)") ||
      document.querySelector("#live details.cmd[open] form :is(input:not([type=hidden]), select, textarea)"));
    if (!field || !field.id || problem.querySelector("a.to-field")) { return; }
    var label = document.querySelector("label[for=\"" + field.id + "\"]");
    // A choice of radio buttons is named by its group's legend.
    var group = field.type === "radio" && field.closest("fieldset");
    var legend = group && group.querySelector("legend");
    var a = document.createElement("a");
    a.href = "#" + field.id;
    a.className = "to-field";
    a.textContent = "Go to " + (legend ? legend.textContent.trim() : label ? "" : "the field");
    if (!legend && label) {
      // The label's words as it shows them: a part only a screen reader reads (the card a board's
      // field is for) stays so in the link.
      label.childNodes.forEach(function (n) {
        if (n.nodeType === Node.TEXT_NODE || (n.nodeType === Node.ELEMENT_NODE && n.classList.contains("visually-hidden"))) {
          a.appendChild(n.cloneNode(true));
        }
      });
    }
    a.addEventListener("click", function (e) {
      e.preventDefault();
      var panel = field.closest("details");
      if (panel) { panel.open = true; }
      field.focus();
    });
    problem.appendChild(document.createTextNode(" "));
    problem.appendChild(a);
  }
  // After a command on one of its cards, or a shift switched in its team table, the board's
  // address names that card or row (#card-..., #roster-...), and after a record of telling a
  // customer the inbox's names its section (#h-tell). Left to the browser, the scroll to it
  // takes the focus off the confirmation (Chromium clears the focus when it scrolls to an element
  // that cannot take it), which a screen reader then never reads out: the address is written again
  // without it before the browser scrolls (this script runs once the page is read, before the
  // browser goes to the fragment), and lead() scrolls the card into view itself, the focus left on
  // the confirmation.
  var target = null;
  if (/^#(card|roster|h)-/.test(window.location.hash) && document.getElementById("done") && window.history.replaceState) {
    target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (target) { window.history.replaceState(null, "", window.location.pathname + window.location.search); }
  }
  // A confirmation on the board of what was done to one card links back to that card, whose
  // title link then takes the focus: the keyboard goes on from there, not from the top of the
  // board.
  function linkCard(done) {
    var card = target && /^card-/.test(target.id) && target;
    var title = card && card.querySelector("a.card-title");
    if (!title || done.querySelector("a.to-card")) { return; }
    var a = document.createElement("a");
    a.href = "#" + card.id;
    a.className = "to-card";
    a.textContent = "Back to " + title.textContent.trim();
    a.addEventListener("click", function (e) {
      e.preventDefault();
      title.focus();
    });
    done.appendChild(document.createTextNode(" "));
    done.appendChild(a);
  }
  function lead() {
    var problem = document.querySelector("#live[data-refused] .problem");
    if (problem) { linkField(problem); }
    var done = document.getElementById("done");
    if (done) { linkCard(done); }
    var first = problem || done || document.querySelector("[data-lead]");
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.focus();
    }
    if (target && first === done) {
      // The card is scrolled into view, and the confirmation, at the top of the page, stays in
      // view above it (it scrolled off, the focus on it out of sight) until the focus leaves it.
      done.classList.add("pinned");
      done.addEventListener("focusout", function unpin(e) {
        if (done.contains(e.relatedTarget)) { return; }
        done.classList.remove("pinned");
        done.removeEventListener("focusout", unpin);
      });
      target.scrollIntoView();
      window.scrollBy(0, -done.offsetHeight - 8);
    }
  }
  // A value to copy (a token shown once) has a Copy button, which says in the status line that it
  // did; the field itself can be reached and copied by keyboard as well.
  function copyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var status = document.getElementById("live-status");
        var done = function () { if (status) { status.textContent = "Copied to the clipboard."; } };
        field.focus();
        field.select();
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(field.value).then(done, function () {
            if (document.execCommand("copy")) { done(); }
          });
        } else if (document.execCommand("copy")) {
          done();
        }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { lead(); copyButtons(); });
  document.addEventListener("submit", function (e) {
    var ask = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (ask && !window.confirm(ask)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
})();

// "Or due at" fields: the time typed is the desk's own local time. On submit it is sent as an
// instant (due_at); without this script the server reads it as UTC, as the pages then show times.
(function () {
  "use strict";
  function zoneNotes() {
    var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) { return; }
    document.querySelectorAll("[data-zone-note]").forEach(function (el) {
      el.textContent = "Your local time (" + zone + "). When given, it is used instead of " + (el.getAttribute("data-zone-note") || "Due in") + ".";
    });
  }
  // A desk in another time zone than the browser's (a manager in New York setting a London desk's
  // wake-up call): the field says so, and shows the time typed as the desk's clock will read it.
  function deskZone(el) {
    var from = el.getAttribute("data-zone-from");
    if (from) {
      var select = document.getElementById(from);
      var option = select && select.options[select.selectedIndex];
      return (option && option.getAttribute("data-zone")) || "";
    }
    return el.getAttribute("data-desk-zone") || "";
  }
  function deskNotes() {
    var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) { return; }
    document.querySelectorAll("input[data-due-at]").forEach(function (el) {
      var note = document.getElementById(el.id + "-desk");
      if (!note) { return; }
      var desk = deskZone(el), words = "";
      if (desk && desk !== zone) {
        var at = el.value ? new Date(el.value) : null;
        words = "The desk keeps " + desk + " time: the time you type is yours (" + zone + ").";
        if (at && !isNaN(at.getTime())) {
          try {
            words = "At the desk (" + desk + ") that is " + new Intl.DateTimeFormat(undefined, {
              timeZone: desk, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false
            }).format(at) + ".";
          } catch (err) { /* a zone this browser does not know: the warning stands */ }
        }
      }
      if (note.textContent !== words) { note.textContent = words; }
      note.hidden = words === "";
    });
  }
  // The opening hours a due time counts, where the form chooses the team: those of the team
  // chosen (the page names those of the team it was drawn with).
  function hoursNotes() {
    document.querySelectorAll("[data-hours-from]").forEach(function (el) {
      var select = document.getElementById(el.getAttribute("data-hours-from"));
      var option = select && select.options[select.selectedIndex];
      var hours = (option && option.getAttribute("data-hours")) || "";
      var words = hours ? " Counted in the team's opening hours, " + hours + ", unless the category's policy runs around the clock." : "";
      if (el.textContent !== words) { el.textContent = words; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { zoneNotes(); deskNotes(); hoursNotes(); });
  document.addEventListener("htmx:afterSettle", function () { zoneNotes(); deskNotes(); hoursNotes(); });
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("input[data-due-at]")) { deskNotes(); }
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("input[data-due-at], select")) { deskNotes(); hoursNotes(); }
  });
  document.addEventListener("submit", function (ev) {
    ev.target.querySelectorAll("input[data-due-at]").forEach(function (el) {
      var at = el.value ? new Date(el.value) : null;
      // due_at_local's is due_at, resume_at_local's resume_at.
      var hidden = el.form.querySelector("input[type=hidden][name=\"" + el.name.replace(/_local$/, "") + "\"]");
      if (hidden) { hidden.value = at && !isNaN(at.getTime()) ? at.toISOString() : ""; }
    });
  }, true);
})();

// The same action sent twice is one action: a form marked data-same-key sends the key it sent
// before with the same fields (for ten minutes), so that Back after creating an action, and the
// form sent again, answers with the action made, not a second one (the page drawn again has a
// new key of its own).
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var name = form.getAttribute && form.getAttribute("data-same-key");
    var idem = name && form.querySelector("input[name=idem]");
    if (!idem || !window.sessionStorage) { return; }
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.name !== "idem" && el.name !== "csrf" && !el.disabled &&
          !((el.type === "checkbox" || el.type === "radio") && !el.checked)) {
        fields.push(el.name + "=" + el.value);
      }
    });
    var sent = fields.join("\n"), now = Date.now(), last = null;
    try { last = JSON.parse(window.sessionStorage.getItem("sent:" + name) || "null"); } catch (err) { last = null; }
    if (last && last.fields === sent && now - last.at < 10 * 60 * 1000) {
      idem.value = last.key;
    }
    try {
      window.sessionStorage.setItem("sent:" + name, JSON.stringify({ fields: sent, key: idem.value, at: now }));
    } catch (err) { /* storage full or refused: the form still goes */ }
  }, true);
})();

// What was typed in a form that changed nothing is kept. A form sent once the person's session had
// ended leads to the sign-in page, and one whose key had expired (signed out and in again in
// another tab), or sent too often, to the error page: the server marks both (#kept-unsent). Each
// form sent is kept in the tab's session storage until the next page says how it went; kept past
// such a page, it is put back in its form once the same person is on the form's page again, or,
// when the form is not there any more, shown there to copy. Someone else signed in on the tab gets
// nothing of it, and signing out forgets it.
(function () {
  "use strict";
  var SENT = "handover.sent", KEPT = "handover.kept";
  // A failing page comes straight after its form: a record older than this is another form's.
  var ANSWER_MS = 2 * 60 * 1000;
  // What was kept is put back within this long, or forgotten.
  var KEEP_MS = 12 * 60 * 60 * 1000;
  // Fields of the page rather than of what was typed: the page drawn again has its own.
  var OWN = { csrf: true, idem: true };
  // The version of the action the form was sent for: put back with the text, so that a change made
  // since is refused (412) and shown, rather than the text taken for the action as it is now.
  var VERSION = { version: true, seen: true };
  var storage = null;
  try { storage = window.sessionStorage; } catch (err) { storage = null; }
  function read(key) {
    if (!storage) { return null; }
    try { return JSON.parse(storage.getItem(key) || "null"); } catch (err) { return null; }
  }
  function write(key, value) {
    if (!storage) { return; }
    try {
      if (value) { storage.setItem(key, JSON.stringify(value)); } else { storage.removeItem(key); }
    } catch (err) { /* storage full or refused: nothing is kept, as without this script */ }
  }
  function me() { return document.body.getAttribute("data-me") || ""; }
  function target(form) { return new URL(form.getAttribute("action") || window.location.href, window.location.href).pathname; }
  function textual(el) {
    return el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && !/^(hidden|checkbox|radio|submit|button|reset|file|image|password)$/.test(el.type));
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || !form.elements || (form.getAttribute("method") || "").toLowerCase() !== "post") { return; }
    var path = target(form);
    if (path === "/signout") {
      // Signing out forgets what was kept, whatever page it leads to.
      write(SENT, null);
      write(KEPT, null);
      return;
    }
    var record = { action: path, from: window.location.pathname + window.location.search, me: me(), at: Date.now(), fixed: [], typed: [], version: [] };
    var words = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || OWN[el.name] || el.type === "password" || /^(submit|button|reset|file|image)$/.test(el.type) || el.tagName === "BUTTON" || el.tagName === "FIELDSET") { return; }
      if (VERSION[el.name]) {
        record.version.push([el.name, el.value]);
      } else if (el.type === "hidden" && form.elements[el.name + "_local"]) {
        // Filled from its "_local" field as the form was sent (the desk's time): not the form's own.
      } else if (el.type === "hidden") {
        record.fixed.push([el.name, el.value]);
      } else if (el.type === "checkbox" || el.type === "radio") {
        record.typed.push({ name: el.name, value: el.value, checked: el.checked });
      } else {
        var label = el.labels && el.labels.length ? el.labels[0].textContent.trim() : el.name;
        record.typed.push({ name: el.name, value: el.value, label: label, text: textual(el) });
        words = words || (textual(el) && el.value.trim() !== "");
      }
    });
    // Signing in is not the person's work; a form with nothing typed loses nothing.
    write(SENT, path !== "/signin" && words ? record : null);
  });

  function matches(form, kept) {
    if (target(form) !== kept.action) { return false; }
    return kept.fixed.every(function (f) {
      var el = form.elements[f[0]];
      return !el || el.value === f[1];
    });
  }
  // putBack fills the form as it was sent and answers the labels of what it found no field for.
  function putBack(form, kept) {
    var missed = [];
    (kept.version || []).forEach(function (v) {
      var el = form.elements[v[0]];
      if (el && el.tagName === "INPUT" && el.type === "hidden") { el.value = v[1]; }
    });
    kept.typed.forEach(function (f) {
      var named = form.elements[f.name];
      if (!named) {
        if (f.text && f.value.trim() !== "") { missed.push(f); }
        return;
      }
      var els = named.length !== undefined && !named.tagName ? Array.prototype.slice.call(named) : [named];
      if ("checked" in f) {
        els.forEach(function (el) { if (el.value === f.value) { el.checked = f.checked; } });
        return;
      }
      els[0].value = f.value;
    });
    return missed;
  }
  // said is the sentence saying what became of the kept text, focused so that it is read out
  // first; with fields, it shows what they held, to copy, as the page shows a refused form's text
  // when the form is gone ("kept-fields").
  function said(text, fields) {
    var box = document.createElement("div");
    box.id = "kept-back";
    box.className = fields.length ? "kept" : "done";
    box.setAttribute("role", "status");
    box.setAttribute("tabindex", "-1");
    var p = document.createElement("p");
    p.textContent = text;
    if (fields.length) { p.className = "hint"; }
    box.appendChild(p);
    fields.forEach(function (f, i) {
      var label = document.createElement("label"), area = document.createElement("textarea");
      area.id = "kept-back-" + i;
      area.rows = 3;
      area.readOnly = true;
      area.value = f.value;
      label.htmlFor = area.id;
      label.textContent = f.label || f.name;
      box.appendChild(label);
      box.appendChild(area);
    });
    return box;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sent = read(SENT);
    write(SENT, null);
    var unsent = document.getElementById("kept-unsent");
    if (unsent) {
      if (sent && Date.now() - sent.at < ANSWER_MS) { write(KEPT, sent); }
      var kept = read(KEPT);
      if (!kept) { return; }
      unsent.hidden = false;
      if (document.body.getAttribute("data-page") === "signin") {
        unsent.textContent = "What you typed is kept in this tab: once you have signed in, it is put back in the form.";
        return;
      }
      unsent.textContent = "What you typed is kept in this tab: ";
      var back = document.createElement("a");
      back.href = kept.from;
      back.textContent = "go back to the page you were on";
      unsent.appendChild(back);
      unsent.appendChild(document.createTextNode(" to find it in the form again."));
      return;
    }
    var keep = read(KEPT);
    if (!keep) { return; }
    if (!(Date.now() - keep.at < KEEP_MS)) { write(KEPT, null); return; }
    if (!me()) {
      // Signed out (or never signed in): the sign-in page without a refusal forgets what was kept,
      // so that whoever signs in next on this tab does not get it.
      if (document.body.getAttribute("data-page") === "signin" && !document.getElementById("signin-error")) { write(KEPT, null); }
      return;
    }
    if (keep.me !== me()) { write(KEPT, null); return; }
    var form = Array.prototype.find.call(document.querySelectorAll("#live form"), function (f) { return matches(f, keep); });
    if (form) {
      write(KEPT, null);
      var missed = putBack(form, keep);
      var panel = form.closest("details");
      if (panel) { panel.open = true; }
      var box = said(missed.length ?
        "What you typed in this form before, which was not sent, is put back. The form has no field now for some of it, shown here to copy. Check it, then send it again." :
        "What you typed in this form before, which was not sent, is put back. Check it, then send it again.", missed);
      form.insertBefore(box, form.firstChild);
      box.focus();
      return;
    }
    if (window.location.pathname + window.location.search !== keep.from) { return; }
    // The page no longer has the form (the action has moved on): what was typed is shown to copy.
    write(KEPT, null);
    var words = keep.typed.filter(function (f) { return f.text && f.value.trim() !== ""; });
    var shown = said("The form you typed in before, which was not sent, is not on this page any more: the action has changed meanwhile. What you typed in it, to copy:", words);
    // Above the page's content, which a live update may draw again: it stays until the person leaves.
    var live = document.getElementById("live");
    live.parentNode.insertBefore(shown, live);
    shown.focus();
  });
})();
