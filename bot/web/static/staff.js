// Staff inbox: keeps the queue and an open conversation up to date (polling the JSON API every 2.5 s) and sends
// take/reply/note/close without a reload. Everything from the server is put in the page with textContent.
(function () {
  "use strict";
  var POLL_MS = 2500;
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (r.status === 401) { window.location.href = "/staff/login"; throw new Error("logged out"); }
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      if (r.status === 401) { window.location.href = "/staff/login"; throw new Error("logged out"); }
      return r.json().then(function (data) {
        if (!r.ok) throw new Error(data.error || ("HTTP " + r.status));
        return data;
      });
    });
  }

  function every(ms, task) {
    var running = false;
    function tick() {
      if (running) return;
      running = true;
      task().catch(function () {}).then(function () { running = false; });
    }
    setInterval(tick, ms);
    return tick;
  }

  // --- the queue ---------------------------------------------------------------------------------------------
  var queue = document.getElementById("queue");
  if (queue) {
    var tbody = queue.querySelector("tbody");
    var renderQueue = function (data) {
      var rows = document.createDocumentFragment();
      if (!data.requests.length) {
        var empty = el("tr", "empty");
        var cell = el("td", null, "No conversations are waiting.");
        cell.colSpan = 8;
        empty.appendChild(cell);
        rows.appendChild(empty);
      }
      data.requests.forEach(function (r) {
        var tr = el("tr", (r.urgent ? "urgent " : "") + r.status);
        tr.setAttribute("data-id", r.id);
        var link = el("a", null, "#" + r.id);
        link.href = "/staff/requests/" + encodeURIComponent(r.id);
        var first = el("td"); first.appendChild(link); tr.appendChild(first);
        var status = el("td");
        if (r.urgent) { status.appendChild(el("strong", "badge urgent", "URGENT")); status.appendChild(document.createTextNode(" ")); }
        status.appendChild(el("span", "badge", r.status.replace("_", " ")));
        tr.appendChild(status);
        tr.appendChild(el("td", null, r.reason_label));
        tr.appendChild(el("td", null, r.topic || ""));
        tr.appendChild(el("td", null, r.contact_name || ""));
        tr.appendChild(el("td", null, r.channel_label + (r.live ? "" : " · message")));
        tr.appendChild(el("td", null, r.created_local));
        tr.appendChild(el("td", null, r.staff || ""));
        rows.appendChild(tr);
      });
      tbody.replaceChildren(rows);
    };
    every(POLL_MS, function () { return getJSON(queue.getAttribute("data-poll")).then(renderQueue); });
  }

  // --- one conversation --------------------------------------------------------------------------------------
  var conversation = document.getElementById("conversation");
  if (conversation) {
    var pollUrl = conversation.getAttribute("data-poll");
    var last = parseInt(conversation.getAttribute("data-last") || "0", 10);
    var transcript = document.getElementById("transcript");
    var errorBox = document.getElementById("error");
    var WHO = { patient: "Patient", bot: "Assistant", system: "Clinic" };
    var metaText = function (at, delivery) { return at + (delivery ? " · " + delivery : ""); };

    var showError = function (text) {
      errorBox.textContent = text || "";
      errorBox.hidden = !text;
    };

    var messageItem = function (m) {
      var li = el("li", "msg " + m.kind + (m.before_handoff ? " before" : ""));
      li.setAttribute("data-id", m.id);
      var who = WHO[m.kind] || (m.kind === "note" ? "Note" + (m.staff ? " · " + m.staff : "") : (m.staff || "Staff"));
      li.appendChild(el("span", "who", who));
      li.appendChild(el("span", "text", m.text));
      var meta = el("span", "meta", metaText(m.at_local, m.delivery_text));
      meta.setAttribute("data-at", m.at_local);
      li.appendChild(meta);
      return li;
    };

    var applyState = function (r) {
      document.getElementById("status").textContent = r.status.replace("_", " ");
      document.getElementById("staff").textContent = r.staff || "nobody yet";
      document.getElementById("take-form").hidden = r.status !== "waiting";
      document.getElementById("actions").hidden = r.status === "closed";
      document.getElementById("closed-note").hidden = r.status !== "closed";
    };

    var refresh = function () {
      return getJSON(pollUrl + "?after=" + last).then(function (data) {
        data.messages.forEach(function (m) {
          if (transcript.querySelector('li[data-id="' + m.id + '"]')) return;
          transcript.appendChild(messageItem(m));
          last = Math.max(last, m.id);
        });
        Object.keys(data.deliveries || {}).forEach(function (id) {
          var item = transcript.querySelector('li[data-id="' + id + '"] .meta');
          if (item) item.textContent = metaText(item.getAttribute("data-at") || "", data.deliveries[id]);
        });
        if (data.messages.length) transcript.lastElementChild.scrollIntoView({ block: "nearest" });
        applyState(data.request);
      });
    };
    var tick = every(POLL_MS, refresh);

    var wire = function (formId, withText) {
      var form = document.getElementById(formId);
      if (!form) return;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var area = form.querySelector("textarea");
        var body = withText ? { text: area.value } : {};
        if (withText && !area.value.trim()) return;
        var button = form.querySelector("button");
        button.disabled = true;
        post(form.getAttribute("action"), body).then(function () {
          if (area) area.value = "";
          showError("");
          return refresh();
        }).catch(function (error) { showError(error.message); }).then(function () { button.disabled = false; });
      });
    };
    wire("take-form", false);
    wire("reply-form", true);
    wire("note-form", true);
    wire("close-form", false);
    tick();
  }
})();
